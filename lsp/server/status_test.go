package server

import (
	"encoding/json"
	"fmt"
	"sync/atomic"
	"testing"

	protocol "go.lsp.dev/protocol"

	"github.com/lode-ls/lode/completion"
	"github.com/lode-ls/lode/completion/llm"
	"github.com/lode-ls/lode/completion/llm/llmtest"
	"github.com/lode-ls/lode/internal/config"
	"github.com/lode-ls/lode/lsp/lode"
	"github.com/lode-ls/lode/lsp/lsptest"
)

// statusEditor starts a session whose server model is m, with the
// embedded model emb standing in when m is unavailable; ms, when not nil,
// reports the model's health.
func statusEditor(t *testing.T, m, emb llm.Model, settings map[string]any, ms ModelStatus) *lsptest.Editor {
	cfg := config.Default().Completion
	cfg.SyntaxCheck = false
	eng := completion.New(completion.Options{Config: cfg, Model: m, Embedded: emb})
	opts := testOptions(t)
	opts.Completer, opts.ModelStatus = eng, ms
	opts.OnConfig = func(c *config.Config) { eng.SetConfig(c.Completion) }
	e, _ := lsptest.Connect(t, serveWith(opts), lsptest.Options{Capabilities: inlineCaps(), Settings: settings, InitializationOptions: settings, Folders: []string{"/w"}})
	e.Open(mainPath, "go", mainDoc)
	return e
}

// statuses decodes the lode/status notifications received so far.
func statuses(t *testing.T, e *lsptest.Editor) []lode.StatusParams {
	var out []lode.StatusParams
	for _, n := range e.Notifications(lode.MethodStatus) {
		var p lode.StatusParams
		if err := json.Unmarshal(n.Params, &p); err != nil {
			t.Fatalf("lode/status params %s: %v", n.Params, err)
		}
		out = append(out, p)
	}
	return out
}

// waitStatus waits for a lode/status notification that ok accepts, and
// returns it.
func waitStatus(t *testing.T, e *lsptest.Editor, what string, ok func(lode.StatusParams) bool) lode.StatusParams {
	t.Helper()
	var got lode.StatusParams
	e.WaitFor(what, func() bool {
		all := statuses(t, e)
		if len(all) > 0 && ok(all[len(all)-1]) {
			got = all[len(all)-1]
			return true
		}
		return false
	})
	return got
}

var serverSettings = map[string]any{"provider": "openai", "model": "fake-coder", "base_url": "http://127.0.0.1:1/v1"}

