package main

import (
	"bytes"
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/lode-ls/lode/context/retrieve"
	"github.com/lode-ls/lode/internal/testtree"
)

func TestParsePosition(t *testing.T) {
	tests := []struct {
		in        string
		line, col int
		ok        bool
	}{
		{"a.go:12:5", 12, 5, true},
		{"a.go:12", 12, 1, true},
		{"c:/x/a.go:3:4", 3, 4, true},
		{"a.go", 0, 0, false},
	}
	for _, tc := range tests {
		path, line, col, err := parsePosition(tc.in)
		if (err == nil) != tc.ok || tc.ok && (line != tc.line || col != tc.col || !strings.HasSuffix(path, "a.go")) {
			t.Errorf("parsePosition(%q) = %q, %d, %d, %v", tc.in, path, line, col, err)
		}
	}
}

func TestRunContext(t *testing.T) {
	root := testtree.New(t, map[string]string{
		"go.mod":       "module example.com/m\n",
		"util/util.go": "package util\n\n// Double returns twice n.\nfunc Double(n int) int { return 2 * n }\n",
		"main/main.go": "package main\n\nimport \"example.com/m/util\"\n\nfunc main() {\n\tprintln(util.Double(21))\n}\n",
		"main/.env":    "TOKEN=x\n",
	})
	var out, errb bytes.Buffer
	where := filepath.Join(root, "main", "main.go") + ":6:20"
	if code := runContext(context.Background(), []string{"-json", "-no-cache", "-prefix-lines", "1", where}, &out, &errb); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	var b retrieve.Bundle
	if err := json.Unmarshal(out.Bytes(), &b); err != nil {
		t.Fatal(err)
	}
	found := false
	for _, s := range b.Snippets {
		if s.Symbol == "util.Double" && strings.Contains(s.Text, "func Double(n int) int") && s.Tokens > 0 {
			found = true
		}
	}
	if !found {
		t.Errorf("no definition of Double in %+v", b)
	}
	out.Reset()
	if code := runContext(context.Background(), []string{"-no-cache", where}, &out, &errb); code != 0 ||
		!strings.Contains(out.String(), "imported symbol util.Double  util/util.go:3-4") {
		t.Errorf("text output (exit %d):\n%s", code, out.String())
	}
	if code := runContext(context.Background(), []string{"-no-cache", filepath.Join(root, "main", ".env") + ":1:1"}, &out, &errb); code != exitUsage {
		t.Errorf("context of a secret file: exit %d, want %d (an input refused)", code, exitUsage)
	}
}

func TestPrintBundleSaysWhatWasCut(t *testing.T) {
	var out strings.Builder
	b := retrieve.Bundle{Budget: 1024, Cut: []retrieve.Cut{{Source: retrieve.ReasonSimilar, Why: "not finished within the time budget (60ms)"}}}
	printBundle(&out, b, "/w", "a.go:1:1", time.Millisecond)
	if !strings.Contains(out.String(), "cut: similar code (not finished within the time budget (60ms))") {
		t.Errorf("output does not say what was cut:\n%s", out.String())
	}
}
