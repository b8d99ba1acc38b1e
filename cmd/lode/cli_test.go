package main

import (
	"bytes"
	"context"
	"encoding/json"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/lode-ls/lode/completion/llm/llmtest"
)

// runLode runs lode with args as main does.
func runLode(args ...string) (code int, stdout, stderr string) {
	var out, errb bytes.Buffer
	code = run(context.Background(), args, &out, &errb)
	return code, out.String(), errb.String()
}

// doubled finds a message that names its command twice ("lode index:
// index: ...").
var doubled = regexp.MustCompile(`lode ([a-z ]+): ([a-z]+): `)

func checkOnePrefix(t *testing.T, stderr string) {
	t.Helper()
	for _, m := range doubled.FindAllStringSubmatch(stderr, -1) {
		if strings.HasSuffix(m[1], m[2]) {
			t.Errorf("doubled prefix in %q", m[0])
		}
	}
}

func TestHelpEveryCommand(t *testing.T) {
	for _, name := range slices.Sorted(maps.Keys(commands)) {
		for _, args := range [][]string{{name, "-h"}, {name, "--help"}, {"help", name}, {name, "x.go", "-help"}} {
			code, out, errs := runLode(args...)
			if code != exitOK || !strings.Contains(out, "usage: lode "+name) || errs != "" {
				t.Errorf("lode %s: exit %d, stdout %q, stderr %q; want the usage on stdout, exit 0", strings.Join(args, " "), code, out, errs)
			}
		}
	}
	code, out, _ := runLode("help")
	if code != exitOK || !strings.Contains(out, exitTable) {
		t.Errorf("lode help: exit %d, and the exit-code table missing:\n%s", code, out)
	}
}

func TestUsageErrors(t *testing.T) {
	dir := t.TempDir()
	var cases [][]string
	for _, name := range slices.Sorted(maps.Keys(commands)) {
		if name == "eval" {
			cases = append(cases, []string{"eval", "context", "--no-such-flag"}, []string{"eval", "nope"})
			continue
		}
		cases = append(cases, []string{name, "--no-such-flag"})
	}
	cases = append(cases,
		[]string{"help", "nope"}, []string{"nope"}, []string{"help", "doctor", "extra"},
		[]string{"doctor", "extra"}, []string{"version", "extra"}, []string{"serve", "extra"},
		[]string{"config", "show", "extra"}, []string{"config", "nope"},
		[]string{"index", dir, dir}, []string{"complete", "a.go:1:1", "b.go:1:1"},
		[]string{"explain", "a.go", "b.go"}, []string{"context", "a.go:1:1", "b.go:1:1"},
		[]string{"complete"}, []string{"context"}, []string{"explain"},
	)
	for _, args := range cases {
		code, out, errs := runLode(args...)
		if code != exitUsage || out != "" || errs == "" {
			t.Errorf("lode %s: exit %d, stdout %q, stderr %q; want a usage error (exit 2) on stderr", strings.Join(args, " "), code, out, errs)
		}
		if strings.Count(errs, "\n") > 2 {
			t.Errorf("lode %s: the error is not one line and a hint:\n%s", strings.Join(args, " "), errs)
		}
		checkOnePrefix(t, errs)
	}
}

