package workspace

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/lode-ls/lode/context/text"
	"github.com/lode-ls/lode/internal/testtree"
)

func relPaths(t *testing.T, root string, files []File) []string {
	var out []string
	for _, f := range files {
		rel, err := filepath.Rel(root, f.Path)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, filepath.ToSlash(rel))
	}
	slices.Sort(out)
	return out
}

func newTestWorkspace(t *testing.T, files map[string]string) (*Workspace, string) {
	t.Helper()
	root := testtree.New(t, files)
	w := New()
	if err := w.AddFolder(root); err != nil {
		t.Fatal(err)
	}
	return w, root
}

func TestScan(t *testing.T) {
	w, root := newTestWorkspace(t, map[string]string{
		"main.go":                 "package main",
		".gitignore":              "*.log\ngen/\n!keep.log\n/rootonly.txt\n",
		".lodeignore":             "private/\n",
		".git/info/exclude":       "excluded.go\n",
		".git/config":             "[core]",
		"a.log":                   "log",
		"keep.log":                "kept",
		"rootonly.txt":            "x",
		"sub/rootonly.txt":        "kept: anchored pattern applies at the root only",
		"sub/.gitignore":          "!a.log\nlocal.go\n",
		"sub/a.log":               "re-included by the deeper file",
		"sub/local.go":            "package sub",
		"sub/ok.go":               "package sub",
		"gen/x.go":                "package gen",
		"private/p.go":            "package private",
		"excluded.go":             "package main",
		"node_modules/m/index.js": "x",
		"vendor/v/v.go":           "package v",
		"web/package.json":        "{}",
		"web/dist/bundle.js":      "built",
		"go/build/build.go":       "package build // source, not a build output",
		".env":                    "TOKEN=1",
		".env.local":              "TOKEN=2",
		"certs/server.pem":        "pem",
		"certs/server.key":        "key",
		"home/.ssh/id_rsa":        "rsa",
		"id_ed25519.pub":          "pub",
		"image.png":               "\x89PNG",
		"config/credentials.json": "{}",
		"credentials.go":          "package main // a Go file about credentials is code",
	})
	files, err := w.Scan(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		".gitignore", ".lodeignore", "credentials.go", "go/build/build.go", "keep.log", "main.go",
		"sub/.gitignore", "sub/a.log", "sub/ok.go", "sub/rootonly.txt", "web/package.json",
	}
	if diff := cmp.Diff(want, relPaths(t, root, files)); diff != "" {
		t.Errorf("Scan (-want +got):\n%s", diff)
	}
	for _, f := range files {
		if !w.Allowed(f.Path) {
			t.Errorf("scanned %s but Allowed says no", f.Path)
		}
	}
	for _, rel := range []string{"a.log", "gen/x.go", "private/p.go", "excluded.go", ".env", "certs/server.key",
		"home/.ssh/id_rsa", "node_modules/m/index.js", "vendor/v/v.go", "sub/local.go", "web/dist/bundle.js"} {
		p := filepath.Join(root, rel)
		if w.Allowed(p) {
			t.Errorf("Allowed(%s) = true", rel)
		}
		if _, err := w.ReadFile(p); !errors.Is(err, ErrNotAllowed) {
			t.Errorf("ReadFile(%s) error = %v, want ErrNotAllowed", rel, err)
		}
	}
}

func TestVendoredBySetting(t *testing.T) {
	w, root := newTestWorkspace(t, map[string]string{"vendor/v/v.go": "package v"})
	w.SetOptions(Options{Vendored: true})
	files, _ := w.Scan(context.Background())
	if diff := cmp.Diff([]string{"vendor/v/v.go"}, relPaths(t, root, files)); diff != "" {
		t.Errorf("Scan with vendored code (-want +got):\n%s", diff)
	}
}

func TestSizeAndBinary(t *testing.T) {
	w, root := newTestWorkspace(t, map[string]string{
		"big.go":   strings.Repeat("x", 2000),
		"small.go": "package small",
		"blob.dat": "abc\x00def",
	})
	w.SetOptions(Options{MaxFileSize: 1000})
	files, _ := w.Scan(context.Background())
	if diff := cmp.Diff([]string{"blob.dat", "small.go"}, relPaths(t, root, files)); diff != "" {
		t.Errorf("Scan (-want +got):\n%s", diff)
	}
	if _, err := w.ReadFile(filepath.Join(root, "blob.dat")); !errors.Is(err, ErrBinary) {
		t.Errorf("ReadFile(blob.dat) error = %v, want ErrBinary", err)
	}
	if w.Allowed(filepath.Join(root, "big.go")) {
		t.Error("Allowed(big.go) = true over the size limit")
	}
}

