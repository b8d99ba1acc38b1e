package workspace

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// Errors of ReadFile.
var (
	// ErrNotAllowed reports a file that is ignored or holds secrets: it is
	// never read into context.
	ErrNotAllowed = errors.New("workspace: file is ignored or secret")
	// ErrTooLarge reports a file over the size limit (Options.MaxFileSize).
	ErrTooLarge = errors.New("workspace: file too large")
	// ErrBinary reports a file whose content is not text.
	ErrBinary = errors.New("workspace: binary file")
)

// File is a file found by a scan.
type File struct {
	Path    string // absolute; under a workspace folder, symlinks kept as named
	Size    int64
	ModTime time.Time
}

// SetOptions replaces the workspace's options. Call it before scanning.
func (w *Workspace) SetOptions(o Options) {
	w.foldersMu.Lock()
	w.opts = o
	w.foldersMu.Unlock()
}

func (w *Workspace) options() Options {
	w.foldersMu.RLock()
	defer w.foldersMu.RUnlock()
	return w.opts
}

// AddFolder adds a workspace folder. Adding a folder twice is harmless.
func (w *Workspace) AddFolder(root string) error {
	abs, err := filepath.Abs(root)
	if err != nil {
		return fmt.Errorf("workspace: folder %s: %w", root, err)
	}
	real, err := filepath.EvalSymlinks(abs)
	if err != nil {
		return fmt.Errorf("workspace: folder %s: %w", root, err)
	}
	if fi, err := os.Stat(real); err != nil || !fi.IsDir() {
		return fmt.Errorf("workspace: folder %s: not a directory", root)
	}
	w.foldersMu.Lock()
	defer w.foldersMu.Unlock()
	if slices.Contains(w.folders, abs) {
		return nil
	}
	w.folders = append(w.folders, abs)
	w.realRoots = append(w.realRoots, real)
	return nil
}

// RemoveFolder removes a workspace folder; files under it are forgotten
// (subscribers see them deleted).
func (w *Workspace) RemoveFolder(root string) {
	abs, err := filepath.Abs(root)
	if err != nil {
		return
	}
	w.foldersMu.Lock()
	i := slices.Index(w.folders, abs)
	if i >= 0 {
		w.folders = slices.Delete(w.folders, i, i+1)
		w.realRoots = slices.Delete(w.realRoots, i, i+1)
	}
	w.foldersMu.Unlock()
	if i < 0 {
		return
	}
	w.forget(func(p string) bool { return within(abs, p) && w.folderOf(p) == "" })
}

// Folders returns the workspace folders.
func (w *Workspace) Folders() []string {
	w.foldersMu.RLock()
	defer w.foldersMu.RUnlock()
	return slices.Clone(w.folders)
}

// within reports whether path is root or inside it.
func within(root, path string) bool {
	return path == root || strings.HasPrefix(path, root+string(filepath.Separator)) ||
		(strings.HasSuffix(root, string(filepath.Separator)) && strings.HasPrefix(path, root))
}

// folderOf returns the innermost workspace folder holding path, or "".
func (w *Workspace) folderOf(path string) string {
	w.foldersMu.RLock()
	defer w.foldersMu.RUnlock()
	best := ""
	for _, f := range w.folders {
		if within(f, path) && len(f) > len(best) {
			best = f
		}
	}
	return best
}

// confinedDir reports whether dir, under the workspace folder root, is
// where its name says: no directory between the folder and dir (dir
// included) is a symlink. A directory reached through a symlink (to
// outside the workspace, back to the folder, or elsewhere inside it) is
// not: lode reads files by their real names only, never twice, never
// outside. (The folder itself was resolved when it was added.)
func (w *Workspace) confinedDir(root, dir string) bool {
	if w.folderOf(dir) != root {
		return false
	}
	rel, err := filepath.Rel(root, dir)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return false
	}
	if rel == "." {
		return true
	}
	p := root
	for _, name := range strings.Split(rel, string(filepath.Separator)) {
		p = filepath.Join(p, name)
		if fi, err := os.Lstat(p); err != nil || !fi.IsDir() {
			return false // a symlink, or gone
		}
	}
	return true
}

