// Package index is lode's memory of a workspace: per file, the definitions
// (name, kind, range, signature, doc comment, container), the package and
// imports, and lexical chunks ranked by BM25 or by Jaccard similarity.
//
// The main types are Index, Symbol, File and Hit. An Index is built once
// from the workspace's files (Build), kept current per file (Update,
// UpdateTree, Remove) and persisted in the user's cache directory (Save,
// Load). It is safe for concurrent use: parsing and tokenizing happen
// outside its lock, so readers never wait for a parse.
//
// Package index depends on context/syntax and context/text only; what may
// be read (ignore rules, secrets) is the caller's decision.
package index

import (
	"maps"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/lode-ls/lode/context/syntax"
)

// Symbol is a definition in the index.
type Symbol struct {
	Path     string // the file, as given to the index
	Language string // syntax.Language.Name
	syntax.Definition
}

// FileInfo is what the index knows of one file.
type FileInfo struct {
	Path     string
	Language string // "" for plain text
	Package  string
	Imports  []syntax.Import
	Size     int64
	ModTime  time.Time
	Hash     uint32 // CRC-32C of the content
	Lines    int
	Symbols  int
}

// fileEntry is one indexed file. It is replaced, never modified, on update.
type fileEntry struct {
	id      uint32
	path    string
	lang    string
	pkg     string
	imports []syntax.Import
	syms    []*Symbol
	size    int64
	modTime time.Time
	hash    uint32
	lines   int
	chunks  []uint32
	cost    int64  // accounted memory (see cost)
	seq     uint64 // when it was last indexed, for eviction
}

// Index is the symbol table and chunk index of a workspace.
type Index struct {
	terms termDict

	// onParsed is called with each tree while it is alive.
	onParsedMu sync.RWMutex
	onParsed   func(path string, lang *syntax.Language, src []byte, tree *syntax.Tree)

	// trees keeps the last trees of recently updated files, so that an
	// Update of a file being edited reparses incrementally.
	trees *treeCache

	mu       sync.RWMutex
	files    map[string]*fileEntry
	fileByID map[uint32]*fileEntry
	// dirs holds the indexed files by directory, and bases counts the
	// indexed directories by last element: a package's files and an
	// import's directory are found without a walk of every file.
	dirs     map[string]map[string]*fileEntry
	bases    map[string]int
	nextFile uint32
	byName   map[string][]*Symbol // exact name
	byLower  map[string][]string  // lower-case name -> exact names
	sorted   []string             // sorted unique lower-case names
	chunks   []chunk
	// By term id: the chunks holding the term (live or dead), how many of
	// those are dead, and how many live chunks hold it.
	postings [][]posting
	dead     []int32
	df       []int32
	// deadBits has a bit set for each removed chunk, by id.
	deadBits []uint64
	// liveChunks and liveTokens are the BM25 collection statistics.
	liveChunks, liveTokens int
	deadChunks             int
	symbols                int
	// building counts running Builds; meanwhile sorted is not maintained
	// (sortedDirty) and is rebuilt at the end.
	building    int
	sortedDirty bool

	// The memory ceiling (SetCeiling): the accounted memory of the live
	// files, the bound, and the new files a Build left out.
	bytes, ceiling int64
	onEvict        func(msg string)
	seq            uint64
	refused        int
	firstRefused   string
}

// New returns an empty Index.
func New() *Index {
	return &Index{
		terms:    termDict{ids: make(map[string]uint32)},
		trees:    newTreeCache(treeCacheSize),
		files:    make(map[string]*fileEntry),
		fileByID: make(map[uint32]*fileEntry),
		dirs:     make(map[string]map[string]*fileEntry),
		bases:    make(map[string]int),
		byName:   make(map[string][]*Symbol),
		byLower:  make(map[string][]string),
	}
}

// OnParsed registers fn to be called with every tree the index parses (by
// Build and Update; not UpdateTree, whose caller has the tree), while the
// tree is alive, so that another consumer (the n-gram model) learns from the
// same parse. fn may be called from several goroutines at once; it must not
// keep tree or src after it returns. A nil fn unregisters.
func (x *Index) OnParsed(fn func(path string, lang *syntax.Language, src []byte, tree *syntax.Tree)) {
	x.onParsedMu.Lock()
	x.onParsed = fn
	x.onParsedMu.Unlock()
}

// Stats summarises an Index.
type Stats struct {
	Files   int
	Symbols int
	Chunks  int
	Terms   int
	Bytes   int64 // accounted memory of the files (Bytes)
}

// Stats returns the current size of the index.
func (x *Index) Stats() Stats {
	x.mu.RLock()
	defer x.mu.RUnlock()
	x.terms.mu.RLock()
	defer x.terms.mu.RUnlock()
	return Stats{Files: len(x.files), Symbols: x.symbols, Chunks: x.liveChunks, Terms: len(x.terms.names), Bytes: x.bytes}
}

// Lookup returns the symbols named exactly name.
func (x *Index) Lookup(name string) []Symbol {
	x.mu.RLock()
	defer x.mu.RUnlock()
	return copySymbols(x.byName[name], 0)
}

