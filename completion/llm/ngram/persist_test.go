package ngram

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

func TestSaveLoad(t *testing.T) {
	m := trained(t, map[string]string{"/w/a.go": fileA, "/w/b.go": fileB})
	path := filepath.Join(t.TempDir(), "sub", "m.ngram")
	if err := m.Save(path); err != nil {
		t.Fatal(err)
	}
	prefix := "package x\nfunc f() {\n\tfmt."
	want := probAfter(m, "/x/new.go", prefix, "Println")

	l := newModel(t, Options{})
	if err := l.Load(path); err != nil {
		t.Fatal(err)
	}
	if got := probAfter(l, "/x/new.go", prefix, "Println"); got != want {
		t.Errorf("after Load, P = %g, want %g", got, want)
	}
	if got := l.Paths(); !slices.Equal(got, []string{"/w/a.go", "/w/b.go"}) {
		t.Errorf("Paths = %v", got)
	}
	if !l.Learned("/w/a.go", []byte(fileA)) || l.Learned("/w/a.go", []byte(fileB)) {
		t.Error("Learned does not tell the saved content from another")
	}
	// The loaded model keeps learning and forgetting like the original.
	l.Forget("/w/b.go")
	if st := l.Stats(); st.Files != 1 {
		t.Errorf("after Forget: %+v", st)
	}

	data, _ := os.ReadFile(path)
	damaged := slices.Clone(data)
	damaged[len(damaged)/2] ^= 0x40
	bad := filepath.Join(t.TempDir(), "bad.ngram")
	for name, b := range map[string][]byte{"flipped byte": damaged, "truncated": data[:len(data)/3], "empty": nil} {
		os.WriteFile(bad, b, 0o644)
		fresh := trained(t, map[string]string{"/w/a.go": fileA})
		if err := fresh.Load(bad); !errors.Is(err, ErrCorrupt) {
			t.Errorf("%s: Load error %v, want ErrCorrupt", name, err)
		}
		if st := fresh.Stats(); st.Files != 1 {
			t.Errorf("%s: a failed Load changed the model: %+v", name, st)
		}
	}
	if err := newModel(t, Options{Order: 4}).Load(path); !errors.Is(err, ErrCorrupt) {
		t.Errorf("loading a model of another order: %v, want ErrCorrupt", err)
	}
	if err := newModel(t, Options{}).Load(filepath.Join(t.TempDir(), "none")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("missing file: %v, want fs.ErrNotExist", err)
	}
}

func TestCachePath(t *testing.T) {
	a, err := CachePath("/work/my proj")
	if err != nil {
		t.Skip("no user cache directory:", err)
	}
	b, _ := CachePath("/other/my proj")
	if a == b || filepath.Base(filepath.Dir(a)) != "ngram" || filepath.Ext(a) != ".ngram" {
		t.Errorf("CachePath: %q and %q", a, b)
	}
}
