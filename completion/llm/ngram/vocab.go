package ngram

// unk is the id of every token the model has never learned. It is never
// counted, so it only ever gets the smoothing's share for unseen tokens.
const unk = 0

// vocab interns token texts. Ids are never reused: a forgotten token keeps
// its id (its counts are zero), so tables never hold dangling ids.
type vocab struct {
	ids     map[string]uint32
	texts   []string
	classes []class
}

func newVocab() *vocab {
	return &vocab{ids: map[string]uint32{}, texts: []string{"<unk>"}, classes: []class{classPunct}}
}

func (v *vocab) intern(text []byte, c class) uint32 {
	if id, ok := v.ids[string(text)]; ok {
		return id
	}
	id := uint32(len(v.texts))
	s := string(text)
	v.ids[s] = id
	v.texts = append(v.texts, s)
	v.classes = append(v.classes, c)
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
