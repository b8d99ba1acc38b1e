package retrieve

import (
	"strings"
	"testing"

	"github.com/lode-ls/lode/context/index"
	"github.com/lode-ls/lode/context/syntax"
)

// precisionTree has same-named definitions that a name near the cursor
// must not be taken for.
var precisionTree = map[string]string{
	"go.mod": "module example.com/app\n",
	"admin.go": `package app

import (
	"go.uber.org/zap"

	"example.com/app/store"
)

func serve(l *Listener, db *store.DB, log *zap.Logger) {
	log.Info("serving", zap.String("addr", l.addr))
	db.Close()
	l.Close()
}
`,
	"listeners.go": `package app

// Listener accepts connections.
type Listener struct{ addr string }

// String returns the listener's address.
func (l Listener) String() string { return l.addr }

// Close stops the listener.
func (l *Listener) Close() error { return nil }
`,
	"store/db.go": `package store

// DB is a database handle.
type DB struct{}

// Close releases the handle.
func (d *DB) Close() error { return nil }
`,
}

// TestRetrieveDefinitionPrecision checks that a name qualified by an
// import resolves through that import only (nothing when the import is
// not in the workspace), and that a method resolves through the type of
// the value it is selected from.
func TestRetrieveDefinitionPrecision(t *testing.T) {
	r, _, _, root := setupTree(t, precisionTree)
	tests := []struct {
		marker, symbol, wantFile, wantText string // wantFile "": no snippet of symbol
	}{
		{`zap.String(`, "zap.String", "", ""},
		{`db.Close(`, "db.Close", "store/db.go", "func (d *DB) Close() error"},
		{`l.Close(`, "l.Close", "listeners.go", "func (l *Listener) Close() error"},
	}
	for _, tc := range tests {
		t.Run(tc.marker, func(t *testing.T) {
			req := at(t, root, "admin.go", tc.marker, 2048)
			b := retrieved(t, r, req)
			var got []Snippet
			for _, s := range b.Snippets {
				if s.Symbol == tc.symbol && (s.Reason == ReasonDefinition || s.Reason == ReasonImport) {
					got = append(got, s)
				}
			}
			if tc.wantFile == "" {
				if len(got) > 0 {
					t.Errorf("definitions of %s: %+v, want none (its import is not in the workspace)", tc.symbol, got)
				}
				return
			}
			if len(got) != 1 || !strings.HasSuffix(got[0].Path, tc.wantFile) || !strings.Contains(got[0].Text, tc.wantText) {
				t.Errorf("definitions of %s: %+v, want only %s in %s", tc.symbol, got, tc.wantText, tc.wantFile)
			}
		})
	}
}

// fakeDeps declares zap.String and (*zap.Logger).Info.
type fakeDeps struct{}

func (fakeDeps) Lookup(imp, name string) ([]index.Symbol, bool) {
	if imp != "go.uber.org/zap" {
		return nil, false
	}
	switch name {
	case "String":
		return []index.Symbol{{Path: "/mod/zap/field.go", Language: "go", Definition: syntax.Definition{
			Name: "String", Kind: syntax.KindFunction, StartLine: 9, EndLine: 9,
			Signature: "func String(key, val string) Field", Doc: "// String makes a Field."}}}, true
	case "Info":
		return []index.Symbol{{Path: "/mod/zap/logger.go", Language: "go", Definition: syntax.Definition{
			Name: "Info", Kind: syntax.KindMethod, Container: "Logger", StartLine: 20, EndLine: 20,
			Signature: "func (log *Logger) Info(msg string, fields ...Field)"}}}, true
	}
	return nil, true
}

// TestRetrieveDependencyDeclarations checks that a call into a dependency
// brings the dependency's declaration, with its reason.
func TestRetrieveDependencyDeclarations(t *testing.T) {
	r, _, _, root := setupTree(t, precisionTree)
	r.SetDependencies(fakeDeps{})
	for _, tc := range []struct{ marker, symbol, want string }{
		{`zap.String(`, "zap.String", "func String(key, val string) Field"},
		{`log.Info(`, "log.Info", "func (log *Logger) Info(msg string, fields ...Field)"},
	} {
		b := retrieved(t, r, at(t, root, "admin.go", tc.marker, 2048))
		found := false
		for _, s := range b.Snippets {
			if s.Symbol == tc.symbol {
				found = s.Reason == ReasonDependency+" go.uber.org/zap" && strings.Contains(s.Text, tc.want)
			}
		}
		if !found {
			t.Errorf("no declaration of %s from its dependency in %+v", tc.symbol, b.Snippets)
		}
	}
}
