package index

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// reloaded saves x to path and returns the index loaded from there,
// closed when the test ends.
func reloaded(t *testing.T, x *Index, path string) *Index {
	t.Helper()
	if err := x.Save(path); err != nil {
		t.Fatal(err)
	}
	y, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(y.Close)
	return y
}

func TestSaveLoad(t *testing.T) {
	x := build(t, testFiles)
	y := reloaded(t, x, filepath.Join(t.TempDir(), "sub", "ws.idx")) // Save makes the folder
	if a, b := x.Stats(), y.Stats(); a != b {
		t.Errorf("stats differ: %+v vs %+v", a, b)
	}
	for _, name := range []string{"Area", "NewSquare", "area_of", "Circle"} {
		if a, b := fmt.Sprint(x.Lookup(name)), fmt.Sprint(y.Lookup(name)); a != b {
			t.Errorf("Lookup(%s) differs:\n%s\n%s", name, a, b)
		}
	}
	if a, b := fmt.Sprint(x.BM25("Radius Pi area", 5, nil)), fmt.Sprint(y.BM25("Radius Pi area", 5, nil)); a != b {
		t.Errorf("BM25 differs:\n%s\n%s", a, b)
	}
	if a, b := fmt.Sprint(x.LookupPrefix("a", true, 0)), fmt.Sprint(y.LookupPrefix("a", true, 0)); a != b {
		t.Errorf("prefix differs:\n%s\n%s", a, b)
	}
	xi, _ := x.File("/ws/main.go")
	yi, _ := y.File("/ws/main.go")
	if fmt.Sprint(xi) != fmt.Sprint(yi) || !yi.ModTime.Equal(xi.ModTime) {
		t.Errorf("File differs:\n%+v\n%+v", xi, yi)
	}
	res, err := y.Build(context.Background(), memFiles(testFiles), 2, nil)
	if err != nil || res.Unchanged != len(testFiles) || res.Indexed != 0 {
		t.Errorf("Build after Load: %+v %v", res, err)
	}
}

func TestLoadCorrupt(t *testing.T) {
	x := build(t, testFiles)
	dir := t.TempDir()
	path := filepath.Join(dir, "ws.idx")
	if err := x.Save(path); err != nil {
		t.Fatal(err)
	}
	good, _ := os.ReadFile(path)
	flip := append([]byte(nil), good...)
	flip[len(flip)/2] ^= 0x40
	version := append([]byte(nil), good...)
	version[len(cacheMagic)]++
	for name, data := range map[string][]byte{
		"flipped byte": flip,
		"truncated":    good[:len(good)-10],
		"empty":        nil,
		"version":      version,
		"other file":   []byte(strings.Repeat("x", 100)),
	} {
		p := filepath.Join(dir, name)
		os.WriteFile(p, data, 0o644)
		if _, err := Load(p); !errors.Is(err, ErrCorrupt) {
			t.Errorf("%s: err = %v, want ErrCorrupt", name, err)
		}
	}
	if _, err := Load(filepath.Join(dir, "missing")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("missing: err = %v", err)
	}
}

func TestCachePath(t *testing.T) {
	t.Setenv("XDG_CACHE_HOME", "/tmp/cachehome")
	a, err := CachePath("/home/u/my proj")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := CachePath("/home/v/my proj")
	if a == b || !strings.HasPrefix(a, "/tmp/cachehome/lode/index/my_proj-") || !strings.HasSuffix(a, ".idx") {
		t.Errorf("CachePath = %q, %q", a, b)
	}
}
