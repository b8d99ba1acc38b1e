package postprocess

import "strings"

// closers are the characters that close a construct; a line made of them
// alone ends a block.
const closers = ")]}>;,\"'`"

// truncate keeps one line in Line mode, and the lines up to the end of the
// block in Block mode.
func (in Input) truncate(s string) string {
	if in.Mode == Line {
		if i := strings.IndexByte(s, '\n'); i >= 0 {
			return s[:i]
		}
		return s
	}
	lines := strings.Split(s, "\n")
	end, keepStop := in.blockEnd(lines, false)
	if end < len(lines) && keepStop {
		end++
	}
	return strings.Join(lines[:end], "\n")
}

// Done reports whether a streamed answer holds enough already: a newline
// in Line mode, a line that leaves the block in Block mode. The engine
// stops the model as soon as Done is true.
func (in Input) Done(sofar string) bool {
	if in.Mode == Line {
		return strings.IndexByte(sofar, '\n') >= 0
	}
	lines := strings.Split(strings.ReplaceAll(sofar, "\r\n", "\n"), "\n")
	// The last element is an unfinished line: judge complete lines only.
	end, _ := in.blockEnd(lines[:len(lines)-1], true)
	return end < len(lines)-1
}

// blockEnd returns the index of the first line that leaves the block
// (len(lines) when none does) and whether that line should be kept: a
// line of closing punctuation that the text after the cursor lacks.
func (in Input) blockEnd(lines []string, streaming bool) (int, bool) {
	lp := linePrefix(in.Prefix)
	emptyLine := strings.TrimLeft(lp, " \t") == ""
	limit := width(indentOf(lp))
	if emptyLine {
		// The cursor is in an (empty) block already: the body goes on
		// while lines are indented at least as deep as the cursor.
		limit = width(lp) - 1
	}
	seenBody := false
	for i, l := range lines {
		if i == 0 {
			seenBody = strings.TrimSpace(l) != ""
			continue
		}
		t := strings.TrimSpace(l)
		if t == "" {
			continue
		}
		if width(indentOf(l)) <= limit {
			if !seenBody && !emptyLine && !streaming {
				// A model that opened no body at all: keep nothing past
				// the cursor's line.
				return i, false
			}
			return i, isCloser(t) && !in.suffixStartsWith(t)
		}
		seenBody = true
	}
	return len(lines), false
}

// isCloser reports whether t is made of closing punctuation only, as "}"
// or "});" are.
func isCloser(t string) bool {
	return strings.Trim(t, closers+" \t") == ""
}

// suffixStartsWith reports whether the text after the cursor, blanks
// aside, begins with t.
func (in Input) suffixStartsWith(t string) bool {
	return strings.HasPrefix(strings.TrimLeft(in.Suffix, " \t\r\n"), t)
}

// cutSuffixOverlap removes the end of s that the text after the cursor
// already holds: the rest of the line (closing brackets above all) and,
// for several lines, the lines that follow.
func (in Input) cutSuffixOverlap(s string) string {
	rest := strings.TrimSpace(lineSuffix(in.Suffix))
	first, more, multi := strings.Cut(s, "\n")
	if i := outerIndex(first, rest); i >= 0 {
		// The model wrote the rest of the line itself: keep what it wrote
		// before it, and nothing after.
		return strings.TrimRight(first[:i], " \t")
	}
	if !multi {
		return cutCloserTail(first, rest)
	}
	var next []string
	if rest != "" {
		next = append(next, rest)
	}
	for _, l := range strings.Split(in.Suffix, "\n")[1:] {
		if t := strings.TrimSpace(l); t != "" {
			next = append(next, t)
			if len(next) > strings.Count(more, "\n")+1 {
				break
			}
		}
	}
	return cutLinesOverlap(s, next)
}

// outerIndex returns where rest begins in line outside any bracket the
// line opened itself, or -1. Text there closes what was open before the
// cursor, so the model is rewriting the rest of the line.
func outerIndex(line, rest string) int {
	if rest == "" {
		return -1
	}
	// When the rest of the line starts with a quote the cursor is inside
	// a string, and the first quote of line closes it: quotes are then not
	// tracked.
	trackQuotes := !strings.ContainsRune("\"'`", rune(rest[0]))
	depth := 0
	var quote byte
	for i := 0; i < len(line); i++ {
		c := line[i]
		if quote != 0 {
			switch c {
			case '\\':
				i++
			case quote:
				quote = 0
			}
			continue
		}
		if depth == 0 && strings.HasPrefix(line[i:], rest) {
			return i
		}
		switch c {
		case '(', '[', '{':
			depth++
		case ')', ']', '}':
			depth--
		case '"', '\'', '`':
			if trackQuotes {
				quote = c
			}
		}
	}
	return -1
}

// cutCloserTail cuts the end of line that is the beginning of rest, when
// that is closing punctuation: "b)" before ")" keeps "b".
func cutCloserTail(line, rest string) string {
	for k := min(len(rest), len(line)); k > 0; k-- {
		if strings.HasSuffix(line, rest[:k]) && isCloser(rest[:k]) {
			return strings.TrimRight(line[:len(line)-k], " \t")
		}
	}
	return line
}

// cutLinesOverlap removes trailing lines of s that repeat next, the
// non-blank lines after the cursor (compared without surrounding blanks).
func cutLinesOverlap(s string, next []string) string {
	if len(next) == 0 {
		return s
	}
	lines := strings.Split(s, "\n")
	for i := 1; i < len(lines); i++ {
		if matchesLines(lines[i:], next) {
			return strings.TrimRight(strings.Join(lines[:i], "\n"), " \t\n")
		}
	}
	return s
}

// closeOnOwnLine ends a block completion with a line break and the
// cursor line's indentation when the rest of the cursor's line closes the
// block: "if x {‸}" gets the "}" on a line of its own.
func (in Input) closeOnOwnLine(s string) string {
	rest := strings.TrimSpace(lineSuffix(in.Suffix))
	if in.Mode != Block || rest == "" || !isCloser(rest) || !strings.Contains(s, "\n") {
		return s
	}
	return s + "\n" + indentOf(linePrefix(in.Prefix))
}

// matchesLines reports whether the non-blank lines of tail equal the first
// lines of next, compared without surrounding blanks.
func matchesLines(tail, next []string) bool {
	j := 0
	for _, l := range tail {
		t := strings.TrimSpace(l)
		if t == "" {
			continue
		}
		if j >= len(next) || t != next[j] {
			return false
		}
		j++
	}
	return j > 0
}
