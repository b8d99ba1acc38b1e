package nextedit

import (
	"context"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	lodetext "github.com/lode-ls/lode/context/text"
	"github.com/lode-ls/lode/context/workspace"
	"github.com/lode-ls/lode/internal/testtree"
)

// TestRelex checks relex against lex over random edits of texts full of
// what makes a scan depend on what follows: comments, strings that span
// lines or not, escapes, numbers, identifiers of several bytes a
// character, in both comment syntaxes.
func TestRelex(t *testing.T) {
	pieces := []string{
		"func", " ", "\t", "\n", "x", "é", "日本", "_a1", "$v", "42", "3.14", "0x1f", ".", "(", ")", "{", "}",
		"\"", "'", "`", "\\", "\"s\\\"q\"", "`raw\nline`", "/*", "*/", "/* c */", "//", "// note\n", "#", "# py\n",
		`"""`, "'''", `"""doc"""`, "--", "*", "/", "==", ";",
	}
	piece := func(r *rand.Rand) string { return pieces[r.IntN(len(pieces))] }
	text := func(r *rand.Rand, n int) string {
		var b strings.Builder
		for range n {
			b.WriteString(piece(r))
		}
		return b.String()
	}
	for _, path := range []string{"a.go", "a.py"} {
		cm := commentsOf(path)
		r := rand.New(rand.NewPCG(1, uint64(len(path))))
		for i := range 3000 {
			prev := text(r, 20+r.IntN(200))
			src := prev
			for range 1 + r.IntN(3) {
				s := r.IntN(len(src) + 1)
				e := min(len(src), s+r.IntN(8))
				src = src[:s] + text(r, r.IntN(4)) + src[e:]
			}
			got := relex(prev, lex(prev, cm), src, cm)
			if want := lex(src, cm); !slices.Equal(got, want) {
				t.Fatalf("%s, case %d: relex of %q after %q:\n got %v\nwant %v", path, i, src, prev, got, want)
			}
		}
	}
}

// TestLexCacheReuses checks that the tokens of a request's text are
// those of the next request's text before its hunk, lexed again only
// around the change, and that the texts of a closed document, and of the
// documents asked about least recently, are dropped.
func TestLexCacheReuses(t *testing.T) {
	var l lexCache
	v1 := "package a\n\nfunc f(n int) int { return n }\n"
	h1 := Hunk{Start: strings.Index(v1, "n int"), Old: "", New: "m, "}
	v2 := v1[:h1.Start] + h1.New + v1[h1.Start:]
	before, bt, at := l.texts("a.go", v2, h1)
	if before != v1 || !slices.Equal(bt, lex(v1, commentsOf("a.go"))) || !slices.Equal(at, lex(v2, commentsOf("a.go"))) {
		t.Fatalf("texts of the first request: before %q, tokens %v, %v", before, bt, at)
	}
	h2 := Hunk{Start: strings.Index(v2, "return n") + len("return n"), Old: "", New: " + m"}
	v3 := v2[:h2.Start] + h2.New + v2[h2.Start:]
	before, bt2, at2 := l.texts("a.go", v3, h2)
	if before != v2 || &bt2[0] != &at[0] {
		t.Errorf("the text before the second hunk is the first's after: got %q, tokens shared %v", before, &bt2[0] == &at[0])
	}
	if !slices.Equal(at2, lex(v3, commentsOf("a.go"))) {
		t.Errorf("tokens of the second request's text: %v", at2)
	}
	l.forget("a.go")
	for i := range maxLexed + 1 {
		l.texts(string(rune('b'+i))+".go", v2, h1)
	}
	var paths []string
	for _, d := range l.docs {
		paths = append(paths, d.path)
	}
	if want := []string{"c.go", "d.go", "e.go", "f.go"}; !slices.Equal(paths, want) {
		t.Errorf("documents kept: %v, want %v", paths, want)
	}
}

// TestEngineTokensFollowTyping: the engine, which lexes each text again
// only around its change, predicts what Infer predicts from the whole
// texts, keystroke after keystroke: a parameter renamed letter by letter
// (one hunk that grows), a deletion, an edit elsewhere, an undo.
func TestEngineTokensFollowTyping(t *testing.T) {
	root := testtree.New(t, map[string]string{"a.go": ""})
	ws := workspace.New()
	if err := ws.AddFolder(root); err != nil {
		t.Fatal(err)
	}
	e := New(ws, Options{})
	path := filepath.Join(root, "a.go")
	v0 := "package a\n\n/* f adds. */\nfunc f(n int, s string) int {\n\tx := n + len(s) // n\n\treturn n * x\n}\n\nvar q = `raw\nn`\n"
	texts := []string{v0}
	at := strings.Index(v0, "n int")
	cur := v0[:at] + v0[at+1:]
	texts = append(texts, cur)
	for _, c := range "count" {
		cur = cur[:at] + string(c) + cur[at:]
		at++
		texts = append(texts, cur)
	}
	cur = strings.Replace(cur, "len(s)", "len(s)+1", 1)
	texts = append(texts, cur, strings.Replace(cur, "`raw", "`raw2", 1), cur)
	ctx := context.Background()
	predicted := 0
	for i, text := range texts {
		v := int32(i + 1)
		if i == 0 {
			ws.Open(&workspace.Document{Path: path, LanguageID: "go", Version: v, Text: lodetext.New(text)})
			defer ws.Close(path)
			continue
		}
		ws.Update(&workspace.Document{Path: path, LanguageID: "go", Version: v, Text: lodetext.New(text)})
		got, err := e.NextEdits(ctx, Request{Path: path, Version: v, Cursor: -1})
		if err != nil {
			t.Fatal(err)
		}
		var want []Edit
		if h, after, ok := e.History().Last(path, v); ok {
			before := after[:h.Start] + h.Old + after[h.Start+len(h.New):]
			c := Infer(ctx, path, "go", before, after, h)
			if c != nil && c.Pending {
				c = c.Otherwise
			}
			if c != nil {
				want = c.Sites(path, after, c.Scope, Span{h.Start, h.Start + len(h.New)}, true)
				for k := range want {
					want[k].Version = v
				}
			}
		}
		if !slices.Equal(got, want) && (len(got) > 0 || len(want) > 0) {
			t.Errorf("version %d (%q): edits %+v, want %+v", v, text, got, want)
		}
		if len(want) > 0 {
			predicted++
		}
	}
	if predicted < 4 {
		t.Errorf("%d versions with edits: the renames were not predicted", predicted)
	}
}
