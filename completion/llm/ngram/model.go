package ngram

import (
	"context"
	"path/filepath"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/lode-ls/lode/context/redact"
	"github.com/lode-ls/lode/context/syntax"
)

// Options configure a Model. The zero value is valid.
type Options struct {
	// Order is the longest n-gram the project level counts, 2 to 12.
	// Zero means 6. The document's own levels count up to 10 tokens (or
	// Order, if longer).
	Order int
	// MinProb is the confidence cut-off of rest-of-line generation: a
	// token whose mixed probability is below it ends the completion, and a
	// completion whose first token is below it is not proposed. Zero
	// means DefaultMinProb.
	MinProb float64
	// MaxTokens bounds one generated completion. Zero means 32.
	MaxTokens int
	// Pause, if set, is called by the work the model does in the
	// background (the project levels Flush counts) between two pieces of
	// it, and holds it back while it has not returned: a language server
	// passes its background gate, so that the CPU goes to the requests in
	// flight. It must return once the model is closed. The levels of the
	// documents in use (PrepareSoon's, those a request went on without)
	// do not pause while the model answers requests itself (see
	// SetAnswering): they leave requests a core instead.
	Pause func()
	// PauseFor is Pause returning after d at the latest. The levels of
	// the documents in use, while the model does not answer requests
	// itself, wait there until the gate lets them go or a request asks
	// for them (the ranked tokens of completion items, an answer while
	// the server is down): a user typing steadily holds the gate all the
	// time. nil: they do not pause.
	PauseFor func(d time.Duration)
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
	langs   map[string]*project    // the project level, per language
	files   map[string]*fileTokens // by path
	dirs    map[dirKey]*dirFiles
	spacing *spacing

	// cacheMu guards the lazily built directory and file tables. It is
	// taken under mu (read or write), never the other way round.
	cacheMu   sync.Mutex
	dirTables *lru
	fileTabs  *lru
	building  map[string]*atomic.Bool // keys of tables being built in the background: whether a request asked for it
	retired   []*table                // dropped from the caches, to recycle (see reclaim)
	opened    atomic.Uint64           // documents opened (PrepareSoon), so that a held build knows it is superseded
	closed    bool                    // no more background work (Close)

	// work counts the goroutines of the background builds and flushes,
	// for Close to wait.
	work sync.WaitGroup

	// aside: the model answers inline completions (SetAnswering), and
	// the documents' levels are built beside the requests, not behind
	// them.
	aside atomic.Bool

	// changed counts, per directory and file table key, the Learn and
	// Forget calls that touched it, so that a table built in the
	// background from an older state is not cached.
	changed map[string]uint64

	// The memory ceiling (SetCeiling): the accounted memory of the
	// files' tokens, the bound, the count under which the project levels
	// drop n-grams, and whether new files are refused.
	tokenBytes int
	ceiling    int
	evicted    func(msg string)
	pruneMin   int
	full       bool
}

type fileTokens struct {
	lang   string
	dir    string
	toks   []uint32
	spaces []uint64 // bit i: space before toks[i]
	hash   uint64   // of the source (contentHash)
	// novel are the positions the project level counts as the unknown
	// token (see vocab.note), fixed when the file is learned.
	novel []int32
}

// projectToks returns the stream the project level counts: the file's
// tokens with its novel positions read as the unknown token.
func (f *fileTokens) projectToks() []uint32 {
	if len(f.novel) == 0 {
		return f.toks
	}
	toks := slices.Clone(f.toks)
	for _, i := range f.novel {
		toks[i] = unk
	}
	return toks
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
	m := &Model{
		opts:      opts,
		vocab:     newVocab(),
		langs:     map[string]*project{},
		files:     map[string]*fileTokens{},
		dirs:      map[dirKey]*dirFiles{},
		spacing:   newSpacing(true),
		dirTables: newLRU(8),
		fileTabs:  newLRU(32),
		building:  map[string]*atomic.Bool{},
		changed:   map[string]uint64{},
	}
	m.aside.Store(true)
	return m
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
	buf := lexemes.Get().(*[]lexeme)
	*buf = lexInto(tree, true, (*buf)[:0])
	m.learn(path, tree.Language().Name, tree.Source(), *buf)
	lexemes.Put(buf)
	return nil
}

// lexemes recycles the token buffers of Learn: a cold start learns
// thousands of files, whose tokens are needed only while they are counted.
var lexemes = sync.Pool{New: func() any { return new([]lexeme) }}

func (m *Model) learn(path, lang string, src []byte, lexemes []lexeme) {
	secrets := redact.FindBytes(src)
	m.mu.Lock()
	if msg, refused := m.refuse(path); refused {
		m.mu.Unlock()
		m.report(msg)
		return
	}
	m.forget(path)
	toks := make([]uint32, len(lexemes))
	for i, l := range lexemes {
		text := l.text(src)
		if len(secrets) > 0 {
			text, secrets = redactLexeme(src, l, text, secrets)
		}
		toks[i] = m.vocab.intern(text, l.class)
	}
	m.add(path, &fileTokens{lang: lang, dir: filepath.Dir(path), toks: toks, spaces: spaceBits(lexemes), hash: contentHash(src)})
	m.mu.Unlock()
}

