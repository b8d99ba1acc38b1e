// Package explain explains code: the function, type or selection a user
// points at, grounded in what the workspace says about it (the definitions
// of what it calls, its callers, its doc comment), in markdown. With a
// chat model it asks the model; with only the embedded model, or none, it
// writes a structural explanation from the syntax tree and the index, and
// says so.
//
// The main types are Explainer, Target, Subject and Explanation. Package
// explain depends on completion/llm, context/syntax and context/retrieve's
// types; it knows nothing of LSP or of a concrete provider.
package explain

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
	"sync"

	lru "github.com/hashicorp/golang-lru/v2"

	"github.com/lode-ls/lode/completion/llm"
	"github.com/lode-ls/lode/context/redact"
	"github.com/lode-ls/lode/context/retrieve"
	"github.com/lode-ls/lode/context/workspace"
)

// Target is a document and the place in it to explain.
type Target struct {
	Path     string // absolute path
	Language string // language id; empty means "from the extension"
	Content  string
	// Start and End are the byte range of a selection in Content; when
	// equal, the innermost named function or type around Start is
	// explained.
	Start, End int
	// Window is true when Content is only a part of the document (a
	// window around the cursor of a document too large to read whole),
	// which starts at byte Base and zero-based line BaseLine of it. The
	// subject's ranges and lines are then the document's, and the window
	// is never explained as a whole file.
	Window         bool
	Base, BaseLine int
}

// Narrow returns t reading only a window of its content around Start
// (workspace.Window), for a document too large to read, parse or send
// whole; the explanation's ranges and lines stay the document's.
func (t Target) Narrow() Target {
	if t.Window {
		return t
	}
	w, base := workspace.Window(t.Content, t.Start)
	t.BaseLine = strings.Count(t.Content[:base], "\n")
	t.Content, t.Base, t.Window = w, base, true
	t.Start, t.End = t.Start-base, max(t.Start-base, min(t.End-base, len(w)))
	return t
}

// locate finds what t asks to explain, in the document's coordinates.
func (t Target) locate(ctx context.Context) (*Subject, error) {
	subj, err := Locate(ctx, t.Path, t.Language, t.Content, t.Start, t.End)
	if err != nil || !t.Window {
		return subj, err
	}
	if subj.Kind == "file" {
		return nil, ErrNothing
	}
	subj.shift(t.Base, t.BaseLine)
	return subj, nil
}

// Explanation is the answer, as markdown.
type Explanation struct {
	Markdown string
	Subject  *Subject
	// Structural is true when the explanation was built from the syntax
	// tree and the index alone, not by a chat model.
	Structural bool
	Model      string             // the model that wrote it, when one did
	Sources    []retrieve.Snippet // the context it is grounded in
	Cached     bool               // answered from the cache
}

// Lookup finds what the workspace knows about names. Implementations are
// safe for concurrent use and return quickly (an index lookup, no model).
type Lookup interface {
	// Definitions returns the definitions of name, best first.
	Definitions(ctx context.Context, name string) []retrieve.Snippet
	// Callers returns the places that use name, with some code around each.
	Callers(ctx context.Context, name string) []retrieve.Snippet
}

// Progress receives a short message and a percentage (0-100) as an
// explanation advances. It must not block.
type Progress func(message string, percent int)

// Chatter is implemented by models that know whether they can answer chat
// requests. Models that do not implement it are assumed to chat, except
// next-token predictors (the embedded model).
type Chatter interface {
	SupportsChat() bool
}

// Options configure an Explainer. Zero values take the defaults.
type Options struct {
	Lookup    Lookup              // optional: no definitions or callers when nil
	Redact    func(string) string // applied to every text sent to the model; default redact.String
	Budget    int                 // tokens of context; default 2048
	MaxTokens int                 // tokens of answer; default 1024
	CacheSize int                 // explanations kept; default 128
}

// Explainer explains code. It is safe for concurrent use; identical
// concurrent requests share one model call.
type Explainer struct {
	model llm.Model
	opts  Options
	cache *lru.Cache[string, *Explanation]

	flightMu sync.Mutex
	flight   map[string]*call
}

// New returns an Explainer that asks model (nil: structural explanations
// only).
func New(model llm.Model, opts Options) *Explainer {
	if opts.Budget <= 0 {
		opts.Budget = 2048
	}
	if opts.MaxTokens <= 0 {
		opts.MaxTokens = 1024
	}
	if opts.CacheSize <= 0 {
		opts.CacheSize = 128
	}
	if opts.Redact == nil {
		opts.Redact = redact.String
	}
	cache, _ := lru.New[string, *Explanation](opts.CacheSize) // the size is positive
	return &Explainer{model: model, opts: opts, cache: cache, flight: make(map[string]*call)}
}

// CanChat reports whether the Explainer's model writes prose explanations.
func (e *Explainer) CanChat() bool {
	switch m := e.model.(type) {
	case nil:
		return false
	case Chatter:
		return m.SupportsChat()
	case llm.Predictor:
		return false
	}
	return true
}

