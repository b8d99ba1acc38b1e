package nextedit

import (
	"context"
	"testing"
)

// TestFormatless: a Go printf-style call given one argument that is no
// format switched to its plain variant switches at the method's other
// calls given one such argument in the same function; a call with a
// literal format or more arguments keeps its method.
func TestFormatless(t *testing.T) {
	const g = "\nfunc g(t *testing.T) {\n\tt.Fatalf(body)\n}\n"
	before := "package a\n\nfunc f(t *testing.T) {\n\tt.Fatalf(body)\n\tt.Fatalf(resp.Status)\n\tt.Fatalf(\"got %v\", body)\n\tt.Fatalf(\"x\")\n\tt.Fatalf(fmtArgs...)\n\tt.Errorf(body)\n}\n" + g
	after := "package a\n\nfunc f(t *testing.T) {\n\tt.Fatal(body)\n\tt.Fatalf(resp.Status)\n\tt.Fatalf(\"got %v\", body)\n\tt.Fatalf(\"x\")\n\tt.Fatalf(fmtArgs...)\n\tt.Errorf(body)\n}\n" + g
	want := "package a\n\nfunc f(t *testing.T) {\n\tt.Fatal(body)\n\tt.Fatal(resp.Status)\n\tt.Fatalf(\"got %v\", body)\n\tt.Fatalf(\"x\")\n\tt.Fatalf(fmtArgs...)\n\tt.Errorf(body)\n}\n" + g
	s, oe, ne := diffBounds(before, after)
	c := Infer(context.Background(), "a_test.go", "", before, after, Hunk{Path: "a_test.go", Start: s, Old: before[s:oe], New: after[s:ne]})
	if c == nil || c.Pending || c.Kind != KindRepeat {
		t.Fatal("no repeated change inferred")
	}
	if got := apply(after, c.Sites("a_test.go", after, c.Scope, Span{s, ne}, true)); got != want {
		t.Errorf("after the predicted edits:\n%s\nwant:\n%s", got, want)
	}
	if c.Elsewhere(0) {
		t.Error("other files proposed, want the edited function alone")
	}
	// A literal format switched is a choice made at that call (see
	// TestSwitched), and so is one of a call with more arguments.
	for _, tc := range []struct{ path, before, after string }{
		{"a.go", "package a\n\nfunc f() {\n\tlog.Printf(\"x\")\n\tlog.Printf(\"y\")\n}\n", "package a\n\nfunc f() {\n\tlog.Print(\"x\")\n\tlog.Printf(\"y\")\n}\n"},
		{"a.go", "package a\n\nfunc f() {\n\tlog.Printf(a, b)\n\tlog.Printf(a, b)\n}\n", "package a\n\nfunc f() {\n\tlog.Print(a, b)\n\tlog.Printf(a, b)\n}\n"},
	} {
		got, _ := predict(t, tc.path, tc.before, tc.after)
		if got != tc.after {
			t.Errorf("predicted edits after %q:\n%s", tc.after, got)
		}
	}
}
