package retrieve

import (
	"slices"
	"sync"

	"github.com/lode-ls/lode/context/index"
	"github.com/lode-ls/lode/context/text"
)

// windowSets caches the word sets of the sliding windows of the files
// that similar code is looked for in by Jaccard similarity: the open and
// recently edited ones, a handful, so the comparison is a plain loop. A
// window's words are ids, sorted: a request compares its query with every
// window of those files (thousands), and merging two short sorted lists
// costs a fraction of looking each word up in a map, which would also
// leave thousands of small maps for the collector to scan.
type windowSets struct {
	mu    sync.Mutex
	files map[string]*fileWindows
	words *wordIDs // the numbering of the windows' words; renewed when files is cleared
}

// fileWindows are the windows of one version of a file.
type fileWindows struct {
	text  *text.Text // the version they were cut from
	words *wordIDs   // the numbering of their words
	wins  []wordWindow
}

type wordWindow struct {
	first, last int
	words       []uint32 // distinct, sorted
}

// wordIDs numbers words.
type wordIDs struct {
	mu  sync.Mutex
	ids map[string]uint32
}

func newWindowSets() *windowSets {
	return &windowSets{files: make(map[string]*fileWindows), words: &wordIDs{ids: make(map[string]uint32)}}
}

// numbering returns the numbering that windows are cut with now.
func (ws *windowSets) numbering() *wordIDs {
	ws.mu.Lock()
	defer ws.mu.Unlock()
	return ws.words
}

// query returns the distinct words of s in words' numbering, sorted, and
// how many more words s has that no window holds.
func (words *wordIDs) query(s string) (ids []uint32, unknown int) {
	seen := make(map[string]bool)
	words.mu.Lock()
	for _, w := range index.Tokens(s) {
		if seen[w] {
			continue
		}
		seen[w] = true
		if id, ok := words.ids[w]; ok {
			ids = append(ids, id)
		} else {
			unknown++
		}
	}
	words.mu.Unlock()
	slices.Sort(ids)
	return ids, unknown
}

// set returns the distinct words of s in words' numbering, sorted,
// numbering the new ones.
func (words *wordIDs) set(s string) []uint32 {
	toks := index.Tokens(s)
	ids := make([]uint32, 0, len(toks))
	words.mu.Lock()
	for _, w := range toks {
		id, ok := words.ids[w]
		if !ok {
			id = uint32(len(words.ids))
			words.ids[w] = id
		}
		ids = append(ids, id)
	}
	words.mu.Unlock()
	slices.Sort(ids)
	return slices.Compact(ids)
}

// of returns the windows of t, the current text of path, numbered by
// words (from numbering).
func (ws *windowSets) of(path string, t *text.Text, words *wordIDs) []wordWindow {
	ws.mu.Lock()
	fw := ws.files[path]
	ws.mu.Unlock()
	if fw != nil && fw.text == t && fw.words == words {
		return fw.wins
	}
	fw = &fileWindows{text: t, words: words}
	n := t.LineCount()
	for first := 0; first < n; first += windowLines / 2 {
		last := min(first+windowLines, n) - 1
		if ids := words.set(t.String()[t.LineStart(first):t.LineEnd(last)]); len(ids) > 0 {
			fw.wins = append(fw.wins, wordWindow{first: first, last: last, words: ids})
		}
		if last == n-1 {
			break
		}
	}
	ws.mu.Lock()
	if words == ws.words { // else the cache was cleared meanwhile
		if len(ws.files) > 64 {
			clear(ws.files)
			ws.words = &wordIDs{ids: make(map[string]uint32)}
		}
		ws.files[path] = fw
	}
	ws.mu.Unlock()
	return fw.wins
}

func (ws *windowSets) forget(path string) {
	ws.mu.Lock()
	delete(ws.files, path)
	ws.mu.Unlock()
}

// jaccard returns |q ∩ w| / |q ∪ w|, for q the words of a query (ids
// sorted, and unknown more that no window holds) and w a window's.
func jaccard(q []uint32, unknown int, w []uint32) float64 {
	in := 0
	for i, j := 0, 0; i < len(q) && j < len(w); {
		switch {
		case q[i] < w[j]:
			i++
		case q[i] > w[j]:
			j++
		default:
			in++
			i++
			j++
		}
	}
	if in == 0 {
		return 0
	}
	return float64(in) / float64(len(q)+unknown+len(w)-in)
}
