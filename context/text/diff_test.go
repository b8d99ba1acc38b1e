package text

import "testing"

func TestDiff(t *testing.T) {
	tests := []struct {
		name, old, new string
		want           Change
	}{
		{"same", "ab\ncd", "ab\ncd", Change{StartByte: 5, OldEndByte: 5, NewEndByte: 5,
			StartPoint: Point{1, 2}, OldEndPoint: Point{1, 2}, NewEndPoint: Point{1, 2}}},
		{"insert in the second line", "ab\ncd", "ab\ncXd", Change{StartByte: 4, OldEndByte: 4, NewEndByte: 5,
			StartPoint: Point{1, 1}, OldEndPoint: Point{1, 1}, NewEndPoint: Point{1, 2}}},
		{"delete a line break", "ab\ncd", "abcd", Change{StartByte: 2, OldEndByte: 3, NewEndByte: 2,
			StartPoint: Point{0, 2}, OldEndPoint: Point{1, 0}, NewEndPoint: Point{0, 2}}},
		{"replace all", "x", "y\nz", Change{StartByte: 0, OldEndByte: 1, NewEndByte: 3,
			StartPoint: Point{0, 0}, OldEndPoint: Point{0, 1}, NewEndPoint: Point{1, 1}}},
		{"a word of a middle line", "line one\nline two\nline three\n", "line one\nline 2\nline three\n", Change{StartByte: 14, OldEndByte: 17, NewEndByte: 15,
			StartPoint: Point{1, 5}, OldEndPoint: Point{1, 8}, NewEndPoint: Point{1, 6}}},
		{"repeated text", "aaa", "aaaa", Change{StartByte: 3, OldEndByte: 3, NewEndByte: 4,
			StartPoint: Point{0, 3}, OldEndPoint: Point{0, 3}, NewEndPoint: Point{0, 4}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := Diff(tc.old, tc.new); got != tc.want {
				t.Errorf("Diff(%q, %q) = %+v, want %+v", tc.old, tc.new, got, tc.want)
			}
			if got := Diff([]byte(tc.old), []byte(tc.new)); got != tc.want {
				t.Errorf("Diff of bytes = %+v, want %+v", got, tc.want)
			}
			type named string
			if got := Diff(named(tc.old), named(tc.new)); got != tc.want {
				t.Errorf("Diff of a named string type = %+v, want %+v", got, tc.want)
			}
		})
	}
}
