package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lode-ls/lode/completion/llm/llmtest"
	"github.com/lode-ls/lode/context/syntax"
)

// TestLargeFileWindow: lode complete and lode explain on a file over
// context.max_file_size work in a window around the cursor, as the server
// does for a large open document: the model is asked, sees nothing far
// from the cursor (nor is the file parsed whole), and the explanation
// gives the file's own lines.
func TestLargeFileWindow(t *testing.T) {
	srv := llmtest.NewServer(t)
	dir := cliWorkspace(t, srv.URL+"/v1", "[context]\nmax_file_size = 2000\n")
	var b strings.Builder
	b.WriteString("package big\n")
	for i := range 30000 {
		fmt.Fprintf(&b, "func number%d() int {\n\treturn %d\n}\n", i, i)
	}
	src := b.String()
	if err := os.WriteFile(filepath.Join(dir, "big.go"), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	line := 1 + 3*15000 + 2 // "\treturn 15000", 1-based
	far := []string{"func number1() int", "func number29990() int"}
	sent := func() string {
		reqs := srv.Requests()
		if len(reqs) == 0 {
			t.Fatal("the model was not asked")
		}
		return string(reqs[len(reqs)-1].Body)
	}

	parsed := syntax.ParsedBytes()
	wholeParse := func(command string) {
		t.Helper()
		if n := syntax.ParsedBytes() - parsed; n >= int64(len(src)) {
			t.Errorf("lode %s parsed %d bytes of a %d-byte file", command, n, len(src))
		}
		parsed = syntax.ParsedBytes()
	}

	srv.Reply(llmtest.Reply{Text: " + 1"})
	code, out, errs := runLode("complete", fmt.Sprintf("big.go:%d:14", line))
	if code != exitOK || !strings.Contains(out, "+ 1") {
		t.Fatalf("lode complete: exit %d, stdout %q, stderr %q", code, out, errs)
	}
	wholeParse("complete")
	body := sent()
	if !strings.Contains(body, `return 15000`) || len(body) > 128<<10 {
		t.Errorf("the request (%d bytes) lacks the cursor's line:\n%s", len(body), body)
	}
	for _, f := range far {
		if strings.Contains(body, f) {
			t.Errorf("lode complete sent %q, far from the cursor", f)
		}
	}

	srv.Reply(llmtest.Reply{Text: "Returns 15000."})
	code, out, errs = runLode("explain", fmt.Sprintf("big.go:%d", line))
	if code != exitOK || !strings.Contains(out, "Returns 15000.") {
		t.Fatalf("lode explain: exit %d, stdout %q, stderr %q", code, out, errs)
	}
	wholeParse("explain")
	body = sent()
	if want := fmt.Sprintf("lines %d-%d", line-1, line+1); !strings.Contains(body, want) {
		t.Errorf("the explain request does not give the file's %s:\n%s", want, body)
	}
	for _, f := range far {
		if strings.Contains(body, f) {
			t.Errorf("lode explain sent %q, far from the cursor", f)
		}
	}
}
