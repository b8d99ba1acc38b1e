package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	protocol "go.lsp.dev/protocol"

	"github.com/lode-ls/lode/completion/llm"
	"github.com/lode-ls/lode/completion/llm/llmtest"
	"github.com/lode-ls/lode/context/retrieve"
	"github.com/lode-ls/lode/lsp/lode"
	"github.com/lode-ls/lode/lsp/lsptest"
)

// TestServeAndCompleteSendOneRequest drives the real binary twice for
// the same cursor and settings, as an editor (lode serve) and as a
// script (lode complete --show-prompt), and checks that the model gets
// the same request byte for byte, for each provider family: the two go
// through one session, one engine and one prompt formatter.
func TestServeAndCompleteSendOneRequest(t *testing.T) {
	bin := lodeBinary(t)
	families := []struct {
		name, settings string
		http           bool
	}{
		{"openai-fim", "provider = \"openai\"\nbase_url = \"URL/v1\"\nmodel = \"gpt-3.5-turbo-instruct\"\nfim = \"native\"\n", true},
		{"openai-raw", "provider = \"openai\"\nbase_url = \"URL/v1\"\nmodel = \"Qwen/Qwen2.5-Coder-7B\"\nfim = \"raw\"\n", true},
		{"ollama", "provider = \"ollama\"\nbase_url = \"URL\"\nmodel = \"qwen2.5-coder:1.5b\"\n", true},
		{"llamacpp", "provider = \"llamacpp\"\nbase_url = \"URL\"\nmodel = \"qwen2.5-coder-1.5b\"\n", true},
		{"embedded", "provider = \"embedded\"\n", false},
	}
	use := "package main\n\nimport \"example.com/calc\"\n\nfunc seven() int {\n\treturn calc.Add(\n}\n"
	for _, fam := range families {
		t.Run(fam.name, func(t *testing.T) {
			srv := llmtest.NewServer(t)
			srv.Reply(llmtest.Reply{Text: "3, 4)"})
			settings := strings.ReplaceAll(fam.settings, "URL", srv.URL) +
				"[completion]\ncandidates = 1\ncompanion = false\nfallback_embedded = false\ndebounce_ms = 0\nretrieve_max_ms = -1\n"
			dir := cliWorkspace(t, srv.URL+"/v1", "")
			writeFile(t, filepath.Join(dir, ".lode.toml"), settings)
			writeFile(t, filepath.Join(dir, "use.go"), use)
			env := append(os.Environ(), "XDG_CONFIG_HOME="+os.Getenv("XDG_CONFIG_HOME"), "XDG_CACHE_HOME="+os.Getenv("XDG_CACHE_HOME"))

			// The script: line 6 is "\treturn calc.Add(", the cursor at its end.
			cmd := exec.Command(bin, "complete", "--config", "-", "--show-prompt", "use.go:6:18")
			cmd.Dir, cmd.Env = dir, env
			var stdout, stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			err := cmd.Run()
			if code := cmd.ProcessState.ExitCode(); code != exitOK && (fam.http || code != exitFailed) {
				// The embedded model, which learned little here, may have no
				// completion (exit 1): its prompt is printed all the same.
				t.Fatalf("lode complete: %v\n%s", err, stderr.String())
			}
			cliCalls := completionCalls(srv.Requests())
			if fam.http && len(cliCalls) != 1 {
				t.Fatalf("lode complete made %d model calls", len(cliCalls))
			}

			// The editor.
			var serveErr syncBuffer
			e, _ := lsptest.Connect(t, binaryServeEnv(bin, &serveErr, []string{"XDG_CACHE_HOME=" + os.Getenv("XDG_CACHE_HOME")}, "--config", "-"),
				lsptest.Options{Capabilities: inlineCapabilities(), Folders: []string{dir}})
			if err := e.Notify(protocol.MethodSetTrace, &protocol.SetTraceParams{Value: protocol.TraceValueVerbose}); err != nil {
				t.Fatal(err)
			}
			path := filepath.Join(dir, "use.go")
			e.Open(path, "go", use)
			at := protocol.Position{Line: 5, Character: 17}
			e.WaitFor("the index to hold calc.Add", func() bool {
				var b retrieve.Bundle
				err := e.Call(lode.MethodContext, &lode.ContextParams{TextDocument: protocol.TextDocumentIdentifier{URI: lsptest.URI(path)}, Position: at}, &b)
				return err == nil && strings.Contains(fmt.Sprint(b.Snippets), "func Add(a, b int) int")
			})
			var list protocol.InlineCompletionList
			err = e.Call(protocol.MethodTextDocumentInlineCompletion, lsptest.InlineParams(path, at, protocol.InlineCompletionTriggerKindInvoked), &list)
			if err != nil {
				t.Fatal(err)
			}
			if fam.http {
				calls := completionCalls(srv.Requests())
				if len(calls) != 2 {
					t.Fatalf("model calls: %d, want one from each", len(calls))
				}
				if !bytes.Equal(calls[0].Body, calls[1].Body) || calls[0].Path != calls[1].Path {
					t.Errorf("lode complete sent %s %s\nlode serve sent %s %s", calls[0].Path, calls[0].Body, calls[1].Path, calls[1].Body)
				}
			}
			// What the editor's trace shows is what lode complete printed.
			var sent *llm.Request
			e.WaitFor("the prompt in the trace", func() bool {
				for _, n := range e.Notifications(protocol.MethodLogTrace) {
					var p protocol.LogTraceParams
					if json.Unmarshal(n.Params, &p) == nil && p.Verbose != nil && strings.HasPrefix(p.Message, "lode sent") {
						sent = new(llm.Request)
						return json.Unmarshal([]byte(*p.Verbose), sent) == nil
					}
				}
				return false
			})
			var shown bytes.Buffer
			printRequest(&shown, sent)
			if !strings.Contains(stdout.String(), shown.String()) {
				t.Errorf("lode serve traced a request that lode complete did not print:\n%s\nlode complete printed:\n%s", shown.String(), stdout.String())
			}
			// And the grounding check's findings, as lode complete printed them.
			var printed []string
			for _, line := range strings.Split(stdout.String(), "\n") {
				if g, ok := strings.CutPrefix(line, "# grounding: "); ok {
					printed = append(printed, "grounding: "+g)
				}
			}
			if len(printed) > 0 {
				var traced string
				e.WaitFor("the grounding check in the trace", func() bool {
					for _, n := range e.Notifications(protocol.MethodLogTrace) {
						var p protocol.LogTraceParams
						if json.Unmarshal(n.Params, &p) == nil && p.Verbose != nil && strings.HasPrefix(p.Message, "lode checked") {
							traced = *p.Verbose
							return true
						}
					}
					return false
				})
				if want := strings.Join(printed, "\n"); traced != want {
					t.Errorf("lode serve traced the grounding check\n%s\nlode complete printed\n%s", traced, want)
				}
			}
			if !strings.Contains(shown.String(), "func Add(a, b int) int") {
				t.Errorf("the request lacks the callee's declaration:\n%s", shown.String())
			}
		})
	}
}

// completionCalls keeps the requests that asked for a completion.
func completionCalls(rs []llmtest.Request) []llmtest.Request {
	var out []llmtest.Request
	for _, r := range rs {
		if r.Method == "POST" {
			out = append(out, r)
		}
	}
	return out
}

func inlineCapabilities() *protocol.ClientCapabilities {
	c := lsptest.DefaultCapabilities()
	c.TextDocument = &protocol.TextDocumentClientCapabilities{InlineCompletion: &protocol.InlineCompletionClientCapabilities{}}
	return &c
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}
