package tokens

import (
	"math/rand/v2"
	"strings"
	"testing"
)

func words(s string) int    { return len(strings.Fields(s)) }
func estimate(s string) int { return (len(s) + 3) / 4 }

// TestUpTo: the count is exact up to the limit, and past it only
// said to be past it, from either end, with blank lines and lines longer
// than the first piece.
func TestUpTo(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for range 40 {
		var b strings.Builder
		for range r.IntN(400) {
			switch r.IntN(8) {
			case 0:
				b.WriteString("\n\n\n")
			case 1:
				b.WriteString(strings.Repeat("long ", 1000) + "\n")
			default:
				b.WriteString(strings.Repeat("w x\n", 1+r.IntN(3)))
			}
		}
		s := b.String()
		for _, count := range []func(string) int{words, estimate} {
			whole := count(s)
			limit := r.IntN(whole + 10)
			for _, fromEnd := range []bool{true, false} {
				got := UpTo(s, limit, fromEnd, count)
				if (whole <= limit && got != whole) || (whole > limit && got <= limit) {
					t.Fatalf("UpTo(%d bytes, limit %d, fromEnd %v) = %d; the whole counts %d", len(s), limit, fromEnd, got, whole)
				}
			}
		}
	}
}
