package main

import (
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/lode-ls/lode/completion/llm"
	"github.com/lode-ls/lode/completion/llm/health"
	"github.com/lode-ls/lode/internal/config"
)

// watchModel puts a feature's server model behind a circuit breaker
// (completion/llm/health): after a failure calls fail at once and the
// engine answers from the embedded model, until the background probe
// sees the model answer again. onChange, when not nil, is told each
// change of state with the one message to show the user (empty when the
// model is back). The caller closes the returned Model.
func watchModel(m llm.Model, cfg *config.Config, feature string, onChange func(st health.Status, msg string)) *health.Model {
	advice := modelAdvice(cfg, feature)
	// A probe waits as long as a request would.
	o := health.Options{ProbeTimeout: time.Duration(cfg.Completion.TimeoutMS) * time.Millisecond}
	if feature != config.FeatureCompletion {
		o.ProbeTimeout = cfg.Explain.Timeout
	}
	if onChange != nil {
		o.OnChange = func(st health.Status) {
			msg := ""
			if st.State == health.Down {
				msg = health.Message(st, advice)
			}
			onChange(st, msg)
		}
	}
	return health.New(m, o)
}

// modelAdvice names a feature's model and the settings that fix its
// faults, in the words of the configuration, for health.Message.
func modelAdvice(cfg *config.Config, feature string) health.Advice {
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
	s, err := setupModel(r, os.Getenv)
	if err != nil {
		return a
	}
	where := ""
	if r.Name != "" {
		where = " in [models." + r.Name + "]"
	}
	a.What = fmt.Sprintf("the %s model %q at %s", feature, s.ModelID, s.BaseURL)
	a.URL = "base_url" + where
	a.Model = "model" + where
	switch src := cfg.Source(r.Key + "api_key"); {
	case s.KeySource == "":
		a.Key = "api_key" + where + " (no key is set; or set LODE_API_KEY)"
	case s.KeySource != "api_key":
		a.Key = "the key in the " + strings.TrimPrefix(s.KeySource, "environment ") + " environment variable"
	case strings.HasPrefix(src, "environment "):
		a.Key = "the key in the " + strings.TrimPrefix(src, "environment ") + " environment variable"
	default:
		a.Key = "api_key" + where + " (set in " + src + ")"
	}
	return a
}
