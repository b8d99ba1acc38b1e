package index

import (
	"context"
	"errors"
	"fmt"
	"hash/crc32"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/lode-ls/lode/context/redact"
	"github.com/lode-ls/lode/context/syntax"
	"github.com/lode-ls/lode/context/text"
)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// File is a file offered to Build. The workspace decides which files may be
// read; the index reads them only through Read.
type File struct {
	Path       string
	LanguageID string // LSP language id, if known; else the extension decides
	// Size and ModTime identify an unchanged file without reading it.
	Size    int64
	ModTime time.Time
	Read    func() ([]byte, error)
}

// BuildResult counts what Build did.
type BuildResult struct {
	Indexed   int // parsed and indexed (new or changed)
	Unchanged int // same size and time, or same content, as indexed before
	Removed   int // indexed before, not offered any more
	Failed    int // Read or parse failed
	Errors    []error
}

// maxBuildErrors bounds BuildResult.Errors.
const maxBuildErrors = 20

// Build brings the index in line with files: new and changed files are
// read, parsed and indexed by workers goroutines (GOMAXPROCS if <= 0);
// files indexed before and absent from files are removed. A file whose size
// and modification time match its entry is not read; one whose content hash
// matches is not parsed. progress, if not nil, is called after each file
// with the number done and the total (serially, from the workers). On
// cancellation Build returns ctx's error; what was indexed so far stays.
func (x *Index) Build(ctx context.Context, files []File, workers int, progress func(done, total int)) (BuildResult, error) {
	var res BuildResult
	offered := make(map[string]bool, len(files))
	var todo []File
	x.mu.Lock()
	for _, f := range files {
		offered[f.Path] = true
		if e := x.files[f.Path]; e != nil && e.size == f.Size && e.modTime.Equal(f.ModTime) && !f.ModTime.IsZero() {
			res.Unchanged++
			continue
		}
		todo = append(todo, f)
	}
	for path, e := range x.files {
		if !offered[path] {
			x.removeLocked(e, nil, 0)
			res.Removed++
		}
	}
	x.building++
	x.mu.Unlock()
	defer x.endBuild()

	total := len(files)
	var done atomic.Int64
	done.Store(int64(total - len(todo)))
	var progressMu, resMu sync.Mutex
	report := func() {
		if progress != nil {
			progressMu.Lock()
			progress(int(done.Add(1)), total)
			progressMu.Unlock()
		} else {
			done.Add(1)
		}
	}
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	jobs := make(chan File)
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			ck := newChunker(&x.terms)
			for f := range jobs {
				changed, err := x.buildFile(ctx, ck, f)
				resMu.Lock()
				switch {
				case err != nil && ctx.Err() == nil:
					res.Failed++
					if len(res.Errors) < maxBuildErrors {
						res.Errors = append(res.Errors, err)
					}
				case err == nil && changed:
					res.Indexed++
				case err == nil:
					res.Unchanged++
				}
				resMu.Unlock()
				report()
			}
		})
	}
	for _, f := range todo {
		if ctx.Err() != nil {
			break
		}
		jobs <- f
	}
	close(jobs)
	wg.Wait()
	return res, ctx.Err()
}

// buildFile indexes one file for Build; changed is false when the content
// was already indexed.
func (x *Index) buildFile(ctx context.Context, ck *chunker, f File) (changed bool, err error) {
	if err := ctx.Err(); err != nil {
		return false, err
	}
	src, err := f.Read()
	if err != nil {
		return false, fmt.Errorf("index: reading %s: %w", f.Path, err)
	}
	hash := crc32.Checksum(src, castagnoli)
	x.mu.Lock()
	if e := x.files[f.Path]; e != nil && e.hash == hash && e.size == int64(len(src)) {
		e.modTime = f.ModTime // content unchanged: remember the new time only
		x.mu.Unlock()
		return false, nil
	}
	x.mu.Unlock()
	lang := syntax.Detect(f.LanguageID, f.Path)
	var tree *syntax.Tree
	if lang != nil {
		if tree, err = syntax.Parse(ctx, lang, src); err != nil {
			return false, fmt.Errorf("index: %s: %w", f.Path, err)
		}
		defer tree.Close()
	}
	e, chunks := x.analyze(ck, f.Path, lang, src, tree)
	e.modTime = f.ModTime
	x.commit(e, chunks)
	return true, nil
}