// Explain explains the target. A chat model's failure is returned as an
// error (wrapping llm's sentinels); the caller may then fall back to
// Structural. progress may be nil.
func (e *Explainer) Explain(ctx context.Context, t Target, progress Progress) (*Explanation, error) {
	if progress == nil {
		progress = func(string, int) {}
	}
	if workspace.IsSecretFile(t.Path) {
		return nil, redact.SecretFileError(t.Path) // the caller's structural fallback says why
	}
	subj, err := t.locate(ctx)
	if err != nil {
		return nil, err
	}
	progress("Finding definitions and callers", 10)
	sources := e.gather(ctx, subj)
	if !e.CanChat() {
		return &Explanation{Markdown: Structural(subj, sources, ""), Subject: subj, Structural: true, Sources: sources}, nil
	}
	msgs := e.messages(subj, sources)
	key := cacheKey(modelName(e.model), msgs)
	if ex, ok := e.cache.Get(key); ok {
		progress("Explained (cached)", 100)
		c := *ex
		c.Subject, c.Cached = subj, true
		return &c, nil
	}
	progress("Asking "+cmp.Or(modelName(e.model), "the model"), 30)
	text, model, err := e.do(ctx, key, msgs, progress)
	if err != nil {
		return nil, err
	}
	if strings.TrimSpace(text) == "" {
		return nil, fmt.Errorf("explain: %w: empty answer", llm.ErrBadResponse)
	}
	ex := &Explanation{Markdown: render(subj, text, model, sources), Subject: subj, Model: model, Sources: sources}
	e.cache.Add(key, ex)
	progress("Explained", 100)
	return ex, nil
}

// Fallback returns a structural explanation of the target, with a note
// saying why there is no prose (for example that the model is
// unreachable). It never calls the model.
func (e *Explainer) Fallback(ctx context.Context, t Target, note string) (*Explanation, error) {
	subj, err := t.locate(ctx)
	if err != nil {
		return nil, err
	}
	sources := e.gather(ctx, subj)
	return &Explanation{Markdown: Structural(subj, sources, note), Subject: subj, Structural: true, Sources: sources}, nil
}

// call is one model call shared by identical concurrent requests. It is
// cancelled when every waiter has gone.
type call struct {
	done    chan struct{}
	text    string
	model   string
	err     error
	waiters int
	cancel  context.CancelFunc
}

// do asks the model once per key at a time.
func (e *Explainer) do(ctx context.Context, key string, msgs []llm.Message, progress Progress) (string, string, error) {
	e.flightMu.Lock()
	c, ok := e.flight[key]
	if !ok {
		cctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
		c = &call{done: make(chan struct{}), cancel: cancel}
		e.flight[key] = c
		go func() {
			c.text, c.model, c.err = e.ask(cctx, msgs, progress)
			cancel()
			e.flightMu.Lock()
			delete(e.flight, key)
			e.flightMu.Unlock()
			close(c.done)
		}()
	}
	c.waiters++
	e.flightMu.Unlock()

	select {
	case <-c.done:
		return c.text, c.model, c.err
	case <-ctx.Done():
		e.flightMu.Lock()
		if c.waiters--; c.waiters == 0 {
			c.cancel()
		}
		e.flightMu.Unlock()
		return "", "", ctx.Err()
	}
}

// ask calls the model, streaming when it can so that progress moves.
func (e *Explainer) ask(ctx context.Context, msgs []llm.Message, progress Progress) (string, string, error) {
	req := &llm.Request{Mode: llm.ModeChat, Messages: msgs, MaxTokens: e.opts.MaxTokens, Temperature: 0.2}
	var resp *llm.Response
	var err error
	if s, ok := e.model.(llm.Streamer); ok {
		n := 0
		resp, err = s.Stream(ctx, req, func(delta string) bool {
			n += len(delta)
			progress("Writing the explanation", min(95, 30+65*n/(4*e.opts.MaxTokens)))
			return true
		})
	} else {
		resp, err = e.model.Complete(ctx, req)
	}
	if err != nil {
		return "", "", fmt.Errorf("explain: %w", err)
	}
	return resp.Text(), cmp.Or(resp.Model, modelName(e.model)), nil
}

func cacheKey(model string, msgs []llm.Message) string {
	h := sha256.New()
	h.Write([]byte(model))
	for _, m := range msgs {
		fmt.Fprintf(h, "\x00%s\x00%d:%s", m.Role, len(m.Content), m.Content)
	}
	return hex.EncodeToString(h.Sum(nil))
}

func modelName(m llm.Model) string {
	if n, ok := m.(llm.Namer); ok {
		return n.ModelName()
	}
	return ""
}

// Ground returns what an explanation of t would be grounded in: the
// definitions of what the code calls and the places that call it, under
// the token budget. Patches use it as their project context.
func (e *Explainer) Ground(ctx context.Context, t Target) ([]retrieve.Snippet, error) {
	subj, err := t.locate(ctx)
	if err != nil {
		return nil, err
	}
	return e.gather(ctx, subj), nil
}
