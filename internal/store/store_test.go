package store

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
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

// TestRemoveStale: a temporary file a killed writer left is removed; one a
// live writer holds is not.
func TestRemoveStale(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "crash-1234.idx")
	if err := WriteFile(path, []byte("saved")); err != nil {
		t.Fatal(err)
	}
	dead := filepath.Join(dir, ".crash-1234.idx-987654")
	os.WriteFile(dead, make([]byte, 2<<20), 0o600)
	live, err := createLocked(dir, tempPattern(path))
	if err != nil {
		t.Fatal(err)
	}
	other := filepath.Join(dir, ".other-1234.idx-1")
	os.WriteFile(other, nil, 0o600)

	if n := RemoveStale(path); n != 1 {
		t.Errorf("RemoveStale removed %d files, want 1", n)
	}
	for name, want := range map[string]bool{dead: false, live.Name(): true, other: true, path: true} {
		if _, err := os.Stat(name); (err == nil) != want {
			t.Errorf("%s: exists %v, want %v", filepath.Base(name), err == nil, want)
		}
	}
	live.Close() // its writer died
	if n := RemoveStale(path); n != 1 {
		t.Errorf("after the writer's end, RemoveStale removed %d files, want 1", n)
	}
	if data, err := os.ReadFile(path); err != nil || string(data) != "saved" {
		t.Errorf("the saved file: %q, %v", data, err)
	}
}

func TestWriteFilePrivateDir(t *testing.T) {
	path := filepath.Join(t.TempDir(), "lode", "index", "f.idx")
	if err := WriteFile(path, []byte("x")); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{filepath.Dir(path), path} {
		fi, err := os.Stat(p)
		if err != nil || fi.Mode().Perm()&0o077 != 0 {
			t.Errorf("%s: %v, %v; want it private", p, fi.Mode(), err)
		}
	}
}

func TestReporter(t *testing.T) {
	var got []string
	r := NewReporter(func(msg string) { got = append(got, msg) })
	r.Load("index", "/c/a.idx", &fs.PathError{Op: "open", Path: "/c/a.idx", Err: fs.ErrNotExist})
	if len(got) != 0 {
		t.Errorf("a missing cache was reported: %q", got)
	}
	for range 3 {
		r.Load("index", "/c/a.idx", errors.New("index: cache corrupt"))
		r.Save("index", "/c/a.idx", &fs.PathError{Op: "write", Path: "/c/a.idx", Err: syscall.ENOSPC})
		r.Save("embedded model", "/c/a.ngram", &fs.PathError{Op: "open", Path: "/c/a.ngram", Err: syscall.EROFS})
	}
	if len(got) != 3 {
		t.Fatalf("reported %d messages, want each problem once: %q", len(got), got)
	}
	for i, want := range []string{"cache corrupt", "the disk is full", "not writable"} {
		if !strings.Contains(got[i], want) {
			t.Errorf("message %d = %q, want it to say %q", i, got[i], want)
		}
	}
	var nilReporter *Reporter
	nilReporter.Save("index", "/c/a.idx", syscall.ENOSPC) // reports nothing, does not crash
}
