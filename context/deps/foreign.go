package deps

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/lode-ls/lode/context/index"
	"github.com/lode-ls/lode/context/syntax"
)

// The surfaces of Python, JavaScript/TypeScript and Rust dependencies,
// found where each toolchain keeps them: the active environment's
// site-packages (stubs first), node_modules (declaration files first),
// and Cargo's registry sources at the versions Cargo.lock names. They are
// read through tree-sitter, lazily and one package at a time like Go's,
// and are never saved (an environment changes under the same names).

// langSep separates a language from an import path in the key of a
// package that is not Go's.
const langSep = "\x00"

// maxForeignFiles bounds the files one package's surface is read from
// (re-exports followed).
const maxForeignFiles = 24

// LookupIn is Lookup for a package of the language lang (syntax's name:
// "python", "javascript", "typescript", "tsx", "rust"; "go" is Lookup).
func (s *Surface) LookupIn(lang, importPath, name string) (syms []index.Symbol, ok bool) {
	switch lang {
	case "go":
		return s.Lookup(importPath, name)
	case "tsx", "typescript":
		lang = "javascript" // one node_modules
	case "python", "javascript", "rust":
	default:
		return nil, false
	}
	if importPath == "" || strings.HasPrefix(importPath, ".") || strings.HasPrefix(importPath, "/") {
		return nil, false // the workspace's own
	}
	p := s.ready(lang + langSep + importPath)
	if p == nil || p.decls == nil {
		return nil, false
	}
	return p.decls[name], true
}

// PreloadIn reads the packages of lang (as LookupIn names it) that the
// import paths name, and waits for them or for ctx.
func (s *Surface) PreloadIn(ctx context.Context, lang string, paths []string) {
	if lang == "go" {
		s.PreloadPaths(ctx, paths)
		return
	}
	if lang == "tsx" || lang == "typescript" {
		lang = "javascript"
	}
	var keys []string
	for _, p := range paths {
		if p != "" && !strings.HasPrefix(p, ".") && !strings.HasPrefix(p, "/") {
			keys = append(keys, lang+langSep+p)
			s.get(keys[len(keys)-1])
		}
	}
	for _, k := range keys {
		s.Wait(ctx, k)
	}
}

// readForeign reads the package of key (lang, langSep, import path).
func (s *Surface) readForeign(ctx context.Context, key string) (dir string, decls map[string][]index.Symbol) {
	lang, imp, _ := strings.Cut(key, langSep)
	var files []string
	switch lang {
	case "python":
		files = s.pythonFiles(imp)
	case "javascript":
		files = s.nodeFiles(imp)
	case "rust":
		files = s.rustFiles(imp)
	}
	if len(files) == 0 {
		return "", nil
	}
	decls = map[string][]index.Symbol{}
	dir = filepath.Dir(files[0])
	seen := map[string]bool{}
	for len(files) > 0 && len(seen) < maxForeignFiles && ctx.Err() == nil {
		f := files[0]
		files = files[1:]
		if seen[f] {
			continue
		}
		seen[f] = true
		files = append(files, s.readForeignFile(ctx, lang, f, decls)...)
	}
	return dir, decls
}

// readForeignFile adds the public declarations of one file to decls and
// returns the files it re-exports from.
func (s *Surface) readForeignFile(ctx context.Context, lang, path string, decls map[string][]index.Symbol) []string {
	src, err := os.ReadFile(path)
	if err != nil || len(src) > maxFileBytes {
		return nil
	}
	sl := syntax.Detect("", path)
	if sl == nil {
		return nil
	}
	tree, err := syntax.Parse(ctx, sl, src)
	if err != nil {
		return nil
	}
	o := tree.Outline()
	tree.Close()
	for _, d := range o.Definitions {
		if !public(lang, path, d) {
			continue
		}
		decls[d.Name] = append(decls[d.Name], index.Symbol{Path: path, Language: sl.Name, Definition: d})
	}
	switch lang {
	case "python":
		return pythonReexports(path, o.Imports)
	case "javascript":
		return nodeReexports(path, src)
	case "rust":
		return nil
	}
	return nil
}

// public reports whether a declaration belongs to a package's surface.
func public(lang, path string, d syntax.Definition) bool {
	switch lang {
	case "python":
		return !strings.HasPrefix(d.Name, "_") || d.Name == "__init__"
	case "javascript":
		return d.Kind != syntax.KindVariable || strings.HasSuffix(path, ".d.ts")
	case "rust":
		// A trait's methods are as public as the trait; other items say so.
		return strings.HasPrefix(d.Signature, "pub") || d.Kind == syntax.KindMethod && !strings.Contains(d.Signature, "{") && strings.HasSuffix(strings.TrimSpace(d.Signature), ";")
	}
	return false
}

// Python: the active environment.