// analyze computes a file's entry and chunks (outside the lock) and hands
// the tree to the OnParsed hook.
func (x *Index) analyze(ck *chunker, path string, lang *syntax.Language, src []byte, tree *syntax.Tree) (*fileEntry, []chunk) {
	e := &fileEntry{path: path, size: int64(len(src)), hash: crc32.Checksum(src, castagnoli), lines: countLines(src)}
	if tree != nil {
		o := tree.Outline()
		e.lang, e.pkg, e.imports = lang.Name, o.Package, o.Imports
		e.syms = make([]*Symbol, len(o.Definitions))
		for i, d := range o.Definitions {
			e.syms[i] = &Symbol{Path: path, Language: lang.Name, Definition: clean(d)}
		}
		x.callOnParsed(path, lang, src, tree)
	}
	return e, ck.chunks(src)
}

func (x *Index) callOnParsed(path string, lang *syntax.Language, src []byte, tree *syntax.Tree) {
	x.onParsedMu.RLock()
	fn := x.onParsed
	x.onParsedMu.RUnlock()
	if fn != nil {
		fn(path, lang, src, tree)
	}
}

// Update re-indexes path with content src (an open document, or a file
// changed on disk), parsed as lang (nil: plain text, lexical only). When the
// index parsed path recently it reparses incrementally, and re-outlines and
// re-tokenizes only around the edit. The index keeps src: the caller must
// not modify it afterwards. Updates of one path must come one at a time
// (in the order of the edits); different paths may be updated at once.
func (x *Index) Update(ctx context.Context, path string, lang *syntax.Language, src []byte) error {
	var tree *syntax.Tree
	var ed *edit
	if lang != nil {
		old := x.trees.take(path)
		var err error
		if old != nil && old.Language() == lang {
			ch := text.Diff(old.Source(), src)
			ed = &edit{change: ch, oldHash: crc32.Checksum(old.Source(), castagnoli)}
			tree, err = old.Reparse(ctx, src, []text.Change{ch})
		} else {
			tree, err = syntax.Parse(ctx, lang, src)
		}
		old.Close()
		if err != nil {
			return fmt.Errorf("index: %s: %w", path, err)
		}
	}
	ck := chunkers.Get().(*chunker)
	if ck.dict != &x.terms {
		ck = newChunker(&x.terms)
	}
	e, chunks := x.analyzeEdit(ck, path, lang, src, tree, ed)
	if e == nil {
		e, chunks = x.analyze(ck, path, lang, src, tree)
	}
	chunkers.Put(ck)
	x.commit(e, chunks)
	if tree != nil {
		x.trees.put(path, tree)
	}
	return nil
}

var chunkers = sync.Pool{New: func() any { return &chunker{} }}

// UpdateTree re-indexes path from a tree the caller parsed (and still owns:
// the index neither keeps nor closes it). The OnParsed hook is called with
// it too.
func (x *Index) UpdateTree(path string, tree *syntax.Tree) error {
	if tree == nil {
		return errors.New("index: UpdateTree with a nil tree")
	}
	x.trees.drop(path)
	ck := chunkers.Get().(*chunker)
	if ck.dict != &x.terms {
		ck = newChunker(&x.terms)
	}
	e, chunks := x.analyze(ck, path, tree.Language(), tree.Source(), tree)
	chunkers.Put(ck)
	x.commit(e, chunks)
	return nil
}

// Remove forgets path.
func (x *Index) Remove(path string) {
	x.trees.drop(path)
	x.mu.Lock()
	if e := x.files[path]; e != nil {
		x.removeLocked(e, nil, 0)
	}
	x.mu.Unlock()
}

