package workspace

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

func TestCheckFolder(t *testing.T) {
	home := t.TempDir()
	t.Setenv("HOME", filepath.Join(home, "me"))
	os.MkdirAll(filepath.Join(home, "me", "src", "app"), 0o755)
	os.MkdirAll(filepath.Join(home, "other", "proj"), 0o755)
	project := t.TempDir()
	link := filepath.Join(project, "etc-link")
	if err := os.Symlink("/etc", link); err != nil {
		t.Skip("symlinks unsupported:", err)
	}
	for _, tc := range []struct {
		path    string
		allowed []string
		ok      bool
	}{
		{path: "/"},
		{path: "/etc"},
		{path: "/etc/postgresql"},
		{path: "/usr/lib"},
		{path: "/proc/self"},
		{path: link},
		{path: home}, // holds the home directories
		{path: filepath.Join(home, "other", "proj")}, // another user's project
		{path: filepath.Join(home, "me", ".ssh")},
		{path: filepath.Join(home, "me"), ok: true},
		{path: filepath.Join(home, "me", "src", "app"), ok: true},
		{path: project, ok: true},
		{path: project, allowed: []string{"~/src"}},
		{path: filepath.Join(home, "me", "src", "app"), allowed: []string{"~/src"}, ok: true},
		{path: filepath.Join(home, "other", "proj"), allowed: []string{filepath.Join(home, "other")}, ok: true},
		{path: "/etc", allowed: []string{"/"}},
	} {
		err := CheckFolder(tc.path, tc.allowed)
		if tc.ok && err != nil {
			t.Errorf("CheckFolder(%s, %q) = %v, want nil", tc.path, tc.allowed, err)
		}
		if !tc.ok && !errors.Is(err, ErrFolderRefused) {
			t.Errorf("CheckFolder(%s, %q) = %v, want refused", tc.path, tc.allowed, err)
		}
	}
}
