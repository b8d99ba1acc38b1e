package ngram

// project is the project level of one language: the counts of every file
// learned in it. Counting a file token by token costs a few dependent
// memory accesses per n-gram, which over a whole workspace costs more than
// parsing it; so a file learned while the level is small next to what is
// waiting (a cold start, a restored model) waits in pending, and the level
// is built in bulk (buildTable) when it is flushed. A file learned once the
// level holds most of the workspace (an edited document) is counted at once.
type project struct {
	order int
	t     *table // counts the files of counted; nil until one is counted

	counted map[string]*fileTokens // the files t counts, by path
	pending map[string]*fileTokens // learned, not yet counted

	countedToks, pendingToks int
	flushing                 bool // a flush is building the next table
	flushed                  bool // a flush has installed a table
}

func newProject(order int) *project {
	return &project{order: order, counted: map[string]*fileTokens{}, pending: map[string]*fileTokens{}}
}

// A file is counted at once when nothing is pending and either the level
// stays small (inlineTokens at most) or, once a flush has built the level,
// the file is small next to it (at most 1/inlineShare of its tokens): an
// edited document, not a cold start.
const (
	inlineTokens = 1 << 16
	inlineShare  = 8
)

// add counts f (delta 1) or uncounts it (-1) at path. It runs under the
// model's write lock.
func (p *project) add(path string, f *fileTokens, delta int) {
	if delta < 0 {
		switch {
		case p.pending[path] == f:
			delete(p.pending, path)
			p.pendingToks -= len(f.toks)
		case p.counted[path] == f:
			p.t.addAll(f.projectToks(), -1)
			delete(p.counted, path)
			p.countedToks -= len(f.toks)
		}
		return
	}
	n := len(f.toks)
	if !p.flushing && p.pendingToks == 0 && (p.countedToks+n <= inlineTokens || p.flushed && inlineShare*n <= p.countedToks) {
		if p.t == nil {
			p.t = newTable(p.order)
		}
		p.t.addAll(f.projectToks(), 1)
		p.counted[path] = f
		p.countedToks += len(f.toks)
		return
	}
	p.pending[path] = f
	p.pendingToks += len(f.toks)
}

// table returns the level's counts (nil when none yet) and whether a
// flush is worth starting: enough is pending that building the level
// afresh costs less than what it has counted so far (the pending tokens at
// least half the counted ones), so repeated flushes during a cold start
// add up to a few builds of the final size.
func (p *project) table() (t *table, flush bool) {
	return p.t, !p.flushing && p.pendingToks > 0 && 2*p.pendingToks >= p.countedToks
}

// snapshot returns the files to count in the next table, and marks the
// level as flushing. It runs under the write lock.
func (p *project) snapshot() map[string]*fileTokens {
	if p.pendingToks == 0 || p.flushing {
		return nil
	}
	p.flushing = true
	files := make(map[string]*fileTokens, len(p.counted)+len(p.pending))
	for _, m := range []map[string]*fileTokens{p.counted, p.pending} {
		for path, f := range m {
			files[path] = f
		}
	}
	return files
}

// install makes t, built from the snapshot files, the level's counts. Files
// forgotten or learned again while it was built are uncounted from it;
// those learned meanwhile stay pending. It runs under the write lock.
func (p *project) install(t *table, files map[string]*fileTokens) {
	current := map[string]*fileTokens{}
	for _, m := range []map[string]*fileTokens{p.counted, p.pending} {
		for path, f := range m {
			current[path] = f
		}
	}
	p.counted, p.pending = map[string]*fileTokens{}, map[string]*fileTokens{}
	p.countedToks, p.pendingToks = 0, 0
	for path, f := range files {
		if current[path] != f {
			t.addAll(f.projectToks(), -1)
			continue
		}
		p.counted[path] = f
		p.countedToks += len(f.toks)
	}
	for path, f := range current {
		if files[path] != f {
			p.pending[path] = f
			p.pendingToks += len(f.toks)
		}
	}
	p.t = t
	p.flushing, p.flushed = false, true
}

// Flush counts every file learned but not counted yet, building the
// project levels afresh where that is cheaper. Learn leaves most files of
// a cold start to it: the index calls it once built, and a request that
// finds much waiting starts one in the background. Predictions go on with
// the previous counts meanwhile.
func (m *Model) Flush() {
	m.mu.RLock()
	langs := make([]string, 0, len(m.langs))
	for lang := range m.langs {
		langs = append(langs, lang)
	}
	m.mu.RUnlock()
	for _, lang := range langs {
		m.flush(lang)
	}
}

// flush builds the project level of lang from its files outside the lock.
func (m *Model) flush(lang string) {
	m.mu.Lock()
	p := m.langs[lang]
	var files map[string]*fileTokens
	if p != nil {
		files = p.snapshot()
	}
	m.mu.Unlock()
	if files == nil {
		return
	}
	t := buildProject(m.opts.Order, files, m.opts.Pause)
	m.mu.Lock()
	p.install(t, files)
	msg := m.enforce()
	m.mu.Unlock()
	m.report(msg)
}

// buildProject counts the project streams of files in a new table; pause
// is buildTable's.
func buildProject(order int, files map[string]*fileTokens, pause func()) *table {
	streams := make([][]uint32, 0, len(files))
	for _, f := range files {
		streams = append(streams, f.projectToks())
	}
	return buildTable(order, streams, pace{aside: true, pause: pause})
}

// projectTable returns the project level of lang, or nil, starting a flush
// in the background when one is worth it. It runs under the read lock.
func (m *Model) projectTable(lang string) *table {
	p := m.langs[lang]
	if p == nil {
		return nil
	}
	t, flush := p.table()
	if flush {
		m.background(func() { m.flush(lang) })
	}
	return t
}
