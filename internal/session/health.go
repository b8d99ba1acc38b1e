package session

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/lode-ls/lode/completion/llm"
	"github.com/lode-ls/lode/completion/llm/health"
	"github.com/lode-ls/lode/completion/llm/provider"
	"github.com/lode-ls/lode/internal/config"
)

// ModelHealth is one change of a server model's health: down with the
// one message of the episode that names the setting to fix, or back up
// (Message empty).
type ModelHealth struct {
	Status   health.Status
	Message  string
	Fallback bool // the embedded model answers meanwhile
}

// OnModelHealth sets f to be told each change of the completion model's
// health (lode serve shows the message; lode complete prints it). It is
// called from the breaker's goroutine.
func (s *Session) OnModelHealth(f func(ModelHealth)) {
	s.healthMu.Lock()
	defer s.healthMu.Unlock()
	s.onHealth = f
}

// ModelStatus returns the completion model's name and health, for the
// editors' status: "embedded" and health.Up without a server model.
func (s *Session) ModelStatus() (model string, st health.Status, fallback bool) {
	c := &s.completion
	c.mu.Lock()
	h := c.health
	c.mu.Unlock()
	model = s.Completion().ModelName()
	if h == nil {
		return model, health.Status{State: health.Up}, false
	}
	return model, h.Status(), s.Config().Completion.Fallback
}

func (s *Session) tellHealth(h ModelHealth) {
	s.healthMu.Lock()
	f := s.onHealth
	s.healthMu.Unlock()
	if f != nil {
		f(h)
	}
}

// watchModel puts a feature's server model behind a circuit breaker
// (completion/llm/health): after a failure, calls fail at once and the
// engine answers from the embedded model, until the background probe
// sees the model answer again. The caller closes the returned Model.
func (s *Session) watchModel(m llm.Model, cfg *config.Config, feature string) *health.Model {
	advice := s.modelAdvice(cfg, feature)
	// A probe waits as long as a request would.
	o := health.Options{ProbeTimeout: time.Duration(cfg.Completion.TimeoutMS) * time.Millisecond}
	if feature != config.FeatureCompletion {
		o.ProbeTimeout = cfg.Explain.Timeout
	}
	fallback := feature == config.FeatureCompletion && cfg.Completion.Fallback
	o.OnChange = func(st health.Status) {
		msg := ""
		if st.State == health.Down {
			msg = health.Message(st, advice)
		}
		s.log.Debug("model health", "feature", feature, "status", health.Summary(st, fallback))
		s.tellHealth(ModelHealth{Status: st, Message: msg, Fallback: fallback})
	}
	return health.New(m, o)
}

// ModelAdvice names a feature's model and the settings that fix its
// faults, for the messages of a command.
func (s *Session) ModelAdvice(feature string) health.Advice {
	return s.modelAdvice(s.Config(), feature)
}

// modelAdvice names a feature's model and the settings that fix its
// faults, in the words of the configuration, for health.Message.
func (s *Session) modelAdvice(cfg *config.Config, feature string) health.Advice {
	a := health.Advice{Timeout: feature + ".timeout_ms", Fallback: feature == config.FeatureCompletion && cfg.Completion.Fallback}
	if feature != config.FeatureCompletion {
		a.Timeout = feature + ".timeout"
	} else if !a.Fallback {
		a.Meanwhile = "No completions until it answers again (completion.fallback_embedded is off)."
	}
	r, err := cfg.FeatureModel(feature)
	if err != nil {
		return a
	}
	setup, err := provider.Resolve(r, s.opts.Getenv)
	if err != nil {
		return a
	}
	where := ""
	if r.Name != "" {
		where = " in [models." + r.Name + "]"
	}
	a.What = fmt.Sprintf("the %s model %q at %s", feature, setup.ModelID, setup.BaseURL)
	a.URL = "base_url" + where
	a.Model = "model" + where
	switch src := cfg.Source(r.Key + "api_key"); {
	case setup.KeySource == "":
		a.Key = "api_key" + where + " (no key is set; or set LODE_API_KEY)"
	case setup.KeySource != "api_key":
		a.Key = "the key in the " + strings.TrimPrefix(setup.KeySource, "environment ") + " environment variable"
	case strings.HasPrefix(src, "environment "):
		a.Key = "the key in the " + strings.TrimPrefix(src, "environment ") + " environment variable"
	default:
		a.Key = "api_key" + where + " (set in " + src + ")"
	}
	return a
}

// DownMessage is the one message that says a feature's model failed with
// err, naming the setting to fix, as the server shows it.
func (s *Session) DownMessage(feature string, err error) string {
	return health.Message(health.Status{State: health.Down, Err: err}, s.ModelAdvice(feature))
}

// ModelFault reports whether err says the model gave no usable answer:
// it was unreachable, timed out, refused the key, was rate limited, does
// not serve the configured model or answered what lode cannot read.
func ModelFault(err error) bool {
	return errors.Is(err, llm.ErrUnavailable) || errors.Is(err, llm.ErrRateLimited) ||
		errors.Is(err, llm.ErrUnauthorized) || errors.Is(err, llm.ErrUnknownModel) ||
		errors.Is(err, llm.ErrBadResponse) || errors.Is(err, context.DeadlineExceeded)
}
