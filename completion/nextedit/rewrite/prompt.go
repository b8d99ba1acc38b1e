package rewrite

import (
	"fmt"
	"strings"

	"github.com/lode-ls/lode/completion/llm"
	"github.com/lode-ls/lode/completion/nextedit"
	"github.com/lode-ls/lode/context/redact"
	"github.com/lode-ls/lode/context/retrieve"
)

// The markers of Zeta's excerpt; the chat prompt shows the same excerpt.
const (
	markStart  = "<|editable_region_start|>"
	markEnd    = "<|editable_region_end|>"
	markCursor = "<|user_cursor_is_here|>"
	markBOF    = "<|start_of_file|>"
)

// zetaInstruction is the instruction Zeta was trained with: the model
// expects these words.
const zetaInstruction = "You are a code completion assistant and your task is to analyze user edits and then rewrite an excerpt that the user provides, suggesting the appropriate edits within the excerpt, taking into account the cursor location."

// chatSystem tells a chat model what to do with the same information.
const chatSystem = `You predict the next edit a programmer makes in their code editor.
You are shown their recent edits as unified diffs (oldest first), related code from their workspace, and an excerpt of the file they are editing. In the excerpt, the editable region lies between ` + markStart + ` and ` + markEnd + `, and ` + markCursor + ` marks the cursor.
Rewrite the editable region as it reads once the programmer has made the edits that naturally follow from their recent ones (the same change at other places, the rest of what they started). Change nothing else; keep the indentation and the unchanged lines exactly as they are. When no edit follows, repeat the region unchanged.
Answer with the rewritten region only, without the markers, in one fenced code block, and nothing else.`

// Limits of the recent edits shown.
const (
	maxHunkLines  = 24   // lines of each side of one diff
	historyBudget = 1024 // tokens of all the diffs
	maxRegion     = 8192 // bytes of an editable region; a longer one is not asked about
)

// excerpt is the part of the document the model sees: whole lines
// [start, end) around the editable region [rs, re) (re at the end of the
// region's last line, before its newline), as redacted for the prompt.
type excerpt struct {
	path, lang       string // the path as the prompt names it; the language id
	start, end       int
	rs, re           int
	cursor           int
	bof              bool     // the excerpt starts the file
	pre, post        []string // redacted lines before and after the region
	region           []string // redacted lines of the region
	origStarts       []int    // the region lines' start offsets in the document
	tainted          []bool   // per region line: redaction changed it
	cursorLine, col  int      // in region, in bytes of the redacted line
	crlf             bool     // the region's lines end in \r\n
	regionText, doc  string   // the region as sent (redacted), the document
	beforeCtx, after string   // the redacted excerpt lines just outside the region
}

// excerpt cuts the region and the excerpt around the cursor; nil when the
// region is too long to ask about.
func (p *Predictor) excerpt(in nextedit.ModelInput) *excerpt {
	doc := in.Text
	before := (p.opts.RegionLines - 1) / 3
	after := p.opts.RegionLines - 1 - before
	rs := back(doc, in.Cursor, before)
	re := forward(doc, in.Cursor, after)
	if re-rs > maxRegion {
		return nil
	}
	start := back(doc, rs, p.opts.ExcerptLines)
	end := forward(doc, re, p.opts.ExcerptLines)
	if end < len(doc) {
		end++ // the newline of the excerpt's last line
	}
	red := strings.Split(redact.Window(doc, start, end), "\n")
	orig := strings.Split(doc[start:end], "\n")
	if len(red) != len(orig) {
		return nil // redaction keeps lines; should it not, send nothing
	}
	npre := strings.Count(doc[start:rs], "\n")
	nreg := strings.Count(doc[rs:re], "\n") + 1
	x := &excerpt{path: in.Path, lang: in.LanguageID, start: start, end: end, rs: rs, re: re, cursor: in.Cursor, bof: start == 0, doc: doc}
	if p.opts.Rel != nil {
		x.path = p.opts.Rel(in.Path)
	}
	x.pre, x.region, x.post = red[:npre], red[npre:npre+nreg], red[npre+nreg:]
	if n := len(x.post); n > 0 && x.post[n-1] == "" {
		x.post = x.post[:n-1] // the excerpt's final newline
	}
	off := rs
	for i, l := range x.region {
		o := orig[npre+i]
		x.origStarts = append(x.origStarts, off)
		x.tainted = append(x.tainted, l != o)
		if in.Cursor >= off && in.Cursor <= off+len(o) {
			x.cursorLine, x.col = i, min(in.Cursor-off, len(l))
		}
		off += len(o) + 1
	}
	x.crlf = strings.HasSuffix(x.region[0], "\r")
	x.regionText = strings.Join(x.region, "\n")
	if len(x.pre) > 0 {
		x.beforeCtx = x.pre[len(x.pre)-1]
	}
	if len(x.post) > 0 {
		x.after = x.post[0]
	}
	return x
}

// back returns the start of the line n lines above the one holding off.
func back(doc string, off, n int) int {
	s := strings.LastIndexByte(doc[:off], '\n') + 1
	for ; n > 0 && s > 0; n-- {
		s = strings.LastIndexByte(doc[:s-1], '\n') + 1
	}
	return s
}