func TestStatusFollowsTheModel(t *testing.T) {
	var down atomic.Bool
	hold := make(chan struct{}) // the first answer waits for the test to see the working status
	var held atomic.Bool
	m := &llmtest.Model{Name: "fake-coder", FIM: true, Answer: func(*llm.Request) (string, error) {
		if held.CompareAndSwap(false, true) {
			<-hold
		}
		if down.Load() {
			return "", fmt.Errorf("connection refused: %w", llm.ErrUnavailable)
		}
		return `ntln("server")`, nil
	}}
	emb := &llmtest.Model{Name: "embedded", FIM: true, Text: `ntln("embedded")`}
	e := statusEditor(t, m, emb, serverSettings, nil)

	first := waitStatus(t, e, "the first status", func(p lode.StatusParams) bool { return true })
	if first.State != lode.StatusReady || first.Model != "fake-coder" || first.Provider != "openai" {
		t.Fatalf("first status %+v, want ready with fake-coder from openai", first)
	}
	complete := func(want string) {
		t.Helper()
		var list protocol.InlineCompletionList
		if err := e.Call(protocol.MethodTextDocumentInlineCompletion, inlineParams(5, 8, protocol.InlineCompletionTriggerKindInvoked), &list); err != nil {
			t.Fatal(err)
		}
		if len(list.Items) == 0 || list.Items[0].InsertText != protocol.String(want) {
			t.Fatalf("items %+v, want %s", list.Items, want)
		}
	}
	done := make(chan error, 1)
	var answered protocol.InlineCompletionList
	go func() {
		done <- e.Call(protocol.MethodTextDocumentInlineCompletion, inlineParams(5, 8, protocol.InlineCompletionTriggerKindInvoked), &answered)
	}()
	// The status is sent by its own goroutine, the latest state when
	// kicked: a completion in flight long enough is reported working.
	waitStatus(t, e, "working while a completion is in flight", func(p lode.StatusParams) bool { return p.State == lode.StatusWorking && p.InFlight == 1 })
	close(hold)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if len(answered.Items) == 0 || answered.Items[0].InsertText != protocol.String(`Println("server")`) {
		t.Fatalf("items %+v, want the server's answer", answered.Items)
	}
	waitStatus(t, e, "ready after the completion", func(p lode.StatusParams) bool { return p.State == lode.StatusReady && p.InFlight == 0 })

	down.Store(true)
	e.Replace(mainPath, mainDoc+"\n")
	complete(`Println("embedded")`)
	p := waitStatus(t, e, "unreachable", func(p lode.StatusParams) bool { return p.State == lode.StatusUnreachable })
	if p.Fallback != "embedded" || p.Model != "fake-coder" {
		t.Errorf("unreachable status %+v, want the embedded model standing in for fake-coder", p)
	}

	// Another model: nothing known of it yet.
	e.SetSettings(map[string]any{"provider": "openai", "model": "other-coder", "base_url": "http://127.0.0.1:1/v1"})
	p = waitStatus(t, e, "the other model", func(p lode.StatusParams) bool { return p.Model == "other-coder" })
	if p.State != lode.StatusReady {
		t.Errorf("status after switching models %+v, want ready", p)
	}
	e.SetSettings(serverSettings)
	// The settings are pulled and applied on their own goroutine: wait for
	// them, or their reset of the model's state could follow the completion.
	waitStatus(t, e, "fake-coder again", func(p lode.StatusParams) bool { return p.Model == "fake-coder" })
	e.Replace(mainPath, mainDoc+"\n\n\n")
	complete(`Println("embedded")`)
	waitStatus(t, e, "unreachable again", func(p lode.StatusParams) bool { return p.State == lode.StatusUnreachable })

	down.Store(false)
	e.Replace(mainPath, mainDoc+"\n\n")
	complete(`Println("server")`)
	waitStatus(t, e, "ready once the server answers again", func(p lode.StatusParams) bool { return p.State == lode.StatusReady })
}

func TestStatusDisabled(t *testing.T) {
	m := &llmtest.Model{Name: "fake-coder", FIM: true, Text: `ntln("hi")`}
	e := statusEditor(t, m, nil, serverSettings, nil)
	waitStatus(t, e, "ready", func(p lode.StatusParams) bool { return p.State == lode.StatusReady })

	e.SetSettings(map[string]any{"provider": "openai", "model": "fake-coder", "completion": map[string]any{"disabled_languages": []string{"go"}}})
	p := waitStatus(t, e, "the disabled language", func(p lode.StatusParams) bool { return len(p.DisabledLanguages) == 1 })
	if p.DisabledLanguages[0] != "go" || p.State != lode.StatusReady {
		t.Errorf("status %+v, want go disabled, ready otherwise", p)
	}
	var list protocol.InlineCompletionList
	if err := e.Call(protocol.MethodTextDocumentInlineCompletion, inlineParams(5, 8, protocol.InlineCompletionTriggerKindInvoked), &list); err != nil {
		t.Fatal(err)
	}
	if len(list.Items) != 0 || len(m.Calls()) != 0 {
		t.Errorf("completion in a disabled language: %+v, %d model calls", list.Items, len(m.Calls()))
	}

	e.SetSettings(map[string]any{"provider": "openai", "model": "fake-coder", "completion": map[string]any{"enabled": false}})
	waitStatus(t, e, "disabled", func(p lode.StatusParams) bool { return p.State == lode.StatusDisabled })
}

// breaker is a ModelStatus.
type breaker struct{ state atomic.Value }

func (b *breaker) Status() (string, string, string) {
	s, _ := b.state.Load().(string)
	return "embedded", s, "circuit open"
}

func TestStatusFromModelStatus(t *testing.T) {
	b := &breaker{}
	b.state.Store(lode.StatusUnreachable)
	m := &llmtest.Model{Name: "fake-coder", FIM: true, Text: `ntln("hi")`}
	e := statusEditor(t, m, nil, serverSettings, b)
	p := waitStatus(t, e, "a status", func(p lode.StatusParams) bool { return true })
	if p.State != lode.StatusUnreachable || p.Fallback != "embedded" || p.Detail != "circuit open" {
		t.Errorf("status %+v, want the breaker's state", p)
	}
}
