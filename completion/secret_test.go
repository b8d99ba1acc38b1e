package completion

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/lode-ls/lode/completion/llm/llmtest"
	"github.com/lode-ls/lode/context/redact"
	"github.com/lode-ls/lode/context/text"
)

// TestSecretFileNeverPrompted: an open secret file (by the rule retrieval
// follows) is never sent as the prompt, and the result says why.
func TestSecretFileNeverPrompted(t *testing.T) {
	m := &llmtest.Model{Name: "m", FIM: true, Text: "x"}
	e := New(Options{Config: testConfig(), Model: m})
	for _, path := range []string{"/w/.env", "/w/.env.production", "/home/u/.ssh/id_rsa", "/w/certs/server.key"} {
		doc := "OPENAI_API_KEY=sk-proj-abcdefghijklmnopqrstuvwxyz0123\nDEBUG="
		res, err := e.Complete(context.Background(), Request{Path: path, Text: text.New(doc), Offset: len(doc), Trigger: Invoked, Surface: "inline"})
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(res.Skipped, redact.ErrSecretFile.Error()) || len(res.Items) != 0 {
			t.Errorf("%s: result %+v, want it skipped as a secret file", path, res)
		}
	}
	if calls := m.Calls(); len(calls) != 0 {
		t.Errorf("the model was called %d times", len(calls))
	}
}

// TestPromptRedactsKeyAboveWindow: the cursor is inside a private key
// whose BEGIN line is far above the prompt's window; no line of the key
// goes out.
func TestPromptRedactsKeyAboveWindow(t *testing.T) {
	var body []string
	for i := range 24 {
		// Lines of letters and digits only, as a third of real PEM lines
		// are: only the BEGIN line above tells them from code.
		body = append(body, fmt.Sprintf("MIIEow%02dAKCAQEAv3k9Zq8Yt2Lr5Wx7Pn4Hs6Jd1Kf0Mb2Nc8Qa5Rz3Te9Ug7Ab%02d", i, i))
	}
	doc := "package main\n\nconst key = `-----BEGIN RSA PRIVATE KEY-----\n" + strings.Join(body, "\n") +
		"\n-----END RSA PRIVATE KEY-----`\n\nfunc main() {}\n"
	cfg := testConfig()
	cfg.Budget = 96 // a window of a few lines
	m := &llmtest.Model{Name: "m", FIM: true, Text: "x"}
	e := New(Options{Config: cfg, Model: m})
	cur := strings.Index(doc, body[12]) + 20 // mid-line, mid-key
	if _, err := e.Complete(context.Background(), Request{Path: "/w/main.go", Text: text.New(doc), Offset: cur, Trigger: Invoked, Surface: "inline"}); err != nil {
		t.Fatal(err)
	}
	calls := m.Calls()
	if len(calls) == 0 {
		t.Fatal("the model was not called")
	}
	sent := fmt.Sprintf("%+v", calls[0])
	if strings.Contains(sent, "BEGIN") {
		t.Fatalf("the window holds the BEGIN line: the test does not test a key above it:\n%s", sent)
	}
	if !strings.Contains(sent, redact.Placeholder) {
		t.Errorf("nothing was redacted:\n%s", sent)
	}
	for _, line := range body {
		if strings.Contains(sent, line[:20]) || strings.Contains(sent, line[20:40]) {
			t.Errorf("the prompt holds key material %q:\n%s", line, sent)
		}
	}
}
