// Package redacttest holds the examples of context/redact's secret
// catalogue (catalogue.txt, fabricated values in the published formats),
// for the catalogue's own test and for the end-to-end tests that plant
// them where lode must never let them out.
//
// Package redacttest depends on the standard library alone.
package redacttest

import (
	_ "embed"
	"fmt"
	"strings"
)

//go:embed catalogue.txt
var catalogue string

// Example is one example of a shape: a text that holds secrets.
type Example struct {
	Shape   string   // the catalogue shape it exemplifies
	Text    string   // the text, as it would stand in a file
	Secrets []string // what must never leave, each a part of Text
}

// Examples returns every example of the catalogue, in its order. Each
// line of catalogue.txt is a shape, a text (with \n for a line break) and
// the secrets, separated by tabs; blank lines and # comments are skipped.
func Examples() ([]Example, error) {
	var out []Example
	for i, line := range strings.Split(catalogue, "\n") {
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		fields := strings.Split(line, "\t")
		if len(fields) < 3 {
			return nil, fmt.Errorf("catalogue.txt:%d: want shape, text and secrets, tab-separated", i+1)
		}
		out = append(out, Example{fields[0], strings.ReplaceAll(fields[1], `\n`, "\n"), fields[2:]})
	}
	return out, nil
}

// Variant returns the example with the last character of each secret
// replaced by the digit d: each place a secret is planted gets its own
// values, so that a leak says where it came from.
func (e Example) Variant(d int) Example {
	v := Example{Shape: e.Shape, Text: e.Text}
	for _, s := range e.Secrets {
		m := s[:len(s)-1] + string(rune('0'+d))
		v.Text = strings.ReplaceAll(v.Text, s, m)
		v.Secrets = append(v.Secrets, m)
	}
	return v
}
