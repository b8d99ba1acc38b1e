package completion

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/lode-ls/lode/completion/llm"
	"github.com/lode-ls/lode/completion/postprocess"
	"github.com/lode-ls/lode/context/syntax"
	"github.com/lode-ls/lode/internal/config"
)

// The embedded model answers in-process and reads only the end of the
// prefix (and the suffix, to stop before repeating it): its windows are
// cut in bytes, with no token counting and no workspace context, so that
// its answers stay instant.
const (
	localPrefix = 4096
	localSuffix = 1024
)

// localPrompt returns c's windows for the embedded model, redacted like
// every prompt, as a native fill-in-the-middle request.
func (e *Engine) localPrompt(c cursor) *Prompt {
	cfg := e.config()
	prefix := c.doc[:c.off]
	if start := len(prefix) - localPrefix; start > 0 {
		if i := strings.IndexByte(prefix[start:], '\n'); i >= 0 {
			start += i + 1
		}
		for start < len(prefix) && !utf8.RuneStart(prefix[start]) {
			start++
		}
		prefix = prefix[start:]
	}
	suffix := c.doc[c.off:]
	if len(suffix) > localSuffix {
		end := localSuffix
		if i := strings.LastIndexByte(suffix[:end], '\n'); i >= 0 {
			end = i + 1
		}
		for end > 0 && !utf8.RuneStart(suffix[end]) {
			end--
		}
		suffix = suffix[:end]
	}
	p := &Prompt{Path: c.path, Language: c.lang, Prefix: e.redactWindow(c.doc, c.off-len(prefix), c.off),
		Suffix: e.redactWindow(c.doc, c.off, c.off+len(suffix)), Mode: c.mode}
	req := &llm.Request{
		Mode: llm.ModeFIM, Prompt: p.Prefix, Suffix: p.Suffix, Path: c.path, Language: c.lang,
		MaxTokens: cfg.MaxLineTokens, Temperature: cfg.Temperature, N: e.candidates(e.embedded, c.n),
	}
	if c.mode == postprocess.Block {
		req.MaxTokens = cfg.MaxTokens
		req.Indent = blockIndent(c.doc[:c.off])
	} else if strings.TrimSpace(linePrefix(c.doc[:c.off])) != "" {
		req.Stop = []string{"\n"}
	}
	p.Request = req
	return p
}

// predict asks the predictor for up to n ranked next tokens at c, on a
// goroutine Close waits for, with the predict budget as the deadline of
// its context (the embedded model answers with what it has by then); the
// channel yields their items (none on failure).
func (e *Engine) predict(ctx context.Context, c cursor, lang *syntax.Language, n int) <-chan []Item {
	ch := make(chan []Item, 1)
	req := e.localPrompt(c).Request
	budget := predictBudget(e.config())
	e.work.Go(func() {
		ctx := ctx
		if budget != waitModel {
			var cancel context.CancelFunc
			ctx, cancel = context.WithTimeout(ctx, budget)
			defer cancel()
		}
		preds, err := e.predictor.PredictNext(ctx, req, n)
		if err != nil {
			e.log.Debug("completion: no ranked tokens", "path", c.path, "err", err)
		}
		ch <- tokenItems(c, lang, preds, e.predictorName)
	})
	return ch
}

// predictBudget returns the time budget of the ranked next tokens;
// waitModel when they are waited for.
func predictBudget(cfg *config.Completion) time.Duration {
	if cfg.PredictMS < 0 {
		return waitModel
	}
	return time.Duration(cfg.PredictMS) * time.Millisecond
}

// predictions waits for the items of predict. The predictor's context
// carries the predict budget: it answers by then with what it has
// (llm.Predictor implementations return when their context is done).
func predictions(ctx context.Context, ch <-chan []Item) []Item {
	select {
	case items := <-ch:
		return items
	case <-ctx.Done():
		return nil
	}
}

// tokenItems makes items of ranked next tokens: each replaces the word
// typed before the cursor, which it must extend.
func tokenItems(c cursor, lang *syntax.Language, preds []llm.Prediction, model string) []Item {
	start := wordStart(c.doc, c.off)
	typed := c.doc[start:c.off]
	var items []Item
	seen := map[string]bool{}
	for _, p := range preds {
		if len(p.Text) <= len(typed) || !strings.HasPrefix(p.Text, typed) || strings.ContainsAny(p.Text, "\r\n") || seen[p.Text] {
			continue
		}
		seen[p.Text] = true
		items = append(items, Item{
			Text: p.Text, Start: start, End: c.off, Insert: p.Text[len(typed):], FilterText: p.Text,
			Model: model, Mode: postprocess.Line, Kind: guessKind(lang, c.doc[:start], p.Text), Score: p.Score,
		})
	}
	return items
}

// memberAccess are the operators after which a name is a member.
var memberAccess = []string{".", "->", "::"}

// guessKind says what the token word, after the text before, probably is:
// a literal, a member, a keyword of lang (a word the grammar spells out),
// else an identifier.
func guessKind(lang *syntax.Language, before, word string) Kind {
	r, _ := utf8.DecodeRuneInString(word)
	switch {
	case r >= '0' && r <= '9' || r == '"' || r == '\'' || r == '`':
		return KindValue
	case !isIdent(r):
		return KindIdentifier
	}
	for _, op := range memberAccess {
		if strings.HasSuffix(before, op) && !strings.HasSuffix(before, "..") {
			return KindMember
		}
	}
	if lang == nil {
		return KindIdentifier
	}
	// A keyword is a token the grammar spells out, or one of the named
	// literals it classes with them (nil, true, self).
	ts := lang.TS()
	if ts.IdForNodeKind(word, false) != 0 {
		return KindKeyword
	}
	if id := ts.IdForNodeKind(word, true); id != 0 && lang.KindClass(id) == syntax.ClassKeyword {
		return KindKeyword
	}
	return KindIdentifier
}

// withPredictions appends the ranked token items to the line items,
// leaving out the tokens a line item already is.
func withPredictions(lines, tokens []Item) []Item {
	out := lines
	for _, t := range tokens {
		dup := false
		for _, l := range lines {
			dup = dup || l.Text == t.Text
		}
		if !dup {
			out = append(out, t)
		}
	}
	return out
}
