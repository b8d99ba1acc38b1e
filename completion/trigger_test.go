package completion

import (
	"strings"
	"testing"

	"github.com/lode-ls/lode/completion/postprocess"
)

func TestPolicy(t *testing.T) {
	cfg := testConfig()
	tests := []struct {
		doc              string
		deleted          bool
		comment, str     bool
		noComm, noString bool
		want             string
	}{
		{doc: "x := ‸\n", want: ""},
		{doc: "x := ‸", deleted: true, want: SkipDeletion},
		{doc: "fmt.Pr‸int()", want: SkipMidWord},
		{doc: "fmt.Pr‸()", want: SkipMidLine},
		{doc: "f(‸)", want: ""},
		{doc: "f(‸) {", want: SkipMidLine},
		{doc: `s := "‸";`, want: ""},
		{doc: "// a ‸", comment: true, noComm: true, want: SkipComment},
		{doc: "// a ‸", comment: true, want: ""},
		{doc: `s := "a ‸"`, str: true, noString: true, want: SkipString},
	}
	for _, tc := range tests {
		c := cfg
		c.InComments, c.InStrings = !tc.noComm, !tc.noString
		before, after, _ := strings.Cut(tc.doc, "‸")
		got := policy(&c, before, after, tc.deleted, func() bool { return tc.comment }, func() bool { return tc.str })
		if got != tc.want {
			t.Errorf("policy(%q) = %q, want %q", tc.doc, got, tc.want)
		}
	}
}

func TestModeFor(t *testing.T) {
	tests := []struct {
		doc  string
		want postprocess.Mode
	}{
		{"x := ‸\n", postprocess.Line},
		{"if x {‸\n", postprocess.Block},
		{"if x {‸}\n", postprocess.Block},
		{"def f():‸\n", postprocess.Block},
		{"if x {\n\t‸\n}\n", postprocess.Block},
		{"if x {\n\t‸\n\ty()\n}\n", postprocess.Block},  // next line is no deeper: the block has room
		{"if x {\n\t‸\n\t\ty()\n}\n", postprocess.Line}, // the line above opened a block that is not empty
		{"a()\n\t‸\n}\n", postprocess.Line},             // no opener above
		{"// TODO:‸\n", postprocess.Line},               // comments open nothing
		{"x := f(‸, 1)\n", postprocess.Line},            // mid line
		{"const f = () =>‸\n", postprocess.Block},
	}
	for _, tc := range tests {
		before, after, _ := strings.Cut(tc.doc, "‸")
		if got := modeFor(before, after); got != tc.want {
			t.Errorf("modeFor(%q) = %v, want %v", tc.doc, got, tc.want)
		}
	}
}

func TestTypedAheadAndDeleted(t *testing.T) {
	if typed, ok := typedAhead("ab|cd", 2, "abXY|cd", 4); !ok || typed != "XY" {
		t.Errorf("typedAhead = %q, %v", typed, ok)
	}
	if _, ok := typedAhead("ab|cd", 2, "abXY|ce", 4); ok {
		t.Error("a change after the cursor counted as typing ahead")
	}
	if typed, ok := typedAhead("abcd", 2, "abcd", 2); !ok || typed != "" {
		t.Errorf("same state: %q, %v", typed, ok)
	}
	if !deletedAt("abXcd", 3, "abcd", 2) {
		t.Error("backspace not seen")
	}
	if deletedAt("abcd", 2, "abXcd", 3) {
		t.Error("typing seen as deletion")
	}
}

func TestWordStart(t *testing.T) {
	s := "fmt.Prin"
	if got := wordStart(s, len(s)); s[got:] != "Prin" {
		t.Errorf("wordStart = %q", s[got:])
	}
	if got := wordStart("f(", 2); got != 2 {
		t.Errorf("wordStart after punctuation = %d", got)
	}
}
