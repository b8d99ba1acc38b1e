// Package completion is lode's inline completion engine: one Engine answers
// both the inline completion and the completion item surfaces. For a
// cursor it applies the trigger policy, gathers the windows around the
// cursor and the workspace context under one token budget, writes them in
// the model family's format, calls the model (streaming, with early stop)
// and post-processes the answer.
//
// The engine owns the latency habits: latest wins per document (the older
// request is answered empty and its model call aborted), a type-through
// cache, reuse of an in-flight call the new request extends, deduplication
// of identical prompts, a debounce and a concurrency limit per model.
// Beside a server model, the embedded model answers first when the server
// is slow (companion mode), and ranks the next tokens offered as
// completion items; a request that answers without waiting for the
// server leaves its call running for the next request to take over.
//
// The main types are Engine, Options, Request, Result, Item and Prompt.
// Package completion depends on context/..., completion/llm,
// completion/prompt, completion/postprocess and internal/config; never
// on lsp/ nor on a concrete model provider.
package completion

import (
	"context"
	"errors"
	"log/slog"
	"strconv"
	"sync"
	"sync/atomic"

	"github.com/lode-ls/lode/completion/llm"
	"github.com/lode-ls/lode/context/retrieve"
	"github.com/lode-ls/lode/internal/config"
)

// Retriever finds the workspace context for a cursor; context/retrieve
// provides one. The engine gives ctx a deadline, the request's time budget
// for context (see retrieveBudget): a Retriever returns by then with what
// it has found, and says in Bundle.Cut what it left out. A cancelled ctx
// means the request is gone: the answer is not used.
type Retriever interface {
	Retrieve(ctx context.Context, req retrieve.Request) (retrieve.Bundle, error)
}

// RetrieverFunc adapts a function to Retriever.
type RetrieverFunc func(ctx context.Context, req retrieve.Request) (retrieve.Bundle, error)

// Retrieve calls f.
func (f RetrieverFunc) Retrieve(ctx context.Context, req retrieve.Request) (retrieve.Bundle, error) {
	return f(ctx, req)
}

// Options configures an Engine. Model is required.
type Options struct {
	Config config.Completion
	// Model answers completions. Its name (llm.Namer, else ModelName)
	// picks the prompt template.
	Model     llm.Model
	ModelName string
	// Embedded, when set, is the embedded model beside a server model:
	// it answers instead of Model when Model is unavailable or rate
	// limited (Config.Fallback), first when Model is slow
	// (Config.Companion), and ranks the next tokens of completion items
	// when it is an llm.Predictor and Model is not.
	Embedded llm.Model
	// Retriever supplies workspace context; nil sends the windows around
	// the cursor only.
	Retriever Retriever
	// Redact replaces secrets in text before it leaves; nil uses
	// context/redact.
	Redact func(string) string
	// Tokens counts tokens for the budget; nil uses the model's own
	// counter (llm.TokenCounter) or else an estimate of 4 bytes a token.
	Tokens llm.TokenCounter
	// Template and FIM choose the prompt format: the model's template
	// setting (empty: detected from the model's name) and its fim way
	// (see the FIM constants; empty is FIMAuto). ExtraFiles puts other
	// files apart from the prefix in native fill-in-the-middle requests
	// (llama.cpp's input_extra; the embedded model). Package
	// completion/llm/provider resolves all three from a configuration.
	Template, FIM string
	ExtraFiles    bool
	Logger        *slog.Logger
}

// Engine answers completion requests. It is safe for concurrent use.
type Engine struct {
	cfg      atomic.Pointer[config.Completion]
	model    *provider
	embedded *provider // nil without a companion
	// predictor ranks next tokens for completion items: the model's own
	// ranking, else the companion's; nil when neither ranks.
	predictor     llm.Predictor
	predictorName string
	retriever     Retriever
	redact        func(string) string
	tokens        llm.TokenCounter
	format        *formatter
	log           *slog.Logger
	feedback      *feedbackLog
	noFIM         atomic.Bool // the model rejected FIM: chat prompts from now on
	warned        sync.Map    // error kinds already reported to the user

	ledger *ledger // requests, calls and items on screen
	trees  trees   // last syntax tree per document
	// work counts the engine's other goroutines (ranked tokens), for
	// Close to wait.
	work  sync.WaitGroup
	stats counters
}

