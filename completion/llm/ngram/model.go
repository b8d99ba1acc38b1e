package ngram

import (
	"context"
	"path/filepath"
	"sync"

	"github.com/lode-ls/lode/context/syntax"
)

// Options configure a Model. The zero value is valid.
type Options struct {
	// Order is the longest n-gram counted, 2 to 8. Zero means 6.
	Order int
	// MinProb is the confidence cut-off of rest-of-line generation: a
	// token whose mixed probability is below it ends the completion, and a
	// completion whose first token is below it is not proposed. Zero
	// means DefaultMinProb.
	MinProb float64
	// MaxTokens bounds one generated completion. Zero means 32.
	MaxTokens int
}

// DefaultMinProb is the generation cut-off used when Options.MinProb is 0.
const DefaultMinProb = 0.3

// Model is the embedded n-gram code model. It is safe for concurrent use:
// Learn and Forget take a write lock for the counting only (lexing happens
// before), predictions take a read lock.
type Model struct {
	opts Options

	mu      sync.RWMutex
	vocab   *vocab
	langs   map[string]*table      // the project level, per language
	files   map[string]*fileTokens // by path
	dirs    map[dirKey]*dirFiles
	spacing spacing

	// cacheMu guards the lazily built directory and file tables. It is
	// taken under mu (read or write), never the other way round.
	cacheMu   sync.Mutex
	dirTables *lru
	fileTabs  *lru
}

type fileTokens struct {
	lang   string
	dir    string
	toks   []uint32
	spaces []uint64 // bit i: space before toks[i]
}

type dirKey struct{ lang, dir string }

func (k dirKey) String() string { return k.lang + "\x00" + k.dir }

type dirFiles struct {
	files  map[string]bool
	tokens int
}

// New returns an empty model.
func New(opts Options) *Model {
	if opts.Order < 2 || opts.Order > maxOrder {
		opts.Order = 6
	}
	if opts.MinProb <= 0 {
		opts.MinProb = DefaultMinProb
	}
	if opts.MaxTokens <= 0 {
		opts.MaxTokens = 32
	}
	return &Model{
		opts:      opts,
		vocab:     newVocab(),
		langs:     map[string]*table{},
		files:     map[string]*fileTokens{},
		dirs:      map[dirKey]*dirFiles{},
		spacing:   spacing{},
		dirTables: newLRU(8),
		fileTabs:  newLRU(32),
	}
}

// Learn makes the model count the tokens of the file at path, replacing
// what it learned of that path before. tree is the file's syntax tree when
// the caller has one (the index does); with a nil tree, src is parsed as
// lang. Files of unknown language (nil lang and tree) are ignored. Learn
// does not keep tree or src.
func (m *Model) Learn(path string, lang *syntax.Language, src []byte, tree *syntax.Tree) error {
	if tree == nil {
		if lang == nil {
			return nil
		}
		t, err := syntax.Parse(context.Background(), lang, src)
		if err != nil {
			return err
		}
		defer t.Close()
		tree = t
	}
	lexemes := lex(tree, true)
	m.learn(path, tree.Language().Name, tree.Source(), lexemes)
	return nil
}

func (m *Model) learn(path, lang string, src []byte, lexemes []lexeme) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.forget(path)
	toks := make([]uint32, len(lexemes))
	for i, l := range lexemes {
		toks[i] = m.vocab.intern(l.text(src), l.class)
	}
	f := &fileTokens{lang: lang, dir: filepath.Dir(path), toks: toks, spaces: spaceBits(lexemes)}
	m.files[path] = f
	m.spacing.add(m.vocab, toks, f.spaces, 1)
	m.count(path, f, 1)
}

// Forget removes what the model learned of path.
func (m *Model) Forget(path string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.forget(path)
}

func (m *Model) forget(path string) {
	f := m.files[path]
	if f == nil {
		return
	}
	m.count(path, f, -1)
	m.spacing.add(m.vocab, f.toks, f.spaces, -1)
	delete(m.files, path)
}

// count adds (delta 1) or removes (-1) the file's counts at every level
// where they are kept. It runs under the write lock.
func (m *Model) count(path string, f *fileTokens, delta int) {
	g := m.langs[f.lang]
	if g == nil {
		g = newTable(m.opts.Order)
		m.langs[f.lang] = g
	}
	g.addAll(f.toks, delta)

	key := dirKey{f.lang, f.dir}
	d := m.dirs[key]
	if d == nil {
		d = &dirFiles{files: map[string]bool{}}
		m.dirs[key] = d
	}
	if delta > 0 {
		d.files[path] = true
		d.tokens += len(f.toks)
	} else {
		delete(d.files, path)
		d.tokens -= len(f.toks)
		if len(d.files) == 0 {
			delete(m.dirs, key)
		}
	}
	m.cacheMu.Lock()
	if t := m.dirTables.get(key.String()); t != nil {
		t.addAll(f.toks, delta)
	}
	m.fileTabs.remove(path)
	m.cacheMu.Unlock()
}

// Stats describes what a model holds.
type Stats struct {
	Files, Tokens, Vocabulary, Nodes int
	Bytes                            int // estimated memory of the counts
}

// Stats returns the model's size.
func (m *Model) Stats() Stats {
	m.mu.RLock()
	defer m.mu.RUnlock()
	s := Stats{Files: len(m.files), Vocabulary: len(m.vocab.texts) - 1}
	for _, f := range m.files {
		s.Tokens += len(f.toks)
		s.Bytes += 4 * cap(f.toks)
	}
	for _, t := range m.langs {
		s.Nodes += t.nodes()
		s.Bytes += t.bytes()
	}
	m.cacheMu.Lock()
	for _, t := range m.dirTables.tables() {
		s.Bytes += t.bytes()
	}
	m.cacheMu.Unlock()
	return s
}

// dirTable returns the directory level for the file at path, building it
// when it is not cached. It runs under the read or write lock.
func (m *Model) dirTable(lang, path string) *table {
	key := dirKey{lang, filepath.Dir(path)}
	m.cacheMu.Lock()
	defer m.cacheMu.Unlock()
	if t := m.dirTables.get(key.String()); t != nil {
		return t
	}
	d := m.dirs[key]
	if d == nil {
		return nil
	}
	t := newTable(m.opts.Order)
	for p := range d.files {
		t.addAll(m.files[p].toks, 1)
	}
	m.dirTables.put(key.String(), t)
	return t
}

// fileTable returns the file level: what the model learned of path itself
// (the version the index saw), or nil.
func (m *Model) fileTable(path string) *table {
	f := m.files[path]
	if f == nil {
		return nil
	}
	m.cacheMu.Lock()
	defer m.cacheMu.Unlock()
	if t := m.fileTabs.get(path); t != nil {
		return t
	}
	t := newTable(m.opts.Order)
	t.addAll(f.toks, 1)
	m.fileTabs.put(path, t)
	return t
}
