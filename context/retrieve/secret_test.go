package retrieve

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lode-ls/lode/context/redact"
	"github.com/lode-ls/lode/internal/testtree"
)

// TestSnippetOfKeyWithoutItsBegin: a snippet of lines in the middle of a
// private key, its BEGIN line above them, holds none of the key, in
// another file or in the document itself.
func TestSnippetOfKeyWithoutItsBegin(t *testing.T) {
	r, _, _, root := setup(t)
	var body []string
	for i := range 24 {
		// Letters and digits only, as a third of real PEM lines are: only
		// the BEGIN line above tells them from code.
		body = append(body, fmt.Sprintf("MIIEow%02dAKCAQEAv3k9Zq8Yt2Lr5Wx7Pn4Hs6Jd1Kf0Mb2Nc8Qa5Rz3Te9Ug7Ab%02d", i, i))
	}
	src := "package keys\n\nconst key = `-----BEGIN RSA PRIVATE KEY-----\n" + strings.Join(body, "\n") +
		"\n-----END RSA PRIVATE KEY-----`\n"
	path := testtree.File(t, root, "keys/key.go", src)
	for _, req := range []Request{{Path: filepath.Join(root, "shop", "cart.go")}, {Path: path, Content: src}} {
		text, _, _ := r.text(req, candidate{path: path, first: 10, last: 20})
		if !strings.Contains(text, redact.Placeholder) || strings.Count(text, "\n") != 11 {
			t.Fatalf("snippet of %s for %s: %q", path, req.Path, text)
		}
		for _, line := range body {
			if strings.Contains(text, line[:24]) || strings.Contains(text, line[24:48]) {
				t.Errorf("the snippet for %s holds key material %q:\n%s", req.Path, line, text)
			}
		}
	}
}
