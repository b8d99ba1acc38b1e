package patch

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// CommandVerifier returns a VerifyFunc that runs command (with sh -c) in
// a temporary copy of the workspace at root with the changes written,
// from the copy of dir, within timeout; the copy leaves out .git and
// node_modules and is removed afterwards.
func CommandVerifier(root, dir, command string, timeout time.Duration) VerifyFunc {
	return func(ctx context.Context, changes []FileChange) (string, error) {
		tmp, err := os.MkdirTemp("", "lode-verify-")
		if err != nil {
			return "", err
		}
		defer os.RemoveAll(tmp)
		if err := copyTree(root, tmp); err != nil {
			return "", fmt.Errorf("copying the workspace: %w", err)
		}
		for _, c := range changes {
			if err := WriteFile(filepath.Join(tmp, filepath.FromSlash(c.Path)), c.New); err != nil {
				return "", err
			}
		}
		ctx, cancel := context.WithTimeout(ctx, timeout)
		defer cancel()
		rel, err := filepath.Rel(root, dir)
		if err != nil || strings.HasPrefix(rel, "..") {
			rel = "."
		}
		cmd := exec.CommandContext(ctx, "sh", "-c", command)
		cmd.Dir = filepath.Join(tmp, rel)
		out, err := cmd.CombinedOutput()
		if ctx.Err() == context.DeadlineExceeded {
			err = fmt.Errorf("timed out after %s", timeout)
		}
		return string(out), err
	}
}

// copyTree copies the regular files and symlinks under src to dst,
// leaving out version control and dependency directories.
func copyTree(src, dst string) error {
	return filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		target := filepath.Join(dst, rel)
		switch {
		case d.IsDir():
			if p != src && (d.Name() == ".git" || d.Name() == "node_modules") {
				return filepath.SkipDir
			}
			return os.MkdirAll(target, 0o755)
		case d.Type()&fs.ModeSymlink != 0:
			link, err := os.Readlink(p)
			if err != nil {
				return err
			}
			return os.Symlink(link, target)
		case d.Type().IsRegular():
			return copyFile(p, target)
		}
		return nil
	})
}

func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	fi, err := in.Stat()
	if err != nil {
		return err
	}
	out, err := os.OpenFile(dst, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, fi.Mode().Perm())
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// WriteFile replaces a file's content, keeping its permissions.
func WriteFile(path, content string) error {
	mode := fs.FileMode(0o644)
	if fi, err := os.Stat(path); err == nil {
		mode = fi.Mode().Perm()
	} else if !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return os.WriteFile(path, []byte(content), mode)
}