// add counts f, the tokens of path, under the write lock. path must not be
// counted already.
func (m *Model) add(path string, f *fileTokens) {
	f.novel = m.vocab.note(f.toks, 1)
	m.files[path] = f
	m.tokenBytes += fileBytes(f)
	m.spacing.add(m.vocab, f.toks, f.spaces, 1)
	m.count(path, f, 1)
}

// Forget removes what the model learned of path.
func (m *Model) Forget(path string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.forget(path)
	m.cacheMu.Lock()
	m.retire(m.fileTabs.remove(path))
	m.cacheMu.Unlock()
}

func (m *Model) forget(path string) {
	f := m.files[path]
	if f == nil {
		return
	}
	m.count(path, f, -1)
	m.spacing.add(m.vocab, f.toks, f.spaces, -1)
	m.vocab.note(f.toks, -1)
	m.tokenBytes -= fileBytes(f)
	delete(m.files, path)
}

// count adds (delta 1) or removes (-1) the file's counts at every level
// where they are kept. It runs under the write lock.
func (m *Model) count(path string, f *fileTokens, delta int) {
	g := m.langs[f.lang]
	if g == nil {
		g = newProject(m.opts.Order)
		m.langs[f.lang] = g
	}
	g.add(path, f, delta)

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
	// The cached levels follow the change in place: a document re-learned
	// at every edit keeps its file level for the next request instead of
	// losing it until a background rebuild.
	m.recount(m.dirTables, key.String(), d.tokens, f.toks, delta)
	m.recount(m.fileTabs, path, len(f.toks), f.toks, delta)
	m.changed[key.String()]++
	m.changed[path]++
	m.cacheMu.Unlock()
}