// New returns an Engine.
func New(opts Options) *Engine {
	e := &Engine{
		retriever: opts.Retriever,
		redact:    opts.Redact,
		tokens:    opts.Tokens,
		log:       opts.Logger,
	}
	if e.log == nil {
		e.log = slog.New(slog.DiscardHandler)
	}
	e.trees.from, _ = opts.Retriever.(Trees)
	cfg := normalize(opts.Config)
	e.cfg.Store(&cfg)
	name := opts.ModelName
	if n, ok := opts.Model.(llm.Namer); ok && name == "" {
		name = n.ModelName()
	}
	e.model = newProvider(opts.Model, name, cfg.MaxConcurrent)
	if opts.Embedded != nil {
		ename := "embedded"
		if n, ok := opts.Embedded.(llm.Namer); ok {
			ename = n.ModelName()
		}
		e.embedded = newProvider(opts.Embedded, ename, cfg.MaxConcurrent)
	}
	if p, ok := opts.Model.(llm.Predictor); ok {
		e.predictor, e.predictorName = p, e.model.name
	} else if p, ok := opts.Embedded.(llm.Predictor); ok {
		e.predictor, e.predictorName = p, e.embedded.name
	}
	if e.tokens == nil {
		if c, ok := opts.Model.(llm.TokenCounter); ok {
			e.tokens = c
		} else {
			e.tokens = estimate{}
		}
	}
	e.format = newFormatter(opts.Model, name, opts.Template, opts.FIM, opts.ExtraFiles, e.tokens)
	e.ledger = newLedger(cfg.CacheSize, func() { e.stats.aborted.Add(1) })
	e.feedback = newFeedbackLog(cfg.FeedbackLog, e.log)
	return e
}

// normalize replaces settings that cannot work with working ones.
func normalize(c config.Completion) config.Completion {
	c.MaxConcurrent = max(c.MaxConcurrent, 1)
	c.Candidates = max(c.Candidates, 1)
	if c.Budget <= 0 {
		c.Budget = 2048
	}
	if c.PrefixShare <= 0 || c.PrefixShare+c.SuffixShare > 100 {
		c.PrefixShare, c.SuffixShare = 45, 15
	}
	c.SuffixShare = max(c.SuffixShare, 0)
	if c.MaxTokens <= 0 {
		c.MaxTokens = 160
	}
	if c.MaxLineTokens <= 0 {
		c.MaxLineTokens = 48
	}
	if c.TimeoutMS <= 0 {
		c.TimeoutMS = 4000
	}
	c.CompanionWaitMS = max(c.CompanionWaitMS, 0)
	c.ItemsWaitMS = max(c.ItemsWaitMS, 0)
	c.NextTokens = max(c.NextTokens, 0)
	if c.RetrieveShare <= 0 {
		c.RetrieveShare = 20
	}
	if c.RetrieveMaxMS == 0 {
		c.RetrieveMaxMS = 150
	}
	c.RetrieveMinMS = max(c.RetrieveMinMS, 0)
	if c.RetrieveMaxMS > 0 {
		c.RetrieveMinMS = min(c.RetrieveMinMS, c.RetrieveMaxMS)
	}
	if c.PredictMS == 0 {
		c.PredictMS = 50
	}
	return c
}

// SetConfig replaces the settings of later requests. The model, the
// concurrency limit and the feedback log keep the values New had.
func (e *Engine) SetConfig(c config.Completion) {
	c = normalize(c)
	e.cfg.Store(&c)
}

func (e *Engine) config() *config.Completion { return e.cfg.Load() }

// Close aborts the model calls in flight and waits for them and for every
// other goroutine the engine started, then releases the cached syntax
// trees and closes the feedback log. Requests still running end empty;
// requests after Close are answered with Skipped SkipClosed.
func (e *Engine) Close() error {
	e.ledger.close()
	e.work.Wait()
	e.trees.close()
	return e.feedback.close()
}

// ModelName returns the name of the completion model.
func (e *Engine) ModelName() string { return e.model.name }

// newID returns a fresh item ID prefix.
func (e *Engine) newID(seq uint64, i int) string {
	return strconv.FormatUint(seq, 36) + "." + strconv.Itoa(i)
}

// warnOnce logs err at warning level the first time its kind is seen.
func (e *Engine) warnOnce(kind error, msg string, args ...any) {
	if _, seen := e.warned.LoadOrStore(kind, true); !seen {
		e.log.Warn(msg, args...)
	}
}

// errSuperseded ends a request that a newer one for the same document
// replaced.
var errSuperseded = errors.New("completion: superseded")
