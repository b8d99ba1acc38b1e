// Package store places and writes the files lode keeps between runs (the
// workspace index, the embedded model's counts) under the user's cache
// directory. Files are written atomically and durably (a temporary file,
// synced, renamed over the old one, the directory synced), so a crash or
// a kill leaves the old file or the new one, never half of one; their
// readers still check them. A temporary file left by a writer that died
// is removed by RemoveStale; problems are told to the user once by a
// Reporter.
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

// tempPattern names the temporary files of path: ".BASE-RANDOM".
func tempPattern(path string) string { return "." + filepath.Base(path) + "-*" }

// WriteFile writes data to path atomically and durably: to a temporary
// file in the same directory (created, mode 0700, if needed), locked
// while it is written so that RemoveStale leaves it alone, synced, then
// renamed over path; the directory is synced last. On error nothing is
// left but the old file.
func WriteFile(path string, data []byte) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	tmp, err := createLocked(dir, tempPattern(path))
	if err != nil {
		return err
	}
	_, err = tmp.Write(data)
	if err == nil {
		err = tmp.Sync()
	}
	if err == nil && renameOpen {
		err = os.Rename(tmp.Name(), path) // while the lock holds
	}
	if cerr := tmp.Close(); err == nil { // closing releases the lock
		err = cerr
	}
	if err == nil && !renameOpen {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		os.Remove(tmp.Name())
		return err
	}
	return syncDir(dir)
}

// createLocked creates a temporary file in dir and takes its lock. A
// RemoveStale that ran between the creation and the lock may have removed
// it: then it tries again.
func createLocked(dir, pattern string) (*os.File, error) {
	for {
		f, err := os.CreateTemp(dir, pattern)
		if err != nil {
			return nil, err
		}
		if err := lock(f, true); err != nil {
			f.Close()
			os.Remove(f.Name())
			return nil, err
		}
		fi, err := f.Stat()
		if err != nil {
			f.Close()
			return nil, err
		}
		if named, err := os.Stat(f.Name()); err == nil && os.SameFile(fi, named) {
			return f, nil
		}
		f.Close() // removed meanwhile: the name is free again
	}
}

// syncDir makes a rename in dir durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	err = d.Sync()
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	if err != nil && !syncUnsupported(err) {
		return err
	}
	return nil
}

// RemoveStale removes the temporary files of path that no writer holds:
// what a process killed during WriteFile left. It returns how many it
// removed. Call it before using the cache file at start.
func RemoveStale(path string) int {
	names, err := filepath.Glob(filepath.Join(filepath.Dir(path), tempPattern(path)))
	if err != nil {
		return 0
	}
	n := 0
	for _, name := range names {
		f, err := os.OpenFile(name, os.O_RDWR|oNoFollow, 0)
		if err != nil {
			continue
		}
		if lock(f, false) == nil && os.Remove(name) == nil {
			n++
		}
		f.Close()
	}
	return n
}