// recount adds toks (delta 1) or removes them (-1) in the table cached
// under key, if any; live is how many tokens the level holds after the
// change. A table whose dead n-grams (counts fallen to zero, which stay in
// the trie) outnumber what its live tokens need by far is dropped, to be
// rebuilt afresh when next needed. It runs under cacheMu.
func (m *Model) recount(c *lru, key string, live int, toks []uint32, delta int) {
	t := c.get(key)
	if t == nil {
		return
	}
	t.addAll(toks, delta)
	if delta > 0 && t.nodes() > 4*m.localOrder()*live+4*pageSize {
		m.retire(c.remove(key))
	}
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
	for _, p := range m.langs {
		t := p.t
		if t == nil {
			continue
		}
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

// dirTable returns the directory level for the file at path: the counts
// of the directory's files in lang. It runs under the read or write lock.
// When the table is not cached, n says whether to build it now or in the
// background (returning nil meanwhile), and whether a build held behind
// the requests should go on at once (see need).
func (m *Model) dirTable(lang, path string, n need) *table {
	key := dirKey{lang, filepath.Dir(path)}
	return m.levelTable(m.dirTables, key.String(), n, func() [][]uint32 {
		d := m.dirs[key]
		if d == nil {
			return nil
		}
		var streams [][]uint32
		for p := range d.files {
			streams = append(streams, m.files[p].toks)
		}
		return streams
	})
}

// fileTable returns the file level: what the model learned of path itself
// (the version the index saw), or nil. Like dirTable.
func (m *Model) fileTable(path string, n need) *table {
	return m.levelTable(m.fileTabs, path, n, func() [][]uint32 {
		if f := m.files[path]; f != nil {
			return [][]uint32{f.toks}
		}
		return nil
	})
}

// Prepare builds the directory and file levels of the document at path
// now, when they are not cached, instead of in the background at the first
// request, which goes on without them. It is for a one-shot request (lode
// complete). language is the request's (llm.Request.Language); an unknown
// language does nothing.
func (m *Model) Prepare(language, path string) { m.prepare(language, path, true) }

// PrepareSoon starts building the directory and file levels of the
// document at path in the background, when they are not cached, and
// returns: for a document just opened, so that the requests that follow
// have them. The builds leave requests a core; Close waits for them.
func (m *Model) PrepareSoon(language, path string) { m.prepare(language, path, false) }

// prepare is Prepare (wait) and PrepareSoon.
func (m *Model) prepare(language, path string, wait bool) {
	lang := syntax.Detect(language, path)
	if lang == nil {
		lang = syntax.ByName(language)
	}
	if lang == nil {
		return
	}
	m.mu.RLock()
	defer m.mu.RUnlock()
	n := needLater
	if wait {
		n = needNow
	} else {
		m.opened.Add(1)
	}
	m.dirTable(lang.Name, path, n)
	m.fileTable(path, n)
}

// need says what the caller of a level wants of it.
type need int

const (
	// needLater: a document just opened; the level is built in the
	// background, behind the requests unless the model answers them.
	needLater need = iota
	// needNow: the caller waits for the level (a one-shot request).
	needNow
	// needAsked: a request goes on without the level; a build of it
	// held behind the requests goes on at once.
	needAsked
)

// levelTable returns the table cached under key, or builds it from the
// token streams that streams returns (nil: no such level). It runs under
// the read or write lock; a background build counts the streams without
// the lock (token slices are never modified) and is dropped if the model
// learned or forgot a file of that table meanwhile.
func (m *Model) levelTable(c *lru, key string, n need, streams func() [][]uint32) *table {
	m.cacheMu.Lock()
	t := c.get(key)
	asked, building := m.building[key]
	if building && n == needAsked {
		asked.Store(true)
	}
	m.cacheMu.Unlock()
	if t != nil {
		return t
	}
	if n != needNow && building {
		return nil
	}
	toks := streams()
	if toks == nil {
		return nil
	}
	if n == needNow {
		t = buildTable(m.localOrder(), toks, pace{})
		m.cacheMu.Lock()
		m.retire(c.put(key, t))
		m.cacheMu.Unlock()
		return t
	}
	m.cacheMu.Lock()
	defer m.cacheMu.Unlock()
	if m.closed {
		return nil
	}
	asked = new(atomic.Bool)
	asked.Store(n == needAsked)
	m.building[key] = asked
	gen := m.changed[key]
	opened := m.opened.Load()
	m.work.Go(func() {
		// The level of a document in use: beside the requests, not
		// behind them, when the model answers them (a request that goes
		// on without it answers worse); else behind them, as all other
		// background work, until a request asks for it.
		p := pace{aside: true}
		if !m.aside.Load() && m.opts.PauseFor != nil {
			p.pause = m.holdLevel(asked, nil)
			// Held, it takes no memory before it may run; and it is
			// dropped if another document is opened meanwhile, unless a
			// request asked for it: the levels the user wants are those
			// of the document opened last (a request in an earlier one
			// asks for its levels again). A user moving through files
			// while typing would else pile up builds that wait, each
			// with a copy of its streams, to count files long closed.
			superseded := func() bool { return m.opened.Load() != opened }
			m.holdLevel(asked, superseded)()
			if !asked.Load() && superseded() {
				m.cacheMu.Lock()
				delete(m.building, key)
				m.cacheMu.Unlock()
				return
			}
		}
		m.reclaim()
		t := buildTable(m.localOrder(), toks, p)
		m.cacheMu.Lock()
		defer m.cacheMu.Unlock()
		delete(m.building, key)
		if m.changed[key] == gen {
			m.retire(c.put(key, t))
		} else {
			t.recycle() // never cached: nothing reads it
		}
	})
	return nil
}

// holdLevel returns the pause of a level's build behind the requests: it
// waits at PauseFor, a slice at a time, until the gate lets it go, a
// request asks for the level (asked) or, unless nil, stop reports true.
func (m *Model) holdLevel(asked *atomic.Bool, stop func() bool) func() {
	return func() {
		for !asked.Load() && (stop == nil || !stop()) {
			start := time.Now()
			m.opts.PauseFor(levelPauseSlice)
			if time.Since(start) < levelPauseSlice {
				return // let go
			}
		}
	}
}

// levelPauseSlice is how often a level's build held behind the requests
// looks whether a request asked for it.
const levelPauseSlice = 10 * time.Millisecond

// SetAnswering says whether the model answers the inline completions
// (the session's model, or the companion of a server model), which want
// the levels of the document in use as soon as it opens: they are then
// built beside the requests, leaving them a core, and else, beside a
// server model that the embedded model only helps (completion items'
// ranked tokens, answers when the server is down), behind them, paused
// while a request is in flight (Options.Pause). New models answer.
func (m *Model) SetAnswering(on bool) { m.aside.Store(on) }

// Answering reports what SetAnswering set last.
func (m *Model) Answering() bool { return m.aside.Load() }

// background runs f on a goroutine that Close waits for, unless the model
// is closed (then f does not run).
func (m *Model) background(f func()) {
	m.cacheMu.Lock()
	defer m.cacheMu.Unlock()
	if !m.closed {
		m.work.Go(f)
	}
}

// Close waits for the model's background work (table builds, flushes)
// to end; none starts after it. The model still answers, from what it
// had counted. Close is safe to call more than once.
func (m *Model) Close() error {
	m.cacheMu.Lock()
	m.closed = true
	m.cacheMu.Unlock()
	m.work.Wait()
	return nil
}

// localOrder is the longest n-gram the document's own levels count (the
// directory, the file and the cache): code repeats itself closely within a
// package, and these levels are small.
func (m *Model) localOrder() int { return max(m.opts.Order, docOrder) }

// docOrder is the order of the document's levels; see localOrder.
const docOrder = 10
