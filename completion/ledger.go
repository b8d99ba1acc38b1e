package completion

import (
	"context"
	"errors"
	"strings"
	"sync"
	"time"

	lru "github.com/hashicorp/golang-lru/v2"

	"github.com/lode-ls/lode/completion/postprocess"
)

// ledger is the life of an Engine's requests as one state machine: which
// request is the latest of its document, which model calls run and who
// holds them, and which items are on screen. Latest-wins, type-through,
// the reuse of a call in flight, the debounce and the companion read and
// change that state only through its methods.
//
// Locking: ledger.mu, its one lock, guards docs, edits, seq, flights,
// closed, every ticket's held, keep and superseded, every flight's refs
// and every shown's accepted. Only ledger's methods take it, and never across a model call,
// a parse or I/O: the feedback log is written by the callers, after.
// A ticket's other fields are set by begin and then belong to the
// request's goroutine; a flight's res is written by publish before done
// is closed, and read only after.
//
// A request (ticket), per surface and document (its key):
//
//	begin ─▶ latest ─ join ─▶ holding a call ─ end ─▶ answered ─ over ─▶ gone
//	           │ │                │
//	           │ │                ├─ keep ─▶ kept (answered without the call,
//	           │ │                │          which stays for the next request)
//	           │ │                └─ superseded
//	           │ └─ from the recent results, type-through, or skipped ─▶ answered
//	           └─ superseded (a newer begin, edited, forget): answered empty
//
// Transitions, each one method:
//   - begin makes the request the latest of its key and supersedes the
//     previous one (closes its done; a superseded request answers empty).
//     The previous request's call is handed over (adopt, held) when the
//     new document only types ahead of the document the call's prompt was
//     written for, and the call is running or answered with text; else
//     the previous request's reference is dropped. The items on screen
//     stay (through, shown) while what was typed matches one of them;
//     else they leave the screen, reported rejected unless accepted.
//     After close, begin registers nothing (the request is answered
//     SkipClosed).
//   - join, only while the request is the latest, answers from the recent
//     results, or gives the request a reference to an identical call in
//     flight, or starts a call it holds the first reference to.
//   - keep: a request that answers without waiting for its call (late:
//     the companion's line, items without the line) keeps the reference
//     for the next request's begin to adopt.
//   - end drops the request's reference, unless it keeps it.
//   - over ends the request (end, then close may return): its caller
//     calls it last, once everything the request started has an owner.
//   - forget supersedes the requests of a closed document and drops their
//     references.
//   - edited supersedes the requests of a document's older versions, and
//     keeps their references for the next request's begin: the server
//     drops an answer to an edited document, and the work of a request
//     nobody will see must not take the CPU from the ones to come.
//
// A call (flight): running ─ publish ─▶ done (its text in the recent
// results), or running ─ last reference dropped ─▶ aborted (its context
// cancelled; it publishes its error, which nobody reads).
//
// Items on screen (docState.shown): show sets them when the request is
// still the latest; accept marks them; begin drops them (above).
//
// close drops every kept reference, aborts every call, and waits for the
// calls' goroutines and for the requests between begin and over.
type ledger struct {
	calls    sync.WaitGroup // the goroutines of the calls, for close
	requests sync.WaitGroup // the requests between begin and over, for close
	aborted  func()         // counts a call aborted while running

	mu      sync.Mutex
	closed  bool
	seq     uint64
	docs    map[string]*docState
	edits   map[string]int32                 // the version of each document's latest edit (see edited)
	flights map[string]*flight               // by request key, while running
	results *lru.Cache[string, flightResult] // recent answers by request key
}

func newLedger(cacheSize int, aborted func()) *ledger {
	results, _ := lru.New[string, flightResult](max(cacheSize, 1))
	return &ledger{aborted: aborted, docs: make(map[string]*docState), edits: make(map[string]int32), flights: make(map[string]*flight), results: results}
}

// docState is what the ledger remembers of one key (surface and
// document).
type docState struct {
	t *ticket // the latest request

	text string // document and cursor of the latest request
	off  int

	shown *shown // the items last answered, for type-through
}

// shown is a set of items answered for one document state.
type shown struct {
	path     string
	text     string
	off      int
	items    []Item
	at       time.Time
	prompt   string // hash, for the feedback log
	timing   Timing
	accepted bool // guarded by ledger.mu
}

