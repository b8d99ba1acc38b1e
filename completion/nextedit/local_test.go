package nextedit

import (
	"strings"
	"testing"
)

// TestBringsLocal: a repeated change that brings a variable of the
// function around the edit goes only where a variable of that name is
// declared; one that brings a name of the file's top level goes on.
func TestBringsLocal(t *testing.T) {
	const other = "\nit('b', function(done){\n  app.use(function(req, res){\n    res.end();\n  });\n});\nit('c', function(done){\n  var calls = [];\n  app.use(function(req, res){\n    res.end();\n  });\n});\n"
	const wantOther = "\nit('b', function(done){\n  app.use(function(req, res){\n    res.end();\n  });\n});\nit('c', function(done){\n  var calls = [];\n  app.use(function(req, res){\n    res.json(calls);\n  });\n});\n"
	before := "it('a', function(done){\n  var calls = [];\n  app.use(function(req, res){\n    res.end();\n  });\n  app.get(function(req, res){\n    res.end();\n  });\n});\n" + other
	after := "it('a', function(done){\n  var calls = [];\n  app.use(function(req, res){\n    res.json(calls);\n  });\n  app.get(function(req, res){\n    res.end();\n  });\n});\n" + other
	want := "it('a', function(done){\n  var calls = [];\n  app.use(function(req, res){\n    res.json(calls);\n  });\n  app.get(function(req, res){\n    res.json(calls);\n  });\n});\n" + wantOther
	got, c := predict(t, "test/a.js", before, after)
	if c == nil {
		t.Fatal("no change inferred")
	}
	if got != want {
		t.Errorf("after the predicted edits:\n%s\nwant:\n%s", got, want)
	}
	lib := "function send(res) {\n  res.end();\n}\n"
	if n := len(c.Sites("lib/b.js", lib, Span{0, len(lib)}, Span{-1, -1}, false)); n != 0 {
		t.Errorf("%d sites in a file that declares no calls, want 0", n)
	}
	// The same change to a name of the file's top level goes on.
	top := "var calls = [];\nfunction f(res) {\n  res.end();\n}\nfunction g(res) {\n  res.end();\n}\n"
	topAfter := "var calls = [];\nfunction f(res) {\n  res.json(calls);\n}\nfunction g(res) {\n  res.end();\n}\n"
	got, c = predict(t, "lib/a.js", top, topAfter)
	if c == nil || !strings.Contains(got, "function g(res) {\n  res.json(calls);") {
		t.Errorf("a change that brings a top-level name: %v:\n%s", c, got)
	}
}

// TestOperandless: a test of an operand changed (x is None → x in [None,
// bool]) is no change of the language's spelling: it does not repeat.
func TestOperandless(t *testing.T) {
	before := "def f(a, b):\n    if a is None:\n        return 1\n    if b is None:\n        return 2\n"
	after := "def f(a, b):\n    if a in [None, bool]:\n        return 1\n    if b is None:\n        return 2\n"
	if got, c := predict(t, "a.py", before, after); got != after {
		t.Errorf("predicted %v:\n%s", c, got)
	}
}