// commit replaces the entry of e.path with e and its chunks. A chunk
// equal to the old chunk on the same lines keeps its id and postings, so
// that an edit inside a line touches one chunk.
func (x *Index) commit(e *fileEntry, chunks []chunk) {
	x.mu.Lock()
	defer x.mu.Unlock()
	var oldIDs []uint32 // by new chunk: the old chunk it reuses, or noFile
	var keep map[uint32]bool
	replaced := 0
	if old := x.files[e.path]; old != nil {
		if e.modTime.IsZero() {
			e.modTime = old.modTime
		}
		e.id = old.id
		byLine := make(map[uint32]uint32, len(old.chunks))
		for _, id := range old.chunks {
			byLine[x.chunks[id].startLine] = id
		}
		keep = make(map[uint32]bool)
		oldIDs = make([]uint32, len(chunks))
		for i := range chunks {
			oldIDs[i] = noFile
			if id, ok := byLine[chunks[i].startLine]; ok && sameChunk(&x.chunks[id], &chunks[i]) {
				keep[id] = true
				oldIDs[i] = id
			}
		}
		// Symbols whose name did not change are replaced in place.
		for replaced < min(len(old.syms), len(e.syms)) && old.syms[replaced].Name == e.syms[replaced].Name {
			list := x.byName[e.syms[replaced].Name]
			if i := slices.Index(list, old.syms[replaced]); i >= 0 {
				list[i] = e.syms[replaced]
			}
			replaced++
		}
		x.removeLocked(old, keep, replaced)
	} else {
		e.id = x.nextFile
		x.nextFile++
	}
	x.files[e.path] = e
	x.addDir(e.path)
	x.fileByID[e.id] = e
	x.growTerms(chunks)
	e.chunks = make([]uint32, len(chunks))
	for i := range chunks {
		if i < len(oldIDs) && oldIDs[i] != noFile {
			id := oldIDs[i]
			x.chunks[id].endLine = chunks[i].endLine
			x.chunks[id].pos = chunks[i].pos
			e.chunks[i] = id
			continue
		}
		ch := chunks[i]
		ch.file = e.id
		id := x.appendChunk(ch)
		e.chunks[i] = id
		for j, t := range ch.terms {
			x.postings[t] = append(x.postings[t], newPosting(id, ch.tfs[j], ch.length))
			x.df[t]++
		}
		x.liveChunks++
		x.liveTokens += int(ch.length)
	}
	for _, s := range e.syms[replaced:] {
		x.addName(s)
	}
	x.symbols += len(e.syms)
	if x.deadChunks > max(x.liveChunks, minCompact) {
		x.compact()
	}
}

// growTerms makes room in the per-term slices for the terms of chunks.
func (x *Index) growTerms(chunks []chunk) {
	n := len(x.df)
	for i := range chunks {
		if t := chunks[i].terms; len(t) > 0 {
			n = max(n, int(t[len(t)-1])+1)
		}
	}
	if n > len(x.df) {
		x.postings = append(x.postings, make([][]posting, n-len(x.postings))...)
		x.df = append(x.df, make([]int32, n-len(x.df))...)
		x.dead = append(x.dead, make([]int32, n-len(x.dead))...)
	}
}

// appendChunk adds ch to the chunk table and returns its id. x.mu is held.
func (x *Index) appendChunk(ch chunk) uint32 {
	id := uint32(len(x.chunks))
	x.chunks = append(x.chunks, ch)
	if int(id/64) >= len(x.deadBits) {
		x.deadBits = append(x.deadBits, 0)
	}
	return id
}

// minCompact is the number of dead chunks below which compact never runs.
const minCompact = 1 << 16

func sameChunk(a, b *chunk) bool {
	return a.length == b.length &&
		slices.Equal(a.terms, b.terms) && slices.Equal(a.tfs, b.tfs)
}

// compact renumbers the live chunks and rebuilds the postings, dropping
// the dead chunks that edits leave behind. It runs rarely: when the dead
// chunks outnumber the live ones.
func (x *Index) compact() {
	renum := make([]uint32, len(x.chunks))
	live := make([]chunk, 0, x.liveChunks)
	for i := range x.chunks {
		if x.chunks[i].file == noFile {
			renum[i] = noFile
			continue
		}
		renum[i] = uint32(len(live))
		live = append(live, x.chunks[i])
	}
	for _, f := range x.files {
		for i, id := range f.chunks {
			f.chunks[i] = renum[id]
		}
	}
	for t, list := range x.postings {
		out := list[:0]
		for _, p := range list {
			if n := renum[p.chunk]; n != noFile {
				p.chunk = n
				out = append(out, p)
			}
		}
		x.postings[t] = slices.Clip(out)
	}
	x.chunks = live
	clear(x.dead)
	x.deadChunks = 0
	x.deadBits = make([]uint64, len(live)/64+1)
}

