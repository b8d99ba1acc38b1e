package patch

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseAnswer(t *testing.T) {
	tests := []struct {
		name   string
		answer string
		want   *Answer
		err    error
	}{
		{
			name:   "plain block with path",
			answer: "main.go\n<<<<<<< SEARCH\n\treturn 1\n=======\n\treturn 2\n>>>>>>> REPLACE\n",
			want:   &Answer{Blocks: []Block{{Path: "main.go", Search: "\treturn 1\n", Replace: "\treturn 2\n"}}},
		},
		{
			name:   "fenced, CRLF, short markers, backquoted path",
			answer: "Here you go:\r\n`pkg/a.go`\r\n```go\r\n<<<<< SEARCH\r\nx := 1\r\n=====\r\nx := 2\r\n>>>>> REPLACE\r\n```\r\nDone.",
			want:   &Answer{Blocks: []Block{{Path: "pkg/a.go", Search: "x := 1\n", Replace: "x := 2\n"}}},
		},
		{
			name:   "two blocks, two files, path in fence info",
			answer: "a.py\n<<<<<<< SEARCH\nx = 1\n=======\nx = 2\n>>>>>>> REPLACE\n\n```python b.py\n<<<<<<< SEARCH\ny = 1\n=======\n>>>>>>> REPLACE\n```\n",
			want: &Answer{Blocks: []Block{
				{Path: "a.py", Search: "x = 1\n", Replace: "x = 2\n"},
				{Path: "b.py", Search: "y = 1\n", Replace: ""},
			}},
		},
		{
			name:   "rewritten region in a fence",
			answer: "Sure, the new code:\n```go\nfunc f() int {\n\treturn 2\n}\n```\n",
			want:   &Answer{Fences: []string{"func f() int {\n\treturn 2\n}\n"}},
		},
		{
			name:   "unterminated block is dropped, the next one kept",
			answer: "<<<<<<< SEARCH\na\n=======\nb\n<<<<<<< SEARCH\nc\n=======\nd\n>>>>>>> REPLACE\n",
			want:   &Answer{Blocks: []Block{{Search: "c\n", Replace: "d\n"}}},
		},
		{name: "prose", answer: "I think the code is fine as it is.", err: ErrNoEdits},
		{name: "empty", answer: "", err: ErrNoEdits},
		{name: "garbage markers", answer: "<<<<<<< SEARCH\nnothing ends here", err: ErrNoEdits},
		{name: "binary noise", answer: "\x00\xff\xfe<<<>>>====\n```", err: ErrNoEdits},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParseAnswer(tc.answer)
			if !errors.Is(err, tc.err) {
				t.Fatalf("err = %v, want %v", err, tc.err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("ParseAnswer mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestApply(t *testing.T) {
	const src = "package p\n\nfunc f() int {\n\tx := 1\n\treturn x\n}\n\nfunc g() int {\n\tx := 1\n\treturn x\n}\n"
	target := Target{Path: "p/p.go", Language: "go", Content: src}
	tests := []struct {
		name    string
		answer  Answer
		target  Target
		want    string
		wantErr error
	}{
		{
			name:   "exact unique",
			answer: Answer{Blocks: []Block{{Path: "p/p.go", Search: "func f() int {\n\tx := 1\n", Replace: "func f() int {\n\tx := 2\n"}}},
			target: target,
			want:   strings.Replace(src, "x := 1", "x := 2", 1),
		},
		{
			name:    "ambiguous without region",
			answer:  Answer{Blocks: []Block{{Search: "\tx := 1\n", Replace: "\tx := 3\n"}}},
			target:  target,
			wantErr: nil, // checked by message below
		},
		{
			name:   "ambiguous resolved by region",
			answer: Answer{Blocks: []Block{{Search: "\tx := 1\n", Replace: "\tx := 3\n"}}},
			target: Target{Path: "p/p.go", Content: src, StartLine: 8, EndLine: 11},
			want:   src[:strings.LastIndex(src, "x := 1")] + "x := 3" + src[strings.LastIndex(src, "x := 1")+6:],
		},
		{
			name:   "indentation-insensitive match is re-indented",
			answer: Answer{Blocks: []Block{{Path: "p.go", Search: "func g() int {\n    x := 1\n", Replace: "func g() int {\n    x := 5\n"}}},
			target: target,
			want:   strings.Replace(src, "func g() int {\n\tx := 1", "func g() int {\n\tx := 5", 1),
		},
		{
			name:    "a unique match outside the region is refused",
			answer:  Answer{Blocks: []Block{{Search: "func g() int {\n", Replace: "func h() int {\n"}}},
			target:  Target{Path: "p/p.go", Content: src, StartLine: 1, EndLine: 6},
			wantErr: ErrOutsideRegion,
		},
		{
			name:    "search not in file",
			answer:  Answer{Blocks: []Block{{Search: "y := 7\n", Replace: "y := 8\n"}}},
			target:  target,
			wantErr: ErrNotFound,
		},
		{
			name:    "no change",
			answer:  Answer{Blocks: []Block{{Search: "\treturn x\n}\n\nfunc g", Replace: "\treturn x\n}\n\nfunc g"}}},
			target:  target,
			wantErr: ErrNoChange,
		},
		{
			name:   "fence rewrites the region",
			answer: Answer{Fences: []string{"func f() int {\n\treturn 7\n}\n"}},
			target: Target{Path: "p/p.go", Content: src, StartLine: 3, EndLine: 6},
			want:   strings.Replace(src, "func f() int {\n\tx := 1\n\treturn x\n}\n", "func f() int {\n\treturn 7\n}\n", 1),
		},
		{
			name:    "small fence cannot replace a whole file",
			answer:  Answer{Fences: []string{"x := 2\n"}},
			target:  target,
			wantErr: ErrNoEdits,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			changes, err := Apply(&tc.answer, []Target{tc.target})
			if tc.want == "" {
				if err == nil {
					t.Fatalf("Apply succeeded, want an error; got\n%s", changes[0].New)
				}
				if tc.wantErr != nil && !errors.Is(err, tc.wantErr) {
					t.Fatalf("err = %v, want %v", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, changes[0].New); diff != "" {
				t.Errorf("result mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestResolvePath(t *testing.T) {
	targets := []Target{{Path: "cmd/a/main.go"}, {Path: "pkg/util.go"}}
	for p, want := range map[string]int{"cmd/a/main.go": 0, "./pkg/util.go": 1, "main.go": 0, "/abs/repo/pkg/util.go": 1, "other.go": -1, "": -1} {
		got, err := resolvePath(p, targets)
		if got != want || (want < 0) != (err != nil) {
			t.Errorf("resolvePath(%q) = %d, %v; want %d", p, got, err, want)
		}
	}
}

func TestParseDiagnostics(t *testing.T) {
	out := "# example.com/p\nvet: ./p.go:5:2: unreachable code\np.go:9: fmt.Printf format %d has arg s of wrong type string\n\tsee the docs\nsrc/x.c:3:10: error: expected ';'\nrandom line\n"
	got, err := ParseDiagnostics(strings.NewReader(out))
	if err != nil {
		t.Fatal(err)
	}
	want := []Diagnostic{
		{Path: "./p.go", Line: 5, Column: 2, Message: "unreachable code"},
		{Path: "p.go", Line: 9, Message: "fmt.Printf format %d has arg s of wrong type string\nsee the docs"},
		{Path: "src/x.c", Line: 3, Column: 10, Message: "error: expected ';'"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("ParseDiagnostics mismatch (-want +got):\n%s", diff)
	}
	if s := got[0].String(); s != "./p.go:5:2: unreachable code" {
		t.Errorf("String() = %q", s)
	}
}
