package redact

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/lode-ls/lode/context/redact/redacttest"
)

func readCatalogue(t *testing.T) []redacttest.Example {
	t.Helper()
	examples, err := redacttest.Examples()
	if err != nil {
		t.Fatal(err)
	}
	return examples
}

// TestCatalogue checks every example of every shape, in ten variants:
// its shape finds each of its secrets, and String leaves none of them and
// keeps the lines.
func TestCatalogue(t *testing.T) {
	examples := readCatalogue(t)
	covered := map[string]bool{}
	for _, ex := range examples {
		if byName(ex.Shape) == nil {
			t.Errorf("example of an unknown shape %q", ex.Shape)
		}
		covered[ex.Shape] = true
		for d := range 10 {
			v := ex.Variant(d)
			ms := Find(v.Text)
			got := String(v.Text)
			for _, s := range v.Secrets {
				i := strings.Index(v.Text, s)
				if !foundBy(ms, ex.Shape, i, i+len(s)) {
					t.Errorf("%s: %q: shape does not find %q (found %v)", ex.Shape, v.Text, s, ms)
				}
				if strings.Contains(got, s) {
					t.Errorf("%s: String(%q) = %q keeps %q", ex.Shape, v.Text, got, s)
				}
			}
			if strings.Count(got, "\n") != strings.Count(v.Text, "\n") {
				t.Errorf("%s: String changed the line count: %q", ex.Shape, got)
			}
			// In a comment, each line behind a comment marker.
			c := "// " + strings.ReplaceAll(v.Text, "\n", "\n// ")
			got = String(c)
			for _, s := range v.Secrets {
				if strings.Contains(got, s) {
					t.Errorf("%s: String(%q) = %q keeps %q", ex.Shape, c, got, s)
				}
			}
		}
	}
	for _, sh := range catalogue {
		if !covered[sh.name] {
			t.Errorf("shape %q has no example in testdata/catalogue.txt", sh.name)
		}
	}
	if len(catalogue) < 30 {
		t.Errorf("the catalogue has %d shapes, want at least 30", len(catalogue))
	}
}

// foundBy reports whether a match of the shape covers [start, end).
func foundBy(ms []Match, shape string, start, end int) bool {
	for _, m := range ms {
		if m.Rule == shape && m.Start <= start && end <= m.End {
			return true
		}
	}
	return false
}

// ordinary holds code that names passwords, tokens and keys without
// holding any: it must pass through unchanged, or the model loses context
// for nothing.
var ordinary = []string{
	`password := r.FormValue("password")`,
	`tok := tokenizer.Get(tokenizer.Cl100kBase)`,
	`keyFunc := func(t *jwt.Token) (any, error) { return key, nil }`,
	`if password == "" {`,
	`err = errors.New("token expected here")`,
	`token = "%s:%s"`,
	`cacheKey := "sessions"`,
	`key := "user:" + id`,
	`sortKey := "created_at"`,
	`Password: cfg.Password,`,
	`Token:    tok.Value,`,
	`passwordField = "password"`,
	`tokenType = "Bearer"`,
	`secretName: db-credentials`,
	`const tokenURL = "https://oauth2.example.com/token"`,
	`bypass := "yes"`,
	`private_key = load_key(path)`,
	`api_key = os.environ["OPENAI_API_KEY"]`,
	`password: ${{ secrets.DB_PASSWORD }}`,
	`dsn := "postgres://user:${DB_PASSWORD}@localhost/app"`,
	`url := fmt.Sprintf("postgres://%s:%s@%s/%s", user, pass, host, db)`,
	`req.Header.Set("Authorization", "Bearer "+token)`,
	`Authorization: Bearer <token>`,
	`for _, tok := range tokens {`,
	`pass`,
	`secret, err := base64.StdEncoding.DecodeString(s)`,
	`token := <-ch`,
	`passwd = getpass.getpass()`,
	`"password": user.Password,`,
	`// The token is refreshed before it expires.`,
	`# Set the password in the environment, never here.`,
	`github.com/tree-sitter/go-tree-sitter v0.25.0 h1:sx6kcg8raRFCvc9BnXglke6axya12krCJF5xJ2sftRU=`,
	`github.com/tree-sitter/go-tree-sitter v0.25.0/go.mod h1:r77ig7BikoZhHrrsjAnv8RqGti5rtSyvDHPzgTPsUuU=`,
	`"integrity": "sha512-v2kDEe57lecTulaDIuNTPy3Ry4gLGJ6Z1O3vE1krgXZNrsQ+LFTGHVxVjcXPs17LhbZVGedAJv8XZ1tvj5FvSg==",`,
	`commit 3f2c1a9b8e7d6c5b4a39281706f5e4d3c2b1a098`,
	`publicKey := "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE"`,
	`func (k *Key) Sign(data []byte) ([]byte, error) {`,
	`monkey := "banana"`,
	`	OpGaloisFieldAffineTransformInverseUint8x16,`,
	`	"encryptionKey": "encryptionKey1024",`,
	`	IMAGE_SCN_CNT_CODE = 0x000C`,
	`privateKey := ed25519.NewKeyFromSeed(key)`,
	`//   token = 1*tchar`,
	`// token uint32 is the packed form`,
	`// it's okay to pass IPv4-mapped IPv6 addresses`,
	`return t.newBool(token.pos, token.val == "true")`,
	`// The password is required.`,
	`// token for the request is nil when absent`,
	`key = utf8.RuneError`,
	`"credentials": "same-origin",`,
	`secretKey := deriveKey(master, salt)`,
}

func TestOrdinaryCodeUntouched(t *testing.T) {
	for _, line := range ordinary {
		if got := String(line); got != line {
			t.Errorf("String(%q) = %q, want it unchanged (%v)", line, got, Find(line))
		}
	}
}

// TestSourcesUntouched runs the catalogue over real code: the standard
// library's HTTP client and server (which speak of authorization,
// passwords and tokens), its scanner, and lode's own go.sum.
func TestSourcesUntouched(t *testing.T) {
	var files []string
	for _, dir := range []string{"go/scanner", "net/http", "net/url", "net/smtp", "encoding/json"} {
		fs, _ := filepath.Glob(filepath.Join(runtime.GOROOT(), "src", dir, "*.go"))
		for _, f := range fs {
			if !strings.HasSuffix(f, "_test.go") {
				files = append(files, f)
			}
		}
	}
	if len(files) == 0 {
		t.Skip("no GOROOT sources")
	}
	files = append(files, filepath.Join("..", "..", "go.sum"))
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range Find(string(data)) {
			t.Errorf("%s: %s %q", filepath.Base(f), m.Rule, data[m.Start:m.End])
		}
	}
}
