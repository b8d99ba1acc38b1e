package session

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestReadSource checks what a command refuses before any work: each
// refusal is an input error naming why.
func TestReadSource(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, data []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	blob := make([]byte, 1500)
	for i := range blob {
		blob[i] = byte(i * 7919 % 251)
	}
	// As many bytes not UTF-8 as text may have (1 in 20 of the first 8
	// KiB), and a rune cut by the end of those 8 KiB, which is not one.
	cut := bytes.Repeat([]byte("\xe9 "), 409)
	cut = append(cut, bytes.Repeat([]byte("a"), 8191-len(cut))...)
	cut = append(cut, "é and more"...)
	for _, tc := range []struct {
		name, path   string
		maxSize      int
		needLanguage bool
		want         string // "" for read whole
	}{
		{"go", write("a.go", []byte("package a\n")), 0, true, ""},
		{"directory", dir, 0, false, "is a directory"},
		{"large", write("big.go", bytes.Repeat([]byte("x"), 3000)), 2000, false, "larger than context.max_file_size"},
		{"under the size", write("small.go", []byte("package small\n")), 2000, true, ""},
		{"NUL bytes", write("blob.go", blob), 0, false, "binary file"},
		{"latin-1", write("latin1.go", bytes.Repeat([]byte("caf\xe9 "), 100)), 0, false, "binary file"},
		{"rune cut by the sample", write("cut.txt", cut), 0, false, ""},
		{"unsupported language", write("hello.cob", []byte("       PROGRAM-ID. HELLO.\n")), 0, true, "unsupported language"},
		{"any language", write("notes.cob", []byte("       PROGRAM-ID. HELLO.\n")), 0, false, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			data, err := ReadSource(tc.path, tc.maxSize, tc.needLanguage)
			if tc.want == "" {
				if err != nil || len(data) == 0 {
					t.Fatalf("ReadSource = %d bytes, %v; want the file", len(data), err)
				}
				return
			}
			if !errors.Is(err, ErrInput) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("ReadSource = %d bytes, %v; want an input error saying %q", len(data), err, tc.want)
			}
		})
	}
	if _, err := ReadSource(filepath.Join(dir, "missing.go"), 0, false); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a missing file: %v, want os.ErrNotExist", err)
	}
}
