//go:build !unix

package store

import (
	"errors"
	"os"
	"time"
)

const oNoFollow = 0

// renameOpen: an open file cannot be renamed here.
const renameOpen = false

// staleAge is how old a temporary file must be to count as abandoned
// where files cannot be locked.
const staleAge = time.Hour

// lock cannot lock here: a writer always gets it, and a temporary file is
// taken as abandoned once it is old.
func lock(f *os.File, wait bool) error {
	if wait {
		return nil
	}
	fi, err := f.Stat()
	if err != nil {
		return err
	}
	if time.Since(fi.ModTime()) < staleAge {
		return errors.New("store: temporary file may be in use")
	}
	return nil
}

// syncUnsupported reports a directory sync the system refuses (Windows
// cannot sync a directory).
func syncUnsupported(err error) bool { return true }
