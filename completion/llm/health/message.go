package health

import (
	"errors"
	"fmt"

	"github.com/lode-ls/lode/completion/llm"
)

// Advice names the model and the settings that fix its faults, for
// Message. Every field is in the user's words (setting names as written in
// the configuration).
type Advice struct {
	What    string // the model, e.g. "the completion model deepseek-chat at https://api.deepseek.com/beta"
	Key     string // where the key comes from, e.g. "api_key in [completion.model]" or "the environment variable LODE_API_KEY"
	URL     string // the base URL setting, e.g. "base_url in [completion.model]"
	Model   string // the model setting, e.g. "model in [completion.model]"
	Timeout string // the timeout setting, e.g. "completion.timeout_ms"
	// Fallback is true when the embedded model answers while the model
	// is down.
	Fallback bool
	// Meanwhile says what lode does while the model is down, when it is
	// not Fallback's embedded model; "" says nothing.
	Meanwhile string
}

// Message is the one message shown to the user when a model goes down:
// the cause, the setting that fixes it, and what lode does meanwhile.
func Message(st Status, a Advice) string {
	what := a.What
	if what == "" {
		what = "the model"
	}
	var cause string
	switch st.Fault() {
	case "key":
		cause = fmt.Sprintf("%s refused the API key; check %s", what, orSetting(a.Key, "the api_key setting"))
	case "model":
		cause = fmt.Sprintf("%s does not serve the configured model; check %s", what, orSetting(a.Model, "the model setting"))
	case "rate":
		cause = fmt.Sprintf("%s is rate limiting lode", what)
		var rl *llm.RateLimitError
		if errors.As(st.Err, &rl) && rl.RetryAfter > 0 {
			cause += fmt.Sprintf(" (retry after %s)", rl.RetryAfter)
		}
	case "timeout":
		cause = fmt.Sprintf("%s did not answer in time; check that the server at %s is running, or raise %s",
			what, orSetting(a.URL, "the base_url setting"), orSetting(a.Timeout, "the timeout"))
	case "response":
		cause = fmt.Sprintf("%s answered what lode cannot read (%v); check that %s points at a supported server",
			what, st.Err, orSetting(a.URL, "the base_url setting"))
	default:
		cause = fmt.Sprintf("cannot reach %s (%v); check %s and that the server is running",
			what, st.Err, orSetting(a.URL, "the base_url setting"))
	}
	switch {
	case a.Fallback:
		return "lode: " + cause + ". Completing with the embedded model until it answers again."
	case a.Meanwhile != "":
		return "lode: " + cause + ". " + a.Meanwhile
	}
	return "lode: " + cause + "."
}

func orSetting(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// Summary is the state in a few words, for a status bar: "ok", or what is
// wrong and what answers meanwhile ("model unreachable, using embedded").
func Summary(st Status, fallback bool) string {
	if st.State == Up {
		return "ok"
	}
	what := map[string]string{
		"key":         "model refused the key",
		"model":       "model not served",
		"rate":        "model rate limited",
		"timeout":     "model not answering",
		"response":    "model answer unreadable",
		"unreachable": "model unreachable",
	}[st.Fault()]
	if fallback {
		return what + ", using embedded"
	}
	return what + ", no completions"
}
