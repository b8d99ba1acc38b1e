package completion

import (
	"slices"
	"testing"
)

// fakeNames declares strings.Cut, strings.HasPrefix, Item and the method
// Total; it cannot tell for the package "unread".
func fakeNames(qualifier, name string) (bool, bool) {
	switch qualifier {
	case "strings":
		return name == "Cut" || name == "HasPrefix", true
	case "unread":
		return false, false
	}
	return name == "Item" || name == "Total", true
}

func TestGround(t *testing.T) {
	const doc = "package p\n\nimport (\n\t\"strings\"\n\t\"example.com/unread\"\n)\n\nfunc f(c *Cart, s string) {\n\tlocal := 1\n\t"
	tests := []struct {
		name, mode, ins, want string
		unknown               []string
		before                string // typed before the cursor
	}{
		{"declared names", GroundCut, `a, b, ok := strings.Cut(s, ":")`, `a, b, ok := strings.Cut(s, ":")`, nil, ""},
		{"invented member of an import", GroundCut, `if strings.HasPrefx(s, "a") {`, "", []string{"strings.HasPrefx"}, ""},
		{"cut before the invention", GroundCut, `n := c.Total(); c.Totals()`, "n := c.Total();", []string{"c.Totals"}, ""},
		{"shown as is", GroundShow, `c.Totals()`, `c.Totals()`, []string{"c.Totals"}, ""},
		{"dropped", GroundDrop, `n := c.Total(); c.Totals()`, "", []string{"c.Totals"}, ""},
		{"names of the document", GroundCut, `local = local + 1`, `local = local + 1`, nil, ""},
		{"declared by the completion", GroundCut, `x := Item{}; x.Total()`, `x := Item{}; x.Total()`, nil, ""},
		{"unknown package", GroundCut, `unread.Anything()`, `unread.Anything()`, nil, ""},
		{"strings and comments", GroundCut, `s = "fmt.Nothing()" // c.Nope()`, `s = "fmt.Nothing()" // c.Nope()`, nil, ""},
		{"builtins and keywords", GroundCut, `for i := range len(s) { _ = append([]int{}, i) }`, `for i := range len(s) { _ = append([]int{}, i) }`, nil, ""},
		{"off", GroundOff, `c.Totals()`, `c.Totals()`, nil, ""},
		{"selector typed before the cursor", GroundCut, `HasPrefx(s, "a")`, "", []string{"strings.HasPrefx"}, "strings."},
		{"member typed before the cursor", GroundCut, `Cut(s, "a")`, `Cut(s, "a")`, nil, "strings."},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, g := Ground(fakeNames, tc.mode, "go", doc+tc.before, len(doc+tc.before), tc.ins)
			if got != tc.want {
				t.Errorf("Ground(%q) = %q, want %q (%s)", tc.ins, got, tc.want, g)
			}
			if !slices.Equal(g.Unknown, tc.unknown) {
				t.Errorf("Ground(%q) found %v declared nowhere, want %v", tc.ins, g.Unknown, tc.unknown)
			}
		})
	}
}
