package retrieve

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/lode-ls/lode/context/index"
	"github.com/lode-ls/lode/context/text"
	"github.com/lode-ls/lode/context/tokens"
	"github.com/lode-ls/lode/context/workspace"
	"github.com/lode-ls/lode/internal/eventually"
	"github.com/lode-ls/lode/internal/testtree"
)

// Secrets planted in the test workspace; none may reach a bundle.
var planted = []string{
	"sk-proj-Zx81kLmN0pQrStUvWxYz0123456789ab",
	"AKIAZ7XJQ2M4N6P8R0TB",
	"ghp_0123456789abcdefghijABCDEFGHIJ012345",
	"hunter2-prod-password",
	"MIIEowIBAAKCAQEA7planted",
	"ENV_FILE_SECRET_VALUE",
	"PEM_FILE_SECRET_VALUE",
	"IGNORED_FILE_SECRET",
}

var testTree = map[string]string{
	"go.mod": "module example.com/app\n",
	"shop/cart.go": `package shop

import "example.com/app/money"

// Cart holds the items a customer is buying.
type Cart struct {
	Items []Item
	Owner string
}

// Total adds up the prices of the items in the cart.
func (c *Cart) Total() money.Amount {
	var sum money.Amount
	for _, it := range c.Items {
		sum = money.Add(sum, it.Price)
	}
	return sum
}

func checkout(c *Cart) string {
	total := c.Total()
	return money.Format(total)
}
`,
	"shop/item.go": `package shop

import "example.com/app/money"

// Item is one product in a cart.
type Item struct {
	Name  string
	Price money.Amount
}

// apiKey is used to call the payment service.
var apiKey = "sk-proj-Zx81kLmN0pQrStUvWxYz0123456789ab"

// newItem returns an item with its price in cents.
func newItem(name string, cents int64) Item {
	password := "hunter2-prod-password"
	_ = password
	return Item{Name: name, Price: money.Amount(cents)}
}
`,
	"money/money.go": `package money

import "fmt"

// Amount is a sum of money in cents.
type Amount int64

// Add returns a + b.
func Add(a, b Amount) Amount { return a + b }

// Format writes an amount as dollars and cents.
func Format(a Amount) string {
	return fmt.Sprintf("$%d.%02d", a/100, a%100)
}

const awsKey = "AKIAZ7XJQ2M4N6P8R0TB"
const ghToken = "ghp_0123456789abcdefghijABCDEFGHIJ012345"
`,
	"money/key.go": `package money

const signingKey = ` + "`" + `-----BEGIN RSA PRIVATE KEY-----
MIIEowIBAAKCAQEA7planted
-----END RSA PRIVATE KEY-----` + "`" + `
`,
	".env":           "STRIPE=ENV_FILE_SECRET_VALUE\n",
	"deploy/tls.pem": "PEM_FILE_SECRET_VALUE\n",
	".gitignore":     "generated/\n",
	"generated/gen.go": `package generated

// Format is generated; IGNORED_FILE_SECRET
func Format() {}
`,
}

// setup writes testTree, indexes it and returns a retriever over it.
func setup(t *testing.T) (*Retriever, *workspace.Workspace, *index.Index, string) {
	t.Helper()
	return setupTree(t, testTree)
}

// newWorkspace writes tree into a new folder and returns the folder, a
// workspace of it and an empty index, closed when the test ends.
func newWorkspace(t *testing.T, tree map[string]string) (string, *workspace.Workspace, *index.Index) {
	t.Helper()
	root := testtree.New(t, tree)
	ws := workspace.New()
	if err := ws.AddFolder(root); err != nil {
		t.Fatal(err)
	}
	ix := index.New()
	t.Cleanup(ix.Close)
	return root, ws, ix
}