// TestFlagsAfterTheFile runs the commands that take a file or directory
// with their flags after it.
func TestFlagsAfterTheFile(t *testing.T) {
	srv := llmtest.NewServer(t)
	srv.Reply(llmtest.Reply{Text: "a + b"})
	dir := cliWorkspace(t, srv.URL+"/v1", "")
	for _, args := range [][]string{
		{"context", "calc/calc.go:5:2", "-budget", "200", "-no-cache", "-json"},
		{"index", dir, "-no-cache", "-json"},
		{"complete", "calc/calc.go:5:9", "-no-context", "-config", "-", "-json"},
		{"explain", "calc/calc.go:5", "-structural", "-config", "-", "-json"},
	} {
		code, out, errs := runLode(args...)
		if code != exitOK {
			t.Errorf("lode %s: exit %d, stderr:\n%s", strings.Join(args, " "), code, errs)
			continue
		}
		var v map[string]any
		if err := json.Unmarshal([]byte(out), &v); err != nil {
			t.Errorf("lode %s: not JSON: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
}

// TestInputsRefused checks that binary and unsupported files
// are refused before any model call: one line on stderr, exit 2.
func TestInputsRefused(t *testing.T) {
	srv := llmtest.NewServer(t)
	dir := cliWorkspace(t, srv.URL+"/v1", "[context]\nmax_file_size = 2000\n")
	write := func(name string, data []byte) {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	blob := make([]byte, 4000)
	for i := range blob {
		blob[i] = byte(i * 7919 % 251)
	}
	write("blob.go", blob[:1500])
	write("latin1.go", bytes.Repeat([]byte("caf\xe9 "), 100))
	write("hello.cob", []byte("       IDENTIFICATION DIVISION.\n       PROGRAM-ID. HELLO.\n"))
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"explain", "blob.go"}, "binary file"},
		{[]string{"explain", "latin1.go"}, "binary file"},
		{[]string{"explain", "hello.cob"}, "unsupported language"},
		{[]string{"complete", "blob.go:1:1"}, "binary file"},
		{[]string{"context", "blob.go:1:1"}, "binary file"},
		{[]string{"suggest", "-m", "fix", "blob.go"}, "binary file"},
		{[]string{"suggest", "-m", "fix", "hello.cob"}, "unsupported language"},
		{[]string{"complete", "calc/calc.go:99:1"}, "line 99 out of range"},
		{[]string{"context", "calc/calc.go:99:1"}, "line 99 out of range"},
		{[]string{"explain", "calc/calc.go:99"}, "line 99 out of range"},
		{[]string{"suggest", "-m", "fix", "calc/calc.go:90-99"}, "line 99 out of range"},
		{[]string{"explain", "missing.go"}, "no such file"},
		{[]string{"complete", "missing.go:1:1"}, "no such file"},
	} {
		code, out, errs := runLode(tc.args...)
		if code != exitUsage || out != "" || !strings.Contains(errs, tc.want) || strings.Count(errs, "\n") != 1 {
			t.Errorf("lode %s: exit %d, stdout %q, stderr %q; want one line saying %q, exit 2", strings.Join(tc.args, " "), code, out, errs, tc.want)
		}
		checkOnePrefix(t, errs)
	}
	if n := srv.Count(); n != 0 {
		t.Errorf("the model got %d requests for refused inputs", n)
	}
}

// faultMessages is what lode's one message says for each of
// llmtest.Faults, with the key from api_key.
var faultMessages = map[string]string{
	"refused": "base_url", "hang": "did not answer in time", "401": "refused the API key; check api_key",
	"429": "rate limiting", "500": "base_url", "malformed": "cannot read", "cut stream": "cannot read",
}

// faultURL returns the base URL of a fault: the fake server answering as
// it says, or nothing listening.
func faultURL(t *testing.T, f llmtest.Fault) (string, *llmtest.Server) {
	srv := llmtest.NewServer(t)
	srv.Reply(f.Reply)
	if f.Refused {
		return llmtest.RefusedURL(t) + "/v1", srv
	}
	return srv.URL + "/v1", srv
}

// TestExitCodeTable drives every command that calls a model against the
// fake server in every fault mode: exit 3 with one message naming the
// setting to fix, and the answer lode can give without the model (the
// embedded model's completion, a structural explanation). complete asks
// the failing server once: its second try goes to the embedded model.
func TestExitCodeTable(t *testing.T) {
	for _, fm := range llmtest.Faults() {
		want, ok := faultMessages[fm.Name]
		if !ok {
			t.Fatalf("no expected message for %s", fm.Name)
		}
		t.Run(fm.Name, func(t *testing.T) {
			url, srv := faultURL(t, fm)
			dir := cliWorkspace(t, url, "")
			// A model with a fill-in-the-middle template: completions are
			// streamed (chat prompts are not).
			cfg := "provider = \"openai\"\nbase_url = \"" + url + "\"\nmodel = \"qwen2.5-coder-1.5b\"\napi_key = \"sk-test\"\n" +
				"[completion]\ntimeout_ms = 400\n[explain]\ntimeout = \"400ms\"\n"
			if err := os.WriteFile(filepath.Join(dir, ".lode.toml"), []byte(cfg), 0o644); err != nil {
				t.Fatal(err)
			}
			for _, tc := range []struct {
				args []string
				out  string // in stdout
			}{
				{[]string{"complete", "-no-context", "-config", "-", "calc/calc.go:5:9"}, ""},
				{[]string{"explain", "-config", "-", "calc/calc.go:5"}, "_Structural explanation"},
				{[]string{"suggest", "-config", "-", "-m", "make Add add", "calc/calc.go:4-6"}, ""},
			} {
				if tc.args[0] == "suggest" && fm.Name == "cut stream" {
					continue // patches are asked whole, not streamed
				}
				before := srv.Count()
				code, out, errs := runLode(tc.args...)
				name := strings.Join(tc.args, " ")
				if code != exitUnavailable {
					t.Errorf("lode %s: exit %d, want 3; stderr:\n%s", name, code, errs)
				}
				if !strings.Contains(out, tc.out) {
					t.Errorf("lode %s: stdout lacks %q:\n%s", name, tc.out, out)
				}
				if !strings.Contains(errs, want) || strings.Count(errs, want) != 1 {
					t.Errorf("lode %s: want one message saying %q, stderr:\n%s", name, want, errs)
				}
				checkOnePrefix(t, errs)
				if tc.args[0] == "complete" {
					limit := 1
					if fm.Name == "500" {
						limit = 2 // the provider retries a 500 once
					}
					if n := srv.Count() - before; n > limit {
						t.Errorf("lode complete asked the failing server %d times, want at most %d", n, limit)
					}
				}
			}
		})
	}
}

func TestUnknownProviderIsAnError(t *testing.T) {
	dir := cliWorkspace(t, "http://127.0.0.1:1/v1", "")
	if err := os.WriteFile(filepath.Join(dir, ".lode.toml"), []byte("provider = \"DeepSeak\"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, errs := runLode("complete", "-config", "-", "-no-context", "calc/calc.go:5:9")
	if code != exitUsage || !strings.Contains(errs, `"DeepSeak" is not one of`) {
		t.Errorf("exit %d, stderr:\n%s", code, errs)
	}
}

// TestExitCodesOKAndNoResult covers the rest of the table: 0 for a
// result, 1 for none.
func TestExitCodesOKAndNoResult(t *testing.T) {
	srv := llmtest.NewServer(t)
	srv.Reply(llmtest.Reply{Text: "a + b"})
	dir := cliWorkspace(t, srv.URL+"/v1", "")
	if err := os.WriteFile(filepath.Join(dir, "empty.go"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		args []string
		code int
	}{
		{[]string{"explain", "-config", "-", "calc/calc.go:5"}, exitOK},
		{[]string{"complete", "-no-context", "-config", "-", "calc/calc.go:5:9"}, exitOK},
		{[]string{"explain", "-config", "-", "empty.go"}, exitFailed},
		{[]string{"version"}, exitOK},
		{[]string{"config", "-config", "-"}, exitOK},
	} {
		code, _, errs := runLode(tc.args...)
		if code != tc.code {
			t.Errorf("lode %s: exit %d, want %d; stderr:\n%s", strings.Join(tc.args, " "), code, tc.code, errs)
		}
		checkOnePrefix(t, errs)
	}
}

// TestDocumentedFlags compares docs/cli.md with each command's flags, as
// its help lists them.
func TestDocumentedFlags(t *testing.T) {
	doc, err := os.ReadFile("../../docs/cli.md")
	if err != nil {
		t.Fatal(err)
	}
	documented := map[string][]string{}
	section := ""
	heading := regexp.MustCompile("^## `lode ([a-z ]+)")
	flagRef := regexp.MustCompile("^- `--([a-z-]+)")
	for line := range strings.SplitSeq(string(doc), "\n") {
		if m := heading.FindStringSubmatch(line); m != nil {
			section = strings.TrimSpace(m[1])
			documented[section] = []string{}
		} else if m := flagRef.FindStringSubmatch(line); m != nil && section != "" {
			documented[section] = append(documented[section], m[1])
		}
	}
	helpFlag := regexp.MustCompile(`(?m)^  -([a-z-]+)`)
	names := slices.Sorted(maps.Keys(commands))
	names = append(slices.DeleteFunc(names, func(n string) bool { return n == "eval" }), "eval context", "eval ngram")
	for _, name := range names {
		_, out, _ := runLode(append(strings.Fields(name), "-h")...)
		var flags []string
		for _, m := range helpFlag.FindAllStringSubmatch(out, -1) {
			flags = append(flags, m[1])
		}
		slices.Sort(flags)
		doc, ok := documented[name]
		if !ok {
			t.Errorf("docs/cli.md has no section for lode %s", name)
			continue
		}
		slices.Sort(doc)
		if !slices.Equal(flags, doc) {
			t.Errorf("lode %s: flags %v, docs/cli.md documents %v", name, flags, doc)
		}
	}
}

func TestCompleteJSONWhenTheModelIsDown(t *testing.T) {
	cliWorkspace(t, llmtest.RefusedURL(t)+"/v1", "")
	code, out, errs := runLode("complete", "-config", "-", "-no-context", "-json", "calc/calc.go:5:9")
	var got completeJSON
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("not JSON (%v): %s", err, out)
	}
	if code != exitUnavailable || got.Exit != exitUnavailable || got.Source != "fallback" ||
		!strings.HasPrefix(got.Down, "cannot reach the completion model") || errs != "" {
		t.Errorf("exit %d, %+v, stderr %q", code, got, errs)
	}
}
