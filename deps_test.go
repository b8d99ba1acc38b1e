// The import policy of lode, kept as a table the way go/build's
// deps_test.go keeps the standard library's. It is policy: change it on
// purpose, with the architecture (shared guide architecture.md), never to
// make a build pass.
package lode_test

import (
	"encoding/json"
	"errors"
	"io"
	"os/exec"
	"slices"
	"strings"
	"testing"
)

const module = "github.com/lode-ls/lode"

// allowed lists, for every package of the module, what it may import
// besides the standard library: lode packages by their path inside the
// module, other modules by their import path. "x/..." allows x and every
// package below it; "*" allows everything.
var allowed = map[string][]string{
	// The binary wires everything together.
	"cmd/lode": {"*"},

	// The server knows LSP; below it nothing does. It uses the engines
	// through their interfaces and types, never a concrete provider.
	"lsp/lode": {"go.lsp.dev/..."},
	"lsp/server": {
		"lsp/lode", "go.lsp.dev/...",
		"completion", "internal/config", "completion/explain", "completion/patch", "completion/llm", "completion/nextedit",
		"context/workspace", "context/text", "context/retrieve", "context/redact",
	},
	"lsp/lsptest": {"lsp/...", "go.lsp.dev/..."},

	// The context engine.
	"context/text":              {},
	"internal/store":            {},
	"internal/memo":             {},
	"internal/session":          {"*"},
	"internal/wire":             {"completion/llm"},
	"context/redact":            {},
	"context/redact/redacttest": {},
	"context/tokens":            {"internal/memo", "github.com/tiktoken-go/tokenizer"},
	"context/workspace":         {"context/text", "github.com/fsnotify/fsnotify"},
	"context/syntax":            {"context/text", "github.com/tree-sitter/..."},
	// context/syntax exposes tree-sitter nodes, so its users may name the
	// binding's types (never a grammar).
	"context/index": {"internal/store", "context/syntax", "context/text", "context/redact", treeSitter},
	"context/deps":  {"context/index", "context/syntax", "internal/store"},
	"context/retrieve": {
		"context/workspace", "context/syntax", "context/index", "context/text", "context/redact", "context/tokens",
		"internal/memo", treeSitter, lru,
	},

	// The completion engine and its stages.
	"completion": {
		"context/...", "internal/config", "completion/llm", "completion/prompt", "completion/postprocess",
		treeSitter, lru,
	},
	"internal/config":        {"github.com/BurntSushi/toml"},
	"completion/prompt":      {"completion/llm", "context/tokens"},
	"completion/postprocess": {"context/syntax", "context/text", treeSitter},
	"completion/explain": {
		"context/...", "internal/config", "completion/llm", "completion/prompt", "completion/postprocess",
		treeSitter, lru,
	},
	"completion/nextedit": {"context/workspace", "context/syntax"},
	// The model predictor of next edits: the completion engine's
	// self-checks, the model contract, the context bundle; no provider.
	"completion/nextedit/rewrite": {
		"completion", "completion/nextedit", "completion/llm",
		"context/retrieve", "context/redact", "context/syntax", "context/workspace",
	},
	"completion/patch": {
		"context/...", "internal/config", "completion/llm", "completion/prompt", "completion/postprocess",
		treeSitter, lru, "github.com/aymanbagabas/go-udiff/...", "github.com/bluekeyes/go-gitdiff/...",
	},

	// The model contract and one package per wire format.
	"completion/llm":          {},
	"completion/llm/openai":   {"completion/llm", "internal/wire", "github.com/sashabaranov/go-openai"},
	"completion/llm/ollama":   {"completion/llm", "internal/wire"},
	"completion/llm/llamacpp": {"completion/llm", "internal/wire"},
	"completion/llm/llmtest":  {"completion/llm", "internal/wire"},
	"completion/llm/provider": {
		"completion/llm/...", "completion/prompt", "internal/config", "internal/wire", "github.com/sashabaranov/go-openai",
	},
	"completion/llm/health": {"completion/llm"},
	"completion/llm/ngram":  {"completion/llm", "internal/store", "context/syntax", "context/redact", treeSitter},

	// Background work gives way to requests; the standard library only.
	"internal/background": {},

	// Editors hold no Go code but their end-to-end tests.
	"editors": {},

	// Tests' waiting for other goroutines; only tests import it.
	"internal/eventually": {},
	// lode doctor: the configuration and the model servers checked as the
	// session would use them.
	"internal/doctor": {"internal/session", "internal/config", "internal/wire", "completion/...", "context/..."},

	// How an editor reaches lode serve: stdio or TCP with a token.
	"internal/listen": {},

	// Tests' user folders (the go command's telemetry off); only tests
	// import it.
	"internal/testhome": {},
	// Tests' files written into a folder; only tests import it.
	"internal/testtree": {},

	// Golden files of tests; only tests import it.
	"internal/golden": {"github.com/google/go-cmp/...", "golang.org/x/tools/txtar"},

	// The measurements of lode eval and lode index read the engines as the
	// session wires them; nothing but cmd/lode imports them.
	"internal/eval": {"internal/session", "completion/...", "context/...", "github.com/aymanbagabas/go-udiff"},
}