// LookupFold returns the symbols whose name equals name ignoring case.
func (x *Index) LookupFold(name string) []Symbol {
	x.mu.RLock()
	defer x.mu.RUnlock()
	var out []Symbol
	for _, exact := range x.byLower[strings.ToLower(name)] {
		out = append(out, copySymbols(x.byName[exact], 0)...)
	}
	return out
}

// LookupPrefix returns up to limit symbols (all if limit <= 0) whose name
// starts with prefix, case-sensitively or not, in name order.
func (x *Index) LookupPrefix(prefix string, ignoreCase bool, limit int) []Symbol {
	lp := strings.ToLower(prefix)
	x.mu.RLock()
	defer x.mu.RUnlock()
	lowers := x.sorted
	if x.sortedDirty { // during a Build
		lowers = nil
		for l := range x.byLower {
			if strings.HasPrefix(l, lp) {
				lowers = append(lowers, l)
			}
		}
		sort.Strings(lowers)
	}
	var out []Symbol
	for i := sort.SearchStrings(lowers, lp); i < len(lowers) && strings.HasPrefix(lowers[i], lp); i++ {
		names := x.byLower[lowers[i]]
		for _, exact := range names {
			if !ignoreCase && !strings.HasPrefix(exact, prefix) {
				continue
			}
			out = append(out, copySymbols(x.byName[exact], limit-len(out))...)
			if limit > 0 && len(out) >= limit {
				return out
			}
		}
	}
	return out
}

// copySymbols copies syms ordered by path and offset, the first limit of
// them if limit > 0.
func copySymbols(syms []*Symbol, limit int) []Symbol {
	out := make([]Symbol, len(syms))
	for i, s := range syms {
		out[i] = *s
	}
	slices.SortFunc(out, func(a, b Symbol) int {
		if c := strings.Compare(a.Path, b.Path); c != 0 {
			return c
		}
		return a.Start - b.Start
	})
	if limit > 0 && len(out) > limit {
		out = out[:limit]
	}
	return out
}

// FileSymbols returns the definitions of path in source order.
func (x *Index) FileSymbols(path string) []Symbol {
	x.mu.RLock()
	defer x.mu.RUnlock()
	f := x.files[path]
	if f == nil {
		return nil
	}
	out := make([]Symbol, len(f.syms))
	for i, s := range f.syms {
		out[i] = *s
	}
	return out
}

// File returns what the index knows of path.
func (x *Index) File(path string) (FileInfo, bool) {
	x.mu.RLock()
	defer x.mu.RUnlock()
	f := x.files[path]
	if f == nil {
		return FileInfo{}, false
	}
	return f.info(), true
}

func (f *fileEntry) info() FileInfo {
	return FileInfo{
		Path: f.path, Language: f.lang, Package: f.pkg, Imports: slices.Clone(f.imports),
		Size: f.size, ModTime: f.modTime, Hash: f.hash, Lines: f.lines, Symbols: len(f.syms),
	}
}

// addFile records e as the entry of its path. x.mu is held.
func (x *Index) addFile(e *fileEntry) {
	x.files[e.path] = e
	x.fileByID[e.id] = e
	dir := filepath.Dir(e.path)
	in := x.dirs[dir]
	if in == nil {
		in = make(map[string]*fileEntry)
		x.dirs[dir] = in
		x.bases[filepath.Base(dir)]++
	}
	in[e.path] = e
}

// dropFile forgets e, recorded by addFile. x.mu is held.
func (x *Index) dropFile(e *fileEntry) {
	delete(x.files, e.path)
	delete(x.fileByID, e.id)
	dir := filepath.Dir(e.path)
	in := x.dirs[dir]
	delete(in, e.path)
	if len(in) == 0 && in != nil {
		delete(x.dirs, dir)
		base := filepath.Base(dir)
		if x.bases[base]--; x.bases[base] <= 0 {
			delete(x.bases, base)
		}
	}
}

// HasDir reports whether an indexed file is in a directory whose last
// element is base: whether an import path ending in base can name a
// directory of the index.
func (x *Index) HasDir(base string) bool {
	x.mu.RLock()
	defer x.mu.RUnlock()
	return x.bases[base] > 0
}

// Files returns the indexed paths, sorted.
func (x *Index) Files() []string {
	x.mu.RLock()
	out := make([]string, 0, len(x.files))
	for p := range x.files {
		out = append(out, p)
	}
	x.mu.RUnlock()
	sort.Strings(out)
	return out
}

// Dirs returns the directories that hold indexed files, in no order: a
// request asks it, where sorting every path (Files) would cost
// milliseconds on a large workspace.
func (x *Index) Dirs() []string {
	x.mu.RLock()
	defer x.mu.RUnlock()
	return slices.AppendSeq(make([]string, 0, len(x.dirs)), maps.Keys(x.dirs))
}

// Importers returns the files that import importPath (as written in the
// import), sorted.
func (x *Index) Importers(importPath string) []string {
	x.mu.RLock()
	var out []string
	for _, f := range x.files {
		for _, imp := range f.imports {
			if imp.Path == importPath {
				out = append(out, f.path)
				break
			}
		}
	}
	x.mu.RUnlock()
	sort.Strings(out)
	return out
}

// Close releases the trees the index keeps for incremental reparsing. The
// index stays usable; later Updates parse afresh.
func (x *Index) Close() { x.trees.close() }
