package completion

import (
	"context"
	"strings"
	"time"

	"github.com/lode-ls/lode/completion/llm"
	"github.com/lode-ls/lode/completion/postprocess"
	"github.com/lode-ls/lode/completion/prompt"
	"github.com/lode-ls/lode/context/redact"
	"github.com/lode-ls/lode/context/retrieve"
	"github.com/lode-ls/lode/internal/config"
)

// cursor is one request's document and cursor, as the prompt needs them.
type cursor struct {
	path, lang string
	doc        string
	off        int
	mode       postprocess.Mode
	n          int // candidates
	// companion is set when the embedded companion answers if the model
	// is late; wait is how long the model is waited for (waitModel: as
	// long as its call lasts).
	companion bool
	wait      time.Duration
}

// buildPrompt gathers the windows around the cursor and the workspace
// context under budget tokens and writes them for the model.
func (e *Engine) buildPrompt(ctx context.Context, c cursor, budget int, chat bool) (*Prompt, error) {
	cfg := e.config()
	count := e.tokens.CountTokens
	prefix := prompt.Tail(c.doc[:c.off], budget*cfg.PrefixShare/100, count)
	suffix := prompt.Head(c.doc[c.off:], budget*cfg.SuffixShare/100, count)
	used := count(prefix) + count(suffix)
	p := &Prompt{Path: c.path, Language: c.lang, Mode: c.mode, Budget: budget}
	if rest := budget - used; e.retriever != nil && rest > 0 {
		b, err := e.retrieve(ctx, retrieve.Request{
			Path: c.path, Language: c.lang, Content: c.doc, Offset: c.off, Budget: rest,
			PrefixStart: c.off - len(prefix), SuffixEnd: c.off + len(suffix),
		})
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if err != nil {
			e.log.Debug("completion: no workspace context", "path", c.path, "err", err)
		}
		p.Cut = b.Cut
		for _, s := range b.Snippets {
			if used+s.Tokens > budget {
				continue
			}
			used += s.Tokens
			s.Text = e.redactText(s.Text)
			p.Context = append(p.Context, s)
		}
	}
	p.Prefix, p.Suffix, p.Tokens = e.redactWindow(c.doc, c.off-len(prefix), c.off), e.redactWindow(c.doc, c.off, c.off+len(suffix)), used
	req := e.format.Format(p, chat)
	req.Path, req.Language = c.path, c.lang
	req.Temperature = cfg.Temperature
	req.N = e.candidates(e.model, c.n)
	if c.n > 1 {
		req.Temperature = max(req.Temperature, 0.6)
	}
	req.MaxTokens = cfg.MaxLineTokens
	if c.mode == postprocess.Block {
		req.MaxTokens = cfg.MaxTokens
		req.Indent = blockIndent(c.doc[:c.off])
	} else if req.Mode != llm.ModeChat && strings.TrimSpace(linePrefix(c.doc[:c.off])) != "" {
		req.Stop = append(req.Stop, "\n")
	}
	p.Request = req
	return p, nil
}

// retrieve asks the retriever for context within the time budget that
// the model's typical answer time leaves (see retrieveBudget): the
// retriever returns at the deadline with the sources that finished.
func (e *Engine) retrieve(ctx context.Context, req retrieve.Request) (retrieve.Bundle, error) {
	if d := retrieveBudget(e.config(), e.model.typicalTime()); d != waitModel {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, d)
		defer cancel()
	}
	return e.retriever.Retrieve(ctx, req)
}

// retrieveBudget returns the time budget of the context search for a
// model whose answers typically take typical (0: not known yet): the
// configured share of it, within the configured bounds; the upper bound
// while the model's time is not known; waitModel (no deadline) when the
// upper bound is negative.
func retrieveBudget(cfg *config.Completion, typical time.Duration) time.Duration {
	if cfg.RetrieveMaxMS < 0 {
		return waitModel
	}
	lo, hi := time.Duration(cfg.RetrieveMinMS)*time.Millisecond, time.Duration(cfg.RetrieveMaxMS)*time.Millisecond
	if typical <= 0 {
		return hi
	}
	return max(lo, min(hi, typical*time.Duration(cfg.RetrieveShare)/100))
}

func (e *Engine) redactText(s string) string {
	if e.redact != nil {
		return e.redact(s)
	}
	return redact.String(s)
}

func linePrefix(prefix string) string {
	return prefix[strings.LastIndexByte(prefix, '\n')+1:]
}

// blockIndent returns the least indentation, in blank characters (as
// llama.cpp's n_indent counts them), of a block body at the cursor: the
// line's own when the cursor is on an empty line, else one more than the
// line's.
func blockIndent(prefix string) int {
	line := linePrefix(prefix)
	indent := len(line) - len(strings.TrimLeft(line, " \t"))
	if indent == len(line) {
		return indent
	}
	return indent + 1
}

// estimate counts tokens as one per four bytes, for models that cannot
// count their own.
type estimate struct{}

func (estimate) CountTokens(s string) int { return (len(s) + 3) / 4 }
