// Package tokens counts and cuts text in real BPE tokens, with the
// vocabulary embedded in the binary (no download at run time).
//
// The main type is Counter. It satisfies completion/llm's TokenCounter
// interface, so prompt building and context packing can share one budget
// unit. Package tokens depends on github.com/tiktoken-go/tokenizer and
// internal/memo only; it knows nothing of models or prompts.
package tokens

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/lode-ls/lode/internal/memo"
	"github.com/tiktoken-go/tokenizer"
)

// DefaultEncoding is the BPE vocabulary used when none is named. No
// vocabulary matches every code model; cl100k_base is within a few percent
// of the StarCoder, Qwen and DeepSeek vocabularies on source code.
const DefaultEncoding = "cl100k_base"

// maxCached bounds the line-count memo; it is cleared when full, which
// costs one recount of the lines in use.
const maxCached = 1 << 18

// Counter counts tokens with one BPE vocabulary. It is safe for concurrent
// use.
//
// A text is counted line by line and the per-line counts are memoized:
// the same lines are counted again for every cursor, and the BPE
// pre-tokenizer is the costly part (~0.2 µs a byte). BPE pieces do not
// cross a line break in these vocabularies except in runs of blank lines,
// so the sum differs from a whole-text count by at most a token per such
// run, and is never smaller in practice.
type Counter struct {
	codec tokenizer.Codec
	name  string
	lines *memo.Strings[int32] // counts of lines
}

// New returns a Counter for DefaultEncoding.
func New() *Counter {
	c, err := NewEncoding(DefaultEncoding)
	if err != nil {
		panic(err) // the default vocabulary is embedded: cannot fail
	}
	return c
}

// NewEncoding returns a Counter for the named encoding: cl100k_base,
// o200k_base, p50k_base, p50k_edit or r50k_base.
func NewEncoding(name string) (*Counter, error) {
	codec, err := tokenizer.Get(tokenizer.Encoding(name))
	if err != nil {
		return nil, fmt.Errorf("tokens: encoding %q: %w", name, err)
	}
	return &Counter{codec: codec, name: name, lines: memo.New[int32](maxCached)}, nil
}

// Encoding returns the name of the counter's vocabulary.
func (c *Counter) Encoding() string { return c.name }

// CountTokens returns the number of tokens in s.
func (c *Counter) CountTokens(s string) int {
	n := 0
	for s != "" {
		i := strings.IndexByte(s, '\n')
		if i < 0 {
			i = len(s) - 1
		}
		for i+1 < len(s) && s[i+1] == '\n' {
			i++ // a run of blank lines is one piece
		}
		n += c.countLine(s[:i+1])
		s = s[i+1:]
	}
	return n
}

// countLine counts one line, with its terminator and any blank lines
// after it.
func (c *Counter) countLine(line string) int {
	return int(c.lines.Get(line, func(line string) int32 { return int32(c.count(line)) }))
}

func (c *Counter) count(s string) int {
	n, err := c.codec.Count(s)
	if err != nil {
		// The codec fails only on pathological input for its regexp;
		// fall back to a conservative estimate rather than zero.
		return len(s)/3 + 1
	}
	return n
}

// KeepFirst returns the longest beginning of s holding at most n tokens.
func (c *Counter) KeepFirst(s string, n int) string {
	if n <= 0 {
		return ""
	}
	if c.CountTokens(s) <= n {
		return s
	}
	lines := strings.SplitAfter(s, "\n")
	used, end := 0, 0
	for _, l := range lines {
		k := c.CountTokens(l)
		if used+k > n {
			end += c.firstTokens(l, n-used)
			break
		}
		used += k
		end += len(l)
	}
	return c.shrinkEnd(s[:end], n)
}

// KeepLast returns the longest end of s holding at most n tokens.
func (c *Counter) KeepLast(s string, n int) string {
	if n <= 0 {
		return ""
	}
	if c.CountTokens(s) <= n {
		return s
	}
	lines := strings.SplitAfter(s, "\n")
	used, start := 0, len(s)
	for i := len(lines) - 1; i >= 0; i-- {
		l := lines[i]
		k := c.CountTokens(l)
		if used+k > n {
			start -= c.lastTokens(l, n-used)
			break
		}
		used += k
		start -= len(l)
	}
	return c.shrinkStart(s[start:], n)
}

// FirstLines returns the longest run of whole lines from the beginning of
// s holding at most n tokens.
func (c *Counter) FirstLines(s string, n int) string {
	used, end := 0, 0
	for _, l := range strings.SplitAfter(s, "\n") {
		k := c.CountTokens(l)
		if used+k > n {
			break
		}
		used += k
		end += len(l)
	}
	return c.shrinkEnd(s[:end], n)
}

// LastLines returns the longest run of whole lines from the end of s
// holding at most n tokens.
func (c *Counter) LastLines(s string, n int) string {
	lines := strings.SplitAfter(s, "\n")
	used, start := 0, len(s)
	for i := len(lines) - 1; i >= 0; i-- {
		k := c.CountTokens(lines[i])
		if used+k > n {
			break
		}
		used += k
		start -= len(lines[i])
	}
	return c.shrinkStart(s[start:], n)
}

// firstTokens returns the byte length of the first n tokens of line.
func (c *Counter) firstTokens(line string, n int) int {
	toks := c.encode(line, n)
	return tokenBytes(toks[:min(n, len(toks))])
}

// lastTokens returns the byte length of the last n tokens of line.
func (c *Counter) lastTokens(line string, n int) int {
	toks := c.encode(line, n)
	return tokenBytes(toks[max(0, len(toks)-n):])
}

// encode returns the tokens of line, or none when n (how many the caller
// wants) is not positive or the line cannot be encoded.
func (c *Counter) encode(line string, n int) []string {
	if n <= 0 {
		return nil
	}
	_, toks, err := c.codec.Encode(line)
	if err != nil {
		return nil
	}
	return toks
}

// tokenBytes returns the byte length of toks.
func tokenBytes(toks []string) int {
	size := 0
	for _, t := range toks {
		size += len(t)
	}
	return size
}

// shrinkEnd drops lines (then bytes) from the end of s until it holds at
// most n tokens: token counts of separate lines add up only almost exactly.
func (c *Counter) shrinkEnd(s string, n int) string {
	for s != "" && c.CountTokens(s) > n {
		cut := strings.LastIndexByte(strings.TrimSuffix(s, "\n"), '\n')
		if cut < 0 {
			if keep := c.firstTokens(s, n); keep < len(s) && keep > 0 {
				s = s[:keep]
			} else {
				s = s[:len(s)-lastRuneLen(s)]
			}
			continue
		}
		s = s[:cut+1]
	}
	return s
}

// shrinkStart drops lines (then bytes) from the start of s until it holds
// at most n tokens.
func (c *Counter) shrinkStart(s string, n int) string {
	for s != "" && c.CountTokens(s) > n {
		cut := strings.IndexByte(s, '\n')
		if cut < 0 || cut == len(s)-1 {
			if keep := c.lastTokens(s, n); keep < len(s) && keep > 0 {
				s = s[len(s)-keep:]
			} else {
				s = s[firstRuneLen(s):]
			}
			continue
		}
		s = s[cut+1:]
	}
	return s
}

func lastRuneLen(s string) int {
	_, n := utf8.DecodeLastRuneInString(s)
	return max(n, 1)
}

func firstRuneLen(s string) int {
	_, n := utf8.DecodeRuneInString(s)
	return max(n, 1)
}
