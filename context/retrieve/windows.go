package retrieve

import (
	"sync"

	"github.com/lode-ls/lode/context/index"
	"github.com/lode-ls/lode/context/text"
)

// windowSets caches the word sets of the sliding windows of the files
// that similar code is looked for in by Jaccard similarity: the open and
// recently edited ones, a handful, so the comparison is a plain loop.
type windowSets struct {
	mu    sync.Mutex
	files map[string]*fileWindows
}

// fileWindows are the windows of one version of a file.
type fileWindows struct {
	text *text.Text // the version they were cut from
	wins []wordWindow
}

type wordWindow struct {
	first, last int
	words       map[string]bool
}

func newWindowSets() *windowSets {
	return &windowSets{files: make(map[string]*fileWindows)}
}

// of returns the windows of t, the current text of path.
func (ws *windowSets) of(path string, t *text.Text) []wordWindow {
	ws.mu.Lock()
	fw := ws.files[path]
	ws.mu.Unlock()
	if fw != nil && fw.text == t {
		return fw.wins
	}
	fw = &fileWindows{text: t}
	n := t.LineCount()
	for first := 0; first < n; first += windowLines / 2 {
		last := min(first+windowLines, n) - 1
		words := make(map[string]bool)
		for _, w := range index.Tokens(t.String()[t.LineStart(first):t.LineEnd(last)]) {
			words[w] = true
		}
		if len(words) > 0 {
			fw.wins = append(fw.wins, wordWindow{first: first, last: last, words: words})
		}
		if last == n-1 {
			break
		}
	}
	ws.mu.Lock()
	if len(ws.files) > 64 {
		clear(ws.files)
	}
	ws.files[path] = fw
	ws.mu.Unlock()
	return fw.wins
}

func (ws *windowSets) forget(path string) {
	ws.mu.Lock()
	delete(ws.files, path)
	ws.mu.Unlock()
}

// jaccard returns |q ∩ w| / |q ∪ w|.
func jaccard(q, w map[string]bool) float64 {
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
