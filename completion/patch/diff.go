package patch

import (
	"bytes"
	"fmt"
	"strings"

	udiff "github.com/aymanbagabas/go-udiff"
	"github.com/bluekeyes/go-gitdiff/gitdiff"
)

// Unified returns the git-style unified diff of changes, one file after
// another, with three lines of context: what `git apply` takes from the
// root the paths are relative to.
func Unified(changes []FileChange) (string, error) {
	var b strings.Builder
	for _, c := range changes {
		if c.Old == c.New {
			continue
		}
		d, err := udiff.ToUnified("a/"+c.Path, "b/"+c.Path, c.Old, udiff.Lines(c.Old, c.New), udiff.DefaultContextLines)
		if err != nil {
			return "", fmt.Errorf("patch: diffing %s: %w", c.Path, err)
		}
		fmt.Fprintf(&b, "diff --git a/%s b/%s\n", c.Path, c.Path)
		b.WriteString(d)
	}
	return b.String(), nil
}

// Check applies diff strictly (no fuzz, exact context) to the original
// contents of the changes and reports an error unless every file comes out
// exactly as the change says. A diff that passes applies with `git apply`.
func Check(diff string, changes []FileChange) error {
	files, _, err := gitdiff.Parse(strings.NewReader(diff))
	if err != nil {
		return fmt.Errorf("patch: parsing the diff: %w", err)
	}
	want := make(map[string]FileChange, len(changes))
	for _, c := range changes {
		if c.Old != c.New {
			want[c.Path] = c
		}
	}
	if len(files) != len(want) {
		return fmt.Errorf("patch: the diff has %d files, want %d", len(files), len(want))
	}
	for _, f := range files {
		name := strings.TrimPrefix(f.OldName, "a/")
		c, ok := want[name]
		if !ok {
			return fmt.Errorf("patch: the diff changes %s, which is not among the changes", name)
		}
		var out bytes.Buffer
		if err := gitdiff.Apply(&out, strings.NewReader(c.Old), f); err != nil {
			return fmt.Errorf("patch: %s: the diff does not apply: %w", name, err)
		}
		if out.String() != c.New {
			return fmt.Errorf("patch: %s: the diff applies but gives a different result", name)
		}
	}
	return nil
}

// TextEdit replaces the bytes [Start, End) of a file's old content with
// New. Edits from Edits are sorted and do not overlap.
type TextEdit struct {
	Start, End int
	New        string
}

// Edits returns the line-granular edits that turn c.Old into c.New, for
// editors that apply edits rather than diffs.
func (c FileChange) Edits() []TextEdit {
	var out []TextEdit
	for _, e := range udiff.Lines(c.Old, c.New) {
		out = append(out, TextEdit{Start: e.Start, End: e.End, New: e.New})
	}
	return out
}
