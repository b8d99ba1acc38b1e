package ngram

import "fmt"

// maxPruneMin bounds how far the ceiling prunes: n-grams seen fewer
// than this many times. Past it the model stops learning new files
// instead.
const maxPruneMin = 64

// SetCeiling bounds the model's memory to max bytes, by its own
// accounting (Bytes); 0 removes the bound. When a project level is built
// (Flush) over the ceiling, the levels drop their rarest n-grams (those
// seen fewer than 2 times, then 4, 8, ... up to maxPruneMin, each step
// only as needed; an edit counted at once adds to a pruned level until
// the next build). While the model is over the ceiling it learns no new
// files (the files it knows are still learned again when they change).
// evicted, when not nil, is called without the model's lock with one
// line each time it prunes further or starts refusing new files.
func (m *Model) SetCeiling(max int, evicted func(msg string)) {
	m.mu.Lock()
	m.ceiling, m.evicted = max, evicted
	msg := m.enforce()
	m.mu.Unlock()
	m.report(msg)
}

// Bytes returns the model's accounted memory: the tokens of its files,
// its project levels and its cached directory and file levels.
func (m *Model) Bytes() int {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return m.bytes()
}

// bytes is Bytes under the read or write lock.
func (m *Model) bytes() int {
	n := m.tokenBytes
	for _, p := range m.langs {
		if p.t != nil {
			n += p.t.bytes()
		}
	}
	m.cacheMu.Lock()
	for _, c := range []*lru{m.dirTables, m.fileTabs} {
		for _, t := range c.tables() {
			n += t.bytes()
		}
	}
	m.cacheMu.Unlock()
	return n
}

// fileBytes is the accounted memory of a learned file's tokens.
func fileBytes(f *fileTokens) int {
	return 4*cap(f.toks) + 8*cap(f.spaces) + 4*cap(f.novel) + 96
}

// refuse reports whether learning path, a new file, is refused for the
// ceiling, with the line to report when the refusals start. It runs under
// the write lock.
func (m *Model) refuse(path string) (string, bool) {
	if m.ceiling <= 0 || m.files[path] != nil {
		return "", false
	}
	b := m.bytes()
	if b <= m.ceiling {
		m.full = false
		return "", false
	}
	if m.full {
		return "", true
	}
	m.full = true
	return fmt.Sprintf("embedded model: %s over its memory ceiling of %s: it learns no new files (the first left out: %s)", mib(b), mib(m.ceiling), path), true
}

// enforce prunes the project levels as far as the ceiling needs, and
// returns the line to report ("" when nothing new happened). It runs
// under the write lock.
func (m *Model) enforce() string {
	if m.ceiling <= 0 {
		return ""
	}
	before := m.bytes()
	if before <= m.ceiling && m.pruneMin == 0 {
		return ""
	}
	raised := false
	m.prune() // a level built since at the current threshold
	for m.bytes() > m.ceiling && m.pruneMin < maxPruneMin {
		m.pruneMin = max(2, 2*m.pruneMin)
		m.prune()
		raised = true
	}
	if !raised {
		return ""
	}
	return fmt.Sprintf("embedded model: %s over its memory ceiling of %s: dropped the n-grams seen fewer than %d times (now %s)",
		mib(before), mib(m.ceiling), m.pruneMin, mib(m.bytes()))
}

// prune drops from every project level the n-grams seen fewer than
// m.pruneMin times, if not done yet. It runs under the write lock.
func (m *Model) prune() {
	if m.pruneMin < 2 {
		return
	}
	for _, p := range m.langs {
		if p.t != nil && p.t.prunedAt < uint32(m.pruneMin) {
			p.t = p.t.pruned(uint32(m.pruneMin))
		}
	}
}

func (m *Model) report(msg string) {
	if msg != "" && m.evicted != nil {
		m.evicted(msg)
	}
}

func mib(n int) string {
	if n < 1<<20 {
		return fmt.Sprintf("%d KB", n>>10)
	}
	return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
}

// pruned returns a copy of t without the n-grams seen fewer than min
// times (nor, then, their extensions, which are seen no more often).
// The root keeps its count: the dropped n-grams still count as seen
// tokens, as an unknown token does.
func (t *table) pruned(min uint32) *table {
	p := &table{order: t.order, prunedAt: min}
	root := t.at(0)
	p.newNode(node{parent: none, tok: none, count: root.count, first: none, next: none})
	type pair struct{ from, to uint32 }
	stack := []pair{{0, 0}}
	for len(stack) > 0 {
		top := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		for id := t.at(top.from).first; id != none; id = t.at(id).next {
			n := t.at(id)
			if n.count < min {
				continue
			}
			nid := p.newNode(node{parent: top.to, tok: n.tok, count: n.count, first: none, next: p.at(top.to).first})
			p.at(top.to).first = nid
			p.at(top.to).kids++
			stack = append(stack, pair{id, nid})
		}
	}
	slots := 1 << 10
	for 3*slots < 4*int(p.len) {
		slots *= 2
	}
	p.rehash(slots)
	return p
}