// insideReal reports whether a symlink-resolved path lies in a folder.
func (w *Workspace) insideReal(real string) bool {
	w.foldersMu.RLock()
	defer w.foldersMu.RUnlock()
	for _, r := range w.realRoots {
		if within(r, real) {
			return true
		}
	}
	return false
}

// Allowed reports whether the file at path may be read into context: not
// a secret file, not excluded, not ignored by .gitignore, .lodeignore or
// .git/info/exclude, not over the size limit, reached without a symlinked
// directory, and (when a symlink) not pointing outside the workspace. A
// file outside every workspace folder is allowed only while the editor has
// it open.
func (w *Workspace) Allowed(path string) bool {
	return w.allowed(path)
}

// AllowedDependency reports whether lode may read a file for the
// declarations of a dependency, wherever the toolchain keeps it: the
// module cache or GOROOT, a site-packages, node_modules, Cargo's
// registry. Secret files and the directories that hold secrets or
// version control are refused everywhere; inside a folder, its ignore
// rules apply too, and its vendored code only with Options.Vendored. The
// directories that only hold dependencies, excluded from scans, are not
// refused: they are where dependencies are.
func (w *Workspace) AllowedDependency(path string) bool {
	path = filepath.Clean(path)
	if excludedFile(path) {
		return false
	}
	for dir := filepath.Dir(path); dir != filepath.Dir(dir); dir = filepath.Dir(dir) {
		if name := filepath.Base(dir); excludedDirs[name] && !dependencyDirs[name] {
			return false
		}
	}
	root := w.folderOf(path)
	if root == "" || root == path {
		return true
	}
	vendored := w.options().Vendored
	for dir := filepath.Dir(path); within(root, dir) && dir != root; dir = filepath.Dir(dir) {
		if w.ignored(root, dir, true) || !vendored && vendorDirs[filepath.Base(dir)] {
			return false // vendored code is the user's choice (the context.vendored setting)
		}
	}
	return !w.ignored(root, path, false)
}

// dependencyDirs are the excluded directories that hold dependencies
// only (no secrets): their declarations may be read.
var dependencyDirs = map[string]bool{"node_modules": true, "bower_components": true, ".venv": true, "venv": true,
	".tox": true, ".nox": true, ".cargo": true, ".eggs": true}

func (w *Workspace) allowed(path string) bool {
	path = filepath.Clean(path)
	if excludedFile(path) {
		return false
	}
	root := w.folderOf(path)
	if root != "" && root != path {
		rel := strings.Split(path[len(strings.TrimSuffix(root, string(filepath.Separator)))+1:], string(filepath.Separator))
		dir := root
		for _, name := range rel[:len(rel)-1] {
			dir = filepath.Join(dir, name)
			if w.excludedDir(dir) || w.ignored(root, dir, true) {
				return false
			}
		}
		if w.ignored(root, path, false) {
			return false
		}
	} else if root == "" {
		if _, open := w.Document(path); !open {
			return false // served while open, forgotten when closed
		}
		for dir := filepath.Dir(path); dir != filepath.Dir(dir); dir = filepath.Dir(dir) {
			if excludedDirs[filepath.Base(dir)] {
				return false
			}
		}
		return true
	}
	fi, err := os.Lstat(path)
	if err != nil {
		return true // not on disk (yet): only an open document can hold it
	}
	if root != path && !w.confinedDir(root, filepath.Dir(path)) {
		return false
	}
	if fi.Mode()&fs.ModeSymlink != 0 {
		real, err := filepath.EvalSymlinks(path)
		if err != nil || !w.insideReal(real) {
			return false
		}
		if fi, err = os.Stat(real); err != nil {
			return false
		}
	}
	return fi.Mode().IsRegular() && fi.Size() <= w.options().maxFileSize()
}