func TestSymlinks(t *testing.T) {
	outside := t.TempDir()
	testtree.Write(t, outside, map[string]string{"secret.go": "package outside"})
	w, root := newTestWorkspace(t, map[string]string{"lib/lib.go": "package lib", "app/app.go": "package app"})
	links := map[string]string{
		"app/liblink": filepath.Join(root, "lib"),           // inside: lib is read by its own name
		"app/loop":    filepath.Join(root, "app"),           // a loop: not followed again
		"out":         outside,                              // outside: not followed
		"outfile.go":  filepath.Join(outside, "secret.go"),  // outside: not read
		"inlink.go":   filepath.Join(root, "lib", "lib.go"), // inside file
	}
	for name, target := range links {
		if err := os.Symlink(target, filepath.Join(root, name)); err != nil {
			t.Skip("symlinks unsupported:", err)
		}
	}
	files, err := w.Scan(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	got := relPaths(t, root, files)
	// A symlinked directory is never followed: lib/lib.go is reached once,
	// by its real name.
	want := []string{"app/app.go", "inlink.go", "lib/lib.go"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Scan (-want +got):\n%s", diff)
	}
	if w.Allowed(filepath.Join(root, "outfile.go")) {
		t.Error("a symlink to a file outside the workspace is allowed")
	}
}

func TestReadFileOpenDocument(t *testing.T) {
	w, root := newTestWorkspace(t, map[string]string{"a.go": "on disk", ".env": "TOKEN=x"})
	p := filepath.Join(root, "a.go")
	w.Open(&Document{Path: p, Version: 1, Text: text.New("in the editor")})
	if data, err := w.ReadFile(p); err != nil || string(data) != "in the editor" {
		t.Errorf("ReadFile(open) = %q, %v", data, err)
	}
	w.Close(p)
	if data, err := w.ReadFile(p); err != nil || string(data) != "on disk" {
		t.Errorf("ReadFile(closed) = %q, %v", data, err)
	}
	env := filepath.Join(root, ".env")
	w.Open(&Document{Path: env, Version: 1, Text: text.New("TOKEN=y")})
	if _, err := w.ReadFile(env); !errors.Is(err, ErrNotAllowed) {
		t.Errorf("ReadFile(open .env) error = %v, want ErrNotAllowed", err)
	}
}

func TestFolders(t *testing.T) {
	w, root := newTestWorkspace(t, map[string]string{"a.go": "package a"})
	other := t.TempDir()
	testtree.Write(t, other, map[string]string{"b.go": "package b"})
	if err := w.AddFolder(other); err != nil {
		t.Fatal(err)
	}
	if err := w.AddFolder(filepath.Join(root, "a.go")); err == nil {
		t.Error("AddFolder(file) succeeded")
	}
	files, _ := w.Scan(context.Background())
	if len(files) != 2 {
		t.Fatalf("Scan found %d files, want 2", len(files))
	}
	var events []Event
	w.Subscribe(func(e Event) { events = append(events, e) })
	w.RemoveFolder(other)
	if len(w.Folders()) != 1 || len(events) != 1 || events[0].Kind != Deleted || events[0].Path != filepath.Join(other, "b.go") {
		t.Errorf("after RemoveFolder: folders %v, events %v", w.Folders(), events)
	}
}

// TestAllowedDependency checks the rule for dependencies' declarations:
// the directories that only hold dependencies may be read, inside a
// folder or outside; secrets, the directories that hold them, and what a
// folder's ignore rules leave out may not.
func TestAllowedDependency(t *testing.T) {
	w, root := newTestWorkspace(t, map[string]string{
		".gitignore":                                              "node_modules/private-pkg/\n",
		"node_modules/lodash/index.d.ts":                          "export {}",
		"node_modules/private-pkg/index.d.ts":                     "export {}",
		"node_modules/lodash/.env":                                "TOKEN=1",
		".venv/lib/python3.12/site-packages/requests/__init__.py": "",
		"vendor/golang.org/x/net/http2/http2.go":                  "package http2",
	})
	outside := t.TempDir()
	for _, tc := range []struct {
		path string
		want bool
	}{
		{filepath.Join(root, "node_modules/lodash/index.d.ts"), true},
		{filepath.Join(root, ".venv/lib/python3.12/site-packages/requests/__init__.py"), true},
		{filepath.Join(root, "vendor/golang.org/x/net/http2/http2.go"), false}, // vendored: only when the setting says
		{filepath.Join(root, "node_modules/private-pkg/index.d.ts"), false},    // the folder's ignore rules
		{filepath.Join(root, "node_modules/lodash/.env"), false},               // a secret file
		{filepath.Join(outside, "go/pkg/mod/example.com/m@v1.0.0/m.go"), true},
		{filepath.Join(outside, ".cargo/registry/src/index/serde-1.0.0/src/lib.rs"), true},
		{filepath.Join(outside, ".ssh/config.py"), false}, // a directory of secrets
		{filepath.Join(outside, "repo/.git/hooks/x.py"), false},
	} {
		if got := w.AllowedDependency(tc.path); got != tc.want {
			t.Errorf("AllowedDependency(%s) = %v, want %v", tc.path, got, tc.want)
		}
	}
	w.SetOptions(Options{Vendored: true})
	if p := filepath.Join(root, "vendor/golang.org/x/net/http2/http2.go"); !w.AllowedDependency(p) {
		t.Errorf("AllowedDependency(%s) = false with vendored code read", p)
	}
}
