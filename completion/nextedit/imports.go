package nextedit

import (
	"strconv"
	"strings"
)

// importMoved infers a Go import path switched to another that names a
// package of the same name (go.mongodb.org/mongo-driver/bson →
// go.mongodb.org/mongo-driver/v2/bson, gopkg.in/yaml.v3 →
// github.com/goccy/go-yaml): the package moved (a new major version, a
// fork, a replacement), and the files that import the old path switch
// with the edited one, which uses both under the same name. Nil for
// another language, or a package of another name ("bytes" → "errors":
// the file needs another package, the others need theirs).
func importMoved(path, after, old, cur string) *Change {
	op, err1 := strconv.Unquote(old)
	np, err2 := strconv.Unquote(cur)
	if !goFile(path) || err1 != nil || err2 != nil || op == np || goPackageName(op) != goPackageName(np) {
		return nil
	}
	c := &Change{Kind: KindRepeat, Scope: Span{0, len(after)}, Exported: true, whole: true, Name: longestWord(op)}
	c.sites = func(src string, toks []token, scope Span, same bool) []Edit {
		var out []Edit
		for j, t := range toks {
			if t.class == classString && t.start >= scope.Start && t.end <= scope.End && imported(toks, j) {
				if p, err := strconv.Unquote(t.text); err == nil && p == op {
					out = append(out, Edit{Start: t.start, End: t.end, NewText: cur})
				}
			}
		}
		return out
	}
	return c
}

// goPackageName returns the name a Go import path's package goes by
// unless the file renames it, by the conventions of module paths: its
// last element, less a major version element (/v2), a gopkg.in version
// (yaml.v3) and a go- prefix or -go suffix (go-yaml, jwt-go).
func goPackageName(p string) string {
	elems := strings.Split(p, "/")
	name := elems[len(elems)-1]
	if len(elems) > 1 && len(name) > 1 && name[0] == 'v' && strings.Trim(name[1:], "0123456789") == "" {
		name = elems[len(elems)-2]
	}
	if i := strings.Index(name, ".v"); i > 0 && strings.Trim(name[i+2:], "0123456789") == "" {
		name = name[:i]
	}
	name = strings.TrimPrefix(name, "go-")
	return strings.TrimSuffix(name, "-go")
}