func (x *Index) addName(s *Symbol) {
	list, known := x.byName[s.Name]
	x.byName[s.Name] = append(list, s)
	if known {
		return
	}
	lower := strings.ToLower(s.Name)
	exact, knownLower := x.byLower[lower]
	x.byLower[lower] = append(exact, s.Name)
	if knownLower {
		return
	}
	if x.building > 0 || x.sortedDirty {
		x.sortedDirty = true
		return
	}
	i := sort.SearchStrings(x.sorted, lower)
	x.sorted = append(x.sorted, "")
	copy(x.sorted[i+1:], x.sorted[i:])
	x.sorted[i] = lower
}

func (x *Index) removeName(s *Symbol) {
	list := x.byName[s.Name]
	for i, t := range list {
		if t == s {
			list = append(list[:i:i], list[i+1:]...)
			break
		}
	}
	if len(list) > 0 {
		x.byName[s.Name] = list
		return
	}
	delete(x.byName, s.Name)
	lower := strings.ToLower(s.Name)
	exact := x.byLower[lower]
	for i, n := range exact {
		if n == s.Name {
			exact = append(exact[:i:i], exact[i+1:]...)
			break
		}
	}
	if len(exact) > 0 {
		x.byLower[lower] = exact
		return
	}
	delete(x.byLower, lower)
	if x.sortedDirty {
		return
	}
	if i := sort.SearchStrings(x.sorted, lower); i < len(x.sorted) && x.sorted[i] == lower {
		x.sorted = append(x.sorted[:i], x.sorted[i+1:]...)
	}
}

// removeLocked forgets e. Its chunks, except those in keep, become dead:
// their postings are skipped by queries and purged once they make half of a
// term's list. Its first replaced symbols were already replaced by the
// caller.
func (x *Index) removeLocked(e *fileEntry, keep map[uint32]bool, replaced int) {
	var touched []uint32
	for _, id := range e.chunks {
		if keep[id] {
			continue
		}
		ch := &x.chunks[id]
		for _, t := range ch.terms {
			x.df[t]--
			x.dead[t]++
			touched = append(touched, t)
		}
		x.deadBits[id/64] |= 1 << (id % 64)
		x.liveChunks--
		x.deadChunks++
		x.liveTokens -= int(ch.length)
		*ch = chunk{file: noFile}
	}
	for _, t := range touched {
		if d := int(x.dead[t]); d > 0 && 2*d >= len(x.postings[t]) {
			x.purge(t)
		}
	}
	for _, s := range e.syms[replaced:] {
		x.removeName(s)
	}
	x.symbols -= len(e.syms)
	delete(x.files, e.path)
	x.removeDir(e.path)
	delete(x.fileByID, e.id)
}

// purge drops the dead postings of term t.
func (x *Index) purge(t uint32) {
	list := x.postings[t]
	live := list[:0:0]
	for _, p := range list {
		if !x.isDead(p.chunk) {
			live = append(live, p)
		}
	}
	x.postings[t] = live
	x.dead[t] = 0
}

// endBuild leaves build mode: the sorted name list is rebuilt once rather
// than kept sorted name by name.
func (x *Index) endBuild() {
	x.mu.Lock()
	defer x.mu.Unlock()
	x.building--
	if x.building == 0 && x.sortedDirty {
		x.rebuildSorted()
	}
}

// rebuildSorted rebuilds the sorted list of lower-case names. x.mu is held.
func (x *Index) rebuildSorted() {
	x.sorted = x.sorted[:0]
	for lower := range x.byLower {
		x.sorted = append(x.sorted, lower)
	}
	sort.Strings(x.sorted)
	x.sortedDirty = false
}

// clean redacts the texts a definition keeps (its signature and doc
// comment), which the cache writes to disk: a constant's signature may
// hold a token, a comment a password.
func clean(d syntax.Definition) syntax.Definition {
	d.Signature, d.Doc = redact.String(d.Signature), redact.String(d.Doc)
	return d
}
