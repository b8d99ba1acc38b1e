package ngram

// unk is the id of every token the model has never learned. The project
// level counts it where a file uses a token first that no other learned
// file holds (see vocab.note), so it learns where new names appear; no
// other level counts it, and it is never proposed.
const unk = 0

// vocab interns token texts. Ids are never reused: a forgotten token keeps
// its id (its counts are zero), so tables never hold dangling ids.
type vocab struct {
	ids     map[string]uint32
	texts   []string
	classes []class
	docs    []uint32 // by id: how many learned files hold the token
	stamp   []uint32 // by id: scratch of note, the serial of the last file that held it
	serial  uint32
	recent  *[recentSize]recentToken // see intern
}

// recentToken is one entry of vocab.recent.
type recentToken struct {
	text string
	id   uint32
}

const recentSize = 1 << 14

// recentSlot hashes a token's text (FNV-1a) to its slot in vocab.recent.
func recentSlot(text []byte) uint32 {
	h := uint32(2166136261)
	for _, b := range text {
		h = (h ^ uint32(b)) * 16777619
	}
	return h & (recentSize - 1)
}

func newVocab() *vocab {
	return &vocab{ids: map[string]uint32{}, texts: []string{"<unk>"}, classes: []class{classPunct},
		docs: []uint32{0}, stamp: []uint32{0}, recent: new([recentSize]recentToken)}
}

// note adds delta (1 or -1) to the file count of each distinct token of
// toks, a file being learned or forgotten. When adding, it returns the
// novel positions: where a name or literal occurs first in toks while no
// other learned file holds it. Those are the events the unknown token
// stands for when the model reads a file it has not learned. Keywords and
// punctuation are a closed set that the grammar fixes: never novel.
func (v *vocab) note(toks []uint32, delta int) (novel []int32) {
	v.serial++
	if v.serial == 0 { // wrapped: no stamp may match by chance
		clear(v.stamp)
		v.serial = 1
	}
	for i, t := range toks {
		if v.stamp[t] == v.serial {
			continue
		}
		v.stamp[t] = v.serial
		if delta > 0 && v.docs[t] == 0 && (v.classes[t] == classIdent || v.classes[t] == classLiteral) {
			novel = append(novel, int32(i))
		}
		v.docs[t] = uint32(int(v.docs[t]) + delta)
	}
	return novel
}

func (v *vocab) intern(text []byte, c class) uint32 {
	// Most tokens are a few frequent ones (punctuation, keywords, common
	// names): a small direct-mapped cache answers them without a lookup in
	// the large map, whose misses dominate the cost of learning a file.
	slot := &v.recent[recentSlot(text)]
	if slot.text == string(text) && slot.id != 0 {
		return slot.id
	}
	if id, ok := v.ids[string(text)]; ok {
		slot.text, slot.id = v.texts[id], id
		return id
	}
	id := uint32(len(v.texts))
	s := string(text)
	v.ids[s] = id
	v.texts = append(v.texts, s)
	v.classes = append(v.classes, c)
	v.docs = append(v.docs, 0)
	v.stamp = append(v.stamp, 0)
	return id
}

// overlay extends a vocab, read-only, with the tokens of one request that
// the model has not learned (an identifier typed a minute ago), so that the
// request's own cache level can still predict them. It is owned by one
// goroutine.
type overlay struct {
	v       *vocab
	ids     map[string]uint32
	texts   []string
	classes []class
}

func (o *overlay) id(text []byte, c class) uint32 {
	if id, ok := o.v.ids[string(text)]; ok {
		return id
	}
	if id, ok := o.ids[string(text)]; ok {
		return id
	}
	if o.ids == nil {
		o.ids = map[string]uint32{}
	}
	id := uint32(len(o.v.texts) + len(o.texts))
	s := string(text)
	o.ids[s] = id
	o.texts = append(o.texts, s)
	o.classes = append(o.classes, c)
	return id
}

func (o *overlay) text(id uint32) string {
	if int(id) < len(o.v.texts) {
		return o.v.texts[id]
	}
	return o.texts[int(id)-len(o.v.texts)]
}

func (o *overlay) class(id uint32) class {
	if int(id) < len(o.v.classes) {
		return o.v.classes[id]
	}
	return o.classes[int(id)-len(o.v.classes)]
}
