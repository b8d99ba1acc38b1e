package retrieve

import (
	"strings"

	lru "github.com/hashicorp/golang-lru/v2"
	"github.com/lode-ls/lode/context/index"

	"github.com/lode-ls/lode/context/text"
	"github.com/lode-ls/lode/context/workspace"
)

// Sizes of the similar-code sources.
const (
	similarChunks  = 8  // BM25 chunks of the whole workspace
	similarWindows = 6  // Jaccard windows of open and recently edited files
	windowLines    = 20 // the height of a Jaccard window
)

// similar ranks code like the lines before the cursor: BM25 over the
// index's chunks of the whole workspace, and Jaccard over sliding windows
// of the open and recently edited files, fused into one list.
func (r *Retriever) similar(req Request, a *analysis) []candidate {
	first := max(0, a.cursorLine-r.opts.QueryLines)
	query := linesOf(a.content, first, a.cursorLine)
	if strings.TrimSpace(query) == "" {
		return nil
	}
	inWindow := func(path string, s, e int) bool {
		return path == req.Path && s <= a.windowLast && e >= a.windowFirst
	}
	var bm25, similar []candidate
	for _, h := range r.ix.BM25(rareWords(r.ix, query), similarChunks, inWindow) {
		bm25 = append(bm25, candidate{path: h.Path, first: h.StartLine, last: h.EndLine, reason: ReasonSimilar, score: h.Score})
	}
	words := r.windows.numbering()
	q, unknown := words.query(query)
	for path := range r.nearFiles(req.Path) {
		if path == req.Path {
			continue // its windows change with every keystroke; BM25 covers it
		}
		t, ok := r.contents.get(path)
		if !ok {
			continue
		}
		for _, w := range r.windows.of(path, t, words) {
			if s := jaccard(q, unknown, w.words); s > 0 {
				similar = append(similar, candidate{path: path, first: w.first, last: w.last, reason: ReasonSimilar, score: s})
			}
		}
	}
	sortCandidates(similar)
	return fuse([][]candidate{bm25, similar[:min(len(similar), similarWindows)]}, []float64{1, 1})
}

// maxCounted caps the limit; a word this common is never queried.
const maxCounted = 2000

// rareWords returns the words of query that are rare enough to query
// with: held by fewer than 0.25% of the index's chunks (at least 100).
// BM25 gives common words little weight, but walks all their postings:
// leaving them out keeps the query to a few short lists.
func rareWords(ix *index.Index, query string) string {
	limit := min(maxCounted, max(100, ix.Stats().Chunks/400))
	var kept []string
	seen := make(map[string]bool)
	for _, w := range index.Tokens(query) {
		if seen[w] {
			continue
		}
		seen[w] = true
		if ix.DocFreq(w) < limit {
			kept = append(kept, w)
		}
	}
	return strings.Join(kept, " ")
}

// nearFiles returns the open and recently edited files: the ones a user
// is working with, whose code is the likeliest to be reused.
func (r *Retriever) nearFiles(current string) map[string]bool {
	near := make(map[string]bool)
	for _, d := range r.ws.OpenDocuments() {
		near[d.Path] = true
	}
	for _, p := range r.edits.files() {
		near[p] = true
	}
	near[current] = true
	return near
}

// recentEdits returns the recently edited ranges, newest first, with a
// few lines of context, except those the prompt holds already.
func (r *Retriever) recentEdits() []candidate {
	const around = 2
	var out []candidate
	for i, e := range r.edits.list() {
		out = append(out, candidate{path: e.path, first: max(0, e.first-around), last: e.last + around,
			reason: ReasonRecentEdit, score: 1 / float64(1+i)})
	}
	return out
}

// contents caches the text of files that snippets come from, read through
// the workspace (so ignored and secret files stay unread), with their line
// index.
type contents struct {
	ws    *workspace.Workspace
	cache *lru.Cache[string, *text.Text]
}

func newContents(ws *workspace.Workspace) *contents {
	c, _ := lru.New[string, *text.Text](256) // fails only for a size <= 0
	return &contents{ws: ws, cache: c}
}

func (c *contents) get(path string) (*text.Text, bool) {
	if t, ok := c.cache.Get(path); ok {
		return t, true
	}
	data, err := c.ws.ReadFile(path)
	if err != nil {
		return nil, false
	}
	t := text.New(string(data))
	c.cache.Add(path, t)
	return t, true
}

func (c *contents) forget(path string) { c.cache.Remove(path) }
