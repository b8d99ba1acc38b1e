package store

import (
	"errors"
	"fmt"
	"io/fs"
	"sync"
	"syscall"
)

// Reporter tells the user about cache files that cannot be used: corrupt
// or unreadable when loaded, not writable or on a full disk when saved.
// Each problem is told once per file: a cache that cannot be saved would
// otherwise be reported at every save. lode works without its caches; the
// messages say what it costs. A nil *Reporter reports nothing.
type Reporter struct {
	report func(msg string)

	mu   sync.Mutex
	seen map[string]bool
}

// NewReporter returns a Reporter that passes each message to report
// (which logs it and, in the server, shows it to the user).
func NewReporter(report func(msg string)) *Reporter {
	return &Reporter{report: report, seen: make(map[string]bool)}
}

// Load reports that the saved what (such as "index") at path could not be
// used. A missing file is no problem: there is just nothing saved yet.
func (r *Reporter) Load(what, path string, err error) {
	if r == nil || err == nil || errors.Is(err, fs.ErrNotExist) {
		return
	}
	r.once("load "+path, fmt.Sprintf("lode: the saved %s %s could not be used (%v); it is built again from the workspace.", what, path, err))
}

// Save reports that what could not be saved at path.
func (r *Reporter) Save(what, path string, err error) {
	if r == nil || err == nil {
		return
	}
	r.once("save "+path, fmt.Sprintf("lode: cannot save the %s to %s: %s. lode works without it, but builds it again at every start.", what, path, Cause(err)))
}

func (r *Reporter) once(key, msg string) {
	r.mu.Lock()
	seen := r.seen[key]
	r.seen[key] = true
	r.mu.Unlock()
	if !seen {
		r.report(msg)
	}
}

// Cause says in words why a cache file could not be written: the disk is
// full, or the directory is not writable; else the error itself.
func Cause(err error) string {
	switch {
	case errors.Is(err, syscall.ENOSPC) || errors.Is(err, syscall.EDQUOT):
		return "the disk is full (" + err.Error() + ")"
	case errors.Is(err, syscall.EROFS) || errors.Is(err, fs.ErrPermission):
		return "the cache directory is not writable (" + err.Error() + ")"
	}
	return err.Error()
}