// ReadFile returns the content of the file at path: the open document's
// text when the editor has it open, else the file on disk. It refuses
// files that are not Allowed (ErrNotAllowed), open or not, and files over
// the size limit or binary (ErrTooLarge, ErrBinary), open or not; an open
// document that is minified counts as too large (see Large).
func (w *Workspace) ReadFile(path string) ([]byte, error) {
	path = filepath.Clean(path)
	if !w.Allowed(path) {
		return nil, fmt.Errorf("%w: %s", ErrNotAllowed, path)
	}
	if doc, ok := w.Document(path); ok {
		return w.readDocument(doc) // under the rules of files on disk
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	limit := w.options().maxFileSize()
	data, err := io.ReadAll(io.LimitReader(f, limit+1))
	switch {
	case err != nil:
		return nil, err
	case int64(len(data)) > limit:
		return nil, fmt.Errorf("%w: %s", ErrTooLarge, path)
	case isBinary(data):
		return nil, fmt.Errorf("%w: %s", ErrBinary, path)
	}
	return data, nil
}

// Scan walks every workspace folder and returns the files that may be
// read, in lexical order per folder. It remembers them, so that the
// watcher reports what changed since.
func (w *Workspace) Scan(ctx context.Context) ([]File, error) {
	var files []File
	for _, root := range w.Folders() {
		s := scanner{w: w, ctx: ctx, visited: make(map[string]bool)}
		if err := s.dir(root, root); err != nil {
			return files, err
		}
		files = append(files, s.files...)
	}
	w.filesMu.Lock()
	clear(w.files)
	for _, f := range files {
		w.files[f.Path] = fileStat{f.Size, f.ModTime}
	}
	w.filesMu.Unlock()
	return files, nil
}

// scanner walks one folder. It never follows a symlinked directory, and
// it starts only from a directory that is where its name says
// (confinedDir), so every file it finds is under the folder by its real
// name. visited holds the real paths of directories already walked, in
// case a bind mount shows one twice.
type scanner struct {
	w       *Workspace
	ctx     context.Context
	visited map[string]bool
	files   []File
	dirs    []string
}

func (s *scanner) dir(root, dir string) error {
	if err := s.ctx.Err(); err != nil {
		return err
	}
	if len(s.dirs) == 0 && !s.w.confinedDir(root, dir) {
		return nil // a symlink, or under one: outside, or a second name
	}
	real, err := filepath.EvalSymlinks(dir)
	if err != nil || s.visited[real] {
		return nil
	}
	s.visited[real] = true
	s.dirs = append(s.dirs, dir)
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil // unreadable directories are skipped, not fatal
	}
	maxSize := s.w.options().maxFileSize()
	for _, e := range entries {
		p := filepath.Join(dir, e.Name())
		fi, err := s.entryInfo(p, e)
		if err != nil {
			continue
		}
		if fi.IsDir() {
			if s.w.excludedDir(p) || s.w.ignored(root, p, true) {
				continue
			}
			if err := s.dir(root, p); err != nil {
				return err
			}
			continue
		}
		if !fi.Mode().IsRegular() || fi.Size() > maxSize || excludedFile(p) || s.w.ignored(root, p, false) {
			continue
		}
		s.files = append(s.files, File{Path: p, Size: fi.Size(), ModTime: fi.ModTime()})
	}
	return nil
}

// entryInfo stats an entry, following a symlink only to a file inside
// the workspace; a symlinked directory is never followed (its files, when
// inside the workspace, are found under their real names).
func (s *scanner) entryInfo(p string, e fs.DirEntry) (fs.FileInfo, error) {
	if e.Type()&fs.ModeSymlink == 0 {
		return e.Info()
	}
	real, err := filepath.EvalSymlinks(p)
	if err != nil {
		return nil, err
	}
	if !s.w.insideReal(real) {
		return nil, fs.ErrPermission
	}
	fi, err := os.Stat(real)
	if err != nil {
		return nil, err
	}
	if fi.IsDir() {
		return nil, fs.ErrPermission
	}
	return fi, nil
}
