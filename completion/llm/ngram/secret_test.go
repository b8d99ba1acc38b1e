package ngram

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lode-ls/lode/completion/llm"
)

// The secrets below are fabricated in the published formats.
const (
	learnedToken = "ghp_Zq8Lm3Nx7Rt2Vb5Kw9Pc4Hd6Jf1Sg0Ya3Ue8"
	learnedPass  = "Pg!pass-2024-lode"
)

// TestSecretsNotLearned: a token in one workspace file is never offered as
// a completion in another, and never written to the saved model.
func TestSecretsNotLearned(t *testing.T) {
	src := "package gh\n\n// the deploy password is " + learnedPass + "\n" +
		"func client() *Client {\n\treturn NewClient(\"" + learnedToken + "\")\n}\n\n" +
		"func other() *Client {\n\treturn NewClient(\"" + learnedToken + "\")\n}\n\n" +
		"var dbPass = \"" + learnedPass + "\"\n"
	m := trained(t, map[string]string{"/w/a/gh.go": src, "/w/a/b.go": fileB})
	m.Prepare("go", "/w/b/use.go")
	prefix := "package use\n\nfunc c() *Client {\n\treturn NewClient("
	preds, err := m.PredictNext(context.Background(), &llm.Request{Prompt: prefix, Path: "/w/b/use.go", Language: "go"}, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(preds) == 0 {
		t.Fatalf("no prediction after %q: the test does not reach the learned call", prefix)
	}
	for _, p := range preds {
		if strings.Contains(p.Text, "ghp_") {
			t.Errorf("offered the token %q", p.Text)
		}
	}
	resp, err := m.Complete(context.Background(), &llm.Request{Mode: llm.ModeFIM, Prompt: prefix, Suffix: "\n}\n", Path: "/w/b/use.go", Language: "go"})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(resp.Text(), "ghp_") {
		t.Errorf("completed with the token: %q", resp.Text())
	}

	path := filepath.Join(t.TempDir(), "m.ngram")
	if err := m.Save(path); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{learnedToken, learnedPass, learnedToken[4:20]} {
		if strings.Contains(string(data), s) {
			t.Errorf("the saved model holds %q", s)
		}
	}
	if !strings.Contains(string(data), "NewClient") {
		t.Errorf("the saved model lacks the file's names: the test saved nothing")
	}
}
