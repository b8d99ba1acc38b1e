package completion

import (
	"context"
	"testing"

	"github.com/lode-ls/lode/completion/postprocess"
	"github.com/lode-ls/lode/context/syntax"
)

// TestSyntaxCheckJudgesTheCompletion checks that the errors of a document
// being written (its closing braces not there yet) do not count against a
// completion, and that a completion's own errors still do.
func TestSyntaxCheckJudgesTheCompletion(t *testing.T) {
	const head = "package p\n\nimport \"errors\"\n\nfunc f(r *R) error {\n\tif r.i <= 0 {\n\t\t"
	const whole = "package p\n\nfunc f(r *R) error {\n\t"
	const rest = "\n\treturn nil\n}\n\nfunc g() {}\n"
	tests := []struct {
		name, doc, text, want string
		mode                  postprocess.Mode
	}{
		{"statement in an unclosed block", head, `return errors.New("at beginning")`, `return errors.New("at beginning")`, postprocess.Line},
		{"block opener in an unclosed block", head, "for _, x := range r.xs {", "for _, x := range r.xs {", postprocess.Line},
		{"call opened for arguments on the next lines", head, "return fmt.Errorf(", "return fmt.Errorf(", postprocess.Line},
		{"stray closer in an unclosed block", head, "r.i = f(r))", "r.i = f(r)", postprocess.Line},
		{"call cut short in an unclosed block", head, "return g(r.i", "return", postprocess.Line},
		{"block opener in a whole file", whole, "if r == nil {", "if r == nil {", postprocess.Line},
		{"stray closer in a whole file", whole, "r.i = 1}", "r.i", postprocess.Line},
	}
	lang := syntax.ByName("go")
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			doc := tc.doc
			if tc.doc == whole {
				doc += rest
			}
			ts := &trees{}
			defer ts.close()
			c := newChecker(ts, lang, "a.go", doc, len(tc.doc))
			defer c.close()
			in := postprocess.Input{Prefix: tc.doc, Suffix: doc[len(tc.doc):], Text: tc.text, Mode: tc.mode,
				Check: c.check(context.Background()), Base: c.base(context.Background())}
			if got := postprocess.Process(in); got != tc.want {
				t.Errorf("Process(%q) = %q, want %q", tc.text, got, tc.want)
			}
		})
	}
}
