// Package store places and writes the files lode keeps between runs (the
// workspace index, the embedded model's counts) under the user's cache
// directory. Files are written atomically, so a crash leaves the old file
// or the new one, never half of one; their readers still check them.
//
// Package store depends on the standard library alone.
package store

import (
	"fmt"
	"hash/crc32"
	"os"
	"path/filepath"
	"strings"
)

// Path returns where the file of kind (a folder name, such as "index") for
// the workspace folder root lives: os.UserCacheDir()/lode/KIND/NAME-HASH.EXT,
// NAME being the folder's base name and HASH its absolute path's CRC-32.
func Path(kind, root, ext string) (string, error) {
	dir, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("cache: %w", err)
	}
	abs, err := filepath.Abs(root)
	if err != nil {
		return "", fmt.Errorf("cache: %w", err)
	}
	name := fmt.Sprintf("%s-%08x%s", sanitize(filepath.Base(abs)), crc32.ChecksumIEEE([]byte(abs)), ext)
	return filepath.Join(dir, "lode", kind, name), nil
}

// sanitize keeps a file name to letters, digits, '-', '_' and '.'.
func sanitize(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '-' || r == '_' || r == '.' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' {
			return r
		}
		return '_'
	}, s)
}

// WriteFile writes data to path atomically: to a temporary file in the same
// directory (created if needed), renamed over path once complete.
func WriteFile(path string, data []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+"-*")
	if err != nil {
		return err
	}
	_, err = tmp.Write(data)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		os.Remove(tmp.Name())
	}
	return err
}
