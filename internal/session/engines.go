package session

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"

	"github.com/lode-ls/lode/completion"
	"github.com/lode-ls/lode/completion/explain"
	"github.com/lode-ls/lode/completion/llm"
	"github.com/lode-ls/lode/completion/llm/health"
	"github.com/lode-ls/lode/completion/llm/provider"
	"github.com/lode-ls/lode/completion/patch"
	"github.com/lode-ls/lode/context/tokens"
	"github.com/lode-ls/lode/internal/config"
)

// completionPart is the session's completion engine. It is rebuilt when
// the model configuration changes, and reconfigured otherwise.
type completionPart struct {
	mu     sync.Mutex    // serializes configureCompletion
	key    string        // the model configuration the engine was built for
	health *health.Model // the breaker of the engine's server model; nil for the embedded model
	engine atomic.Pointer[completion.Engine]
}

// Setup resolves the model a feature (config.FeatureCompletion or
// config.FeatureExplain) uses, without building it.
func (s *Session) Setup(feature string) (*provider.Setup, error) {
	r, err := s.Config().FeatureModel(feature)
	if err != nil {
		return nil, err
	}
	return provider.Resolve(r, s.opts.Getenv)
}

// configureCompletion builds an engine for cfg, or reconfigures the
// current one when the model is the same. A model that cannot be built
// leaves completion to the embedded model, with a warning.
func (s *Session) configureCompletion(cfg *config.Config) {
	c := &s.completion
	c.mu.Lock()
	defer c.mu.Unlock()
	opts := completion.Options{
		Config: cfg.Completion,
		Tokens: tokens.New(),
		Logger: s.log,
	}
	if !s.opts.NoIndex {
		opts.Retriever = s
	}
	m, setup, err := s.featureModel(cfg, config.FeatureCompletion)
	key := provider.Embedded
	switch {
	case err != nil:
		s.log.Warn("completion model unavailable; using the embedded model", "err", err)
	case !setup.Embedded():
		key = fmt.Sprintf("%+v", setup.ResolvedModel)
		opts.Model, opts.ModelName = m, setup.ModelID
		// Consulted per setting: fallback_embedded, companion, and
		// ranked tokens for completion items.
		opts.Embedded = s.model
	}
	// The embedded model's levels of an open document are built beside
	// the requests when it answers them, else behind them.
	s.model.SetAnswering(opts.Model == nil || cfg.Completion.Companion)
	if opts.Model == nil {
		opts.Model, opts.ModelName = s.model, provider.Embedded
		setup, _ = provider.Resolve(config.ResolvedModel{Model: config.Model{Provider: provider.Embedded}}, s.opts.Getenv)
	}
	opts.Template, opts.FIM, opts.ExtraFiles = setup.Template.Name, setup.FIM, setup.ExtraFiles()
	if cur := c.engine.Load(); cur != nil && key == c.key {
		cur.SetConfig(cfg.Completion)
		return
	}
	c.key = key
	var hm *health.Model
	if opts.Embedded != nil { // a server model
		hm = s.watchModel(opts.Model, cfg, config.FeatureCompletion)
		opts.Model = hm
	}
	if old := c.engine.Swap(completion.New(opts)); old != nil {
		old.Close()
	}
	if c.health != nil {
		c.health.Close()
	}
	c.health = hm
}

// featureModel returns the model of a feature and its setup; the
// embedded model is the session's own, which learns the workspace.
func (s *Session) featureModel(cfg *config.Config, feature string) (llm.Model, *provider.Setup, error) {
	r, err := cfg.FeatureModel(feature)
	if err != nil {
		return nil, nil, err
	}
	setup, err := provider.Resolve(r, s.opts.Getenv)
	if err != nil {
		return nil, nil, err
	}
	if setup.Embedded() {
		return s.model, setup, nil
	}
	m, err := setup.New()
	if err != nil {
		return nil, nil, err
	}
	return m, setup, nil
}

