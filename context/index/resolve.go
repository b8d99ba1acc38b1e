package index

import (
	"path"
	"path/filepath"
	"sort"
	"strings"

	"github.com/lode-ls/lode/context/syntax"
)

// Siblings returns the other indexed files of file's package: the same
// directory and language, and for Go and Java the same package name.
// Sorted.
func (x *Index) Siblings(file string) []string {
	dir := filepath.Dir(file)
	x.mu.RLock()
	defer x.mu.RUnlock()
	f := x.files[file]
	var out []string
	for _, p := range x.dirs[dir] {
		g := x.files[p]
		if p == file {
			continue
		}
		if f != nil && (g.lang != f.lang || g.pkg != f.pkg) {
			continue
		}
		out = append(out, p)
	}
	sort.Strings(out)
	return out
}

// Resolve returns the indexed files an import of file from refers to, best
// guesses first, by the conventions of its language: a Go import path is
// the directory whose path shares the longest tail with it; Python dotted
// modules, Java packages and C includes match by path suffix; relative
// JavaScript and TypeScript imports are joined to from's directory.
// Nothing is returned for imports outside the workspace.
func (x *Index) Resolve(from string, imp syntax.Import) []string {
	lang := ""
	x.mu.RLock()
	if f := x.files[from]; f != nil {
		lang = f.lang
	}
	x.mu.RUnlock()
	switch lang {
	case "go":
		return x.resolveGo(imp.Path)
	case "python":
		p := imp.Path
		if strings.HasPrefix(p, ".") {
			dots := len(p) - len(strings.TrimLeft(p, "."))
			base := filepath.Dir(from)
			for range dots - 1 {
				base = filepath.Dir(base)
			}
			p = strings.ReplaceAll(p[dots:], ".", "/")
			return x.existing(filepath.Join(base, p)+".py", filepath.Join(base, p, "__init__.py"))
		}
		p = strings.ReplaceAll(p, ".", "/")
		return x.bySuffix("/"+p+".py", "/"+p+"/__init__.py")
	case "javascript", "typescript", "tsx":
		if !strings.HasPrefix(imp.Path, ".") {
			return nil
		}
		base := filepath.Join(filepath.Dir(from), imp.Path)
		var cands []string
		for _, ext := range []string{"", ".ts", ".tsx", ".js", ".jsx", ".mjs", "/index.ts", "/index.tsx", "/index.js"} {
			cands = append(cands, base+ext)
		}
		return x.existing(cands...)
	case "java":
		p := strings.ReplaceAll(imp.Path, ".", "/")
		if files := x.bySuffix("/" + p + ".java"); len(files) > 0 {
			return files
		}
		return x.inDirWithSuffix("/"+p, ".java")
	case "c", "cpp":
		if same := x.existing(filepath.Join(filepath.Dir(from), imp.Path)); len(same) > 0 {
			return same
		}
		return x.bySuffix("/" + imp.Path)
	case "rust":
		p := imp.Path
		for _, pre := range []string{"crate::", "self::", "super::"} {
			p = strings.TrimPrefix(p, pre)
		}
		first, _, _ := strings.Cut(p, "::")
		return x.bySuffix("/"+first+".rs", "/"+first+"/mod.rs")
	}
	return nil
}

// resolveGo finds the directories whose path ends with the longest tail of
// importPath (at least its last element) and returns their Go files.
func (x *Index) resolveGo(importPath string) []string {
	elems := strings.Split(importPath, "/")
	x.mu.RLock()
	defer x.mu.RUnlock()
	best, bestN := map[string]bool{}, 0
	for p, f := range x.files {
		if f.lang != "go" {
			continue
		}
		dir := strings.Split(filepath.ToSlash(filepath.Dir(p)), "/")
		n := 0
		for n < len(elems) && n < len(dir) && elems[len(elems)-1-n] == dir[len(dir)-1-n] {
			n++
		}
		switch {
		case n == 0 || n < bestN:
		case n > bestN:
			best, bestN = map[string]bool{p: true}, n
		default:
			best[p] = true
		}
	}
	out := make([]string, 0, len(best))
	for p := range best {
		out = append(out, p)
	}
	sort.Strings(out)
	return out
}

// existing returns those of paths that are indexed, in order.
func (x *Index) existing(paths ...string) []string {
	x.mu.RLock()
	defer x.mu.RUnlock()
	var out []string
	for _, p := range paths {
		if x.files[p] != nil {
			out = append(out, p)
		}
	}
	return out
}

// bySuffix returns the indexed files whose slash path ends with one of
// suffixes, sorted.
func (x *Index) bySuffix(suffixes ...string) []string {
	x.mu.RLock()
	defer x.mu.RUnlock()
	var out []string
	for p := range x.files {
		sp := filepath.ToSlash(p)
		for _, s := range suffixes {
			if strings.HasSuffix(sp, s) {
				out = append(out, p)
				break
			}
		}
	}
	sort.Strings(out)
	return out
}

// inDirWithSuffix returns the files with extension ext directly in a
// directory whose slash path ends with dirSuffix.
func (x *Index) inDirWithSuffix(dirSuffix, ext string) []string {
	x.mu.RLock()
	defer x.mu.RUnlock()
	var out []string
	for p := range x.files {
		sp := filepath.ToSlash(p)
		if path.Ext(sp) == ext && strings.HasSuffix(path.Dir(sp), dirSuffix) {
			out = append(out, p)
		}
	}
	sort.Strings(out)
	return out
}
