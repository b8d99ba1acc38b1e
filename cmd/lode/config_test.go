package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lode-ls/lode/internal/config"
)

func TestConfigCommand(t *testing.T) {
	dir := t.TempDir()
	user := filepath.Join(dir, "config.toml")
	if err := os.WriteFile(user, []byte("api_key = \"sk-hidden\"\nmodel = \"m1\"\n[completion]\nenabled = 3\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv("LODE_MODEL", "from-env")
	var out, errOut bytes.Buffer
	code := runConfig(context.Background(), []string{"-config", user, "-root", dir}, &out, &errOut)
	if code != exitUsage {
		t.Errorf("exit code %d with a bad value, want %d (a configuration error)", code, exitUsage)
	}
	got := out.String()
	if strings.Contains(got+errOut.String(), "sk-hidden") {
		t.Errorf("the API key was printed")
	}
	for _, want := range []string{"model", `"from-env"`, "environment LODE_MODEL", "api_key", "(set)", user} {
		if !strings.Contains(got, want) {
			t.Errorf("output lacks %q:\n%s", want, got)
		}
	}
	if !strings.Contains(errOut.String(), `"completion.enabled"`) {
		t.Errorf("stderr should name the bad key: %q", errOut.String())
	}

	out.Reset()
	if code := runConfig(context.Background(), []string{"docs"}, &out, &errOut); code != 0 || out.String() != config.Reference() {
		t.Errorf("config docs: code %d, output differs from config.Reference()", code)
	}
}

func TestHelpAndVersion(t *testing.T) {
	var out, errOut bytes.Buffer
	if code := run(context.Background(), []string{"help"}, &out, &errOut); code != 0 {
		t.Fatalf("help: %d", code)
	}
	for name := range commands {
		if !strings.Contains(out.String(), "\t"+name) {
			t.Errorf("help lacks %s", name)
		}
	}
	out.Reset()
	if code := run(context.Background(), []string{"version"}, &out, &errOut); code != 0 || !strings.HasPrefix(out.String(), "lode ") {
		t.Errorf("version: %d %q", code, out.String())
	}
	if code := run(context.Background(), []string{"frobnicate"}, &out, &errOut); code != 2 {
		t.Errorf("unknown command: exit %d, want 2", code)
	}
	if code := run(context.Background(), nil, &out, &errOut); code != 2 {
		t.Errorf("no command: exit %d, want 2", code)
	}
}

// TestConfigAndDoctorHideCredentials: lode config and lode doctor show
// where credentials are set, never the credentials: a password inside
// base_url, tokens in headers.
func TestConfigAndDoctorHideCredentials(t *testing.T) {
	for _, env := range []string{"LODE_PROVIDER", "LODE_BASE_URL", "LODE_MODEL", "LODE_API_KEY", "OPENAI_API_KEY", "OPENAI_BASE_URL"} {
		t.Setenv(env, "")
	}
	const (
		password = "S3cret-pw-42x"
		bearer   = "abc123def456ghi789jkl0"
		apiKey   = "k3y9f8e7d6c5b4a3Z2y1"
	)
	dir := t.TempDir()
	user := filepath.Join(dir, "config.toml")
	cfg := "provider = \"openai\"\nbase_url = \"https://lode:" + password + "@127.0.0.1:1/v1\"\nmodel = \"m\"\n\n" +
		"[models.fast]\nprovider = \"openai\"\nmodel = \"m2\"\nheaders = [\"Authorization: Bearer " + bearer + "\", \"X-Api-Key: " + apiKey + "\"]\n"
	if err := os.WriteFile(user, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	for name, run := range map[string]func(context.Context, []string, *bytes.Buffer, *bytes.Buffer) int{
		"config": func(ctx context.Context, args []string, out, errOut *bytes.Buffer) int {
			return runConfig(ctx, args, out, errOut)
		},
		"doctor": func(ctx context.Context, args []string, out, errOut *bytes.Buffer) int {
			return runDoctor(ctx, append(args, "-offline"), out, errOut)
		},
	} {
		var out, errOut bytes.Buffer
		run(context.Background(), []string{"-config", user, "-root", dir}, &out, &errOut)
		got := out.String() + errOut.String()
		for _, s := range []string{password, bearer, apiKey} {
			if strings.Contains(got, s) {
				t.Errorf("lode %s printed %q:\n%s", name, s, got)
			}
		}
		if !strings.Contains(got, "127.0.0.1:1") {
			t.Errorf("lode %s lost the rest of base_url:\n%s", name, got)
		}
	}
}
