package retrieve

import (
	"path/filepath"
	"strings"

	"github.com/lode-ls/lode/context/index"
	"github.com/lode-ls/lode/context/syntax"
)

// Dependencies is what retrieval knows of the packages a workspace
// imports from outside itself (the standard library, module
// dependencies): their exported declarations, without bodies. Lookup's ok
// is false when the package is not known (yet): the name may exist.
type Dependencies interface {
	Lookup(importPath, name string) (syms []index.Symbol, ok bool)
}

// ReasonDependency begins the reason of a declaration found in a
// dependency; the import path follows it.
const ReasonDependency Reason = "declaration in dependency"

// depsHolder lets SetDependencies swap the source while requests read it.
type depsHolder struct{ d Dependencies }

// SetDependencies makes r look up what the workspace imports from outside
// itself in d (nil: nowhere).
func (r *Retriever) SetDependencies(d Dependencies) {
	r.deps.Store(&depsHolder{d})
}

func (r *Retriever) dependencies() Dependencies {
	if h := r.deps.Load(); h != nil {
		return h.d
	}
	return nil
}

// depDefs returns the declarations of id.name in the dependency imp: of
// the package itself (container "") or, for a member, of the type
// container. Files the workspace's rules keep out (secrets, ignored
// vendored code) give nothing.
func (r *Retriever) depDefs(id ident, imp, container string, member bool, prox float64) []candidate {
	return r.depDefsIn("go", id, imp, container, member, prox)
}

// languageDependencies is a Dependencies that knows other languages'
// packages too (Python's, node's, Rust's): Lookup is Go's.
type languageDependencies interface {
	LookupIn(lang, importPath, name string) (syms []index.Symbol, ok bool)
}

// depDefsIn is depDefs for a document of the language lang.
func (r *Retriever) depDefsIn(lang string, id ident, imp, container string, member bool, prox float64) []candidate {
	d := r.dependencies()
	if d == nil {
		return nil
	}
	var syms []index.Symbol
	if lang == "go" {
		syms, _ = d.Lookup(imp, id.name)
	} else if ld, ok := d.(languageDependencies); ok {
		syms, _ = ld.LookupIn(lang, imp, id.name)
	}
	var out []candidate
	for _, s := range syms {
		isMember := s.Kind == syntax.KindMethod && s.Container != "" || s.Kind == syntax.KindField
		if isMember != member || member && s.Container != container || !r.depAllowed(s.Path) {
			continue
		}
		// The text is the surface's own (doc and declaration, no body): the
		// dependency's file is never read at request time.
		text, first, last := depText(s.Definition, r.opts.MaxDefinitionLines)
		out = append(out, candidate{path: s.Path, first: first, last: last, text: text,
			reason: ReasonDependency + " " + Reason(imp), symbol: id.String(), score: prox})
	}
	return out
}

// depMemberDefs returns the declarations of the member id.name of the
// dependency's type t, or of a dependency's type that t (of the
// workspace or a dependency) embeds: its members are promoted.
func (r *Retriever) depMemberDefs(id ident, t typeRef, path, dir string, a *analysis, res *resolver, prox float64) []candidate {
	if t.imp != "" {
		if out := r.depDefs(id, t.imp, t.name, true, prox); len(out) > 0 {
			return out
		}
	}
	c := chainEval{r: r, a: a, res: res, path: path, dir: dir}
	seen := map[typeRef]bool{t: true}
	next := []typeRef{t}
	for depth := 0; depth < maxChainDepth && len(next) > 0; depth++ {
		var more []typeRef
		for _, t := range next {
			for _, e := range c.embedded(t, 0) {
				if seen[e] {
					continue
				}
				seen[e] = true
				if e.imp == "" {
					continue
				}
				if out := r.depDefs(id, e.imp, e.name, true, prox); len(out) > 0 {
					return out
				}
				more = append(more, e)
			}
		}
		next = more
	}
	return nil
}

// depText returns the text shown for a dependency's declaration: its doc
// comment (cut as definitionText cuts it) and its declaration, at most
// maxLines lines of it.
func depText(d syntax.Definition, maxLines int) (text string, first, last int) {
	decl := d.Signature
	if lines := strings.SplitAfter(decl, "\n"); len(lines) > maxLines {
		decl = strings.Join(lines[:maxLines], "")
	}
	last = d.StartLine + strings.Count(strings.TrimRight(decl, "\n"), "\n")
	sig := syntax.Definition{Kind: syntax.KindFunction, Signature: decl, Doc: d.Doc, StartLine: d.StartLine}
	text, first, _ = definitionText(&sig, maxLines, func(int, int) string { return "" })
	if doc := strings.TrimSpace(d.Doc); strings.HasPrefix(doc, `"""`) || strings.HasPrefix(doc, `'''`) {
		first = d.StartLine // a docstring is below its declaration
	}
	return text, first, last
}

// depAllowed reports whether a dependency's file may be shown
// (workspace.AllowedDependency). Outside the workspace's folders only
// fixed rules apply, so the answer is kept; inside them (vendored code, a
// node_modules) the ignore rules may change, and it is asked each time.
func (r *Retriever) depAllowed(path string) bool {
	for _, f := range r.ws.Folders() {
		if path == f || strings.HasPrefix(path, f+string(filepath.Separator)) {
			return r.ws.AllowedDependency(path)
		}
	}
	if v, ok := r.depFiles.Load(path); ok {
		return v.(bool)
	}
	ok := r.ws.AllowedDependency(path)
	r.depFiles.Store(path, ok)
	return ok
}
