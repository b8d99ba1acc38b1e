package completion

import "testing"

func TestSkipNonCode(t *testing.T) {
	tests := []struct {
		s, line string
		end     int
		str, ok bool
	}{
		{"// x\ny", "//", 4, false, true},
		{"# x", "#", 3, false, true},
		{"/* a */b", "//", 7, false, true},
		{"/* open", "//", 7, false, true},
		{`"a\"b"c`, "//", 6, true, true},
		{"`a\nb`c", "//", 5, true, true},
		{"'x\ny", "//", 3, true, true},
		{"x := 1", "//", 0, false, false},
		{"/* not one */", "#", 0, false, false},
	}
	for _, tc := range tests {
		end, str, ok := skipNonCode(tc.s, 0, tc.line)
		if end != tc.end || str != tc.str || ok != tc.ok {
			t.Errorf("skipNonCode(%q, %q) = %d, %v, %v; want %d, %v, %v", tc.s, tc.line, end, str, ok, tc.end, tc.str, tc.ok)
		}
	}
}