const (
	treeSitter = "github.com/tree-sitter/go-tree-sitter"
	lru        = "github.com/hashicorp/golang-lru/v2/..."
)

type goPackage struct {
	ImportPath string
	Imports    []string
	Standard   bool
	Error      *struct{ Err string }
}

func listPackages(t *testing.T) []goPackage {
	t.Helper()
	out, err := exec.Command("go", "list", "-e", "-json", "./...").Output()
	if err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			t.Fatalf("go list: %v\n%s", err, ee.Stderr)
		}
		t.Fatalf("go list: %v", err)
	}
	var pkgs []goPackage
	dec := json.NewDecoder(strings.NewReader(string(out)))
	for {
		var p goPackage
		if err := dec.Decode(&p); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		pkgs = append(pkgs, p)
	}
	return pkgs
}

// isStd reports whether path is in the standard library (or cgo's "C").
func isStd(path string) bool {
	first, _, _ := strings.Cut(path, "/")
	return !strings.Contains(first, ".")
}

// permits reports whether pattern allows path (a module-relative path for
// lode packages, an import path otherwise).
func permits(pattern, path string) bool {
	if pattern == "*" || pattern == path {
		return true
	}
	if dir, ok := strings.CutSuffix(pattern, "/..."); ok {
		return path == dir || strings.HasPrefix(path, dir+"/")
	}
	return false
}

func TestDependencies(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go list over the module")
	}
	seen := map[string]bool{}
	for _, p := range listPackages(t) {
		rel, ok := strings.CutPrefix(p.ImportPath, module+"/")
		if p.ImportPath == module {
			continue // the root holds only this test
		}
		if !ok {
			continue
		}
		seen[rel] = true
		rules, ok := allowed[rel]
		if !ok {
			t.Errorf("%s is not in the import policy: add it to the table in deps_test.go on purpose", rel)
			continue
		}
		for _, imp := range p.Imports {
			if isStd(imp) {
				continue
			}
			target := imp
			if r, ok := strings.CutPrefix(imp, module+"/"); ok {
				target = r
			} else if imp == module {
				target = "."
			}
			if !slices.ContainsFunc(rules, func(pat string) bool { return permits(pat, target) }) {
				t.Errorf("%s imports %s, which the policy does not allow", rel, target)
			}
		}
	}
	for rel := range allowed {
		if !seen[rel] {
			t.Logf("policy entry %s matches no package", rel)
		}
	}
}

// TestPolicyTable checks the checker on known cases, so that a policy that
// allows everything cannot pass unnoticed.
func TestPolicyTable(t *testing.T) {
	tests := []struct {
		pattern, path string
		want          bool
	}{
		{"context/...", "context/text", true},
		{"context/...", "context", true},
		{"context/...", "contextual", false},
		{"completion/llm", "completion/llm/openai", false},
		{"*", "anything", true},
		{"go.lsp.dev/...", "go.lsp.dev/protocol", true},
	}
	for _, tc := range tests {
		if got := permits(tc.pattern, tc.path); got != tc.want {
			t.Errorf("permits(%q, %q) = %v, want %v", tc.pattern, tc.path, got, tc.want)
		}
	}
	if !isStd("net/http") || isStd("go.lsp.dev/protocol") || isStd("github.com/x/y") {
		t.Error("isStd misclassifies")
	}
	for _, deny := range [][2]string{
		{"lsp/server", "completion/llm/openai"},
		{"completion", "lsp/server"},
		{"context/text", "context/workspace"},
		{"completion/llm", "go.lsp.dev/protocol"},
	} {
		if slices.ContainsFunc(allowed[deny[0]], func(p string) bool { return permits(p, deny[1]) }) {
			t.Errorf("the policy lets %s import %s", deny[0], deny[1])
		}
	}
}