// pythonPaths returns the directories Python imports from: the active
// virtual environment's site-packages, a .venv or venv in the workspace,
// else the interpreter's sys.path (asked once, with a timeout).
func (s *Surface) pythonPaths() []string {
	s.pyOnce.Do(func() {
		var envs []string
		if v := os.Getenv("VIRTUAL_ENV"); v != "" {
			envs = append(envs, v)
		}
		if s.root != "" {
			envs = append(envs, filepath.Join(s.root, ".venv"), filepath.Join(s.root, "venv"))
		}
		for _, env := range envs {
			sp, _ := filepath.Glob(filepath.Join(env, "lib", "python3*", "site-packages"))
			sp2, _ := filepath.Glob(filepath.Join(env, "Lib", "site-packages"))
			s.pyPaths = append(s.pyPaths, append(sp, sp2...)...)
		}
		if len(s.pyPaths) > 0 {
			return
		}
		ctx, cancel := context.WithTimeout(s.ctx, 3*time.Second)
		defer cancel()
		out, err := exec.CommandContext(ctx, s.python, "-c", "import sys\nfor p in sys.path: print(p)").Output()
		if err != nil {
			return
		}
		for _, l := range strings.Split(string(out), "\n") {
			if l = strings.TrimSpace(l); l != "" && filepath.IsAbs(l) && isDir(l) {
				s.pyPaths = append(s.pyPaths, l)
			}
		}
	})
	return s.pyPaths
}

// pythonFiles returns the file that defines the module imp ("a.b"):
// a stub (.pyi, or a -stubs package) before the source.
func (s *Surface) pythonFiles(imp string) []string {
	parts := strings.Split(imp, ".")
	rel := filepath.Join(parts...)
	stubRel := filepath.Join(append([]string{parts[0] + "-stubs"}, parts[1:]...)...)
	for _, ext := range []string{".pyi", ".py"} {
		for _, base := range s.pythonPaths() {
			for _, r := range []string{stubRel, rel} {
				for _, f := range []string{filepath.Join(base, r+ext), filepath.Join(base, r, "__init__"+ext)} {
					if isFile(f) {
						return []string{f}
					}
				}
			}
		}
	}
	return nil
}

// pythonReexports returns the modules of the package that a module's
// "from .x import a" statements name: what a package's __init__ makes
// its own.
func pythonReexports(path string, imports []syntax.Import) []string {
	var out []string
	dir := filepath.Dir(path)
	for _, imp := range imports {
		if !strings.HasPrefix(imp.Path, ".") || len(imp.Names) == 0 {
			continue
		}
		rel := strings.TrimLeft(imp.Path, ".")
		d := dir
		for i := 1; i < len(imp.Path)-len(rel); i++ {
			d = filepath.Dir(d)
		}
		base := filepath.Join(d, filepath.Join(strings.Split(rel, ".")...))
		for _, f := range []string{base + ".pyi", base + ".py", filepath.Join(base, "__init__.pyi"), filepath.Join(base, "__init__.py")} {
			if isFile(f) {
				out = append(out, f)
				break
			}
		}
	}
	return out
}

// Node: node_modules.

// nodeFiles returns the file that declares the package imp ("lodash",
// "@scope/pkg", "pkg/sub"): its declaration file (package.json's
// "types" or "typings", index.d.ts, @types/...) before its JavaScript.
func (s *Surface) nodeFiles(imp string) []string {
	name, sub := imp, ""
	parts := strings.SplitN(imp, "/", 3)
	switch {
	case strings.HasPrefix(imp, "@") && len(parts) >= 2:
		name = parts[0] + "/" + parts[1]
		if len(parts) == 3 {
			sub = parts[2]
		}
	case len(parts) >= 2:
		name, sub = parts[0], strings.Join(parts[1:], "/")
	}
	for dir := s.root; dir != "" && dir != filepath.Dir(dir); dir = filepath.Dir(dir) {
		nm := filepath.Join(dir, "node_modules")
		if !isDir(nm) {
			continue
		}
		pkg := filepath.Join(nm, filepath.FromSlash(name))
		if sub != "" {
			if f := jsFile(filepath.Join(pkg, filepath.FromSlash(sub))); f != "" {
				return []string{f}
			}
			continue
		}
		if f := packageEntry(pkg); f != "" {
			return []string{f}
		}
		typesName := strings.ReplaceAll(strings.TrimPrefix(name, "@"), "/", "__")
		if f := packageEntry(filepath.Join(nm, "@types", typesName)); f != "" {
			return []string{f}
		}
	}
	return nil
}