// ticket is one request's registration as the latest of its key.
type ticket struct {
	seq     uint64
	key     string        // surface and path
	version int32         // the document's
	done    chan struct{} // closed when superseded
	// stop cancels the request's own work (context, prompt) when it is
	// superseded; its call is not the request's alone (see flight).
	stop       context.CancelFunc
	superseded bool    // done is closed; guarded by ledger.mu
	held       *flight // the call this request holds a reference to; guarded by ledger.mu
	// keep is set when the request answered without waiting for held: the
	// reference stays, for the next request to take over (see begin),
	// instead of being dropped when the request ends. Guarded by ledger.mu.
	keep bool

	deleted bool    // the request follows a deletion at the cursor
	typed   string  // text typed since adopt's prompt was written, when adopt is set
	adopt   *flight // the previous request's call, handed over to this request
	through string  // text typed since shown was answered
	shown   *shown  // the previous items, when this request typed through them
}

// flight is one model call shared by every request that waits for it:
// requests with the same prompt, and a request that typed ahead of the one
// that started it. The call is aborted when the last of them leaves.
type flight struct {
	key string
	// doc and off are the document and cursor the prompt was written for:
	// a later request that only typed ahead of them may take the answer.
	doc    string
	off    int
	prompt *Prompt
	build  builder
	in     postprocess.Input // for the early stop while streaming
	cancel context.CancelFunc
	done   chan struct{}
	refs   int          // guarded by ledger.mu
	res    flightResult // written before done is closed
}

// flightResult is a model's answer, before post-processing.
type flightResult struct {
	texts   []string
	model   string
	chat    bool   // the answer is to a chat prompt
	source  string // "model", "fallback" or "cache"
	prompt  *Prompt
	elapsed time.Duration
	err     error
}

func (f *flight) finished() bool {
	select {
	case <-f.done:
		return true
	default:
		return false
	}
}

// answered reports whether f is still running or answered with text: a
// call worth handing over to a request that typed ahead of it.
func (f *flight) answered() bool {
	return !f.finished() || f.res.err == nil && len(f.res.texts) > 0
}

// begin registers a request for key, with the document doc at version
// and its cursor off, as the latest one (see ledger); nil after close.
// stop cancels the request's own work when it is superseded. A request
// of a version older than the document's latest edit (see edited) begins
// superseded, and leaves the latest request as it is. rejected, when set,
// are the items that left the screen without being accepted.
func (l *ledger) begin(key, doc string, off int, version int32, stop context.CancelFunc) (t *ticket, rejected *shown) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		return nil, nil
	}
	l.requests.Add(1)
	l.seq++
	t = &ticket{seq: l.seq, key: key, version: version, done: make(chan struct{}), stop: stop}
	if v, ok := l.edits[pathOf(key)]; ok && version < v {
		l.supersedeLocked(t)
		return t, nil
	}
	st := l.docs[key]
	if st == nil {
		st = &docState{}
		l.docs[key] = st
	}
	if prev := st.t; prev != nil {
		l.supersedeLocked(prev)
		t.deleted = deletedAt(st.text, st.off, doc, off)
		if f := prev.held; f != nil {
			prev.held = nil
			if typed, ok := typedAhead(f.doc, f.off, doc, off); ok && f.answered() && (f.finished() || len(typed) <= maxWaitAhead) {
				t.typed, t.adopt, t.held = typed, f, f
			} else {
				l.releaseLocked(f)
			}
		}
	}
	if sh := st.shown; sh != nil {
		if typed, ok := typedAhead(sh.text, sh.off, doc, off); ok && sh.match(typed) {
			t.through, t.shown = typed, sh
		} else {
			if !sh.accepted {
				rejected = sh
			}
			st.shown = nil
		}
	}
	st.t, st.text, st.off = t, doc, off
	return t, rejected
}

// end drops the call reference t still holds, unless t keeps it.
func (l *ledger) end(t *ticket) {
	l.mu.Lock()
	if f := t.held; f != nil && !t.keep {
		t.held = nil
		l.releaseLocked(f)
	}
	l.mu.Unlock()
}

// over ends the request t began: it drops the call reference t still
// holds, unless t keeps it, and lets close return.
func (l *ledger) over(t *ticket) {
	l.end(t)
	l.requests.Done()
}

// keep makes t keep its reference to f when it ends, for the next
// request of the document to take over. It reports false when a newer
// request took the reference already (t is superseded).
func (l *ledger) keep(t *ticket, f *flight) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if t.held != f || f == nil {
		return false
	}
	t.keep = true
	return true
}

// latest reports whether t is still the latest request of its key.
func (l *ledger) latest(t *ticket) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.latestLocked(t)
}

func (l *ledger) latestLocked(t *ticket) bool {
	st := l.docs[t.key]
	return st != nil && st.t == t && !t.superseded
}

// supersedeLocked tells t's request that it is superseded and stops its
// own work, once. l.mu is held.
func (l *ledger) supersedeLocked(t *ticket) {
	if t.superseded {
		return
	}
	t.superseded = true
	close(t.done)
	if t.stop != nil {
		t.stop()
	}
}

