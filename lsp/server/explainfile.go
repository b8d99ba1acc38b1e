package server

import (
	"fmt"
	"os"
	"path/filepath"
	"sync"
)

// explainFiles holds the markdown files of explanations shown as
// documents. They live in a directory of the session's own, made with
// os.MkdirTemp (mode 0700, a fresh name) on first use and removed when the
// session ends: a shared, predictable directory could be another user's,
// with a symlink planted where lode writes.
type explainFiles struct {
	mu  sync.Mutex
	dir string // "" until the first file
}

// write stores data as the file name (a base name) and returns its path.
// An earlier file of that name is replaced.
func (f *explainFiles) write(name string, data []byte) (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.dir == "" {
		dir, err := os.MkdirTemp("", "lode-explain-")
		if err != nil {
			return "", fmt.Errorf("explanation file: %w", err)
		}
		f.dir = dir
	}
	path := filepath.Join(f.dir, filepath.Base(name))
	// The directory is ours alone, so removing then creating exclusively
	// (never through a symlink) cannot be raced by anyone else.
	os.Remove(path)
	file, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL|oNoFollow, 0o600)
	if err != nil {
		return "", fmt.Errorf("explanation file: %w", err)
	}
	_, err = file.Write(data)
	if cerr := file.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(path)
		return "", fmt.Errorf("explanation file: %w", err)
	}
	return path, nil
}

// removeAll deletes the directory and its files, at the end of the session.
func (f *explainFiles) removeAll() {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.dir != "" {
		os.RemoveAll(f.dir)
		f.dir = ""
	}
}
