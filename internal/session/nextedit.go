package session

import (
	"fmt"
	"path/filepath"
	"sync"
	"time"

	"github.com/lode-ls/lode/completion/llm"
	"github.com/lode-ls/lode/completion/llm/health"
	"github.com/lode-ls/lode/completion/llm/provider"
	"github.com/lode-ls/lode/completion/nextedit"
	"github.com/lode-ls/lode/completion/nextedit/rewrite"
	"github.com/lode-ls/lode/internal/config"
)

// maxCandidateFiles bounds the files the index names for a next edit in
// other files; the engine reads at most its own MaxFiles of them.
const maxCandidateFiles = 200

// NextEdits returns the session's next-edit engine.
func (s *Session) NextEdits() *nextedit.Engine { return s.next }

// candidates returns the indexed files that use name.
func (s *Session) candidates(name string) []string {
	seen := map[string]bool{}
	var paths []string
	for _, h := range s.mem.Load().ix.Occurrences(name, maxCandidateFiles) {
		if !seen[h.Path] {
			seen[h.Path] = true
			paths = append(paths, h.Path)
		}
	}
	return paths
}

// nextEditPart is the model of the next-edit predictor when it is not the
// completion model: its own breaker, rebuilt when its configuration
// changes.
type nextEditPart struct {
	mu     sync.Mutex
	key    string
	health *health.Model

	predMu sync.Mutex
	pred   *rewrite.Predictor // the engine's model predictor; nil when offline
}

func (p *nextEditPart) close() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.health != nil {
		p.health.Close()
		p.health = nil
	}
}

// setPredictor makes pred the engine's model predictor and closes the
// one it replaces.
func (p *nextEditPart) setPredictor(e *nextedit.Engine, pred *rewrite.Predictor) {
	p.predMu.Lock()
	defer p.predMu.Unlock()
	if pred == nil {
		e.SetModel(nil)
	} else {
		e.SetModel(pred)
	}
	if p.pred != nil {
		p.pred.Close()
	}
	p.pred = pred
}

// configureNextEdit gives the next-edit engine a model predictor over the
// nextedit model (else the completion model) when it is a server, behind
// a breaker (the completion model's own when it is the same model): while
// the model is down, next edits are the offline ones, at once. Called
// after configureCompletion.
func (s *Session) configureNextEdit(cfg *config.Config) {
	m, setup, err := s.nextEditModel(cfg)
	if err != nil {
		s.log.Warn("next edits: no model predictor", "err", err)
	}
	if m == nil {
		s.nextModel.setPredictor(s.next, nil)
		return
	}
	opts := rewrite.Options{
		Model:         m,
		ModelName:     setup.ModelID,
		Format:        cfg.NextEdit.Format,
		Grounding:     cfg.Completion.Grounding,
		SyntaxCheck:   cfg.Completion.SyntaxCheck,
		Rel:           s.rel,
		RegionLines:   cfg.NextEdit.RegionLines,
		ExcerptLines:  cfg.NextEdit.ExcerptLines,
		ContextBudget: cfg.NextEdit.ContextBudget,
		RetrieveTime:  time.Duration(cfg.NextEdit.RetrieveMS) * time.Millisecond,
		MaxTokens:     cfg.NextEdit.MaxTokens,
		Timeout:       time.Duration(cfg.Completion.TimeoutMS) * time.Millisecond,
		Logger:        s.log,
	}
	if !s.opts.NoIndex {
		opts.Retriever, opts.Names, opts.Trees = s, s, s
	}
	s.nextModel.setPredictor(s.next, rewrite.New(opts))
}

// nextEditModel returns the model of the next-edit predictor, behind its
// breaker; nil when next edits stay offline (turned off, or the model is
// the embedded one).
func (s *Session) nextEditModel(cfg *config.Config) (llm.Model, *provider.Setup, error) {
	p := &s.nextModel
	if cfg.NextEdit.Model == config.NextEditOff {
		p.close()
		return nil, nil, nil
	}
	r, err := cfg.FeatureModel(config.FeatureNextEdit)
	if err != nil {
		p.close()
		return nil, nil, err
	}
	setup, err := provider.Resolve(r, s.opts.Getenv)
	if err != nil || setup.Embedded() {
		p.close()
		return nil, nil, err
	}
	key := fmt.Sprintf("%+v", setup.ResolvedModel)
	c := &s.completion
	c.mu.Lock()
	shared := c.health
	same := c.key == key
	c.mu.Unlock()
	if same && shared != nil {
		p.close()
		return shared, setup, nil
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.health != nil && p.key == key {
		return p.health, setup, nil
	}
	m, err := setup.New()
	if err != nil {
		return nil, nil, err
	}
	if p.health != nil {
		p.health.Close()
	}
	o := health.Options{ProbeTimeout: time.Duration(cfg.Completion.TimeoutMS) * time.Millisecond}
	o.OnChange = func(st health.Status) {
		s.log.Info("next-edit model health", "status", health.Summary(st, true))
	}
	p.key, p.health = key, health.New(m, o)
	return p.health, setup, nil
}

// rel names a file for a prompt: relative to the workspace folder that
// holds it, else by its base name (nothing of the machine's layout
// leaves).
func (s *Session) rel(path string) string {
	for _, f := range s.ws.Folders() {
		if r, err := filepath.Rel(f, path); err == nil && filepath.IsLocal(r) {
			return filepath.ToSlash(r)
		}
	}
	return filepath.Base(path)
}
