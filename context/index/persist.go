package index

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"os"
	"slices"
	"time"

	"github.com/lode-ls/lode/context/syntax"
	"github.com/lode-ls/lode/internal/store"
)

// ErrCorrupt reports a cache file that is truncated, damaged or written by
// another version of lode: rebuild the index from the files.
var ErrCorrupt = errors.New("index: cache corrupt or from another version")

// cacheMagic starts every cache file; cacheVersion changes whenever the
// format or what the index extracts changes.
const (
	cacheMagic   = "LODEIDX\n"
	cacheVersion = 2 // 2: secrets are no longer kept
)

// CachePath returns the cache file of the workspace rooted at root, in the
// user's cache directory (os.UserCacheDir()/lode/index).
func CachePath(root string) (string, error) {
	return store.Path("index", root, ".idx")
}

// Save writes the index to path atomically (a temporary file renamed over
// it), creating its directory.
func (x *Index) Save(path string) error {
	if err := store.WriteFile(path, x.encode()); err != nil {
		return fmt.Errorf("index: saving: %w", err)
	}
	return nil
}

// Load reads an index saved by Save, after removing the temporary files a
// Save killed midway left (store.RemoveStale). A missing file is an error
// that satisfies errors.Is(err, fs.ErrNotExist); a damaged one is
// ErrCorrupt. Either way the caller builds a new index.
func Load(path string) (*Index, error) {
	store.RemoveStale(path)
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("index: loading: %w", err)
	}
	head := len(cacheMagic) + 4
	if len(data) < head+4 || string(data[:len(cacheMagic)]) != cacheMagic ||
		binary.LittleEndian.Uint32(data[len(cacheMagic):]) != cacheVersion {
		return nil, ErrCorrupt
	}
	body, sum := data[head:len(data)-4], binary.LittleEndian.Uint32(data[len(data)-4:])
	if crc32.Checksum(body, castagnoli) != sum {
		return nil, ErrCorrupt
	}
	x := New()
	if err := x.decode(body); err != nil {
		return nil, err
	}
	return x, nil
}

// encoder appends the cache format: unsigned varints, and strings as a
// length and bytes.
type encoder struct{ b []byte }

func (e *encoder) uint(v uint64) { e.b = binary.AppendUvarint(e.b, v) }
func (e *encoder) int(v int)     { e.b = binary.AppendVarint(e.b, int64(v)) }
func (e *encoder) str(s string)  { e.uint(uint64(len(s))); e.b = append(e.b, s...) }

func (x *Index) encode() []byte {
	x.mu.RLock()
	defer x.mu.RUnlock()
	x.terms.mu.RLock()
	e := &encoder{b: make([]byte, 0, 1<<20)}
	e.b = append(e.b, cacheMagic...)
	e.b = binary.LittleEndian.AppendUint32(e.b, cacheVersion)
	start := len(e.b)
	e.uint(uint64(len(x.terms.names)))
	for _, s := range x.terms.names {
		e.str(s)
	}
	x.terms.mu.RUnlock()
	paths := make([]string, 0, len(x.files))
	for p := range x.files {
		paths = append(paths, p)
	}
	slices.Sort(paths)
	e.uint(uint64(len(paths)))
	for _, p := range paths {
		x.encodeFile(e, x.files[p])
	}
	return binary.LittleEndian.AppendUint32(e.b, crc32.Checksum(e.b[start:], castagnoli))
}

