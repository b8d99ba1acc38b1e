package completion

import (
	"context"
	"sync"
	"testing"

	"github.com/lode-ls/lode/completion/llm/llmtest"
	"github.com/lode-ls/lode/context/retrieve"
	"github.com/lode-ls/lode/context/syntax"
)

// treeSource is a Retriever that keeps trees, as context/retrieve does:
// it hands out a clone of its parse of a document, and records what it
// was asked and gave.
type treeSource struct {
	mu    sync.Mutex
	asked []string
	gave  []*syntax.Tree
	none  bool // answer nil
}

func (s *treeSource) Retrieve(ctx context.Context, req retrieve.Request) (retrieve.Bundle, error) {
	return retrieve.Bundle{Budget: req.Budget}, nil
}

func (s *treeSource) Tree(ctx context.Context, path string, lang *syntax.Language, doc string) *syntax.Tree {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.asked = append(s.asked, doc)
	if s.none {
		return nil
	}
	t, err := syntax.Parse(ctx, lang, []byte(doc))
	if err != nil {
		return nil
	}
	s.gave = append(s.gave, t)
	return t
}

// TestTreesTakenFromTheRetriever checks that the syntax check takes the
// tree of the request's document from the retriever, which parsed it for
// the context, instead of parsing it again; that it parses the document
// itself when the retriever has none; and that a tree it keeps for the
// same text is not asked for again.
func TestTreesTakenFromTheRetriever(t *testing.T) {
	lang := syntax.ByName("go")
	const doc = "package p\n\nfunc f() {\n\tg(\n}\n"
	const edited = "package p\n\nfunc f() {\n\tg(1\n}\n"

	src := &treeSource{}
	ts := &trees{from: src}
	st, err := ts.get(context.Background(), lang, "a.go", doc)
	if err != nil {
		t.Fatal(err)
	}
	if len(src.gave) != 1 || st.tree != src.gave[0] {
		t.Fatalf("the check's tree is not the retriever's: asked %d, gave %d", len(src.asked), len(src.gave))
	}
	ts.put(st)
	st, _ = ts.get(context.Background(), lang, "a.go", doc)
	ts.put(st)
	if len(src.asked) != 1 {
		t.Errorf("the retriever was asked again for a tree kept: %d asks", len(src.asked))
	}

	src.none = true
	st, err = ts.get(context.Background(), lang, "a.go", edited)
	if err != nil || st.tree == nil || string(st.tree.Source()) != edited {
		t.Fatalf("without the retriever's tree: %v", err)
	}
	ts.put(st)
	ts.close()

	// Through the engine: a request with the syntax check asks its
	// retriever for the tree of its document.
	src = &treeSource{}
	cfg := testConfig()
	cfg.SyntaxCheck = true
	e := newEngine(t, Options{Config: cfg, Model: &llmtest.Model{Name: "m", FIM: true, Text: "Println()"}, Retriever: src})
	if _, err := e.Complete(context.Background(), at(goDoc, "fmt.")); err != nil {
		t.Fatal(err)
	}
	src.mu.Lock()
	defer src.mu.Unlock()
	if len(src.asked) == 0 || src.asked[0] != goDoc || len(src.gave) == 0 {
		t.Errorf("the engine's syntax check did not take its retriever's tree: asked %q", src.asked)
	}
}