// forward returns the end (before its newline) of the line n lines below
// the one holding off.
func forward(doc string, off, n int) int {
	e := len(doc)
	if i := strings.IndexByte(doc[off:], '\n'); i >= 0 {
		e = off + i
	}
	for ; n > 0 && e < len(doc); n-- {
		if i := strings.IndexByte(doc[e+1:], '\n'); i >= 0 {
			e = e + 1 + i
		} else {
			e = len(doc)
		}
	}
	return e
}

// marked writes the excerpt in a fenced block named by the path, with the
// region's markers and the cursor's.
func (x *excerpt) marked() string {
	var b strings.Builder
	b.WriteString("```" + x.path + "\n")
	if x.bof {
		b.WriteString(markBOF + "\n")
	}
	for _, l := range x.pre {
		b.WriteString(l + "\n")
	}
	b.WriteString(markStart + "\n")
	for i, l := range x.region {
		if i == x.cursorLine {
			l = l[:x.col] + markCursor + l[x.col:]
		}
		b.WriteString(l + "\n")
	}
	b.WriteString(markEnd + "\n")
	for _, l := range x.post {
		b.WriteString(l + "\n")
	}
	b.WriteString("```")
	return b.String()
}

// history writes the recent edits as unified diffs, oldest first, the
// newest kept when they do not all fit; redacted.
func (p *Predictor) history(hunks []nextedit.Hunk) string {
	var parts []string
	used := 0
	for i := len(hunks) - 1; i >= 0 && len(parts) < p.opts.MaxHunks; i-- {
		d := p.hunkDiff(hunks[i])
		n := p.opts.Tokens.CountTokens(d)
		if used+n > historyBudget {
			break
		}
		used += n
		parts = append(parts, d)
	}
	for i, j := 0, len(parts)-1; i < j; i, j = i+1, j-1 {
		parts[i], parts[j] = parts[j], parts[i]
	}
	return strings.Join(parts, "\n\n")
}

// hunkDiff writes one hunk as Zeta reads an edit.
func (p *Predictor) hunkDiff(h nextedit.Hunk) string {
	path := h.Path
	if p.opts.Rel != nil {
		path = p.opts.Rel(h.Path)
	}
	old := strings.Split(h.Head+h.Old+h.Tail, "\n")
	cur := strings.Split(h.Head+h.New+h.Tail, "\n")
	var b strings.Builder
	fmt.Fprintf(&b, "User edited %q:\n```diff\n@@ -%d,%d +%d,%d @@\n", path, h.Line+1, len(old), h.Line+1, len(cur))
	for _, side := range []struct {
		sign  string
		lines []string
	}{{"-", old}, {"+", cur}} {
		for i, l := range side.lines {
			if i == maxHunkLines {
				b.WriteString(side.sign + "…\n")
				break
			}
			b.WriteString(side.sign + strings.TrimSuffix(l, "\r") + "\n")
		}
	}
	b.WriteString("```")
	return redact.String(b.String())
}

// snippets writes the workspace context, each snippet in a fenced block
// named by its path. The retriever has redacted them.
func (p *Predictor) snippets(bundle []retrieve.Snippet) string {
	var parts []string
	for _, s := range bundle {
		path := s.Path
		if p.opts.Rel != nil {
			path = p.opts.Rel(s.Path)
		}
		parts = append(parts, "```"+path+"\n"+strings.TrimSuffix(s.Text, "\n")+"\n```")
	}
	return strings.Join(parts, "\n\n")
}

// prompt writes the request for the excerpt x of the input's document,
// the recent edits and the context bundle, in the predictor's format.
func (p *Predictor) prompt(in nextedit.ModelInput, x *excerpt, bundle []retrieve.Snippet) *llm.Request {
	req := &llm.Request{Path: in.Path, Language: in.LanguageID, Temperature: p.opts.Temperature,
		MaxTokens: min(p.opts.MaxTokens, 2*p.opts.Tokens.CountTokens(x.regionText)+64)}
	edits, ctxt := p.history(in.Recent), p.snippets(bundle)
	if p.format == FormatZeta {
		var b strings.Builder
		b.WriteString("### Instruction:\n" + zetaInstruction + "\n\n")
		if ctxt != "" {
			b.WriteString("### Context:\n\n" + ctxt + "\n\n")
		}
		b.WriteString("### User Edits:\n\n" + edits + "\n\n")
		b.WriteString("### User Excerpt:\n\n" + x.marked() + "\n\n")
		b.WriteString("### Response:\n\n")
		req.Mode, req.Prompt, req.Stop = llm.ModeRaw, b.String(), []string{markEnd}
		return req
	}
	var b strings.Builder
	if ctxt != "" {
		b.WriteString("## Related code\n\n" + ctxt + "\n\n")
	}
	if edits != "" {
		b.WriteString("## Recent edits, oldest first\n\n" + edits + "\n\n")
	}
	b.WriteString("## Current file\n\n" + x.marked() + "\n")
	req.Mode = llm.ModeChat
	req.Messages = []llm.Message{{Role: "system", Content: chatSystem}, {Role: "user", Content: b.String()}}
	return req
}
