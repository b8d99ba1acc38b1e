package workspace

import "testing"

func TestPatterns(t *testing.T) {
	tests := []struct {
		pattern string
		path    string
		isDir   bool
		want    bool // matched (and not negated)
		decided bool
	}{
		{"*.log", "a.log", false, true, true},
		{"*.log", "x/y/a.log", false, true, true},
		{"*.log", "a.logx", false, false, false},
		{"/top.txt", "top.txt", false, true, true},
		{"/top.txt", "sub/top.txt", false, false, false},
		{"build/", "build", true, true, true},
		{"build/", "build", false, false, false},
		{"build/", "x/build", true, true, true},
		{"doc/*.txt", "doc/a.txt", false, true, true},
		{"doc/*.txt", "doc/x/a.txt", false, false, false},
		{"doc/*.txt", "y/doc/a.txt", false, false, false},
		{"**/gen", "a/b/gen", true, true, true},
		{"**/gen", "gen", false, true, true},
		{"a/**/z", "a/z", false, true, true},
		{"a/**/z", "a/b/c/z", false, true, true},
		{"out/**", "out/x/y.go", false, true, true},
		{"out/**", "out", true, false, false},
		{"file?.go", "file1.go", false, true, true},
		{"file?.go", "file10.go", false, false, false},
		{"[abc].go", "b.go", false, true, true},
		{"[!abc].go", "b.go", false, false, false},
		{"[!abc].go", "d.go", false, true, true},
		{"!keep.log", "keep.log", false, false, true},
		{`\!bang`, "!bang", false, true, true},
		{`\#hash`, "#hash", false, true, true},
		{"# comment", "# comment", false, false, false},
		{"trailing   ", "trailing", false, true, true},
	}
	for _, tc := range tests {
		ps := parsePatterns([]byte(tc.pattern))
		got, decided := ps.match(tc.path, tc.isDir)
		if got != tc.want || decided != tc.decided {
			t.Errorf("%q on %q (dir %v) = %v, %v; want %v, %v", tc.pattern, tc.path, tc.isDir, got, decided, tc.want, tc.decided)
		}
	}
}

func TestPatternsLastWins(t *testing.T) {
	ps := parsePatterns([]byte("*.log\n!important.log\n"))
	if ign, _ := ps.match("debug.log", false); !ign {
		t.Error("debug.log not ignored")
	}
	if ign, ok := ps.match("important.log", false); ign || !ok {
		t.Errorf("important.log = %v, %v; want re-included", ign, ok)
	}
}
