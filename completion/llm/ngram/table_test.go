package ngram

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// TestSelectTop: the first k selected are those a full sort puts first,
// for random counts with many ties (broken by token).
func TestSelectTop(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	for range 200 {
		tab := newTable(3)
		w := tab.start()
		n := 1 + r.IntN(3000)
		for tok := range n {
			for range 1 + r.IntN(1+r.IntN(50)) {
				tab.add(w, uint32(tok+1), 1)
			}
		}
		var ids []uint32
		for id := tab.at(0).first; id != none; id = tab.at(id).next {
			ids = append(ids, id)
		}
		r.Shuffle(len(ids), func(i, j int) { ids[i], ids[j] = ids[j], ids[i] })
		want := slices.Clone(ids)
		sortByCount(tab, want)
		k := r.IntN(len(ids) + 1)
		selectTop(tab, ids, k)
		got := slices.Clone(ids[:k])
		sortByCount(tab, got)
		if !slices.Equal(got, want[:k]) {
			t.Fatalf("n %d, k %d: selected %v, want %v", n, k, got, want[:k])
		}
	}
}
