package retrieve

import (
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
	d := r.dependencies()
	if d == nil {
		return nil
	}
	syms, _ := d.Lookup(imp, id.name)
	var out []candidate
	for _, s := range syms {
		isMember := s.Kind == syntax.KindMethod && s.Container != "" || s.Kind == syntax.KindField
		if isMember != member || member && s.Container != container || !r.ws.Allowed(s.Path) {
			continue
		}
		def := s.Definition
		out = append(out, candidate{path: s.Path, def: &def, reason: ReasonDependency + " " + Reason(imp),
			symbol: id.String(), score: prox})
	}
	return out
}
