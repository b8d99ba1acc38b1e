package main

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	protocol "go.lsp.dev/protocol"

	"github.com/lode-ls/lode/completion/llm/llmtest"
	"github.com/lode-ls/lode/internal/eventually"
	"github.com/lode-ls/lode/lsp/lsptest"
)

// TestSecretsNeverReachTheModel plants secrets in a workspace — in secret
// files, in a file whose definitions are retrieved as context, and in the
// open document's own prefix and suffix — then asks the real lode binary for
// completions and an explanation, and checks that no request the model
// server received holds any of them.
func TestSecretsNeverReachTheModel(t *testing.T) {
	bin := lodeBinary(t)
	secrets := []string{
		"hunter2-correct-horse",                        // password assignment in a retrieved file
		"AKIAIOSFODNN7EXAMPLE",                         // AWS access key id in the open document
		"ghp_16C7e42F292c6912E7710c838347Ae178B4a",     // GitHub token in the suffix
		"sk-proj-abcdefghijklmnopqrstuvwxyz0123456789", // OpenAI-style key in .env
		"MIIEowIBAAKCAQEAsecretkeymaterial",            // private key file
		"dotenv-only-value-42",                         // a .env file is never read at all
	}
	dir := t.TempDir()
	files := map[string]string{
		"go.mod": "module example.com/app\n\ngo 1.22\n",
		".env":   "OPENAI_API_KEY=sk-proj-abcdefghijklmnopqrstuvwxyz0123456789\nOTHER=dotenv-only-value-42\n",
		"id_rsa": "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEAsecretkeymaterial\n-----END RSA PRIVATE KEY-----\n",
		"db.go": `package main

// connect opens the database with the service account.
func connect(host string) string {
	password := "hunter2-correct-horse"
	return host + ":" + password
}
`,
	}
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	main := `package main

const awsKey = "AKIAIOSFODNN7EXAMPLE"

func main() {
	addr := connect("db.internal")
	println(addr, awsKey)
}

var token = "ghp_16C7e42F292c6912E7710c838347Ae178B4a"
`
	mainPath := filepath.Join(dir, "main.go")
	if err := os.WriteFile(mainPath, []byte(main), 0o600); err != nil {
		t.Fatal(err)
	}

	model := llmtest.NewServer(t)
	model.Reply(llmtest.Reply{Text: "_ = addr"})
	var stderr syncBuffer
	serve := func(ctx context.Context, rwc io.ReadWriteCloser) int {
		return binaryServeEnv(bin, &stderr, []string{
			"LODE_PROVIDER=openai", "LODE_BASE_URL=" + model.URL + "/v1",
			"LODE_MODEL=qwen2.5-coder-7b", "LODE_API_KEY=sk-test",
			"XDG_CACHE_HOME=" + t.TempDir(), "XDG_CONFIG_HOME=" + t.TempDir(),
		})(ctx, rwc)
	}
	e, _ := lsptest.Connect(t, serve, lsptest.Options{Folders: []string{dir}})
	e.Open(mainPath, "go", main)

	// The context bundle must already show the definition of connect, with
	// its secret redacted: proof that retrieval ran over the planted file.
	pos := protocol.Position{Line: 6, Character: 1} // start of the println line
	var bundle struct {
		Snippets []snippet `json:"snippets"`
	}
	eventually.True(t, func() bool {
		bundle.Snippets = nil
		if err := e.Call("lode/context", map[string]any{
			"textDocument": protocol.TextDocumentIdentifier{URI: lsptest.URI(mainPath)},
			"position":     pos,
		}, &bundle); err != nil {
			t.Fatalf("lode/context: %v", err)
		}
		return strings.Contains(bundleText(bundle.Snippets), "func connect")
	}, "the bundle never held connect's definition:\n%s\nlog:\n%s", bundleText(bundle.Snippets), stderr.String())
	for _, s := range bundle.Snippets {
		if base := filepath.Base(s.Path); base == ".env" || base == "id_rsa" {
			t.Errorf("the bundle holds the secret file %s", s.Path)
		}
	}

	var items protocol.InlineCompletionList
	if err := e.Call(protocol.MethodTextDocumentInlineCompletion, &protocol.InlineCompletionParams{
		TextDocumentPositionParams: protocol.TextDocumentPositionParams{
			TextDocument: protocol.TextDocumentIdentifier{URI: lsptest.URI(mainPath)},
			Position:     pos,
		},
		Context: protocol.InlineCompletionContext{TriggerKind: protocol.InlineCompletionTriggerKindInvoked},
	}, &items); err != nil {
		t.Fatalf("inlineCompletion: %v", err)
	}
	if err := e.Call("lode/explain", map[string]any{
		"textDocument": protocol.TextDocumentIdentifier{URI: lsptest.URI(mainPath)},
		"position":     protocol.Position{Line: 5, Character: 2},
	}, nil); err != nil {
		t.Fatalf("lode/explain: %v", err)
	}

	reqs := model.Requests()
	if len(reqs) == 0 {
		t.Fatalf("the model received no request; log:\n%s", stderr.String())
	}
	sawContext := false
	for _, r := range reqs {
		body := string(r.Body)
		sawContext = sawContext || strings.Contains(body, "opens the database") // only in db.go
		for _, s := range secrets {
			if strings.Contains(body, s) {
				t.Errorf("the model received the secret %q in %s %s", s, r.Method, r.Path)
			}
		}
	}
	if !sawContext {
		t.Errorf("no model request held db.go's doc comment: the test did not exercise the context path")
	}
	for _, s := range secrets {
		if strings.Contains(stderr.String(), s) {
			t.Errorf("the log holds the secret %q", s)
		}
	}
}

// snippet is the part of a lode/context snippet the test reads. The
// protocol's JSON decoder matches names exactly, hence the tags.
type snippet struct {
	Path string `json:"path"`
	Text string `json:"text"`
}

func bundleText(snippets []snippet) string {
	var b strings.Builder
	for _, s := range snippets {
		b.WriteString(s.Text)
		b.WriteString("\n")
	}
	return b.String()
}
