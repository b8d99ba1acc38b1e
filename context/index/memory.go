package index

import (
	"fmt"
	"slices"
	"strings"
	"unsafe"
)

// The index's own accounting of the memory a file takes: its entry, its
// symbols (with their texts), its imports, and its chunks with one posting
// per term. Dead postings awaiting a purge, the term dictionary and the
// trees kept for reparsing are not counted: the count follows what the
// live files hold, so that evicting a file gives back what it says.
const (
	entryBytes  = int64(unsafe.Sizeof(fileEntry{})) + 64 // with its two map slots
	symbolBytes = int64(unsafe.Sizeof(Symbol{})) + 16    // with its byName slot
	chunkBytes  = int64(unsafe.Sizeof(chunk{})) + 4      // with its id in the entry
	// termBytes is a term of a chunk: its id and count in the chunk, and
	// its posting.
	termBytes = 4 + 2 + int64(unsafe.Sizeof(posting{}))
)

// cost returns the accounted memory of e with chunks.
func cost(e *fileEntry, chunks []chunk) int64 {
	n := entryBytes + int64(len(e.path)+len(e.pkg))
	for _, s := range e.syms {
		n += symbolBytes + int64(len(s.Name)+len(s.Container)+len(s.Signature)+len(s.Doc))
	}
	for _, imp := range e.imports {
		n += 48 + int64(len(imp.Path)+len(imp.Name))
		for _, name := range imp.Names {
			n += 16 + int64(len(name))
		}
	}
	for i := range chunks {
		n += chunkBytes + termBytes*int64(len(chunks[i].terms))
	}
	return n
}

// SetCeiling bounds the memory of the index's files to max bytes, by its
// own accounting (Bytes); 0 removes the bound. Over the ceiling, Build
// stops indexing new files (what it indexed stays; the rest is left out),
// and Update makes room by evicting the least recently indexed other
// files. evicted, when not nil, is called once per Build that left files
// out and once per Update that evicted some, with a line saying what and
// why; it runs without the index's lock held.
func (x *Index) SetCeiling(max int64, evicted func(msg string)) {
	x.mu.Lock()
	x.ceiling, x.onEvict = max, evicted
	msg := x.evict("") // a saved index loaded over the ceiling
	x.mu.Unlock()
	if msg != "" && evicted != nil {
		evicted(msg)
	}
}

// Bytes returns the accounted memory of the index's files.
func (x *Index) Bytes() int64 {
	x.mu.RLock()
	defer x.mu.RUnlock()
	return x.bytes
}

// refuse reports whether a new file e, of the given cost, is left out of
// a Build for the ceiling, and counts it. x.mu is held.
func (x *Index) refuse(e *fileEntry, n int64) bool {
	if x.ceiling <= 0 || x.building == 0 || x.files[e.path] != nil || x.bytes+n <= x.ceiling {
		return false
	}
	if x.refused == 0 {
		x.firstRefused = e.path
	}
	x.refused++
	return true
}

// evict removes the least recently indexed files but keep until the
// accounted memory is under the ceiling, and returns the line that says
// so ("" when nothing was evicted). x.mu is held.
func (x *Index) evict(keep string) string {
	if x.ceiling <= 0 || x.bytes <= x.ceiling {
		return ""
	}
	lru := make([]*fileEntry, 0, len(x.files))
	for _, f := range x.files {
		if f.path != keep {
			lru = append(lru, f)
		}
	}
	slices.SortFunc(lru, func(a, b *fileEntry) int { return int(a.seq) - int(b.seq) })
	before := x.bytes
	var names []string
	for _, f := range lru {
		if x.bytes <= x.ceiling {
			break
		}
		x.removeLocked(f, nil, 0)
		names = append(names, f.path)
	}
	if len(names) == 0 {
		return ""
	}
	why := "with " + keep
	if keep == "" {
		why = "as set"
	}
	return fmt.Sprintf("index: %s over its memory ceiling of %s %s: evicted the %d least recently indexed files (%s)",
		mb(before), mb(x.ceiling), why, len(names), shortList(names, 3))
}

// endBuildMessage returns the line that says what the Build ending left
// out for the ceiling, and resets the count. x.mu is held.
func (x *Index) endBuildMessage() string {
	if x.refused == 0 || x.building > 0 {
		return ""
	}
	msg := fmt.Sprintf("index: memory ceiling of %s reached: %d new files not indexed (the first: %s)",
		mb(x.ceiling), x.refused, x.firstRefused)
	x.refused, x.firstRefused = 0, ""
	return msg
}

func mb(n int64) string {
	if n < 1<<20 {
		return fmt.Sprintf("%d KB", n>>10)
	}
	return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
}

func shortList(names []string, n int) string {
	if len(names) <= n {
		return strings.Join(names, ", ")
	}
	return strings.Join(names[:n], ", ") + ", …"
}
