package patch

import (
	"errors"
	"fmt"
	"strings"

	"github.com/lode-ls/lode/completion/llm"
)

const system = `You are lode, a careful programmer who changes code in a real project.
Answer with search/replace blocks only, one per change, in exactly this form:

path/to/file.ext
<<<<<<< SEARCH
lines copied exactly from the file, with their indentation
=======
the lines that replace them
>>>>>>> REPLACE

Rules:
- The SEARCH part must match the file exactly and only once: include a line or two around the change.
- Keep blocks small; change only what the task needs.
- Use only functions, types and fields that exist in the files or in the project context shown; do not invent APIs.
- Keep the code compiling: balanced brackets, complete statements.
- No explanation before or after the blocks.`

// maxShownLines is the size above which a file is shown as a window
// around its region or its diagnostics instead of whole.
const maxShownLines = 600

// windowLines is how many lines around a region or diagnostic a large
// file shows.
const windowLines = 60

// maxFeedback bounds the verification output sent back to the model; its
// end is kept, where failures are usually reported.
const maxFeedback = 4000

// messages writes the chat prompt for req.
func messages(req *Request, redact func(string) string) []llm.Message {
	var b strings.Builder
	if len(req.Context) > 0 {
		b.WriteString("## Project context (for reference; do not change)\n\n")
		for _, s := range req.Context {
			fmt.Fprintf(&b, "%s, lines %d-%d (%s", s.Path, s.StartLine+1, s.EndLine+1, s.Reason)
			if s.Symbol != "" {
				fmt.Fprintf(&b, " of %s", s.Symbol)
			}
			fmt.Fprintf(&b, "):\n```\n%s\n```\n\n", strings.TrimRight(s.Text, "\n"))
		}
	}
	b.WriteString("## Files\n\n")
	for _, t := range req.Targets {
		writeTarget(&b, t, req.Diagnostics)
	}
	if len(req.Diagnostics) > 0 {
		b.WriteString("## Problems to fix\n\n")
		for _, d := range req.Diagnostics {
			fmt.Fprintf(&b, "- %s\n", d)
		}
		b.WriteString("\n")
	}
	b.WriteString("## Task\n\n")
	switch {
	case req.Instruction != "":
		b.WriteString(req.Instruction)
	default:
		b.WriteString("Fix the problems listed above.")
	}
	b.WriteString("\n\nAnswer with search/replace blocks only.")
	return []llm.Message{
		{Role: "system", Content: system},
		{Role: "user", Content: redact(b.String())},
	}
}

// writeTarget shows one file: whole when small, else the lines around its
// region or its diagnostics.
func writeTarget(b *strings.Builder, t Target, diags []Diagnostic) {
	lines := strings.SplitAfter(t.Content, "\n")
	if len(lines) > 0 && lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	from, to := 1, len(lines)
	if len(lines) > maxShownLines {
		center := t.StartLine
		for _, d := range diags {
			if center == 0 && d.Line > 0 && sameFile(d.Path, t.Path) {
				center = d.Line
			}
		}
		from = max(1, center-windowLines)
		to = min(len(lines), max(t.EndLine, center)+windowLines)
	}
	fmt.Fprintf(b, "%s", t.Path)
	if t.StartLine > 0 {
		fmt.Fprintf(b, " (change lines %d-%d)", t.StartLine, max(t.StartLine, t.EndLine))
	}
	if from > 1 || to < len(lines) {
		fmt.Fprintf(b, " [showing lines %d-%d of %d]", from, to, len(lines))
	}
	fmt.Fprintf(b, ":\n```%s\n", t.Language)
	for _, l := range lines[from-1 : to] {
		b.WriteString(l)
	}
	if to > 0 && !strings.HasSuffix(lines[to-1], "\n") {
		b.WriteString("\n")
	}
	if t.StartLine > 0 {
		fmt.Fprintf(b, "```\nThe lines to change (%d-%d):\n```%s\n", t.StartLine, max(t.StartLine, t.EndLine), t.Language)
		start, end := t.regionOffsets()
		b.WriteString(t.Content[start:end])
		if !strings.HasSuffix(t.Content[start:end], "\n") {
			b.WriteString("\n")
		}
	}
	b.WriteString("```\n\n")
}

// sameFile reports whether a diagnostic's path names the target's.
func sameFile(diag, target string) bool {
	diag = strings.TrimPrefix(diag, "./")
	return diag == target || strings.HasSuffix(diag, "/"+target) || strings.HasSuffix(target, "/"+diag)
}

// feedback tells the model why its answer failed.
func feedback(at Attempt) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Your answer could not be used: %v.\n", at.Err)
	if errors.Is(at.Err, ErrVerify) && at.VerifyOutput != "" {
		out := at.VerifyOutput
		if len(out) > maxFeedback {
			out = "…" + out[len(out)-maxFeedback:]
		}
		fmt.Fprintf(&b, "The check failed with this output:\n```\n%s\n```\n", strings.TrimRight(out, "\n"))
	}
	b.WriteString("Answer again with search/replace blocks against the original files shown above.")
	return b.String()
}