// edited supersedes, on every surface, the requests of the document at
// path that are older than version, the version of an edit: their answers
// would be stale, and the editor drops them. Their calls go on for the
// next request, which types ahead of them, to take over (see begin): a
// request kept waiting for its call, or still working on its prompt,
// would only take the CPU from the editor's messages and from that next
// request. A request of an older version that begins later is superseded
// at once.
func (l *ledger) edited(path string, version int32) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if v, ok := l.edits[path]; !ok || version > v {
		l.edits[path] = version
	}
	for key, st := range l.docs {
		t := st.t
		if t == nil || t.superseded || t.version >= version || pathOf(key) != path {
			continue
		}
		if t.held != nil {
			t.keep = true // the next request takes the call over
		}
		l.supersedeLocked(t)
	}
}

// pathOf returns the path of a ledger key (surface and path).
func pathOf(key string) string {
	_, path, _ := strings.Cut(key, "\x00")
	return path
}

// show records the items answered to t, if it is still the latest.
func (l *ledger) show(t *ticket, sh *shown) {
	l.mu.Lock()
	if l.latestLocked(t) {
		st := l.docs[t.key]
		st.shown = sh
	}
	l.mu.Unlock()
}

// accept marks the items on screen that hold the item id as accepted and
// returns them; nil when no items on screen (and not accepted yet) hold
// it.
func (l *ledger) accept(id string) *shown {
	l.mu.Lock()
	defer l.mu.Unlock()
	var sh *shown
	for _, st := range l.docs {
		if st.shown == nil || st.shown.accepted {
			continue
		}
		for _, it := range st.shown.items {
			if it.ID == id {
				sh = st.shown
			}
		}
	}
	if sh != nil {
		sh.accepted = true
	}
	return sh
}

// forget supersedes the requests of path, on every surface, and drops
// what the ledger remembers of it.
func (l *ledger) forget(path string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.edits, path)
	for key, st := range l.docs {
		if pathOf(key) != path {
			continue
		}
		if st.t != nil {
			l.supersedeLocked(st.t)
			if f := st.t.held; f != nil {
				st.t.held = nil
				l.releaseLocked(f)
			}
		}
		delete(l.docs, key)
	}
}

// joined says how join answered.
type joined int

const (
	fromCache joined = iota // a recent answer: no call held
	shared                  // a reference to an identical call in flight
	started                 // a new call
)

// errClosed ends a request that comes after Close.
var errClosed = errors.New("completion: engine closed")

// join answers the request t with the prompt key: from the recent
// results (res), else by giving t a reference to the identical call in
// flight, else by starting one: newFlight makes it (its refs are set
// here) and run, on a goroutine the ledger waits for in close, makes the
// call and publishes it. It fails with errSuperseded when t is not the
// latest any more, errClosed after close.
func (l *ledger) join(t *ticket, key string, newFlight func() *flight, run func(*flight)) (f *flight, res flightResult, how joined, err error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if r, ok := l.results.Get(key); ok {
		return nil, r, fromCache, nil
	}
	switch {
	case l.closed:
		return nil, flightResult{}, 0, errClosed
	case !l.latestLocked(t):
		return nil, flightResult{}, 0, errSuperseded
	}
	how = shared
	f = l.flights[key]
	if f != nil {
		f.refs++
	} else {
		how = started
		f = newFlight()
		f.key, f.refs = key, 1
		l.flights[key] = f
		l.calls.Go(func() { run(f) })
	}
	t.held = f
	return f, flightResult{}, how, nil
}

// publish ends f with res: it leaves the calls in flight, its text joins
// the recent results, and the requests waiting for it see res.
func (l *ledger) publish(f *flight, res flightResult) {
	l.mu.Lock()
	if l.flights[f.key] == f {
		delete(l.flights, f.key)
	}
	if res.err == nil && len(res.texts) > 0 {
		l.results.Add(f.key, res)
	}
	f.res = res
	l.mu.Unlock()
	close(f.done)
}

// releaseLocked drops one reference to f; the last one aborts the call.
// l.mu is held.
func (l *ledger) releaseLocked(f *flight) {
	f.refs--
	if f.refs > 0 {
		return
	}
	if l.flights[f.key] == f {
		delete(l.flights, f.key)
	}
	if !f.finished() {
		l.aborted()
	}
	f.cancel()
}

// close drops the references kept for a next request, aborts every call
// still running and waits for their goroutines to end, and for the
// requests still running (those waiting for a call end with its
// cancellation).
func (l *ledger) close() {
	l.mu.Lock()
	l.closed = true
	for _, st := range l.docs {
		if t := st.t; t != nil && t.keep && t.held != nil {
			l.releaseLocked(t.held)
			t.held = nil
		}
	}
	for _, f := range l.flights {
		f.cancel()
	}
	l.mu.Unlock()
	l.calls.Wait()
	l.requests.Wait()
}