// retrieved returns r's bundle for req, failing the test on an error.
func retrieved(t *testing.T, r *Retriever, req Request) Bundle {
	t.Helper()
	b, err := r.Retrieve(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// setupTree is setup for the files of tree.
func setupTree(t *testing.T, tree map[string]string) (*Retriever, *workspace.Workspace, *index.Index, string) {
	t.Helper()
	root, ws, ix := newWorkspace(t, tree)
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	ir := StartIndexing(ctx, ws, ix, IndexOptions{Workers: 1})
	if _, err := ir.Wait(ctx); err != nil {
		t.Fatal(err)
	}
	r := New(ws, ix, tokens.New(), Options{})
	t.Cleanup(r.Close)
	return r, ws, ix, root
}

// at returns a request for path with the cursor at the end of the first
// occurrence of marker, the prompt holding only the cursor's line.
func at(t *testing.T, root, rel, marker string, budget int) Request {
	t.Helper()
	path := filepath.Join(root, rel)
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	s := string(data)
	i := strings.Index(s, marker)
	if i < 0 {
		t.Fatalf("marker %q not in %s", marker, rel)
	}
	off := i + len(marker)
	ls := strings.LastIndexByte(s[:off], '\n') + 1
	le := off + max(0, strings.IndexByte(s[off:], '\n'))
	return Request{Path: path, Content: s, Offset: off, Budget: budget, PrefixStart: ls, SuffixEnd: le}
}

func find(b Bundle, rel string, reason Reason, symbol string) *Snippet {
	for i, s := range b.Snippets {
		if strings.HasSuffix(filepath.ToSlash(s.Path), rel) && s.Reason == reason && (symbol == "" || s.Symbol == symbol || strings.HasSuffix(s.Symbol, "."+symbol)) {
			return &b.Snippets[i]
		}
	}
	return nil
}

func TestRetrieveDefinitions(t *testing.T) {
	r, _, _, root := setup(t)
	req := at(t, root, "shop/cart.go", "return money.Format", 1024)
	b := retrieved(t, r, req)
	f := find(b, "money/money.go", ReasonImport, "Format")
	if f == nil || !strings.Contains(f.Text, "func Format(a Amount) string") || !strings.Contains(f.Text, "// Format writes") {
		t.Fatalf("no imported definition of Format with its doc in %+v", b.Snippets)
	}
	if f.StartLine != 10 || f.EndLine != 11 {
		t.Errorf("Format snippet lines %d-%d, want 10-11", f.StartLine, f.EndLine)
	}
	// The enclosing signature comes first, then the name before the cursor.
	if len(b.Snippets) < 2 || b.Snippets[0].Reason != ReasonEnclosing || b.Snippets[1].Symbol != "money.Format" {
		t.Errorf("bundle starts with %+v, want the enclosing signature then the definition of Format", b.Snippets[:min(2, len(b.Snippets))])
	}
	// The same-package method, through the local's type.
	if find(b, "shop/cart.go", ReasonDefinition, "Total") == nil {
		t.Errorf("no definition of Total (c.Total, c *Cart) in %+v", b.Snippets)
	}
	// The generated package's Format is ignored, never read.
	for _, s := range b.Snippets {
		if strings.Contains(s.Path, "generated") {
			t.Errorf("snippet from an ignored file: %+v", s)
		}
	}
	if b.Tokens > b.Budget {
		t.Errorf("bundle holds %d tokens over its budget %d", b.Tokens, b.Budget)
	}
	sum := 0
	for _, s := range b.Snippets {
		sum += s.Tokens
		if s.Tokens != tokens.New().CountTokens(s.Text) {
			t.Errorf("snippet %s:%d counts %d tokens, text has %d", s.Path, s.StartLine, s.Tokens, tokens.New().CountTokens(s.Text))
		}
	}
	if sum != b.Tokens {
		t.Errorf("bundle Tokens %d, snippets sum to %d", b.Tokens, sum)
	}
}

func TestRetrieveEnclosingAndWindow(t *testing.T) {
	r, _, _, root := setup(t)
	req := at(t, root, "shop/cart.go", "sum = money.Add", 1024)
	b := retrieved(t, r, req)
	enc := find(b, "shop/cart.go", ReasonEnclosing, "Total")
	if enc == nil || !strings.HasPrefix(enc.Text, "func (c *Cart) Total() money.Amount") {
		t.Fatalf("no enclosing signature of Total in %+v", b.Snippets)
	}
	// With the whole function in the prompt window, its signature is not
	// repeated.
	req.PrefixStart = 0
	b = retrieved(t, r, req)
	for _, s := range b.Snippets {
		if s.Path == req.Path && s.StartLine <= 14 {
			t.Errorf("snippet %d-%d of the document inside the prompt window", s.StartLine, s.EndLine)
		}
	}
}

func TestRetrieveBudget(t *testing.T) {
	r, _, _, root := setup(t)
	for _, budget := range []int{10, 40, 100, 2048} {
		b := retrieved(t, r, at(t, root, "shop/cart.go", "return money.Format", budget))
		if b.Tokens > budget || b.Budget != budget {
			t.Errorf("budget %d: bundle holds %d tokens (budget %d)", budget, b.Tokens, b.Budget)
		}
		if budget >= 40 && len(b.Snippets) == 0 {
			t.Errorf("budget %d: empty bundle", budget)
		}
	}
}

// TestNoSecretReachesABundle plants secrets in files, in ignored files and
// in secret files, asks for context everywhere, and checks that none of
// them appears in any snippet.
func TestNoSecretReachesABundle(t *testing.T) {
	r, ws, _, root := setup(t)
	var reqs []Request
	for name, content := range testTree {
		path := filepath.Join(root, filepath.FromSlash(name))
		for off := 0; off < len(content); off += 37 {
			reqs = append(reqs, Request{Path: path, Content: content, Offset: off, Budget: 4096,
				PrefixStart: off, SuffixEnd: off + 1})
		}
	}
	// The editor opens the secret file too: still nothing.
	env := filepath.Join(root, ".env")
	ws.Open(&workspace.Document{Path: env, Version: 1, Text: text.New(testTree[".env"])})
	seen := 0
	for _, req := range reqs {
		b := retrieved(t, r, req)
		for _, s := range b.Snippets {
			seen++
			for _, secret := range planted {
				if strings.Contains(s.Text, secret) {
					t.Fatalf("secret %q reached a bundle for %s:%d: %+v", secret, req.Path, req.Offset, s)
				}
			}
		}
	}
	if seen < 100 {
		t.Fatalf("only %d snippets in all: the test proves nothing", seen)
	}
}

func TestRecentEdits(t *testing.T) {
	r, ws, _, root := setup(t)
	path := filepath.Join(root, "money", "money.go")
	content := testTree["money/money.go"]
	ws.Open(&workspace.Document{Path: path, Version: 1, Text: text.New(content)})
	edited := strings.Replace(content, "return a + b", "return a + b + 0", 1)
	ws.Update(&workspace.Document{Path: path, Version: 2, Text: text.New(edited)})
	b := retrieved(t, r, at(t, root, "shop/cart.go", "func checkout(", 2048))
	s := find(b, "money/money.go", ReasonRecentEdit, "")
	if s == nil {
		// Fused with another source, it keeps that source's reason; the
		// range must still be there.
		for _, sn := range b.Snippets {
			if strings.Contains(sn.Text, "return a + b + 0") {
				s = &sn
			}
		}
	}
	if s == nil || !strings.Contains(s.Text, "return a + b + 0") {
		t.Fatalf("recent edit not in the bundle: %+v", b.Snippets)
	}
}

func TestIndexerFollowsChanges(t *testing.T) {
	_, ws, ix, root := setup(t)
	path := filepath.Join(root, "money", "extra.go")
	if err := os.WriteFile(path, []byte("package money\n\nfunc Subtract(a, b Amount) Amount { return a - b }\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	ws.ApplyWatched(context.Background(), []workspace.Event{{Path: path, Kind: workspace.Changed}})
	eventually.True(t, func() bool { return len(ix.Lookup("Subtract")) > 0 }, "Subtract never indexed")
	os.Remove(path)
	ws.ApplyWatched(context.Background(), []workspace.Event{{Path: path, Kind: workspace.Deleted}})
	eventually.True(t, func() bool { return len(ix.Lookup("Subtract")) == 0 }, "Subtract still indexed after its file was deleted")
}

// TestRetrieveSeesNewDefinitions checks that the retriever's caches let a
// definition added to the workspace reach the next bundle.
func TestRetrieveSeesNewDefinitions(t *testing.T) {
	r, ws, ix, root := setup(t)
	cart := filepath.Join(root, "shop", "cart.go")
	content := strings.Replace(testTree["shop/cart.go"], "return money.Format(total)", "return money.Round(total)", 1)
	req := Request{Path: cart, Content: content, Offset: strings.Index(content, "money.Round") + len("money.Round"), Budget: 1024}
	if b, _ := r.Retrieve(context.Background(), req); find(b, "money/round.go", ReasonImport, "Round") != nil {
		t.Fatal("Round found before it exists")
	}
	path := filepath.Join(root, "money", "round.go")
	if err := os.WriteFile(path, []byte("package money\n\n// Round rounds to whole dollars.\nfunc Round(a Amount) Amount { return a / 100 * 100 }\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	ws.ApplyWatched(context.Background(), []workspace.Event{{Path: path, Kind: workspace.Changed}})
	eventually.True(t, func() bool {
		b := retrieved(t, r, req)
		s := find(b, "money/round.go", ReasonImport, "Round")
		return s != nil && strings.Contains(s.Text, "func Round(a Amount) Amount")
	}, "Round never reached a bundle (indexed: %v)", len(ix.Lookup("Round")) > 0)
}

func TestIndexerRescanAddsFolder(t *testing.T) {
	_, ws, ix, _ := setup(t)
	other := t.TempDir()
	if err := os.WriteFile(filepath.Join(other, "extra.go"), []byte("package extra\n\nfunc Multiply(a, b int) int { return a * b }\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := ws.AddFolder(other); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	ir := StartIndexing(ctx, ws, ix, IndexOptions{}) // a second indexer: only Rescan matters here
	if _, err := ir.Wait(ctx); err != nil {
		t.Fatal(err)
	}
	if len(ix.Lookup("Multiply")) == 0 {
		t.Fatal("the cold build missed the second folder")
	}
	third := t.TempDir()
	os.WriteFile(filepath.Join(third, "more.go"), []byte("package more\n\nfunc Divide(a, b int) int { return a / b }\n"), 0o644)
	ws.AddFolder(third)
	ir.Rescan()
	eventually.True(t, func() bool { return len(ix.Lookup("Divide")) > 0 }, "Rescan did not index the added folder")
}

func TestRetrieveOtherLanguages(t *testing.T) {
	r, _, _, root := setupTree(t, map[string]string{
		"app/geometry.py": "def area(width, height):\n    \"\"\"Area of a rectangle.\"\"\"\n    return width * height\n",
		"app/main.py":     "from geometry import area\n\n\ndef report(w, h):\n    return area(w, h)\n",
		"web/util.ts":     "export function clamp(x: number, lo: number, hi: number): number {\n  return Math.min(Math.max(x, lo), hi);\n}\n",
		"web/view.ts":     "import { clamp } from './util';\n\nexport function scroll(y: number): number {\n  return clamp(y, 0, 100);\n}\n",
		"notes.txt":       "plain text has no syntax but still gets lexical context\n",
	})
	tests := []struct{ file, marker, want string }{
		{"app/main.py", "return area", "def area(width, height)"},
		{"web/view.ts", "return clamp", "function clamp(x: number, lo: number, hi: number): number"},
	}
	for _, tc := range tests {
		req := at(t, root, tc.file, tc.marker, 1024)
		b := retrieved(t, r, req)
		found := false
		for _, s := range b.Snippets {
			found = found || strings.Contains(s.Text, tc.want)
		}
		if !found {
			t.Errorf("%s: no %q in %+v", tc.file, tc.want, b.Snippets)
		}
	}
	if _, err := r.Retrieve(context.Background(), at(t, root, "notes.txt", "plain", 1024)); err != nil {
		t.Errorf("plain text: %v", err)
	}
}

// longestCounter counts tokens with a Counter and records the longest
// text it was given.
type longestCounter struct {
	*tokens.Counter
	mu  sync.Mutex
	max int
}

func (c *longestCounter) CountTokens(s string) int {
	c.mu.Lock()
	c.max = max(c.max, len(s))
	c.mu.Unlock()
	return c.Counter.CountTokens(s)
}

// TestHugeSnippetNotCountedWhole: a definition far over the budget, or
// holding a line of data, is left out without being tokenized whole (a
// 0.5 MB line cost a request 300 ms on a busy machine).
func TestHugeSnippetNotCountedWhole(t *testing.T) {
	var huge strings.Builder
	huge.WriteString("package big\n\n// Huge does a great deal.\nfunc Huge() int {\n\tn := 0\n")
	for i := range 20000 {
		fmt.Fprintf(&huge, "\tn += %d * len(\"step %d of the work\")\n", i, i)
	}
	huge.WriteString("\treturn n\n}\n")
	table := "package big\n\n// Table is precomputed.\nconst Table = \"" + strings.Repeat("0123456789abcdef", 1<<15) + "\"\n"
	_, ws, ix, root := setupTree(t, map[string]string{
		"go.mod":       "module example.com/w\n",
		"big/big.go":   huge.String(),
		"big/table.go": table,
		"use/use.go":   "package use\n\nimport \"example.com/w/big\"\n\nfunc Use() int {\n\treturn big.Huge() + len(big.Table)\n}\n",
	})
	c := &longestCounter{Counter: tokens.New()}
	r := New(ws, ix, c, Options{})
	t.Cleanup(r.Close)
	b, err := r.Retrieve(context.Background(), at(t, root, "use/use.go", "big.Huge() + len(big.Table", 300))
	if err != nil {
		t.Fatal(err)
	}
	if c.max > 64<<10 {
		t.Errorf("counted a text of %d bytes for a budget of 300 tokens", c.max)
	}
	for _, s := range b.Snippets {
		if strings.Contains(s.Text, "0123456789abcdef0123456789abcdef") {
			t.Errorf("the bundle holds the table's line: %s:%d", s.Path, s.StartLine)
		}
	}
}