func (x *Index) encodeFile(e *encoder, f *fileEntry) {
	e.str(f.path)
	e.str(f.lang)
	e.str(f.pkg)
	e.int(int(f.size))
	e.int(int(f.modTime.UnixNano()))
	e.uint(uint64(f.hash))
	e.int(f.lines)
	e.uint(uint64(len(f.imports)))
	for _, im := range f.imports {
		e.str(im.Path)
		e.str(im.Name)
		e.uint(uint64(len(im.Names)))
		for _, n := range im.Names {
			e.str(n)
		}
		e.int(im.Start)
		e.int(im.End)
	}
	e.uint(uint64(len(f.syms)))
	for _, s := range f.syms {
		d := &s.Definition
		e.str(d.Name)
		e.str(string(d.Kind))
		e.str(d.Container)
		e.int(d.Start)
		e.int(d.End - d.Start)
		e.int(d.StartLine)
		e.int(d.EndLine - d.StartLine)
		e.int(d.NameStart - d.Start)
		e.str(d.Signature)
		e.str(d.Doc)
	}
	e.uint(uint64(len(f.chunks)))
	for _, id := range f.chunks {
		ch := &x.chunks[id]
		e.uint(uint64(ch.startLine))
		e.uint(uint64(ch.endLine - ch.startLine))
		e.uint(uint64(ch.length))
		e.uint(uint64(len(ch.terms)))
		prev := uint32(0)
		for i, t := range ch.terms {
			e.uint(uint64(t - prev))
			prev = t
			e.uint(uint64(ch.tfs[i]))
		}
	}
}

// decoder reads what encoder wrote; the first error sticks.
type decoder struct {
	b []byte
	// all is the whole body as one string: strings are cut from it rather
	// than allocated one by one (a cache holds about a million).
	all string
	err error
}

