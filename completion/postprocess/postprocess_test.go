package postprocess

import (
	"strings"
	"testing"
)

// split cuts a document at its ‸ marker.
func split(doc string) (string, string) {
	before, after, _ := strings.Cut(doc, "‸")
	return before, after
}

func TestProcess(t *testing.T) {
	tests := []struct {
		name string
		doc  string
		mode Mode
		chat bool
		text string
		want string
	}{
		{"line keeps first line", "x := ‸\n", Line, false, "1\ny := 2", "1"},
		{"closing bracket not duplicated", "f(‸)\n", Line, false, "a, b)", "a, b"},
		{"rest of line rewritten", "f(‸)\n", Line, false, "a) + g(b)", "a"},
		{"nested call kept", "f(‸)\n", Line, false, "g(b), c", "g(b), c"},
		{"quoted paren is not the closer", "f(‸)\n", Line, false, `")"`, `")"`},
		{"string closer", `s := "‸"` + "\n", Line, false, `abc"`, "abc"},
		{"partial closer tail", "f(g(‸))\n", Line, false, "x)", "x"},
		{"trailing blanks trimmed", "x := ‸\n", Line, false, "1   ", "1"},
		{"double blank avoided", "x := ‸\n", Line, false, "  1", "1"},
		{"indentation not repeated", "{\n\t‸\n}", Block, false, "\treturn 1\n}", "return 1"},
		{"block stops when indentation leaves", "if x {\n\t‸\n}\nfoo()", Block, false, "a()\n\tb()\n}\nfoo()", "a()\n\tb()"},
		{"closer kept when missing", "if x {‸\n", Block, false, "\n\ta()\n}\nmore()", "\n\ta()\n}"},
		{"closer dropped when present", "if x {‸\n}\n", Block, false, "\n\ta()\n}", "\n\ta()"},
		{"closer on the cursor line", "if x {‸}\n", Block, false, "\n\ta()\n}", "\n\ta()\n"},
		{"python dedent ends block", "def f():\n    ‸\n", Block, false, "return 1\nprint(f())", "return 1"},
		{"no body after opener", "if x:‸\n", Block, false, "\ny = 1", ""},
		{"suffix lines removed", "{\n\t‸\n\treturn x\n}", Block, false, "x++\n\treturn x\n}", "x++"},
		{"repeated line", "{\n\t‸\n}", Block, false, "f()\n\tf()\n\tf()\n\tf()", "f()"},
		{"closers may repeat", "{\n\t‸\n}", Block, false, "a(func() {\n\t\tb(func() {\n\t\t})\n\t})", "a(func() {\n\t\tb(func() {\n\t\t})\n\t})"},
		{"runaway tail", "x = ‸\n", Line, false, "ab ab ab ab ab ab ab", "ab"},
		{"dashes are not runaway", "// ‸\n", Line, false, "----------------", "----------------"},
		{"chat fences", "x = ‸\n", Line, true, "```python\n42\n```", "42"},
		{"chat echo", "    total = ‸\n", Line, true, "total = 42", "42"},
		{"chat without fences", "x = ‸\n", Line, true, "42", "42"},
		{"only blanks", "x = ‸\n", Line, false, " \n ", ""},
		{"crlf document", "if x {\r\n\t‸\r\n}\r\n", Block, false, "a()\n\tb()", "a()\r\n\tb()"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p, s := split(tc.doc)
			got := Process(Input{Prefix: p, Suffix: s, Text: tc.text, Mode: tc.mode, Chat: tc.chat})
			if got != tc.want {
				t.Errorf("Process(%q) = %q, want %q", tc.text, got, tc.want)
			}
		})
	}
}

func TestDone(t *testing.T) {
	tests := []struct {
		doc   string
		mode  Mode
		sofar string
		want  bool
	}{
		{"x := ‸\n", Line, "foo(", false},
		{"x := ‸\n", Line, "foo()\n", true},
		{"if x {‸\n", Block, "\n\ta()\n\tb()", false},
		{"if x {‸\n", Block, "\n\ta()\n}", false}, // the closer line may go on
		{"if x {‸\n", Block, "\n\ta()\n}\n", true},
		{"def f():\n    ‸\n", Block, "a = 1\n    b = 2\n", false},
		{"def f():\n    ‸\n", Block, "a = 1\nx = 2\n", true},
	}
	for _, tc := range tests {
		p, s := split(tc.doc)
		if got := (Input{Prefix: p, Suffix: s, Mode: tc.mode}).Done(tc.sofar); got != tc.want {
			t.Errorf("Done(%q after %q) = %v, want %v", tc.sofar, tc.doc, got, tc.want)
		}
	}
}

// errorsAt is a fake checker: a document with more ")" than "(" has one
// error per extra ")", and a "!" inside the completion is an error there.
func errorsAt(prefixLen int) Checker {
	return func(src string) Score {
		var s Score
		if d := strings.Count(src, ")") - strings.Count(src, "("); d > 0 {
			s.Errors += d
		}
		if i := strings.Index(src[prefixLen:], "!"); i >= 0 && i < len(src)-prefixLen {
			s.Errors++
			s.Bytes++
		}
		return s
	}
}

func TestSelfCheck(t *testing.T) {
	tests := []struct {
		name, doc, text, want string
	}{
		{"clean completion kept", "x = ‸\n", "f(1) + 2", "f(1) + 2"},
		{"longest clean prefix", "x = ‸\n", "f(1)) + 2", "f(1)"},
		{"only errors dropped", "x = ‸\n", ")))", ""},
		{"error inside completion", "x = ‸\n", "a !b", "a"},
		{"fewer errors than before is fine", "x = ‸)\n", "(1", "(1"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p, s := split(tc.doc)
			got := Process(Input{Prefix: p, Suffix: s, Text: tc.text, Mode: Line, Check: errorsAt(len(p))})
			if got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
	t.Run("unknown skips the check", func(t *testing.T) {
		unknown := func(string) Score { return Score{Errors: -1} }
		if got := Process(Input{Prefix: "x = ", Text: ")))", Mode: Line, Check: unknown}); got != ")))" {
			t.Errorf("got %q", got)
		}
	})
}
