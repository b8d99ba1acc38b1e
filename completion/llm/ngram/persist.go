package ngram

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"github.com/lode-ls/lode/internal/store"
	"hash/crc32"
	"hash/fnv"
	"io"
	"os"
	"path/filepath"
	"slices"
)

// ErrCorrupt reports a saved model that is truncated, damaged, or written
// by another version or with another order: learn the files again.
var ErrCorrupt = errors.New("ngram: saved model corrupt or from another version")

const (
	saveMagic   = "LODENGR\n"
	saveVersion = 2 // 2: secrets are no longer learned
)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// CachePath returns where the model of the workspace rooted at root is
// saved: os.UserCacheDir()/lode/ngram/NAME-CRC.ngram.
func CachePath(root string) (string, error) {
	return store.Path("ngram", root, ".ngram")
}

// contentHash identifies the source a file's tokens were learned from.
func contentHash(src []byte) uint64 {
	h := fnv.New64a()
	h.Write(src)
	return h.Sum64()
}

// Learned reports whether the model holds path as learned from exactly
// src, so a caller restoring a saved model can skip files that did not
// change.
func (m *Model) Learned(path string, src []byte) bool {
	m.mu.RLock()
	defer m.mu.RUnlock()
	f := m.files[path]
	return f != nil && f.hash == contentHash(src)
}

// Paths returns the paths the model has learned, sorted.
func (m *Model) Paths() []string {
	m.mu.RLock()
	defer m.mu.RUnlock()
	var ps []string
	for p := range m.files {
		ps = append(ps, p)
	}
	slices.Sort(ps)
	return ps
}

// Save writes what the model learned (the token streams, not the counts,
// which Load recomputes) to path atomically, creating its directory. The
// file ends with a checksum.
func (m *Model) Save(path string) error {
	var buf bytes.Buffer
	buf.WriteString(saveMagic)
	w := payloadWriter{&buf}
	w.uint(saveVersion)
	m.mu.RLock()
	w.uint(uint64(m.opts.Order))
	w.uint(uint64(len(m.vocab.texts)))
	for i, t := range m.vocab.texts {
		w.str(t)
		w.uint(uint64(m.vocab.classes[i]))
	}
	w.uint(uint64(len(m.files)))
	for _, p := range slices.Sorted(func(yield func(string) bool) {
		for p := range m.files {
			if !yield(p) {
				return
			}
		}
	}) {
		f := m.files[p]
		w.str(p)
		w.str(f.lang)
		w.uint(f.hash)
		w.uint(uint64(len(f.toks)))
		for _, t := range f.toks {
			w.uint(uint64(t))
		}
		for _, b := range f.spaces {
			w.uint(b)
		}
	}
	m.mu.RUnlock()
	buf.Write(binary.LittleEndian.AppendUint32(nil, crc32.Checksum(buf.Bytes(), castagnoli)))

	if err := store.WriteFile(path, buf.Bytes()); err != nil {
		return fmt.Errorf("ngram: saving: %w", err)
	}
	return nil
}

// Load replaces what the model learned with the contents of a file written
// by Save. A missing file is returned as is (errors.Is(err,
// fs.ErrNotExist)); a damaged or stale one as ErrCorrupt, leaving the model
// unchanged: learn the files again.
func (m *Model) Load(path string) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	sv, err := decodeSaved(data, m.opts.Order)
	if err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	for p := range m.files {
		m.forget(p)
	}
	ids := make([]uint32, len(sv.texts))
	for i, t := range sv.texts {
		if i != unk {
			ids[i] = m.vocab.intern([]byte(t), sv.classes[i])
		}
	}
	for _, f := range sv.files {
		for j, t := range f.toks {
			f.toks[j] = ids[t]
		}
		m.add(f.path, &fileTokens{lang: f.lang, dir: filepath.Dir(f.path), toks: f.toks, spaces: f.spaces, hash: f.hash})
	}
	return nil
}

// savedModel is the decoded content of a saved model.
type savedModel struct {
	texts   []string
	classes []class
	files   []savedFile
}

type savedFile struct {
	path, lang string
	hash       uint64
	toks       []uint32 // ids in savedModel.texts
	spaces     []uint64
}

// decodeSaved checks and decodes what Save wrote for a model of the given
// order.
func decodeSaved(data []byte, order int) (*savedModel, error) {
	n := len(data) - 4
	if n < len(saveMagic) || string(data[:len(saveMagic)]) != saveMagic ||
		crc32.Checksum(data[:n], castagnoli) != binary.LittleEndian.Uint32(data[n:]) {
		return nil, ErrCorrupt
	}
	r := payloadReader{r: bufio.NewReader(bytes.NewReader(data[len(saveMagic):n]))}
	// Counts read from the file are bounded by its size before allocating.
	count := func() uint64 {
		if v := r.uint(); r.err == nil && v <= uint64(n) {
			return v
		}
		r.err = ErrCorrupt
		return 0
	}
	if r.uint() != saveVersion || r.uint() != uint64(order) {
		return nil, ErrCorrupt
	}
	sv := &savedModel{}
	nv := count()
	sv.texts, sv.classes = make([]string, nv), make([]class, nv)
	for i := range sv.texts {
		sv.texts[i], sv.classes[i] = r.str(), class(r.uint())
	}
	sv.files = make([]savedFile, count())
	for i := range sv.files {
		f := &sv.files[i]
		f.path, f.lang, f.hash = r.str(), r.str(), r.uint()
		f.toks = make([]uint32, count())
		for j := range f.toks {
			if f.toks[j] = uint32(r.uint()); uint64(f.toks[j]) >= nv {
				return nil, ErrCorrupt
			}
		}
		f.spaces = make([]uint64, (len(f.toks)+63)/64)
		for j := range f.spaces {
			f.spaces[j] = r.uint()
		}
	}
	if r.err != nil {
		return nil, ErrCorrupt
	}
	return sv, nil
}

type payloadWriter struct{ b *bytes.Buffer }

func (w payloadWriter) uint(v uint64) { w.b.Write(binary.AppendUvarint(nil, v)) }
func (w payloadWriter) str(s string) {
	w.uint(uint64(len(s)))
	w.b.WriteString(s)
}

// payloadReader reads what payloadWriter wrote, remembering the first error.
type payloadReader struct {
	r   *bufio.Reader
	err error
}

func (r *payloadReader) uint() uint64 {
	if r.err != nil {
		return 0
	}
	v, err := binary.ReadUvarint(r.r)
	r.err = err
	return v
}

func (r *payloadReader) str() string {
	n := r.uint()
	if r.err != nil || n > 1<<30 {
		r.err = ErrCorrupt
		return ""
	}
	b := make([]byte, n)
	_, r.err = io.ReadFull(r.r, b)
	return string(b)
}
