package index

import (
	"math"
	"slices"
	"sort"
	"sync"

	"github.com/lode-ls/lode/context/redact"
)

// ChunkLines is the height of a lexical chunk: files are cut into chunks of
// this many lines (the last one may be shorter), the unit BM25 ranks.
const ChunkLines = 10

// BM25 parameters, the usual ones.
const (
	bm25K1 = 1.2
	bm25B  = 0.75
)

// stopWords are keywords common to the supported languages: they say
// nothing about what a chunk is about and their postings would be the
// longest of all.
var stopWords = map[string]bool{}

func init() {
	for _, w := range []string{
		"if", "else", "for", "while", "do", "return", "break", "continue", "switch", "case", "default",
		"func", "def", "fn", "function", "var", "let", "const", "type", "struct", "class", "interface",
		"import", "from", "package", "public", "private", "protected", "static", "final", "void",
		"new", "this", "self", "nil", "null", "None", "true", "false", "True", "False", "and", "or", "not",
		"in", "is", "as", "go", "range", "the", "to", "of", "a", "an", "mut", "pub", "use", "impl",
		"include", "define", "try", "catch", "except", "throw", "throws", "raise", "with", "pass",
		"export", "async", "await", "yield", "extends", "implements", "elif", "goto", "defer", "chan",
		"map", "select", "fallthrough", "typedef", "enum", "union", "sizeof", "unsigned", "signed",
		"char", "int", "long", "short", "double", "float", "bool", "auto", "extern", "register",
	} {
		stopWords[w] = true
	}
}

// Tokens returns the words of s the way the index tokenizes chunks:
// identifier-like runs of letters, digits and underscores that start with a
// letter or underscore, at least two bytes long, without the stop words.
// Callers tokenize queries with it so that both sides agree.
func Tokens(s string) []string {
	var out []string
	eachToken([]byte(s), func(tok []byte, _ int) {
		out = append(out, string(tok))
	})
	return out
}

func isWordStart(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= 0x80
}

func isWord(c byte) bool { return isWordStart(c) || c >= '0' && c <= '9' }

// eachToken calls fn with each token of src and the line it is on.
func eachToken(src []byte, fn func(tok []byte, line int)) {
	eachWord(src, func(w []byte, line int) {
		if !stopWords[string(w)] {
			fn(w, line)
		}
	})
}

// eachWord is eachToken with the stop words.
func eachWord(src []byte, fn func(tok []byte, line int)) {
	line := 0
	for i := 0; i < len(src); {
		c := src[i]
		switch {
		case c == '\n':
			line++
			i++
		case isWordStart(c):
			j := i + 1
			for j < len(src) && isWord(src[j]) {
				j++
			}
			if j-i >= 2 {
				fn(src[i:j], line)
			}
			i = j
		case c >= '0' && c <= '9':
			for i < len(src) && isWord(src[i]) {
				i++
			}
		default:
			i++
		}
	}
}

// chunk is one lexical chunk. terms is sorted and unique; tfs holds the
// count of each term. A removed chunk has file == noFile.
type chunk struct {
	file      uint32
	pos       uint32 // index among its file's chunks
	startLine uint32
	endLine   uint32 // inclusive
	length    uint32 // number of tokens
	terms     []uint32
	tfs       []uint16
}

const noFile = math.MaxUint32

// posting is one chunk holding a term. It carries the chunk's length (in
// what would otherwise be padding) so that BM25 never loads the chunk.
type posting struct {
	chunk  uint32
	tf     uint16
	length uint16 // the chunk's token count, capped
}

func newPosting(id uint32, tf uint16, length uint32) posting {
	return posting{chunk: id, tf: tf, length: uint16(min(length, math.MaxUint16))}
}

// termDict interns terms. It has its own lock so that workers can intern
// while the index is being read.
type termDict struct {
	mu    sync.RWMutex
	ids   map[string]uint32
	names []string
}

func (d *termDict) lookup(s string) (uint32, bool) {
	d.mu.RLock()
	id, ok := d.ids[s]
	d.mu.RUnlock()
	return id, ok
}

