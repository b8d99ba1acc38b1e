package session

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lode-ls/lode/completion/explain"
	"github.com/lode-ls/lode/completion/llm"
	"github.com/lode-ls/lode/completion/llm/llmtest"
	"github.com/lode-ls/lode/completion/patch"
	"github.com/lode-ls/lode/internal/config"
	"github.com/lode-ls/lode/internal/testtree"
)

const calcSrc = `package calc

// Add returns the sum of a and b.
func Add(a, b int) int {
	return a - b
}
`

// noFiles reads no user file and no environment.
func noFiles() config.Inputs {
	return config.Inputs{UserFile: "-", Getenv: func(string) string { return "" }}
}

func TestReconfiguresExplain(t *testing.T) {
	srv := llmtest.NewServer(t)
	srv.Reply(llmtest.Reply{Text: "Adds, in prose."})
	s, problems := Open(Options{Config: noFiles(), Getenv: func(string) string { return "" }})
	defer s.Close()
	if len(problems) > 0 {
		t.Fatal(problems)
	}
	target := explain.Target{Path: "/w/calc.go", Content: calcSrc, Start: 60, End: 60}
	ex, err := s.Explain(context.Background(), target, nil)
	if err != nil || !ex.Structural {
		t.Fatalf("with the embedded model: structural %v, err %v", ex != nil && ex.Structural, err)
	}
	if _, err := s.Suggest(context.Background(), &patch.Request{Instruction: "x", Targets: []patch.Target{{Path: "calc.go", Content: calcSrc}}}); !errors.Is(err, llm.ErrUnknownModel) {
		t.Errorf("suggest with the embedded model: err = %v", err)
	}
	cfg := *s.Config()
	cfg.Provider, cfg.BaseURL, cfg.ModelID = "openai", srv.URL+"/v1", "fake-coder"
	s.Configure(&cfg)
	if ex, err = s.Explain(context.Background(), target, nil); err != nil || ex.Structural || !strings.Contains(ex.Markdown, "Adds, in prose.") {
		t.Fatalf("after Configure: %+v, %v", ex, err)
	}
	if m, err := s.ChatModel(); m == nil || err != nil {
		t.Errorf("ChatModel after Configure = %v, %v", m, err)
	}
	if got := s.Completion().ModelName(); got != "fake-coder" {
		t.Errorf("completion model after Configure = %q, want fake-coder", got)
	}
}

func TestRoot(t *testing.T) {
	dir := t.TempDir()
	write := func(rel, content string) string { return testtree.File(t, dir, rel, content) }
	repo := filepath.Join(dir, "repo")
	write("repo/.git/HEAD", "ref: refs/heads/main\n")
	write("repo/svc/go.mod", "module svc\n")
	deep := write("repo/svc/pkg/x/a.go", "package x\n")
	toml := filepath.Join(dir, "tomlonly")
	write("tomlonly/.lode.toml", "")
	write("tomlonly/mod/go.mod", "module m\n")
	inToml := write("tomlonly/mod/b.go", "package m\n")
	modOnly := write("modonly/sub/c.go", "package c\n")
	write("modonly/go.mod", "module c\n")
	loose := write("loose/d.py", "x = 1\n")
	tests := []struct{ path, want string }{
		{deep, repo},                             // .git wins over the nearer go.mod
		{filepath.Dir(deep), repo},               // a directory as well as a file
		{inToml, toml},                           // .lode.toml wins over the nearer go.mod
		{modOnly, filepath.Join(dir, "modonly")}, // a project file when nothing ranks higher
		{loose, filepath.Join(dir, "loose")},     // else the file's own directory
	}
	for _, tc := range tests {
		if got := Root(tc.path); got != tc.want {
			t.Errorf("Root(%s) = %s, want %s", tc.path, got, tc.want)
		}
	}
	wd, _ := os.Getwd()
	t.Chdir(filepath.Join(repo, "svc"))
	if got := Root("pkg/x/a.go"); got != repo {
		t.Errorf("Root of a relative path = %s, want %s", got, repo)
	}
	t.Chdir(wd)
}

// TestEmbeddedLevelsFollowTheModel checks that the embedded model builds
// the levels of an open document beside the requests while it answers
// them (alone, or as a server model's companion), and behind them while
// it only helps a server model.
func TestEmbeddedLevelsFollowTheModel(t *testing.T) {
	srv := llmtest.NewServer(t)
	s, _ := Open(Options{Config: noFiles(), Getenv: func(string) string { return "" }})
	defer s.Close()
	if !s.model.Answering() {
		t.Error("the embedded model answering: its levels are built behind the requests")
	}
	cfg := *s.Config()
	cfg.Provider, cfg.BaseURL, cfg.ModelID = "openai", srv.URL+"/v1", "fake-coder"
	s.Configure(&cfg)
	if s.model.Answering() {
		t.Error("beside a server model: the embedded model's levels are built beside the requests")
	}
	cfg.Completion.Companion = true
	s.Configure(&cfg)
	if !s.model.Answering() {
		t.Error("as the companion of a server model: its levels are built behind the requests")
	}
}
