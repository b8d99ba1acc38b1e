package retrieve

import (
	"context"
	"path/filepath"

	"github.com/lode-ls/lode/context/syntax"
)

// Names returns a function that reports whether name, selected from
// qualifier as written ("" for a bare name), is declared where the
// document at path, whose text is content, can reach it: in the
// workspace index, or in the surface of a dependency the document
// imports. checked is false when lode cannot tell: an import that is
// neither in the workspace nor read from the dependencies yet. It is the
// memory of completion's grounding check; the document's own text is the
// caller's to search.
func (r *Retriever) Names(ctx context.Context, path, content string) func(qualifier, name string) (declared, checked bool) {
	lang := syntax.Detect("", path)
	if lang == nil {
		return func(string, string) (bool, bool) { return false, false }
	}
	var imports []syntax.Import
	// The document's tree as the request's retrieval left it: no parse of
	// its own (a tree a keystroke behind has the same imports).
	r.trees.with(ctx, path, lang, content, func(t *docTree) { imports = t.Outline().Imports })
	names := importNames(imports, lang.Name)
	deps := r.dependencies()
	workspacePackage := r.packageDirs()
	local := map[string]bool{}
	for _, imp := range names {
		local[imp] = workspacePackage(imp)
	}
	// A member may belong to a type of a package only the document's
	// package imports (a field of type *slog.Logger declared in a sibling
	// file): the siblings' imports count for members.
	members := map[string]bool{}
	for _, imp := range names {
		members[imp] = true
	}
	for _, f := range r.ix.Siblings(path) {
		if fi, ok := r.ix.File(f); ok {
			for _, imp := range fi.Imports {
				if !members[imp.Path] {
					members[imp.Path] = true
					local[imp.Path] = workspacePackage(imp.Path)
				}
			}
		}
	}
	return func(qualifier, name string) (bool, bool) {
		// A name qualified by an import: that package's, and nothing else's.
		if imp, ok := names[qualifier]; ok && qualifier != "" {
			for _, s := range r.symbols.lookup(r.ix, name) {
				if importMatch(s.Path, imp) > 0 {
					return true, true
				}
			}
			if deps != nil {
				if syms, ok := deps.Lookup(imp, name); ok {
					return len(syms) > 0, true
				}
			}
			return false, local[imp]
		}
		if len(r.symbols.lookup(r.ix, name)) > 0 {
			return true, true
		}
		if qualifier == "" && lang.Name == "go" {
			return false, true // a bare Go name is its package's, or a builtin
		}
		// A member of a value, or a bare name elsewhere: of any package the
		// document's package imports, as far as they are known.
		all := deps != nil || len(members) == 0
		for imp := range members {
			if deps == nil {
				break
			}
			syms, ok := deps.Lookup(imp, name)
			if len(syms) > 0 {
				return true, true
			}
			all = all && (ok || local[imp])
		}
		return false, all
	}
}

// packageDirs returns a test of whether an import path names a
// directory of the workspace index: one whose last element is the
// import's last element (a Go package's directory ends with it).
func (r *Retriever) packageDirs() func(imp string) bool {
	var last map[string]bool
	return func(imp string) bool {
		parts := splitImport(imp)
		if len(parts) == 0 {
			return false
		}
		if last == nil { // once per request, when an import asks
			dirs := r.ix.Dirs()
			last = make(map[string]bool, len(dirs))
			for _, d := range dirs {
				last[filepath.Base(d)] = true
			}
		}
		return last[parts[len(parts)-1]]
	}
}
