// Package redact finds secret-looking strings in text and replaces them,
// keeping the text's line structure, so that no key or password reaches a
// model: private key blocks; AWS, GCP, GitHub, Slack, Stripe, OpenAI-style
// and JWT token formats; and values assigned to names such as password,
// secret, token or api_key.
//
// The main functions are String and Find. Package redact depends on the
// standard library alone.
package redact

import (
	"regexp"
	"sort"
	"strings"
)

// Placeholder replaces each secret.
const Placeholder = "[REDACTED]"

// Match is one secret found in a text: the byte range of the secret itself
// (not of the name it is assigned to) and the rule that found it.
type Match struct {
	Start, End int
	Rule       string
}

// rule is one secret format. Group 1, when the regexp has one, is the
// secret; otherwise the whole match is. A rule runs only when its trigger
// (lower-case) occurs in the lower-cased text, which keeps clean text cheap.
type rule struct {
	name    string
	trigger []string
	re      *regexp.Regexp
}

var rules = []rule{
	{"private key", []string{"private key"}, regexp.MustCompile(
		`-----BEGIN[A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----[\s\S]*?(?:-----END[A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----|\z)`)},
	{"aws access key", []string{"akia", "asia", "abia", "acca"}, regexp.MustCompile(
		`\b(?:AKIA|ASIA|ABIA|ACCA)[0-9A-Z]{16}\b`)},
	{"aws secret key", []string{"aws"}, regexp.MustCompile(
		`(?i)aws[a-z0-9_.-]*(?:secret|key)[a-z0-9_.-]*["']?\s*(?:=|:=|:|=>)\s*["']?([A-Za-z0-9/+=]{40})\b`)},
	{"gcp api key", []string{"aiza"}, regexp.MustCompile(`\bAIza[0-9A-Za-z_\-]{35}`)},
	{"gcp oauth token", []string{"ya29."}, regexp.MustCompile(`\bya29\.[0-9A-Za-z_\-]{20,}`)},
	{"github token", []string{"ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_"}, regexp.MustCompile(
		`\b(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{22,})`)},
	{"slack token", []string{"xox"}, regexp.MustCompile(`\bxox[abposr]-[A-Za-z0-9-]{10,}`)},
	{"slack webhook", []string{"hooks.slack.com"}, regexp.MustCompile(
		`https://hooks\.slack\.com/services/[A-Za-z0-9_/]+`)},
	{"openai-style key", []string{"sk-"}, regexp.MustCompile(`\bsk-(?:proj-|ant-|live-)?[A-Za-z0-9_\-]{20,}`)},
	{"stripe key", []string{"_live_", "_test_"}, regexp.MustCompile(`\b[rs]k_(?:live|test)_[A-Za-z0-9]{16,}`)},
	{"jwt", []string{"eyj"}, regexp.MustCompile(`\beyJ[A-Za-z0-9_\-]{8,}\.eyJ[A-Za-z0-9_\-]{8,}\.[A-Za-z0-9_\-]{8,}`)},
	{"assignment", assignWords, regexp.MustCompile(
		`(?i)(?:passw(?:or)?d|pwd|secret|token|api[_\-]?key|access[_\-]?key|private[_\-]?key|credentials?)[a-z0-9_.\-]*["']?\s*(?::=|=|:|=>)\s*(?:"([^"\n]{4,})"|'([^'\n]{4,})'|` + "`([^`\\n]{4,})`" + `)`)},
	{"env assignment", assignWords, regexp.MustCompile(
		`^[ \t]*(?:export[ \t]+)?[A-Z0-9_.\-]*(?:PASSW(?:OR)?D|PWD|SECRET|TOKEN|API_?KEY|ACCESS_?KEY|PRIVATE_?KEY|CREDENTIALS?)[A-Z0-9_.\-]*[ \t]*[=:][ \t]*([^\s"'#]{6,})`)},
}

var assignWords = []string{"passw", "passd", "pwd", "secret", "token", "api_key", "apikey", "api-key",
	"access_key", "accesskey", "access-key", "private_key", "privatekey", "private-key", "credential"}

// trigger is one trigger word and the rules it wakes.
type trigger struct {
	word  string
	rules uint32 // bit i set: rules[i]
}

