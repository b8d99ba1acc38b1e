package index

import (
	"slices"
	"sort"
)

// Similar returns the k windows of windowLines consecutive lines (rounded
// up to whole chunks; windows slide by one chunk) whose sets of tokens are
// most similar to query's by Jaccard index, best first: what Copilot and
// Cody rank "similar code" with. The candidates are the windows that share
// one of query's rarer tokens (see candidateTerms), ranked by an estimate;
// the exact index is computed for the most promising.
func (x *Index) Similar(query string, windowLines, k int, skip Skip) []Hit {
	w := max(1, (windowLines+ChunkLines-1)/ChunkLines)
	terms := x.queryTerms(query)
	if k <= 0 || len(terms) == 0 {
		return nil
	}
	qsize := len(terms) + unknownTokens(query, x)
	x.mu.RLock()
	defer x.mu.RUnlock()
	sp, bp := scorePool.Get().(*[]float32), scorePool.Get().(*[]float32)
	defer scorePool.Put(sp)
	defer scorePool.Put(bp)
	shared, bound := x.scratch(sp), x.scratch(bp)
	var touched, cands []uint32
	for _, t := range x.candidateTerms(terms) {
		for _, p := range x.postings[t] {
			if !x.isDead(p.chunk) {
				if shared[p.chunk] == 0 {
					touched = append(touched, p.chunk)
				}
				shared[p.chunk]++
			}
		}
	}
	// A window is named by its first chunk; bound estimates its index
	// from the shared counts and sizes of its chunks.
	for _, c := range touched {
		ch := &x.chunks[c]
		f := x.fileByID[ch.file]
		for first := max(0, int(ch.pos)-w+1); first <= int(ch.pos); first++ {
			if first > 0 && first+w > len(f.chunks) {
				continue // no window hangs past the end, unless the file is shorter
			}
			id := f.chunks[first]
			if bound[id] != 0 {
				continue
			}
			inter, size := float32(0), 0
			for i := first; i < min(first+w, len(f.chunks)); i++ {
				inter += shared[f.chunks[i]]
				size += len(x.chunks[f.chunks[i]].terms)
			}
			bound[id] = inter / float32(qsize+size-min(int(inter), size))
			cands = append(cands, id)
		}
	}
	for _, c := range touched {
		shared[c] = 0
	}
	keep := func(id uint32) bool {
		ch := &x.chunks[id]
		f := x.fileByID[ch.file]
		last := x.chunks[f.chunks[min(int(ch.pos)+w, len(f.chunks))-1]]
		return skip == nil || !skip(f.path, int(ch.startLine), int(last.endLine))
	}
	best := topIDs(cands, bound, 4*k+16, keep)
	for _, c := range cands {
		bound[c] = 0
	}
	hits := make([]Hit, 0, len(best))
	for _, id := range best {
		ch := &x.chunks[id]
		f := x.fileByID[ch.file]
		lastPos := min(int(ch.pos)+w, len(f.chunks)) - 1
		union, inter := x.windowOverlap(f.chunks[ch.pos:lastPos+1], terms)
		hits = append(hits, Hit{
			Path: f.path, StartLine: int(ch.startLine), EndLine: int(x.chunks[f.chunks[lastPos]].endLine),
			Score: float64(inter) / float64(qsize+union-inter),
		})
	}
	sort.SliceStable(hits, func(a, b int) bool { return hits[a].Score > hits[b].Score })
	return hits[:min(k, len(hits))]
}

// maxCandidatePostings bounds the postings Similar walks to find
// candidate windows.
const maxCandidatePostings = 1 << 15

// candidateTerms returns the terms of a query whose postings Similar walks:
// the rarest first, while their postings stay under maxCandidatePostings
// (the rarest one always). A window good by Jaccard shares many of the
// query's tokens, so it shares one of the rarer ones too. x.mu is held.
func (x *Index) candidateTerms(terms []uint32) []uint32 {
	var known []uint32
	for _, t := range terms {
		if int(t) < len(x.postings) && len(x.postings[t]) > 0 {
			known = append(known, t)
		}
	}
	slices.SortFunc(known, func(a, b uint32) int { return len(x.postings[a]) - len(x.postings[b]) })
	total := 0
	for i, t := range known {
		if total += len(x.postings[t]); total > maxCandidatePostings && i > 0 {
			return known[:i]
		}
	}
	return known
}

// scratch returns the pooled slice in p as a zeroed array of a score per
// chunk. Users put back zeros where they wrote.
func (x *Index) scratch(p *[]float32) []float32 {
	if cap(*p) < len(x.chunks) {
		*p = make([]float32, len(x.chunks)+len(x.chunks)/8)
	}
	return (*p)[:len(x.chunks)]
}

// windowOverlap returns the number of distinct terms of the chunks ids and
// how many of them are in terms (sorted). x.mu is held.
func (x *Index) windowOverlap(ids []uint32, terms []uint32) (union, inter int) {
	var all []uint32
	for _, id := range ids {
		all = append(all, x.chunks[id].terms...)
	}
	slices.Sort(all)
	all = slices.Compact(all)
	i := 0
	for _, t := range all {
		for i < len(terms) && terms[i] < t {
			i++
		}
		if i < len(terms) && terms[i] == t {
			inter++
		}
	}
	return len(all), inter
}

// unknownTokens counts the distinct tokens of query the index has never
// seen: they belong to the query's set but to no window.
func unknownTokens(query string, x *Index) int {
	seen := make(map[string]bool)
	eachToken([]byte(query), func(tok []byte, _ int) {
		if _, ok := x.terms.lookup(string(tok)); !ok {
			seen[string(tok)] = true
		}
	})
	return len(seen)
}