func (p *completionPart) close() error {
	var err error
	if e := p.engine.Load(); e != nil {
		err = e.Close()
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.health != nil {
		p.health.Close()
	}
	return err
}

// Completion returns the completion engine of the configuration in
// force.
func (s *Session) Completion() *completion.Engine { return s.completion.engine.Load() }

// Complete implements lsp/server's Completer with the current engine.
func (s *Session) Complete(ctx context.Context, req completion.Request) (completion.Result, error) {
	return s.Completion().Complete(ctx, req)
}

// Accept records an accepted item.
func (s *Session) Accept(id string) bool { return s.Completion().Accept(id) }

// Forget drops the engine's state of a closed document.
func (s *Session) Forget(path string) { s.Completion().Forget(path) }

// Edited tells the engine of a document's edit: its requests of older
// versions stop (see completion.Engine.Edited).
func (s *Session) Edited(path string, version int32) { s.Completion().Edited(path, version) }

// Prepare counts in bulk what the embedded model learned and builds a
// document's levels, as a single request (a command) wants them built
// before it runs.
func (s *Session) Prepare(path string) {
	s.model.Flush()
	s.model.Prepare("", path)
}

// explainEngines are the explanation and patch engines of one
// configuration.
type explainEngines struct {
	chat      llm.Model // nil when the configuration names no chat model
	chatErr   error     // why there is none, when the model could not be built
	explainer *explain.Explainer
	suggester *patch.Suggester
}

// configureExplain rebuilds the engines for a new configuration. A model
// that cannot be built leaves explanations structural and patches
// failing with the reason.
func (s *Session) configureExplain(cfg *config.Config) {
	model, setup, err := s.featureModel(cfg, config.FeatureExplain)
	if err != nil {
		s.log.Warn("explain: no chat model", "err", err)
	} else if setup.Embedded() {
		model = nil // the embedded model ranks tokens; it does not chat
	}
	var sug llm.Model = unconfigured{err}
	if model != nil {
		sug = model
	}
	var lookup explain.Lookup
	if !s.opts.NoIndex {
		lookup = s
	}
	s.explain.Store(&explainEngines{
		chat:    model,
		chatErr: err,
		explainer: explain.New(model, explain.Options{Lookup: lookup, Budget: cfg.Explain.ContextBudget,
			MaxTokens: cfg.Explain.MaxTokens, CacheSize: cfg.Explain.CacheSize}),
		suggester: &patch.Suggester{Model: sug, Syntax: patch.TreeSitter{}, MaxTokens: max(cfg.Explain.MaxTokens, 2048)},
	})
}

// ChatModel returns the model explanations and patches use: nil with a
// nil error when the configuration names the embedded model, which does
// not chat.
func (s *Session) ChatModel() (llm.Model, error) {
	e := s.explain.Load()
	return e.chat, e.chatErr
}

// Explainer returns the explanation engine of the configuration in force.
func (s *Session) Explainer() *explain.Explainer { return s.explain.Load().explainer }

// Structural returns an explanation engine that explains from the syntax
// tree and the index alone, without a model.
func (s *Session) Structural() *explain.Explainer {
	cfg := s.Config()
	var lookup explain.Lookup
	if !s.opts.NoIndex {
		lookup = s
	}
	return explain.New(nil, explain.Options{Lookup: lookup, Budget: cfg.Explain.ContextBudget, MaxTokens: cfg.Explain.MaxTokens, CacheSize: 1})
}

// Explain implements lsp/server's Explainer.
func (s *Session) Explain(ctx context.Context, t explain.Target, progress explain.Progress) (*explain.Explanation, error) {
	return s.Explainer().Explain(ctx, t, progress)
}

// Fallback implements lsp/server's Explainer.
func (s *Session) Fallback(ctx context.Context, t explain.Target, note string) (*explain.Explanation, error) {
	return s.Explainer().Fallback(ctx, t, note)
}

// Suggest implements lsp/server's Patcher.
func (s *Session) Suggest(ctx context.Context, req *patch.Request) (*patch.Result, error) {
	return s.explain.Load().suggester.Suggest(ctx, req)
}

// unconfigured stands for a missing chat model: every call says why.
type unconfigured struct{ err error }

func (u unconfigured) Complete(context.Context, *llm.Request) (*llm.Response, error) {
	if u.err != nil {
		return nil, fmt.Errorf("%w: %v", llm.ErrUnknownModel, u.err)
	}
	return nil, fmt.Errorf("%w: patches need a chat model; the embedded model only completes code (set provider and model, or explain.model)", llm.ErrUnknownModel)
}
