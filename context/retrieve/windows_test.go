package retrieve

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/lode-ls/lode/context/index"
	"github.com/lode-ls/lode/context/text"
)

// mapJaccard is |q ∩ w| / |q ∪ w| over the words of two texts, as sets.
func mapJaccard(query, window string) float64 {
	q, w := map[string]bool{}, map[string]bool{}
	for _, t := range index.Tokens(query) {
		q[t] = true
	}
	for _, t := range index.Tokens(window) {
		w[t] = true
	}
	in := 0
	for t := range q {
		if w[t] {
			in++
		}
	}
	if in == 0 {
		return 0
	}
	return float64(in) / float64(len(q)+len(w)-in)
}

// TestJaccardOfNumberedWords checks the similarity of a query and the
// windows of a file, their words numbered, against the same measure on
// sets of words, words unknown to every window included.
func TestJaccardOfNumberedWords(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	vocab := []string{"alpha", "beta", "gamma", "delta", "ctx", "err", "return", "nil", "value", "index", "count", "names"}
	line := func() string {
		var ws []string
		for range 1 + r.IntN(6) {
			ws = append(ws, vocab[r.IntN(len(vocab))])
		}
		return strings.Join(ws, " ") + "\n"
	}
	for round := range 50 {
		var file strings.Builder
		for range 5 + r.IntN(40) {
			file.WriteString(line())
		}
		ws := newWindowSets()
		tx := text.New(file.String())
		words := ws.numbering()
		wins := ws.of(fmt.Sprintf("/w/f%d.go", round), tx, words)
		query := line() + line() + " unseen" + fmt.Sprint(round)
		q, unknown := words.query(query)
		for _, w := range wins {
			window := tx.String()[tx.LineStart(w.first):tx.LineEnd(w.last)]
			if got, want := jaccard(q, unknown, w.words), mapJaccard(query, window); got != want {
				t.Fatalf("round %d, window %d-%d: jaccard %v, want %v\nquery %q\nwindow %q", round, w.first, w.last, got, want, query, window)
			}
		}
	}
}

// TestWindowsRenumbered checks that windows cut with a numbering the
// cache has since dropped are not served with the new one: each file's
// own text is then exactly similar to its windows.
func TestWindowsRenumbered(t *testing.T) {
	ws := newWindowSets()
	texts := map[string]*text.Text{}
	old := ws.numbering()
	for i := range 70 { // past the 64 files the cache keeps
		path := fmt.Sprintf("/w/f%d.go", i)
		texts[path] = text.New(fmt.Sprintf("func f%d(a, b int) int {\n\treturn a + b%d\n}\n", i, i))
		ws.of(path, texts[path], ws.numbering())
	}
	if ws.numbering() == old {
		t.Fatal("the numbering was not renewed when the cache was cleared")
	}
	for path, tx := range texts {
		words := ws.numbering()
		wins := ws.of(path, tx, words)
		q, unknown := words.query(tx.String())
		if len(wins) != 1 || jaccard(q, unknown, wins[0].words) != 1 {
			t.Fatalf("%s: its own text is not exactly similar to its window", path)
		}
	}
}
