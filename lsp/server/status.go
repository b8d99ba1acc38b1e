package server

import (
	"context"
	"errors"
	"slices"
	"sync"

	"github.com/lode-ls/lode/completion"
	"github.com/lode-ls/lode/completion/llm"
	"github.com/lode-ls/lode/internal/config"
	"github.com/lode-ls/lode/lsp/lode"
)

// ModelStatus reports the state of the completion model, when a part of
// the session follows it (a circuit breaker around the model server).
// state is lode.StatusReady or lode.StatusUnreachable; when unreachable,
// detail says why. model is the model answering meanwhile ("embedded"
// when the embedded model stands in), or "" when none does. Status must be
// safe for concurrent use and must not block.
//
// Without one, the server derives the state from completion results: a
// fallback answer or llm.ErrUnavailable means unreachable, a model's
// answer means ready.
type ModelStatus interface {
	Status() (model, state, detail string)
}

// embeddedName is how the status names the embedded offline model.
const embeddedName = "embedded"

// status is what lode/status reports, kept between notifications.
type status struct {
	mu       sync.Mutex
	inFlight int
	// reachable, fallback and detail are derived from completion results
	// when no ModelStatus is set.
	unreachable bool
	fallback    string
	detail      string
	indexing    *lode.IndexingProgress
	modelKey    string // the model the derived state is about

	// kick wakes the sender (statusLoop), which alone reads sent.
	kick chan struct{}
	sent *lode.StatusParams
}

// statusParams computes the notification's params from the configuration,
// the model state and the work in flight.
func (s *Server) statusParams() lode.StatusParams {
	cfg := s.Config()
	p := lode.StatusParams{Model: embeddedName}
	if m, err := cfg.FeatureModel(config.FeatureCompletion); err == nil {
		p.Provider = m.Provider
		if m.Provider != embeddedName && m.ModelID != "" {
			p.Model = m.ModelID
		} else if m.Provider != embeddedName {
			p.Model = m.Provider
		}
	}
	p.DisabledLanguages = slices.Clone(cfg.Completion.DisabledLanguages)

	st := &s.status
	st.mu.Lock()
	unreachable, fallback, detail := st.unreachable, st.fallback, st.detail
	p.InFlight = st.inFlight
	if st.indexing != nil {
		ix := *st.indexing
		p.Indexing = &ix
	}
	st.mu.Unlock()
	if ms := s.opts.ModelStatus; ms != nil {
		var state string
		fallback, state, detail = ms.Status()
		unreachable = state == lode.StatusUnreachable
	}
	if p.Provider == embeddedName {
		unreachable = false // nothing to reach
	}
	switch {
	case !cfg.Completion.Enabled:
		p.State = lode.StatusDisabled
	case unreachable:
		p.State, p.Fallback, p.Detail = lode.StatusUnreachable, fallback, detail
	case p.InFlight > 0:
		p.State = lode.StatusWorking
	case p.Indexing != nil:
		p.State = lode.StatusIndexing
	default:
		p.State = lode.StatusReady
	}
	return p
}

// publishStatus has lode/status sent, when it differs from the last one
// sent, by the sender (statusLoop): a request never waits for the
// notification to be written, and a burst of changes (requests in a burst
// of edits, each counted in flight and out) is sent as its latest state.
// Nothing is sent before the client has sent initialized.
func (s *Server) publishStatus(context.Context) {
	select {
	case <-s.ready:
	default:
		return
	}
	select {
	case s.status.kick <- struct{}{}:
	default: // the sender is kicked already: it will read the latest state
	}
}

// statusLoop sends lode/status when kicked, until ctx is done.
func (s *Server) statusLoop(ctx context.Context) {
	st := &s.status
	for {
		select {
		case <-ctx.Done():
			return
		case <-st.kick:
		}
		p := s.statusParams()
		if st.sent != nil && sameStatus(*st.sent, p) {
			continue
		}
		st.sent = &p
		if err := s.conn.Notify(ctx, lode.MethodStatus, &p); err != nil {
			s.opts.Logger.Debug("lode/status failed", "err", err)
		}
	}
}

func sameStatus(a, b lode.StatusParams) bool {
	return a.State == b.State && a.Model == b.Model && a.Provider == b.Provider &&
		a.Fallback == b.Fallback && a.Detail == b.Detail && a.InFlight == b.InFlight &&
		(a.Indexing == nil) == (b.Indexing == nil) && (a.Indexing == nil || *a.Indexing == *b.Indexing) &&
		slices.Equal(a.DisabledLanguages, b.DisabledLanguages)
}

// completing counts a completion request in flight until the returned
// function is called, and reports both changes.
func (s *Server) completing(ctx context.Context) func() {
	s.status.mu.Lock()
	s.status.inFlight++
	s.status.mu.Unlock()
	s.publishStatus(ctx)
	return func() {
		s.status.mu.Lock()
		s.status.inFlight--
		s.status.mu.Unlock()
		s.publishStatus(ctx)
	}
}

// noteCompletion derives the model's state from a completion result: an
// answer from the embedded model standing in, or a server that could not
// be reached, means unreachable; an answer of the model's own means
// reachable. Other results (caches, skips) say nothing new.
func (s *Server) noteCompletion(res completion.Result) {
	st := &s.status
	st.mu.Lock()
	defer st.mu.Unlock()
	switch {
	case res.Source == "fallback":
		st.unreachable, st.fallback, st.detail = true, embeddedName, "the model server is unavailable"
	case errors.Is(res.Err, llm.ErrUnavailable):
		st.unreachable, st.fallback, st.detail = true, "", res.Err.Error()
	case res.Source == "model" && res.Err == nil:
		st.unreachable, st.fallback, st.detail = false, "", ""
	}
}

// StatusChanged sends lode/status if it changed: for a ModelStatus whose
// state changes outside completions (a circuit breaker closing after its
// cool-down).
func (s *Server) StatusChanged() {
	select {
	case <-s.ready: // s.ctx is set
		s.publishStatus(s.ctx)
	default:
	}
}

// modelChanged forgets the state derived from completions when the
// settings name another model: nothing is known of the new one yet.
func (s *Server) modelChanged(cfg *config.Config) {
	m, _ := cfg.FeatureModel(config.FeatureCompletion)
	key := m.Provider + "\x00" + m.BaseURL + "\x00" + m.ModelID
	st := &s.status
	st.mu.Lock()
	defer st.mu.Unlock()
	if key != st.modelKey {
		st.modelKey = key
		st.unreachable, st.fallback, st.detail = false, "", ""
	}
}

// SetIndexing reports how far the workspace's indexing is; total < 0
// means it is over.
func (s *Server) SetIndexing(done, total int) {
	s.status.mu.Lock()
	if total < 0 {
		s.status.indexing = nil
	} else {
		s.status.indexing = &lode.IndexingProgress{Done: done, Total: total}
	}
	s.status.mu.Unlock()
	s.publishStatus(s.ctx)
}

// languageDisabled reports whether completion is turned off for the
// language ID.
func languageDisabled(cfg *config.Config, languageID string) bool {
	return languageID != "" && slices.Contains(cfg.Completion.DisabledLanguages, languageID)
}

// statusFeature is the feature of lode/status: it follows settings
// changes (a model switch, completion turned off).
func statusFeature() *feature {
	return &feature{
		name: "status",
		configured: func(s *Server, cfg *config.Config) {
			s.modelChanged(cfg)
			s.publishStatus(s.ctx)
		},
	}
}
