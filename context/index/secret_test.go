package index

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lode-ls/lode/context/syntax"
)

// The secrets below are fabricated in the published formats.
const (
	indexedToken = "ghp_Zq8Lm3Nx7Rt2Vb5Kw9Pc4Hd6Jf1Sg0Ya3Ue8"
	indexedPass  = "Pg-pass-2024-lode9"
	indexedKey   = "xp5QEz+/x9L6HzGpPwEvEzUz/BMHaRZCZSIIMoK9s/uyA3q09mzHR8l+s9t+kFlT"
)

// TestCacheKeepsNoSecret: the index's cache on disk holds no secret of the
// files it indexed, in their terms, signatures or doc comments, whether a
// file was built whole or edited.
func TestCacheKeepsNoSecret(t *testing.T) {
	src := "package cfg\n\n// Token is the deploy token; the password is " + indexedPass + ".\n" +
		"const Token = \"" + indexedToken + "\"\n\n" +
		"const key = `-----BEGIN RSA PRIVATE KEY-----\n" + indexedKey + "\n-----END RSA PRIVATE KEY-----`\n\n" +
		"func Deploy() string { return Token }\n"
	x := build(t, map[string]string{"/ws/cfg/cfg.go": src})
	// An edit re-tokenizes the lines around it.
	edited := strings.Replace(src, "func Deploy()", "func DeployAll()", 1)
	if err := x.Update(context.Background(), "/ws/cfg/cfg.go", syntax.Detect("", "/ws/cfg/cfg.go"), []byte(edited)); err != nil {
		t.Fatal(err)
	}
	if err := x.Update(context.Background(), "/ws/cfg/other.go", syntax.Detect("", "/ws/cfg/other.go"), []byte("package cfg\n\nvar backup = \""+indexedToken+"\"\n")); err != nil {
		t.Fatal(err)
	}
	if len(x.Lookup("DeployAll")) == 0 || len(x.Lookup("Token")) == 0 {
		t.Fatal("the index lacks the file's definitions: the test indexed nothing")
	}
	path := filepath.Join(t.TempDir(), "ws.idx")
	if err := x.Save(path); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{indexedToken, indexedPass, "Zq8Lm3Nx7Rt2Vb5Kw9Pc4Hd6Jf1Sg0Ya3Ue8", "x9L6HzGpPwEvEzUz", "BMHaRZCZSIIMoK9s"} {
		if strings.Contains(string(data), s) {
			t.Errorf("the cache holds %q", s)
		}
	}
	if hits := x.BM25(indexedToken, 5, nil); len(hits) != 0 {
		t.Errorf("a search for the token finds %v", hits)
	}
}