// packageEntry returns a package's declaration file, else its main file.
func packageEntry(pkg string) string {
	var pj struct{ Types, Typings, Main string }
	if data, err := os.ReadFile(filepath.Join(pkg, "package.json")); err == nil {
		json.Unmarshal(data, &pj)
	} else if !isDir(pkg) {
		return ""
	}
	for _, t := range []string{pj.Types, pj.Typings} {
		if t != "" {
			if f := jsFile(filepath.Join(pkg, filepath.FromSlash(t))); f != "" {
				return f
			}
		}
	}
	if f := filepath.Join(pkg, "index.d.ts"); isFile(f) {
		return f
	}
	if pj.Main != "" {
		if f := jsFile(filepath.Join(pkg, filepath.FromSlash(pj.Main))); f != "" {
			return f
		}
	}
	return jsFile(filepath.Join(pkg, "index"))
}

// jsFile returns the file a module path names: its declaration file
// first.
func jsFile(p string) string {
	base := strings.TrimSuffix(strings.TrimSuffix(p, ".js"), ".d.ts")
	for _, f := range []string{base + ".d.ts", filepath.Join(base, "index.d.ts"), p, base + ".js", filepath.Join(base, "index.js")} {
		if isFile(f) {
			return f
		}
	}
	return ""
}

var jsReexport = regexp.MustCompile(`(?m)^\s*export\s+(?:\*(?:\s+as\s+\w+)?|\{[^}]*\})\s+from\s+['"](\.[^'"]+)['"]`)

// nodeReexports returns the files that "export ... from './x'" names.
func nodeReexports(path string, src []byte) []string {
	var out []string
	for _, m := range jsReexport.FindAllSubmatch(src, -1) {
		if f := jsFile(filepath.Join(filepath.Dir(path), filepath.FromSlash(string(m[1])))); f != "" {
			out = append(out, f)
		}
	}
	return out
}

// Rust: Cargo's registry.

// rustFiles returns the file of the crate module that imp ("serde",
// "serde::de", "serde::de::Deserialize") names, at the version
// Cargo.lock names.
func (s *Surface) rustFiles(imp string) []string {
	parts := strings.Split(imp, "::")
	crate := parts[0]
	if crate == "crate" || crate == "self" || crate == "super" || crate == "std" || crate == "core" || crate == "alloc" {
		return nil
	}
	src := s.crateDir(crate)
	if src == "" {
		return nil
	}
	mods := parts[1:]
	// The longest module path that is a file; an item's name may end imp.
	for n := len(mods); n >= 0; n-- {
		base := filepath.Join(append([]string{src, "src"}, mods[:n]...)...)
		cands := []string{base + ".rs", filepath.Join(base, "mod.rs")}
		if n == 0 {
			cands = []string{filepath.Join(src, "src", "lib.rs")}
		}
		for _, f := range cands {
			if isFile(f) {
				return []string{f}
			}
		}
	}
	return nil
}

// crateDir returns the registry source directory of the crate at the
// version Cargo.lock names ("" when there is none).
func (s *Surface) crateDir(crate string) string {
	s.cargoOnce.Do(func() {
		s.crates = map[string]string{}
		data, err := os.ReadFile(filepath.Join(s.root, "Cargo.lock"))
		if err != nil {
			return
		}
		name := ""
		sc := bufio.NewScanner(bytes.NewReader(data))
		for sc.Scan() {
			line := strings.TrimSpace(sc.Text())
			if v, ok := strings.CutPrefix(line, "name = "); ok {
				name = strings.Trim(v, `"`)
			} else if v, ok := strings.CutPrefix(line, "version = "); ok && name != "" {
				// Of several versions, the newest: most likely the
				// workspace's own requirement, the others older crates'.
				k, v := strings.ReplaceAll(name, "-", "_"), strings.Trim(v, `"`)
				if old, ok := s.crates[k]; !ok || newerVersion(v, strings.TrimPrefix(old, name+"-")) {
					s.crates[k] = name + "-" + v
				}
				name = ""
			}
		}
	})
	dirName := s.crates[strings.ReplaceAll(crate, "-", "_")]
	if dirName == "" || s.cargoHome == "" {
		return ""
	}
	regs, _ := filepath.Glob(filepath.Join(s.cargoHome, "registry", "src", "*", dirName))
	if len(regs) == 0 {
		return ""
	}
	return regs[0]
}

func isFile(p string) bool {
	st, err := os.Stat(p)
	return err == nil && st.Mode().IsRegular()
}

// newerVersion reports whether the version a ("1.0.200") is newer than b,
// comparing the numbers in order.
func newerVersion(a, b string) bool {
	as, bs := strings.Split(a, "."), strings.Split(b, ".")
	for i := 0; i < len(as) && i < len(bs); i++ {
		x, errx := strconv.Atoi(strings.SplitN(as[i], "-", 2)[0])
		y, erry := strconv.Atoi(strings.SplitN(bs[i], "-", 2)[0])
		if errx != nil || erry != nil {
			return as[i] > bs[i]
		}
		if x != y {
			return x > y
		}
	}
	return len(as) > len(bs)
}
