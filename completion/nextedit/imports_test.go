package nextedit

import "testing"

// TestImportMoved: a Go import path switched to a package of the same
// name switches in the other files that import it; a switch to another
// package is the file's own.
func TestImportMoved(t *testing.T) {
	before := "package a\n\nimport (\n\t\"fmt\"\n\n\t\"go.mongodb.org/mongo-driver/bson\"\n)\n"
	after := "package a\n\nimport (\n\t\"fmt\"\n\n\t\"go.mongodb.org/mongo-driver/v2/bson\"\n)\n"
	_, c := predict(t, "a.go", before, after)
	if c == nil || !c.Elsewhere(0) || !c.Elsewhere(1) {
		t.Fatalf("change %+v: want one that goes to the other files", c)
	}
	other := "package b\n\nimport (\n\t\"errors\"\n\n\t\"go.mongodb.org/mongo-driver/bson\"\n)\n\nvar s = \"go.mongodb.org/mongo-driver/bson\"\n"
	want := "package b\n\nimport (\n\t\"errors\"\n\n\t\"go.mongodb.org/mongo-driver/v2/bson\"\n)\n\nvar s = \"go.mongodb.org/mongo-driver/bson\"\n"
	if got := apply(other, c.Sites("b/b.go", other, Span{0, len(other)}, Span{-1, -1}, false)); got != want {
		t.Errorf("b/b.go after the predicted edits:\n%s\nwant:\n%s", got, want)
	}
	for _, tc := range []struct{ old, new string }{
		{"gopkg.in/yaml.v3", "github.com/goccy/go-yaml"},
		{"github.com/dgrijalva/jwt-go", "github.com/golang-jwt/jwt/v4"},
	} {
		if goPackageName(tc.old) != goPackageName(tc.new) {
			t.Errorf("%s and %s: packages %q and %q, want the same", tc.old, tc.new, goPackageName(tc.old), goPackageName(tc.new))
		}
	}
	before = "package a\n\nimport \"bytes\"\n"
	after = "package a\n\nimport \"errors\"\n"
	if _, c := predict(t, "a.go", before, after); c != nil {
		t.Errorf("another package imported: inferred a %s change, want none", c.Kind)
	}
}