func (d *decoder) uint() uint64 {
	v, n := binary.Uvarint(d.b)
	if n <= 0 {
		d.fail()
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *decoder) int() int {
	v, n := binary.Varint(d.b)
	if n <= 0 {
		d.fail()
		return 0
	}
	d.b = d.b[n:]
	return int(v)
}

func (d *decoder) count(max int) int {
	n := d.uint()
	if n > uint64(max) || n > uint64(len(d.b)) {
		d.fail()
		return 0
	}
	return int(n)
}

func (d *decoder) str() string {
	n := d.count(len(d.b))
	pos := len(d.all) - len(d.b)
	d.b = d.b[n:]
	return d.all[pos : pos+n]
}

func (d *decoder) fail() {
	if d.err == nil {
		d.err = ErrCorrupt
	}
	d.b = nil
}

func (x *Index) decode(body []byte) error {
	d := &decoder{b: body, all: string(body)}
	nterms := d.count(len(body))
	names := make([]string, nterms)
	for i := range nterms {
		names[i] = d.str()
	}
	// The dictionary's map is built while the files are decoded.
	dict := make(chan struct{})
	go func() {
		defer close(dict)
		ids := make(map[string]uint32, len(names))
		for i, s := range names {
			ids[s] = uint32(i)
		}
		x.terms.mu.Lock()
		x.terms.names, x.terms.ids = names, ids
		x.terms.mu.Unlock()
	}()
	defer func() { <-dict }()
	nfiles := d.count(len(body))
	entries := make([]*fileEntry, nfiles)
	chunks := make([][]chunk, nfiles)
	for i := range nfiles {
		entries[i], chunks[i] = x.decodeFile(d, nterms)
		if d.err != nil {
			return d.err
		}
	}
	if len(d.b) != 0 {
		return ErrCorrupt
	}
	x.bulkLoad(entries, chunks, nterms)
	return nil
}

// bulkLoad fills an empty index with decoded files. It sizes every
// posting list exactly, in one allocation, instead of growing them file by
// file as commit would.
func (x *Index) bulkLoad(entries []*fileEntry, chunks [][]chunk, nterms int) {
	x.mu.Lock()
	defer x.mu.Unlock()
	x.df = make([]int32, nterms)
	x.dead = make([]int32, nterms)
	nchunks, npostings := 0, 0
	for _, cs := range chunks {
		nchunks += len(cs)
		for i := range cs {
			npostings += len(cs[i].terms)
			for _, t := range cs[i].terms {
				x.df[t]++
			}
		}
	}
	all := make([]posting, npostings)
	x.postings = make([][]posting, nterms)
	off := 0
	for t, n := range x.df {
		x.postings[t] = all[off : off : off+int(n)]
		off += int(n)
	}
	x.chunks = make([]chunk, 0, nchunks)
	nsyms := 0
	for _, e := range entries {
		nsyms += len(e.syms)
	}
	x.byName = make(map[string][]*Symbol, nsyms/2)
	x.byLower = make(map[string][]string, nsyms/2)
	x.files = make(map[string]*fileEntry, len(entries))
	x.fileByID = make(map[uint32]*fileEntry, len(entries))
	x.dirs = make(map[string][]string)
	x.sortedDirty = true
	// The name tables and the chunk tables are disjoint: fill them at once.
	names := make(chan struct{})
	go func() {
		defer close(names)
		for _, e := range entries {
			for _, s := range e.syms {
				x.addName(s)
			}
			x.symbols += len(e.syms)
		}
		x.rebuildSorted()
	}()
	defer func() { <-names }()
	for i, e := range entries {
		e.id = x.nextFile
		x.nextFile++
		x.files[e.path] = e
		x.addDir(e.path)
		x.fileByID[e.id] = e
		e.chunks = make([]uint32, len(chunks[i]))
		for j := range chunks[i] {
			ch := chunks[i][j]
			ch.file = e.id
			id := x.appendChunk(ch)
			e.chunks[j] = id
			for k, t := range ch.terms {
				x.postings[t] = append(x.postings[t], newPosting(id, ch.tfs[k], ch.length))
			}
			x.liveChunks++
			x.liveTokens += int(ch.length)
		}
	}
}

func (x *Index) decodeFile(d *decoder, nterms int) (*fileEntry, []chunk) {
	e := &fileEntry{path: d.str(), lang: d.str(), pkg: d.str()}
	e.size = int64(d.int())
	e.modTime = time.Unix(0, int64(d.int()))
	e.hash = uint32(d.uint())
	e.lines = d.int()
	e.imports = make([]syntax.Import, d.count(len(d.b)))
	for i := range e.imports {
		im := &e.imports[i]
		im.Path, im.Name = d.str(), d.str()
		if n := d.count(len(d.b)); n > 0 {
			im.Names = make([]string, n)
			for j := range im.Names {
				im.Names[j] = d.str()
			}
		}
		im.Start = d.int()
		im.End = d.int()
	}
	e.syms = make([]*Symbol, d.count(len(d.b)))
	slab := make([]Symbol, len(e.syms))
	for i := range e.syms {
		s := &slab[i]
		s.Path, s.Language = e.path, e.lang
		def := &s.Definition
		def.Name, def.Kind, def.Container = d.str(), syntax.Kind(d.str()), d.str()
		def.Start = d.int()
		def.End = def.Start + d.int()
		def.StartLine = d.int()
		def.EndLine = def.StartLine + d.int()
		def.NameStart = def.Start + d.int()
		def.Signature, def.Doc = d.str(), d.str()
		e.syms[i] = s
	}
	chunks := make([]chunk, d.count(len(d.b)))
	// The terms of all chunks share two slabs, cut once they are full.
	var terms []uint32
	var tfs []uint16
	ends := make([]int, len(chunks))
	for i := range chunks {
		ch := &chunks[i]
		ch.pos = uint32(i)
		ch.startLine = uint32(d.uint())
		ch.endLine = ch.startLine + uint32(d.uint())
		ch.length = uint32(d.uint())
		n := d.count(len(d.b))
		t := uint64(0)
		for range n {
			t += d.uint()
			if t >= uint64(nterms) {
				d.fail()
				return e, nil
			}
			terms, tfs = append(terms, uint32(t)), append(tfs, uint16(d.uint()))
		}
		ends[i] = len(terms)
	}
	start := 0
	for i := range chunks {
		chunks[i].terms = terms[start:ends[i]:ends[i]]
		chunks[i].tfs = tfs[start:ends[i]:ends[i]]
		start = ends[i]
	}
	return e, chunks
}
