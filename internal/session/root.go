package session

import (
	"os"
	"path/filepath"

	"github.com/lode-ls/lode/internal/config"
)

// projectMarkers name, by priority, the files that mark a project's root:
// a repository or lode's own settings first, then a language's project
// file. The nearest directory holding one of a rank wins over any holding
// one of a lower rank.
var projectMarkers = [][]string{
	{".git", config.WorkspaceFile},
	{"go.mod", "package.json", "Cargo.toml", "pyproject.toml"},
}

// Root returns the workspace root of a file or directory: the nearest
// directory at or above it holding .git or .lode.toml, else the nearest
// holding a project file (go.mod, package.json, Cargo.toml,
// pyproject.toml), else the file's own directory. Every command uses it,
// so the same file has the same root and the same settings wherever lode
// was started from.
func Root(path string) string {
	abs, err := filepath.Abs(path)
	if err != nil {
		abs = filepath.Clean(path)
	}
	dir := abs
	if fi, err := os.Stat(abs); err != nil || !fi.IsDir() {
		dir = filepath.Dir(abs)
	}
	for _, markers := range projectMarkers {
		if root, ok := markedDir(dir, markers); ok {
			return root
		}
	}
	return dir
}

// markedDir returns the nearest directory at or above dir holding one of
// markers.
func markedDir(dir string, markers []string) (string, bool) {
	for d := dir; ; {
		for _, marker := range markers {
			if _, err := os.Stat(filepath.Join(d, marker)); err == nil {
				return d, true
			}
		}
		parent := filepath.Dir(d)
		if parent == d {
			return "", false
		}
		d = parent
	}
}
