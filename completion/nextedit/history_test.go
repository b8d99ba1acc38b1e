package nextedit

import (
	"strings"
	"testing"
	"unsafe"
)

func TestHistoryCoalescesKeystrokes(t *testing.T) {
	h := NewHistory(HistoryOptions{})
	h.Observe("a", 1, "x := count + 1")
	// The user selects "count" and types "total" one key at a time.
	h.Observe("a", 2, "x :=  + 1")
	h.Observe("a", 3, "x := t + 1")
	h.Observe("a", 4, "x := to + 1")
	h.Observe("a", 5, "x := total + 1")
	got := h.Document("a")
	if len(got) != 1 || got[0].Start != 5 || got[0].Old != "count" || got[0].New != "total" || got[0].Version != 5 {
		t.Fatalf("hunks %+v, want one: count→total at 5, version 5", got)
	}
	// An edit elsewhere is a new hunk.
	h.Observe("a", 6, "y := total + 1")
	got = h.Document("a")
	if len(got) != 2 || got[1].Old != "x" || got[1].New != "y" {
		t.Fatalf("hunks %+v, want a second one x→y", got)
	}
	if _, _, ok := h.Last("a", 5); ok {
		t.Error("Last answered for a version that is not the document's")
	}
	if last, txt, ok := h.Last("a", 6); !ok || last.New != "y" || txt != "y := total + 1" {
		t.Errorf("Last = %+v %q %v", last, txt, ok)
	}
	if r := h.Recent(); len(r) != 2 || r[0].New != "total" {
		t.Errorf("workspace hunks %+v", r)
	}
}

func TestHistoryUndoAndForget(t *testing.T) {
	h := NewHistory(HistoryOptions{PerDocument: 2, Workspace: 3})
	h.Observe("a", 1, "abc")
	h.Observe("a", 2, "abXc")
	h.Observe("a", 3, "abc") // undone
	if got, r := h.Document("a"), h.Recent(); len(got) != 0 || len(r) != 0 {
		t.Errorf("typed and undone: hunks %+v, workspace %+v, want none", got, r)
	}
	h.Observe("b", 1, "one two three four")
	h.Observe("b", 2, "ONE two three four")
	h.Observe("b", 3, "ONE two THREE four")
	h.Observe("b", 4, "ONE two THREE FOUR")
	if got := h.Document("b"); len(got) != 2 || got[0].New != "THREE" {
		t.Errorf("per-document bound: hunks %+v, want the last 2", got)
	}
	h.Forget("b")
	if got, r := h.Document("b"), h.Recent(); len(got) != 0 || len(r) != 0 {
		t.Errorf("after Forget: %+v, workspace %+v", got, r)
	}
	h.Observe("b", 5, "x")
	if got := h.Document("b"); len(got) != 0 {
		t.Errorf("a reopened document starts a new baseline: %+v", got)
	}
}

// TestHistoryHunksCopyTheirText: a hunk keeps none of the document's
// versions, only copies of the few bytes it changed.
func TestHistoryHunksCopyTheirText(t *testing.T) {
	h := NewHistory(HistoryOptions{})
	texts := []string{
		strings.Repeat("a := 1\n", 1000),
		strings.Repeat("a := 1\n", 500) + "b := 2\n" + strings.Repeat("a := 1\n", 499),
		strings.Repeat("a := 1\n", 500) + "b := 23\n" + strings.Repeat("a := 1\n", 499),
	}
	for i, s := range texts {
		h.Observe("a", int32(i+1), s)
	}
	inside := func(s string) bool {
		for _, doc := range texts {
			p, d := uintptr(unsafe.Pointer(unsafe.StringData(s))), uintptr(unsafe.Pointer(unsafe.StringData(doc)))
			if s != "" && p >= d && p < d+uintptr(len(doc)) {
				return true
			}
		}
		return false
	}
	hunks := h.Document("a")
	if len(hunks) != 1 || hunks[0].Old != "a := 1" || hunks[0].New != "b := 23" {
		t.Fatalf("hunks %+v, want one: a := 1 → b := 23", hunks)
	}
	for _, hk := range append(hunks, h.Recent()...) {
		for _, s := range []string{hk.Old, hk.New, hk.Head, hk.Tail} {
			if inside(s) {
				t.Errorf("hunk %+v: %q lies in a version of the document", hk, s)
			}
		}
	}
}
