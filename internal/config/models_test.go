package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func loadTOML(t *testing.T, text string) *Config {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, WorkspaceFile), []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	c, problems := Load(Inputs{UserFile: "-", WorkspaceRoot: dir, Getenv: func(string) string { return "" }})
	for _, p := range problems {
		t.Errorf("problem: %v", p)
	}
	return c
}

func TestFeatureModels(t *testing.T) {
	c := loadTOML(t, `
provider = "ollama"
base_url = "http://gpu:11434"
model = "qwen2.5-coder:1.5b"

[completion]
model = "fast"

[explain]
model = "smart"

[models.fast]
model = "qwen2.5-coder:7b-base"
first_byte_timeout = "800ms"
headers = ["X-Team: lode"]

[models.smart]
provider = "deepseek"
model = "deepseek-chat"
api_key_env = "DEEPSEEK_API_KEY"
`)
	fast, err := c.FeatureModel(FeatureCompletion)
	if err != nil {
		t.Fatal(err)
	}
	if fast.Provider != "ollama" || fast.BaseURL != "http://gpu:11434" || fast.ModelID != "qwen2.5-coder:7b-base" {
		t.Errorf("fast = %+v: want inherited provider and base URL", fast.Model)
	}
	if fast.FirstByteTimeout != 800*time.Millisecond || fast.RequestTimeout != 2*time.Minute || fast.FIM != "auto" {
		t.Errorf("fast timeouts/fim = %v %v %q", fast.FirstByteTimeout, fast.RequestTimeout, fast.FIM)
	}
	if fast.Label() != "models.fast" || !strings.HasSuffix(c.Source(fast.Key+"model"), WorkspaceFile) {
		t.Errorf("label %q, source of model %q", fast.Label(), c.Source(fast.Key+"model"))
	}
	smart, err := c.FeatureModel(FeatureExplain)
	if err != nil {
		t.Fatal(err)
	}
	if smart.Provider != "deepseek" || smart.BaseURL != "" || smart.APIKey != "" || smart.KeyEnv != "DEEPSEEK_API_KEY" {
		t.Errorf("smart = %+v: another provider must not inherit base URL or key", smart.Model)
	}
	h, err := ParseHeaders(fast.Headers)
	if err != nil || h["X-Team"] != "lode" {
		t.Errorf("headers = %v, %v", h, err)
	}
}

func TestDefaultModel(t *testing.T) {
	c := loadTOML(t, "provider = \"llamacpp\"\nbase_url = \"http://localhost:8012\"\n")
	r, err := c.ResolveModel("")
	if err != nil || r.Provider != "llamacpp" || r.BaseURL != "http://localhost:8012" || r.Name != "" || r.ConnectTimeout != 3*time.Second {
		t.Errorf("default = %+v, %v", r, err)
	}
	c = loadTOML(t, "provider = \"openai\"\n[models.default]\nmodel = \"m\"\nfim = \"raw\"\n")
	r, err = c.ResolveModel("")
	if err != nil || r.Name != DefaultModelName || r.FIM != "raw" || r.Provider != "openai" {
		t.Errorf("[models.default] = %+v, %v", r, err)
	}
}

func TestUnknownModelName(t *testing.T) {
	c := loadTOML(t, "[completion]\nmodel = \"fsat\"\n[models.fast]\nmodel = \"x\"\n")
	_, err := c.FeatureModel(FeatureCompletion)
	if err == nil || !strings.Contains(err.Error(), "completion.model") || !strings.Contains(err.Error(), "defined: fast") {
		t.Errorf("error = %v, want one naming the setting and the defined models", err)
	}
}

func TestParseHeadersHidesValues(t *testing.T) {
	_, err := ParseHeaders([]string{"Authorization Bearer s3cret"})
	if err == nil || strings.Contains(err.Error(), "s3cret") {
		t.Errorf("error = %v", err)
	}
}