// byFirst indexes the trigger words by their first byte, both cases.
var byFirst = func() (t [256][]trigger) {
	for i, r := range rules {
		for _, w := range r.trigger {
			for _, c := range []byte{w[0], upper(w[0])} {
				t[c] = append(t[c], trigger{w, 1 << i})
				if c == upper(c) && c == w[0] {
					break // not a letter: one case only
				}
			}
		}
	}
	return t
}()

func upper(c byte) byte {
	if 'a' <= c && c <= 'z' {
		return c - 'a' + 'A'
	}
	return c
}

// hasPrefixFold reports whether s begins with the lower-case ASCII word w,
// ignoring case.
func hasPrefixFold(s, w string) bool {
	if len(s) < len(w) {
		return false
	}
	for i := 0; i < len(w); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != w[i] {
			return false
		}
	}
	return true
}

// Find returns the secrets in s, in order and not overlapping.
func Find(s string) []Match {
	var ms []Match
	// One pass finds the trigger words; a rule's regexp then runs only on
	// the lines (for a key block: from the line on) where it was woken,
	// which keeps ordinary code cheap.
	lineStart, mask := 0, uint32(0)
	flush := func(end int) {
		for i, r := range rules {
			if mask&(1<<i) == 0 {
				continue
			}
			if i == 0 {
				ms = appendMatches(ms, r, s[lineStart:], lineStart)
			} else {
				ms = appendMatches(ms, r, s[lineStart:end], lineStart)
			}
		}
		mask = 0
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '\n' {
			if mask != 0 {
				flush(i)
			}
			lineStart = i + 1
			continue
		}
		for _, t := range byFirst[c] {
			if mask&t.rules == 0 && hasPrefixFold(s[i:], t.word) {
				mask |= t.rules
			}
		}
	}
	if mask != 0 {
		flush(len(s))
	}
	return disjoint(ms)
}

// appendMatches appends the matches of r in s, whose first byte is at
// offset base of the whole text.
func appendMatches(ms []Match, r rule, s string, base int) []Match {
	for _, loc := range r.re.FindAllStringSubmatchIndex(s, -1) {
		start, end := loc[0], loc[1]
		for g := 2; g+1 < len(loc); g += 2 {
			if loc[g] >= 0 {
				start, end = loc[g], loc[g+1]
				break
			}
		}
		if r.name == "assignment" || r.name == "env assignment" {
			if !secretValue(s[start:end]) {
				continue
			}
		}
		ms = append(ms, Match{Start: base + start, End: base + end, Rule: r.name})
	}
	return ms
}

// secretValue reports whether an assigned value looks like a secret rather
// than code: not already redacted, not a placeholder, not a format string or
// a word of prose.
func secretValue(v string) bool {
	switch {
	case strings.Contains(v, Placeholder), strings.Contains(v, "${"), strings.Contains(v, "{{"), strings.Contains(v, "%"):
		return false
	case strings.ContainsAny(v, " \t") && !strings.ContainsAny(v, "0123456789"):
		return false // prose, as in error messages
	}
	return true
}

// disjoint sorts ms and drops matches that overlap an earlier one.
func disjoint(ms []Match) []Match {
	sort.Slice(ms, func(i, j int) bool {
		if ms[i].Start != ms[j].Start {
			return ms[i].Start < ms[j].Start
		}
		return ms[i].End > ms[j].End
	})
	out := ms[:0]
	end := -1
	for _, m := range ms {
		if m.Start >= end {
			out = append(out, m)
			end = m.End
		}
	}
	return out
}

// String returns s with every secret replaced by Placeholder. Line breaks
// inside a secret (a private key block) are kept, so line numbers still
// match the original text.
func String(s string) string {
	ms := Find(s)
	if len(ms) == 0 {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	last := 0
	for _, m := range ms {
		b.WriteString(s[last:m.Start])
		b.WriteString(Placeholder)
		for range strings.Count(s[m.Start:m.End], "\n") {
			b.WriteString("\n" + Placeholder)
		}
		last = m.End
	}
	b.WriteString(s[last:])
	return b.String()
}

// Contains reports whether s holds a secret.
func Contains(s string) bool {
	return len(Find(s)) > 0
}
