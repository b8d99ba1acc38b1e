package store

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestPath(t *testing.T) {
	t.Setenv("XDG_CACHE_HOME", "/cache")
	a, err := Path("index", "/w/my project", ".idx")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(a, "/cache/lode/index/my_project-") || !strings.HasSuffix(a, ".idx") {
		t.Errorf("Path = %q", a)
	}
	b, _ := Path("index", "/other/my project", ".idx")
	if a == b {
		t.Errorf("two folders of one name share %q", a)
	}
}

func TestWriteFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sub", "f.bin")
	for _, content := range []string{"first", "second, longer"} {
		if err := WriteFile(path, []byte(content)); err != nil {
			t.Fatal(err)
		}
		got, err := os.ReadFile(path)
		if err != nil || string(got) != content {
			t.Errorf("read %q, %v; want %q", got, err, content)
		}
	}
	entries, _ := os.ReadDir(filepath.Dir(path))
	if len(entries) != 1 {
		t.Errorf("temporary files left: %d entries", len(entries))
	}
	if err := WriteFile(filepath.Join(path, "under-a-file"), nil); err == nil {
		t.Error("writing under a file gave no error")
	}
}