func (d *termDict) intern(b []byte) (uint32, string) {
	d.mu.RLock()
	id, ok := d.ids[string(b)]
	d.mu.RUnlock()
	if ok {
		return id, d.name(id)
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if id, ok := d.ids[string(b)]; ok {
		return id, d.names[id]
	}
	s := string(b)
	id = uint32(len(d.names))
	d.ids[s] = id
	d.names = append(d.names, s)
	return id, s
}

func (d *termDict) name(id uint32) string {
	d.mu.RLock()
	defer d.mu.RUnlock()
	return d.names[id]
}

// chunker cuts a file into chunks. A worker keeps one and reuses its
// buffers; it remembers the term ids it has seen to spare the dictionary.
type chunker struct {
	dict  *termDict
	cache map[string]uint32
	ids   []uint32
}

// stopTerm marks the stop words in a chunker's cache, which thus answers
// both questions with one lookup.
const stopTerm = math.MaxUint32

func newChunker(d *termDict) *chunker {
	c := &chunker{dict: d, cache: make(map[string]uint32, 1024)}
	for w := range stopWords {
		c.cache[w] = stopTerm
	}
	return c
}

// chunks returns the chunks of src; their file field is unset.
func (c *chunker) chunks(src []byte) []chunk {
	out := c.chunksFrom(src, 0)
	lines := uint32(countLines(src))
	for i := range out {
		out[i].pos = uint32(i)
		out[i].endLine = min(out[i].startLine+ChunkLines, lines) - 1
	}
	return out
}

// chunksFrom returns the chunks of src, a part of a file that starts at
// line base (a multiple of ChunkLines); their pos and endLine are unset.
func (c *chunker) chunksFrom(src []byte, base int) []chunk {
	// No term of a secret: the cache on disk would hold it. src is whole
	// lines, and every secret but a key block lies in one line (and each
	// line of a key is found by itself).
	src = redact.Mask(src)
	var out []chunk
	cur := -1
	flush := func() {
		if cur < 0 {
			return
		}
		out = append(out, c.finish(uint32(base+cur*ChunkLines)))
		c.ids = c.ids[:0]
	}
	eachWord(src, func(tok []byte, line int) {
		id, ok := c.cache[string(tok)]
		if id == stopTerm {
			return
		}
		if n := line / ChunkLines; n != cur {
			flush()
			cur = n
		}
		if !ok {
			var s string
			id, s = c.dict.intern(tok)
			c.cache[s] = id
		}
		c.ids = append(c.ids, id)
	})
	flush()
	return out
}

func (c *chunker) finish(start uint32) chunk {
	slices.Sort(c.ids)
	ch := chunk{startLine: start, length: uint32(len(c.ids))}
	for i := 0; i < len(c.ids); {
		j := i + 1
		for j < len(c.ids) && c.ids[j] == c.ids[i] {
			j++
		}
		ch.terms = append(ch.terms, c.ids[i])
		ch.tfs = append(ch.tfs, uint16(min(j-i, math.MaxUint16)))
		i = j
	}
	return ch
}

// countLines returns the number of lines of src (a final line without a
// terminator counts).
func countLines(src []byte) int {
	n := 0
	for _, c := range src {
		if c == '\n' {
			n++
		}
	}
	if len(src) > 0 && src[len(src)-1] != '\n' {
		n++
	}
	return n
}

// Hit is a chunk or window of a file that matched a lexical query.
type Hit struct {
	Path               string
	StartLine, EndLine int // zero-based, inclusive
	Score              float64
}

// Skip tells a lexical query to leave a range out (for example the file
// and lines already in the prompt). A nil Skip keeps everything.
type Skip func(path string, startLine, endLine int) bool

// queryTerms maps the tokens of query to known term ids, each once.
func (x *Index) queryTerms(query string) []uint32 {
	var ids []uint32
	eachToken([]byte(query), func(tok []byte, _ int) {
		if id, ok := x.terms.lookup(string(tok)); ok {
			ids = append(ids, id)
		}
	})
	slices.Sort(ids)
	return slices.Compact(ids)
}

var scorePool = sync.Pool{New: func() any { return new([]float32) }}

// BM25 returns the k chunks that best match query (code or words,
// tokenized with Tokens) by Okapi BM25, best first.
func (x *Index) BM25(query string, k int, skip Skip) []Hit {
	if k <= 0 {
		return nil
	}
	terms := x.queryTerms(query)
	x.mu.RLock()
	defer x.mu.RUnlock()
	if len(terms) == 0 || x.liveChunks == 0 {
		return nil
	}
	sp := scorePool.Get().(*[]float32)
	defer scorePool.Put(sp)
	scores := x.scratch(sp)
	n := float64(x.liveChunks)
	avg := float64(x.liveTokens) / n
	var touched []uint32
	for _, t := range terms {
		if int(t) >= len(x.df) || x.df[t] == 0 {
			continue // interned by a file still being indexed
		}
		df := float64(x.df[t])
		if df == 0 {
			continue
		}
		idf := float32(math.Log(1 + (n-df+0.5)/(df+0.5)))
		for _, p := range x.postings[t] {
			if x.isDead(p.chunk) {
				continue
			}
			tf := float64(p.tf)
			s := idf * float32(tf*(bm25K1+1)/(tf+bm25K1*(1-bm25B+bm25B*float64(p.length)/avg)))
			if scores[p.chunk] == 0 {
				touched = append(touched, p.chunk)
			}
			scores[p.chunk] += s
		}
	}
	hits := x.topChunks(touched, scores, k, skip)
	for _, c := range touched {
		scores[c] = 0
	}
	return hits
}

// topChunks returns the k best-scoring chunks among touched as Hits, best
// first (ties by chunk order). x.mu is held.
func (x *Index) topChunks(touched []uint32, scores []float32, k int, skip Skip) []Hit {
	keep := func(c uint32) bool {
		ch := &x.chunks[c]
		return skip == nil || !skip(x.fileByID[ch.file].path, int(ch.startLine), int(ch.endLine))
	}
	top := topIDs(touched, scores, k, keep)
	hits := make([]Hit, len(top))
	for i, c := range top {
		ch := &x.chunks[c]
		hits[i] = Hit{Path: x.fileByID[ch.file].path, StartLine: int(ch.startLine), EndLine: int(ch.endLine), Score: float64(scores[c])}
	}
	return hits
}

// topIDs returns the k ids with the highest scores for which keep holds,
// best first, ties broken by the smaller id. keep is called only for ids
// that would enter the top k.
func topIDs(ids []uint32, scores []float32, k int, keep func(uint32) bool) []uint32 {
	better := func(a, b uint32) bool {
		if scores[a] != scores[b] {
			return scores[a] > scores[b]
		}
		return a < b
	}
	// top is a min-heap (the worst on top) of at most k ids.
	top := make([]uint32, 0, min(k, len(ids)))
	for _, c := range ids {
		if len(top) == k && !better(c, top[0]) || keep != nil && !keep(c) {
			continue
		}
		if len(top) < k {
			top = append(top, c)
			for i := len(top) - 1; i > 0; {
				p := (i - 1) / 2
				if !better(top[p], top[i]) {
					break
				}
				top[i], top[p] = top[p], top[i]
				i = p
			}
			continue
		}
		top[0] = c
		for i := 0; ; {
			l, m := 2*i+1, i
			if l < len(top) && better(top[m], top[l]) {
				m = l
			}
			if r := l + 1; r < len(top) && better(top[m], top[r]) {
				m = r
			}
			if m == i {
				break
			}
			top[i], top[m] = top[m], top[i]
			i = m
		}
	}
	sort.Slice(top, func(i, j int) bool { return better(top[i], top[j]) })
	return top
}

// DocFreq returns how many chunks hold word: a cheap way to tell rare
// words, which make good queries, from common ones.
func (x *Index) DocFreq(word string) int {
	id, ok := x.terms.lookup(word)
	if !ok {
		return 0
	}
	x.mu.RLock()
	defer x.mu.RUnlock()
	if int(id) >= len(x.df) {
		return 0
	}
	return int(x.df[id])
}

// isDead reports whether chunk c was removed. x.mu is held.
func (x *Index) isDead(c uint32) bool {
	return x.deadBits[c/64]&(1<<(c%64)) != 0
}

// Occurrences returns the chunks that contain the identifier name, at most
// limit of them (all if limit <= 0), in index order.
func (x *Index) Occurrences(name string, limit int) []Hit {
	id, ok := x.terms.lookup(name)
	if !ok {
		return nil
	}
	x.mu.RLock()
	defer x.mu.RUnlock()
	if int(id) >= len(x.postings) {
		return nil
	}
	var hits []Hit
	for _, p := range x.postings[id] {
		if x.isDead(p.chunk) {
			continue
		}
		ch := &x.chunks[p.chunk]
		hits = append(hits, Hit{Path: x.fileByID[ch.file].path, StartLine: int(ch.startLine), EndLine: int(ch.endLine), Score: float64(p.tf)})
		if len(hits) == limit {
			break
		}
	}
	return hits
}
