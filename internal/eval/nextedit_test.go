package eval

import "testing"

// TestNeScoreCaseWhiteSpace: a suggestion that gives a hunk's new text
// but for the white space between tokens finds it; one that gives other
// tokens does not.
func TestNeScoreCaseWhiteSpace(t *testing.T) {
	src := "it('should be true if accepted', function(){\n"
	cs := &neCase{file: "a.js", after: src, rest: []neHunk{{file: "a.js", start: 0, end: len(src), text: "it('should return if accepted', function () {\n"}}}
	for _, tc := range []struct {
		text  string
		found int
	}{
		{"'should return if accepted'", 1},
		{"'should returnif accepted'", 0},
		{"'should be false if accepted'", 0},
	} {
		s := neScoreCase(cs, []neSuggestion{{file: "a.js", start: 3, end: 3 + len("'should be true if accepted'"), text: tc.text}})
		if s.found != tc.found || s.right != tc.found {
			t.Errorf("%s: found %d right %d, want %d", tc.text, s.found, s.right, tc.found)
		}
	}
}

// TestNeScoreCaseOtherHunks: a suggestion in a hunk of the commit that is
// not related to the first is right when it makes that hunk's change,
// and the hunk counts in no recall.
func TestNeScoreCaseOtherHunks(t *testing.T) {
	b := "it('should presist store when inflated', f);\n"
	cs := &neCase{file: "a.js", after: "x\n", parentText: map[string]string{"b.js": b},
		others: []neHunk{{file: "b.js", start: 0, end: len(b), text: "it('should persist store when inflated', f);\n"}}}
	for _, tc := range []struct {
		text  string
		right int
	}{{"persist", 1}, {"pursist", 0}} {
		s := neScoreCase(cs, []neSuggestion{{file: "b.js", start: 11, end: 18, text: tc.text}})
		if s.right != tc.right || s.hunks != 0 || s.found != 0 {
			t.Errorf("%s: right %d hunks %d found %d, want right %d and no hunk", tc.text, s.right, s.hunks, s.found, tc.right)
		}
	}
}
