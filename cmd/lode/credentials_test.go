package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

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
