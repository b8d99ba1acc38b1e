package config

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lode-ls/lode/internal/testtree"
)

var update = flag.Bool("update", false, "rewrite docs/settings.md")

func noEnv(string) string { return "" }

func env(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

func TestDefaults(t *testing.T) {
	c, problems := Load(Inputs{UserFile: "-", Getenv: noEnv})
	if len(problems) > 0 {
		t.Fatalf("problems: %v", problems)
	}
	if c.Provider != "embedded" || !c.Completion.Enabled || c.Log.Level != "info" || c.Context.MaxFileSize != 1048576 {
		t.Errorf("defaults not applied: %+v", c)
	}
	if got := c.Source("provider"); got != SourceDefault {
		t.Errorf("Source(provider) = %q, want default", got)
	}
}

func TestPrecedence(t *testing.T) {
	dir := t.TempDir()
	user := testtree.File(t, dir, "user/config.toml", `
provider = "ollama"
model = "from-user"
base_url = "http://user"
[completion]
enabled = false
[log]
level = "debug"
`)
	root := filepath.Join(dir, "ws")
	testtree.File(t, root, WorkspaceFile, `
model = "from-workspace"
[log]
level = "warn"
`)
	c, problems := Load(Inputs{
		UserFile:      user,
		WorkspaceRoot: root,
		Getenv:        env(map[string]string{"LODE_BASE_URL": "http://env", "LODE_API_KEY": "sk-env"}),
		Editor:        []byte(`{"lode": {"log": {"level": "error"}, "trace": {"server": "verbose"}}}`),
	})
	if len(problems) > 0 {
		t.Fatalf("problems: %v", problems)
	}
	tests := []struct{ key, value, source string }{
		{"provider", "ollama", user},
		{"model", "from-workspace", filepath.Join(root, WorkspaceFile)},
		{"base_url", "http://env", "environment LODE_BASE_URL"},
		{"api_key", "sk-env", "environment LODE_API_KEY"},
		{"completion.enabled", "false", user},
		{"log.level", "error", SourceEditor},
	}
	values := map[string]string{
		"provider": c.Provider, "model": c.ModelID, "base_url": c.BaseURL, "api_key": c.APIKey,
		"completion.enabled": map[bool]string{true: "true", false: "false"}[c.Completion.Enabled],
		"log.level":          c.Log.Level,
	}
	for _, tc := range tests {
		if values[tc.key] != tc.value {
			t.Errorf("%s = %q, want %q", tc.key, values[tc.key], tc.value)
		}
		if got := c.Source(tc.key); got != tc.source {
			t.Errorf("Source(%s) = %q, want %q", tc.key, got, tc.source)
		}
	}
}

func TestOpenAIFallbacks(t *testing.T) {
	e := map[string]string{"LODE_PROVIDER": "openai", "OPENAI_API_KEY": "sk-openai", "OPENAI_BASE_URL": "http://openai"}
	c, _ := Load(Inputs{UserFile: "-", Getenv: env(e)})
	if c.APIKey != "sk-openai" || c.BaseURL != "http://openai" || c.Source("api_key") != "environment OPENAI_API_KEY" {
		t.Errorf("fallbacks not applied: key %q url %q source %q", c.APIKey, c.BaseURL, c.Source("api_key"))
	}
	e["LODE_API_KEY"] = "sk-lode"
	if c, _ := Load(Inputs{UserFile: "-", Getenv: env(e)}); c.APIKey != "sk-lode" {
		t.Errorf("LODE_API_KEY must win over OPENAI_API_KEY, got %q", c.APIKey)
	}
	e = map[string]string{"LODE_PROVIDER": "ollama", "OPENAI_API_KEY": "sk-openai"}
	if c, _ := Load(Inputs{UserFile: "-", Getenv: env(e)}); c.APIKey != "" {
		t.Errorf("OPENAI_API_KEY used for provider ollama")
	}
}

func TestProblems(t *testing.T) {
	dir := t.TempDir()
	user := testtree.File(t, dir, "config.toml", `
provider = "gpt"
baseUrl = "x"
[completion]
enabled = "yes please"
[context]
max_file_size = 1.5
[models.fast]
provider = "ollama"
bogus = 1
`)
	c, problems := Load(Inputs{UserFile: user, Getenv: noEnv, Editor: []byte(`{"log": {"level": 3}, "nope": true}`)})
	want := []string{
		`setting "provider": "gpt" is not one of embedded, openai, ollama, llamacpp`,
		`setting "baseUrl": unknown setting (did you mean "base_url"?)`,
		`setting "completion.enabled": want true or false, got the string "yes please"; keeping true`,
		`setting "context.max_file_size": want an integer, got the number 1.5; keeping 1048576`,
		`setting "models.fast.bogus": unknown setting`,
		`editor settings: setting "log.level": want a string, got the number 3; keeping "info"`,
		`editor settings: setting "nope": unknown setting`,
	}
	var got []string
	for _, p := range problems {
		got = append(got, p.Error())
	}
	all := strings.Join(got, "\n")
	for _, w := range want {
		if !strings.Contains(all, w) {
			t.Errorf("missing problem %q in:\n%s", w, all)
		}
	}
	if len(problems) != len(want) {
		t.Errorf("got %d problems, want %d:\n%s", len(problems), len(want), all)
	}
	if c.Provider != "embedded" || !c.Completion.Enabled || c.Context.MaxFileSize != 1048576 || c.Log.Level != "info" {
		t.Errorf("bad values must leave the defaults: %+v", c)
	}
	if m := c.Models["fast"]; m.Provider != "ollama" {
		t.Errorf("models.fast.provider = %q, want ollama", m.Provider)
	}
	if !strings.Contains(all, user) {
		t.Errorf("problems do not name the file %s:\n%s", user, all)
	}
}

func TestBadFiles(t *testing.T) {
	dir := t.TempDir()
	user := testtree.File(t, dir, "config.toml", "provider = \n")
	c, problems := Load(Inputs{UserFile: user, Getenv: noEnv, Editor: []byte(`[1,2]`)})
	if len(problems) != 2 || problems[0].Source != user || problems[1].Source != SourceEditor {
		t.Fatalf("problems = %v", problems)
	}
	if c.Provider != "embedded" {
		t.Errorf("provider = %q", c.Provider)
	}
	if _, problems := Load(Inputs{UserFile: filepath.Join(dir, "missing.toml"), Getenv: noEnv}); len(problems) != 0 {
		t.Errorf("a missing file is not a problem: %v", problems)
	}
}

func TestSecretsNeverShown(t *testing.T) {
	c, _ := Load(Inputs{UserFile: "-", Getenv: noEnv, Editor: []byte(`{"api_key": "sk-supersecret", "models": {"a": {"api_key": "sk-other"}}}`)})
	out := c.String()
	for _, secret := range []string{"sk-supersecret", "sk-other"} {
		if strings.Contains(out, secret) {
			t.Errorf("secret %q printed:\n%s", secret, out)
		}
	}
	if !strings.Contains(out, "api_key = (set)  # editor settings") || !strings.Contains(out, "models.a.api_key = (set)") {
		t.Errorf("secrets should show as set:\n%s", out)
	}
	if c.APIKey != "sk-supersecret" {
		t.Errorf("APIKey = %q", c.APIKey)
	}
	bad, problems := Load(Inputs{UserFile: "-", Getenv: noEnv, Editor: []byte(`{"api_key": 12345678}`)})
	for _, p := range problems {
		if strings.Contains(p.Error(), "sk-") {
			t.Errorf("problem shows a secret: %v", p)
		}
	}
	_ = bad
}

func TestXDG(t *testing.T) {
	t.Setenv("XDG_CONFIG_HOME", "/xdg")
	if got := UserFile(); got != "/xdg/lode/config.toml" {
		t.Errorf("UserFile() = %q", got)
	}
}

func TestReferenceUpToDate(t *testing.T) {
	path := filepath.Join("..", "..", "docs", "settings.md")
	want := Reference()
	if *update {
		if err := os.WriteFile(path, []byte(want), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run `go generate ./internal/config`)", err)
	}
	if string(got) != want {
		t.Errorf("docs/settings.md is stale: run `go generate ./internal/config`")
	}
	for _, f := range schema() {
		if !f.section && !strings.Contains(want, "`"+f.key+"`") {
			t.Errorf("reference misses %s", f.key)
		}
	}
}

// TestUserOnly: settings that confine lode (workspace.allowed_roots) come
// from the user's file alone; a repository's .lode.toml or the editor
// cannot widen them.
func TestUserOnly(t *testing.T) {
	dir := t.TempDir()
	user := testtree.File(t, dir, "user/config.toml", "[workspace]\nallowed_roots = [\"/home/me/src\"]\n")
	root := filepath.Join(dir, "ws")
	testtree.File(t, root, WorkspaceFile, "[workspace]\nallowed_roots = [\"/\"]\n")
	c, problems := Load(Inputs{UserFile: user, WorkspaceRoot: root, Getenv: noEnv,
		Editor: []byte(`{"workspace": {"allowed_roots": ["/etc"]}}`)})
	if got := c.Workspace.AllowedRoots; len(got) != 1 || got[0] != "/home/me/src" {
		t.Errorf("allowed_roots = %q, want the user file's", got)
	}
	if len(problems) != 2 {
		t.Fatalf("problems = %v, want one for the workspace file and one for the editor", problems)
	}
	for _, p := range problems {
		if p.Key != "workspace.allowed_roots" || !strings.Contains(p.Msg, "only the user settings file") {
			t.Errorf("problem %v", p)
		}
	}
	c, _ = Load(Inputs{UserFile: "-", Getenv: noEnv, Editor: []byte(`{"workspace": {"allowed_roots": ["/"]}}`)})
	if len(c.Workspace.AllowedRoots) != 0 {
		t.Errorf("without a user file the editor set allowed_roots = %q", c.Workspace.AllowedRoots)
	}
}

func TestEnumIgnoresCase(t *testing.T) {
	dir := t.TempDir()
	user := testtree.File(t, dir, "config.toml", "provider = \"DeepSeek\"\n[log]\nlevel = \"DEBUG\"\n")
	c, problems := Load(Inputs{UserFile: user, Getenv: noEnv})
	if len(problems) > 0 {
		t.Fatalf("problems: %v", problems)
	}
	if c.Provider != "deepseek" || c.Log.Level != "debug" {
		t.Errorf("provider %q, level %q: want them as the schema spells them", c.Provider, c.Log.Level)
	}
}
