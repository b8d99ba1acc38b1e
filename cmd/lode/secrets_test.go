package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	protocol "go.lsp.dev/protocol"

	"github.com/lode-ls/lode/completion/llm/llmtest"
	"github.com/lode-ls/lode/context/redact/redacttest"
	"github.com/lode-ls/lode/internal/testhome"
	"github.com/lode-ls/lode/lsp/lsptest"
)

func readSecretCatalogue(t *testing.T) []redacttest.Example {
	t.Helper()
	examples, err := redacttest.Examples()
	if err != nil {
		t.Fatal(err)
	}
	return examples
}

// The places a secret is planted, by the digit of its variant.
var secretPlaces = []string{"prefix", "suffix", "retrieved file", "comment", "open secret file"}

// TestSecretsNeverReachTheModel plants every example of the secret
// catalogue in five places — the open document's prefix and suffix, a
// comment in it, a file whose definitions are retrieved as context, and
// open secret files (.env, id_rsa) — then drives the real lode binary
// through completions and an explanation against a fake model server, and
// checks that no secret is in any request the server received, in the
// log, or in any cache file; and that every place did reach the model
// (with its secrets redacted), or, for the secret files, that nothing was
// sent and the user was told why.
func TestSecretsNeverReachTheModel(t *testing.T) {
	bin := lodeBinary(t)
	examples := readSecretCatalogue(t)
	if len(examples) < 30 {
		t.Fatalf("the catalogue has %d examples", len(examples))
	}
	var secrets [][]string // by place
	var markers []string   // text next to each planted example, which must reach the model
	block := func(place int, prefix string) string {
		var b strings.Builder
		var s []string
		for i, ex := range examples {
			v := ex.Variant(place)
			m := fmt.Sprintf("case%02d%s", i, strings.Fields(secretPlaces[place])[0])
			markers = append(markers, m)
			fmt.Fprintf(&b, "%s%s\n%s%s\n", prefix, m, prefix, strings.ReplaceAll(v.Text, "\n", "\n"+prefix))
			s = append(s, v.Secrets...)
		}
		secrets = append(secrets, s)
		return b.String()
	}
	prefixBlock, suffixBlock := block(0, ""), block(1, "")
	// The retrieved file: definitions of at most 30 lines each (retrieval
	// shows 40 lines of a definition), all used at the cursor.
	retrieved := strings.Split(strings.TrimSuffix(block(2, ""), "\n"), "\n")
	var settings strings.Builder
	var names []string
	settings.WriteString("package main\n\n")
	for i := 0; i*30 < len(retrieved); i++ {
		name := fmt.Sprintf("settings%d", i)
		names = append(names, name)
		fmt.Fprintf(&settings, "// %s holds settings, part %d.\nvar %s = `\n%s\n`\n\n", name, i, name,
			strings.Join(retrieved[i*30:min(len(retrieved), (i+1)*30)], "\n"))
	}
	commentBlock := block(3, "// ")
	envBlock := block(4, "")

	dir := t.TempDir()
	cache := t.TempDir()
	files := map[string]string{
		"go.mod":      "module example.com/app\n\ngo 1.22\n",
		".lode.toml":  "[completion]\nbudget = 60000\n\n[context]\nbudget = 30000\n\n[log]\nlevel = \"debug\"\n",
		".env":        envBlock,
		"id_rsa":      examples[0].Variant(4).Text + "\n",
		"settings.go": settings.String(),
	}
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	use := "\t_ = " + strings.Join(names, " + ") + "\n"
	main := "package main\n\n" + commentBlock + "\n" + prefixBlock + "\nfunc main() {\n" + use + "\t"
	cursor := len(main)
	main += "\n}\n\n" + suffixBlock
	mainPath := filepath.Join(dir, "main.go")
	if err := os.WriteFile(mainPath, []byte(main), 0o600); err != nil {
		t.Fatal(err)
	}

	model := llmtest.NewServer(t)
	model.Reply(llmtest.Reply{Text: "_ = 1"})
	var stderr syncBuffer
	serve := func(ctx context.Context, rwc io.ReadWriteCloser) int {
		return binaryServeEnv(bin, &stderr, []string{
			"LODE_PROVIDER=openai", "LODE_BASE_URL=" + model.URL + "/v1",
			"LODE_MODEL=qwen2.5-coder-7b", "LODE_API_KEY=sk-test",
			"XDG_CACHE_HOME=" + cache, "XDG_CONFIG_HOME=" + testhome.ConfigDir(t),
		})(ctx, rwc)
	}
	e, _ := lsptest.Connect(t, serve, lsptest.Options{Folders: []string{dir}})
	e.Open(mainPath, "go", main)
	pos := positionOf(main, cursor)

	// Wait for the index: the context bundle shows the settings.
	var last string
	defer func() {
		if t.Failed() {
			t.Logf("last context bundle:\n%s", last)
		}
	}()
	e.WaitFor("the settings in the context bundle", func() bool {
		var bundle struct {
			Snippets []snippet `json:"snippets"`
		}
		if err := e.Call("lode/context", map[string]any{
			"textDocument": protocol.TextDocumentIdentifier{URI: lsptest.URI(mainPath)},
			"position":     pos,
		}, &bundle); err != nil {
			t.Fatalf("lode/context: %v", err)
		}
		last = bundleText(bundle.Snippets)
		return strings.Count(last, "holds settings") == len(names)
	})

	inline := func(path string, pos protocol.Position) {
		t.Helper()
		var items protocol.InlineCompletionList
		if err := e.Call(protocol.MethodTextDocumentInlineCompletion, lsptest.InlineParams(path, pos, protocol.InlineCompletionTriggerKindInvoked), &items); err != nil {
			t.Fatalf("inlineCompletion in %s: %v", filepath.Base(path), err)
		}
	}
	inline(mainPath, pos)
	if err := e.Call("lode/explain", map[string]any{
		"textDocument": protocol.TextDocumentIdentifier{URI: lsptest.URI(mainPath)},
		"position":     pos,
	}, nil); err != nil {
		t.Fatalf("lode/explain: %v", err)
	}
	sent := len(model.Requests())
	if sent == 0 {
		t.Fatalf("the model received no request; log:\n%s", stderr.String())
	}

	// The open secret files: nothing is sent, and the user is told why.
	for _, name := range []string{".env", "id_rsa"} {
		path := filepath.Join(dir, name)
		e.Open(path, "plaintext", files[name])
		inline(path, positionOf(files[name], len(files[name])/2))
		_ = e.Call("lode/explain", map[string]any{
			"textDocument": protocol.TextDocumentIdentifier{URI: lsptest.URI(path)},
			"position":     positionOf(files[name], len(files[name])/2),
		}, nil)
		e.WaitFor("a message about "+name, func() bool {
			for _, m := range e.ShownMessages() {
				if strings.Contains(m.Message, name) && strings.Contains(m.Message, "secret file") {
					return true
				}
			}
			return false
		})
	}
	if n := len(model.Requests()); n != sent {
		t.Errorf("the model received %d requests about open secret files", n-sent)
	}
	// The caches are saved by background work, which gives way to
	// requests: wait for them while the server runs (a shutdown first
	// would stop that work before it saved anything).
	e.WaitFor("the caches to hold the workspace's names", func() bool {
		return strings.Contains(readTree(t, cache), "settings0")
	})
	if code, err := e.Shutdown(); err != nil || code != 0 {
		t.Errorf("shutdown: %d, %v", code, err)
	}

	var bodies strings.Builder
	for _, r := range model.Requests() {
		bodies.Write(r.Body)
		bodies.WriteString("\n")
	}
	var shown strings.Builder // what the editor showed and logged
	for _, m := range e.LogMessages() {
		shown.WriteString(m.Message + "\n")
	}
	for _, m := range e.ShownMessages() {
		shown.WriteString(m.Message + "\n")
	}
	cached := readTree(t, cache)
	where := map[string]string{"model requests": bodies.String(), "log": stderr.String(), "editor's messages": shown.String(), "caches": cached}
	for place, ss := range secrets {
		for _, s := range ss {
			for what, text := range where {
				if strings.Contains(text, s) {
					t.Errorf("the %s hold the secret %q planted in the %s", what, s, secretPlaces[place])
				}
			}
		}
	}
	// Each place but the secret files did reach the model.
	for _, m := range markers {
		if !strings.Contains(m, "open") && !strings.Contains(bodies.String(), m) {
			t.Errorf("no model request held the marker %s: that example was not tested", m)
		}
	}
	if !strings.Contains(cached, "settings0") {
		t.Errorf("the caches do not hold the workspace's names: no cache was tested")
	}
}

// positionOf returns the LSP position of byte offset off in an ASCII text.
func positionOf(s string, off int) protocol.Position {
	line := strings.Count(s[:off], "\n")
	return protocol.Position{Line: uint32(line), Character: uint32(off - (strings.LastIndexByte(s[:off], '\n') + 1))}
}

// readTree returns the contents of every file under dir.
func readTree(t *testing.T, dir string) string {
	t.Helper()
	var b strings.Builder
	err := filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(path)
		b.Write(data)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return b.String()
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
