package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// gitRepo makes a repository whose commits are the given states of its
// files, in order.
func gitRepo(t *testing.T, states []map[string]string) string {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("no git")
	}
	dir := t.TempDir()
	git := func(args ...string) {
		t.Helper()
		cmd := exec.Command("git", append([]string{"-C", dir, "-c", "user.name=t", "-c", "user.email=t@t", "-c", "commit.gpgsign=false"}, args...)...)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	git("init", "-q")
	for i, files := range states {
		for name, src := range files {
			p := filepath.Join(dir, name)
			os.MkdirAll(filepath.Dir(p), 0o755)
			if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		git("add", "-A")
		git("commit", "-q", "-m", "state "+string(rune('a'+i)))
	}
	return dir
}

const evalBase = `package a

func Scale(n int) int {
	var m int

	m = n * 2

	return m + n
}

func use() {
	send(x)

	send(x)

	send(x)
}
`

func TestEvalNextEdit(t *testing.T) {
	renamed := strings.NewReplacer("(n int)", "(count int)", "m = n * 2", "m = count * 2", "m + n", "m + count").Replace(evalBase)
	argued := strings.ReplaceAll(renamed, "send(x)", "send(x, ctx)")
	// A commit the predictor cannot relate: two unrelated changes.
	other := strings.NewReplacer("m = count * 2", "m = count * 3", "\tsend(x, ctx)\n}", "\tlog(3)\n}").Replace(argued)
	repo := gitRepo(t, []map[string]string{{"a.go": evalBase}, {"a.go": renamed}, {"a.go": argued}, {"a.go": other}})
	var out, errb bytes.Buffer
	if code := runEvalNextEdit(context.Background(), []string{"-v", repo}, &out, &errb); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	got := out.String()
	// rename: 2 remaining hunks, both found; argument: 2 remaining, both
	// found; the third commit: 1 remaining hunk, nothing shown.
	for _, want := range []string{
		"commits read: 3, replayed (a first hunk and related hunks): 3",
		"offline predictor                      3       4       4     1.000       5       4   0.800",
		"nothing (baseline)                     3       0       0         -       5       0   0.000",
		"offline predictor                      2       4       4     1.000       4       4   1.000",
		"textual occurrences (baseline)",
		"offline predictor latency over 3 edits",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("output lacks %q:\n%s", want, got)
		}
	}
	// The strict reading of focused commits holds the same two here; -why
	// classifies the missed hunks of focused commits (none).
	out.Reset()
	if code := runEvalNextEdit(context.Background(), []string{"-why", repo}, &out, &errb); code != 0 {
		t.Fatalf("-why: exit %d: %s", code, errb.String())
	}
	if got := out.String(); strings.Count(got, "offline predictor                      2       4       4     1.000       4       4   1.000") != 2 ||
		!strings.Contains(got, "a remaining hunk that makes exactly that change") || !strings.Contains(got, "missed, by reason") {
		t.Errorf("-why output lacks the strict table or the reasons:\n%s", got)
	}
	if code := runEvalNextEdit(context.Background(), nil, &out, &errb); code != 2 {
		t.Errorf("no REPO: exit %d, want 2", code)
	}
}
