package workspace

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
)

// ErrFolderRefused reports a directory that may not become a workspace
// folder: the file system root, a system directory, a directory holding
// home directories or another user's home, or a directory outside the
// allowed roots. Open the project itself instead.
var ErrFolderRefused = errors.New("workspace: folder refused")

// systemDirs are directories, with everything below them, that hold the
// system's configuration, programs or state rather than anyone's project.
var systemDirs = []string{
	"/etc", "/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32", "/boot",
	"/dev", "/proc", "/sys", "/run", "/snap",
	"/var/lib", "/var/log", "/var/cache", "/var/spool", "/var/mail", "/var/db", "/var/backups", "/var/run",
	"/System", "/Library", "/private/etc", "/private/var/db", "/private/var/log",
}

// credentialDirs are directories below the home directory that hold keys
// and credentials.
var credentialDirs = []string{".ssh", ".gnupg", ".aws", ".azure", ".kube", ".docker", ".password-store", ".config/gcloud"}

// CheckFolder reports whether the directory at path may become a workspace
// folder, its symlinks resolved: never the file system root, a system
// directory, the directory holding the home directories or another user's
// home, or a directory of credentials in the user's home. When allowed is
// not empty the folder must also lie within one of its directories (a
// leading ~ is the home directory); a folder within them may be in
// another user's home. The error wraps ErrFolderRefused and says why.
func CheckFolder(path string, allowed []string) error {
	abs, err := filepath.Abs(path)
	if err != nil {
		return fmt.Errorf("%w: %s: %v", ErrFolderRefused, path, err)
	}
	real, err := filepath.EvalSymlinks(abs)
	if err != nil {
		real = abs // a missing folder is refused later, when it is added
	}
	home, _ := os.UserHomeDir()
	if home != "" {
		if h, err := filepath.EvalSymlinks(home); err == nil {
			home = h
		}
	}
	inAllowed := false
	for _, a := range allowed {
		if r := expandRoot(a, home); r != "" && within(r, real) {
			inAllowed = true
		}
	}
	refuse := func(why string) error {
		return fmt.Errorf("%w: %s is %s", ErrFolderRefused, path, why)
	}
	for _, p := range []string{abs, real} {
		if p == filepath.Dir(p) {
			return refuse("the root of the file system")
		}
		if runtime.GOOS != "windows" {
			for _, d := range systemDirs {
				if within(d, p) {
					return refuse("a system directory (" + d + ")")
				}
			}
		}
		if home == "" {
			continue
		}
		homes := filepath.Dir(home)
		switch {
		case within(p, home) && p != home:
			return refuse("a directory that holds home directories")
		case homes != filepath.Dir(homes) && within(homes, p) && !within(home, p) && !inAllowed:
			return refuse("in another user's home directory")
		}
		for _, c := range credentialDirs {
			if within(filepath.Join(home, c), p) {
				return refuse("a directory of credentials")
			}
		}
	}
	if len(allowed) > 0 && !inAllowed {
		return refuse("outside the allowed roots (workspace.allowed_roots: " + strings.Join(allowed, ", ") + ")")
	}
	return nil
}

// expandRoot makes an allowed root absolute and real; "" when it cannot be.
func expandRoot(root, home string) string {
	if root == "~" || strings.HasPrefix(root, "~/") {
		if home == "" {
			return ""
		}
		root = filepath.Join(home, root[1:])
	}
	if !filepath.IsAbs(root) {
		return ""
	}
	root = filepath.Clean(root)
	if r, err := filepath.EvalSymlinks(root); err == nil {
		root = r
	}
	return root
}
