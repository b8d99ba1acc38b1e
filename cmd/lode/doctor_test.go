package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/lode-ls/lode/completion/llm/llmtest"
)

// TestDoctor runs lode doctor against the fake model server in each fault
// mode and checks the diagnosis and the fix it prints.
func TestDoctor(t *testing.T) {
	for _, env := range []string{"LODE_PROVIDER", "LODE_BASE_URL", "LODE_MODEL", "LODE_API_KEY", "OPENAI_API_KEY", "OPENAI_BASE_URL"} {
		t.Setenv(env, "")
	}
	byPath := func(path string, hit llmtest.Reply) func(llmtest.Request) llmtest.Reply {
		return func(r llmtest.Request) llmtest.Reply {
			if r.Path == path {
				return hit
			}
			return llmtest.Reply{Text: "a + b"}
		}
	}
	tests := []struct {
		name   string
		config string // %URL% is the fake server's base URL
		script func(r llmtest.Request) llmtest.Reply
		models []string
		env    map[string]string
		code   int
		want   []string
	}{
		{name: "healthy-ollama", code: 0,
			config: "provider = \"ollama\"\nbase_url = \"%URL%\"\nmodel = \"qwen2.5-coder:1.5b\"\n",
			models: []string{"qwen2.5-coder:1.5b"},
			want: []string{"completion → the default model", "template             qwen (detected from the model name)",
				"reachable            yes", "fill-in-the-middle   works (native)", "explain → the default model", "No problems found."}},
		{name: "healthy-llamacpp", code: 0,
			config: "provider = \"llamacpp\"\nbase_url = \"%URL%\"\n",
			want:   []string{"(GET /health)", "works (native)"}},
		{name: "vllm-raw-template", code: 0,
			config: "provider = \"openai\"\nbase_url = \"%URL%/v1\"\nmodel = \"bigcode/starcoder2-3b\"\n",
			models: []string{"bigcode/starcoder2-3b"},
			want:   []string{"template starcoder written into the prompt", "works (template starcoder in the prompt)"}},
		{name: "connection-refused", code: 1,
			config: "provider = \"ollama\"\nbase_url = \"%REFUSED%\"\nmodel = \"m\"\n",
			want:   []string{"nothing listens at", "fix: start Ollama (`ollama serve`), or correct base_url"}},
		{name: "name-resolution", code: 1,
			config: "provider = \"llamacpp\"\nbase_url = \"" + llmtest.UnresolvableURL + "\"\n",
			want:   []string{"host name does not resolve", "fix: correct the host in base_url"}},
		{name: "unauthorized", code: 1,
			config: "provider = \"openai\"\nbase_url = \"%URL%/v1\"\nmodel = \"m\"\napi_key = \"sk-wrong-123\"\n",
			script: func(llmtest.Request) llmtest.Reply {
				return llmtest.Reply{Status: 401, Error: "Incorrect API key provided: sk-wrong-123"}
			},
			want: []string{"refused the API key (the key comes from api_key in ", "fix: set the LODE_API_KEY environment variable (or api_key) to a valid key"}},
		{name: "key-from-environment", code: 1,
			config: "provider = \"openai\"\nbase_url = \"%URL%/v1\"\nmodel = \"m\"\n",
			env:    map[string]string{"LODE_API_KEY": "sk-wrong-123"},
			script: func(llmtest.Request) llmtest.Reply { return llmtest.Reply{Status: 401, Error: "bad key"} },
			want:   []string{"api key              set, from environment LODE_API_KEY", "the key comes from environment LODE_API_KEY"}},
		{name: "stream-unreadable", code: 1,
			config: "provider = \"llamacpp\"\nbase_url = \"%URL%\"\n",
			script: func(r llmtest.Request) llmtest.Reply {
				if r.Field("stream") == true { // streams break; whole answers work
					return llmtest.Reply{Text: "a + b c", CutAfter: 1}
				}
				return llmtest.Reply{Text: "a + b"}
			},
			want: []string{"streamed (completion.stream = true)", "1 problem(s)"}},
		{name: "rate-limited", code: 1,
			config: "provider = \"openai\"\nbase_url = \"%URL%/v1\"\nmodel = \"m\"\n",
			script: func(llmtest.Request) llmtest.Reply { return llmtest.Reply{Status: 429, RetryAfter: "30"} },
			want:   []string{"rate limiting: rate limited: retry after 30s", "fix: wait and retry"}},
		{name: "model-not-pulled", code: 1,
			config: "provider = \"ollama\"\nbase_url = \"%URL%\"\nmodel = \"codellama:7b-code\"\n",
			models: []string{"qwen2.5-coder:1.5b"},
			want:   []string{"does not serve the model", "`ollama pull codellama:7b-code`", "served: qwen2.5-coder:1.5b"}},
		{name: "no-fim", code: 1,
			config: "provider = \"ollama\"\nbase_url = \"%URL%\"\nmodel = \"qwen2.5-coder:1.5b\"\n",
			models: []string{"qwen2.5-coder:1.5b"},
			script: byPath("/api/generate", llmtest.Reply{Status: 400, Error: "qwen2.5-coder:1.5b does not support insert"}),
			want:   []string{"fill-in-the-middle   not supported", "does not take fill-in-the-middle", `fix: set fim = "raw" (template qwen) or fim = "chat" in a new [models.default] section`}},
		{name: "first-byte-timeout", code: 1,
			config: "provider = \"ollama\"\n[models.default]\nbase_url = \"%URL%\"\nmodel = \"m\"\nfirst_byte_timeout = \"200ms\"\n",
			models: []string{"m"},
			script: byPath("/api/generate", llmtest.Reply{Delay: 3 * time.Second}),
			want:   []string{"did not answer in time", "raise first_byte_timeout (now 200ms) in [models.default]"}},
		{name: "malformed-json", code: 1,
			config: "provider = \"llamacpp\"\nbase_url = \"%URL%\"\n",
			script: byPath("/infill", llmtest.Reply{Body: "<html>proxy error</html>"}),
			want:   []string{"not in the llamacpp wire format", "points at a llamacpp server"}},
		{name: "server-loading", code: 1,
			config: "provider = \"llamacpp\"\nbase_url = \"%URL%\"\n",
			script: byPath("/health", llmtest.Reply{Status: 503, Error: "Loading model"}),
			want:   []string{"not ready (HTTP 503)", "wait until the server has loaded its model"}},
		{name: "wrong-path", code: 1,
			config: "provider = \"openai\"\nbase_url = \"%URL%/nope\"\nmodel = \"m\"\n",
			script: func(r llmtest.Request) llmtest.Reply { return llmtest.Reply{Status: 404, Error: "404 page not found"} },
			want:   []string{"endpoint does not exist", "usually need the /v1 suffix"}},
		{name: "unknown-named-model", code: 1,
			config: "provider = \"ollama\"\nbase_url = \"%URL%\"\nmodel = \"m\"\n[completion]\nmodel = \"fsat\"\n[models.fast]\nmodel = \"m\"\n",
			models: []string{"m"},
			want:   []string{"completion.model = \"fsat\"", "defined: fast", "fix: set completion.model to a defined [models.NAME]"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			for k, v := range tc.env {
				t.Setenv(k, v)
			}
			srv := llmtest.NewServer(t)
			if tc.script != nil {
				srv.ReplyFunc(tc.script)
			} else {
				srv.Reply(llmtest.Reply{Text: "a + b"})
			}
			if tc.models != nil {
				srv.SetModels(tc.models...)
			}
			dir := t.TempDir()
			cfg := strings.ReplaceAll(tc.config, "%URL%", srv.URL)
			cfg = strings.ReplaceAll(cfg, "%REFUSED%", llmtest.RefusedURL(t))
			if err := os.WriteFile(filepath.Join(dir, ".lode.toml"), []byte(cfg), 0o644); err != nil {
				t.Fatal(err)
			}
			var out, errOut bytes.Buffer
			code := runDoctor(context.Background(), []string{"-root", dir, "-config", "-", "-timeout", "5s"}, &out, &errOut)
			if code != tc.code {
				t.Errorf("exit code %d, want %d", code, tc.code)
			}
			for _, w := range tc.want {
				if !strings.Contains(out.String(), w) {
					t.Errorf("output lacks %q", w)
				}
			}
			if strings.Contains(out.String(), "sk-wrong-123") {
				t.Error("output shows the API key")
			}
			if t.Failed() {
				t.Logf("output:\n%s\nstderr:\n%s", out.String(), errOut.String())
			}
		})
	}
}
