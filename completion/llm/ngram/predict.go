package ngram

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/lode-ls/lode/completion/llm"
	"github.com/lode-ls/lode/context/syntax"
)

// Name is the model name the embedded model reports (llm.Namer).
const Name = "lode-ngram"

var (
	_ llm.Model      = (*Model)(nil)
	_ llm.FIMer      = (*Model)(nil)
	_ llm.Predictor  = (*Model)(nil)
	_ llm.Namer      = (*Model)(nil)
	_ llm.Alternator = (*Model)(nil)
)

// ModelName implements llm.Namer.
func (m *Model) ModelName() string { return Name }

// CheapAlternatives implements llm.Alternator: an alternative (Request.N
// > 1) starts with another of the first tokens ranked anyway, and costs
// one more greedy walk of the line.
func (m *Model) CheapAlternatives() bool { return true }

// SupportsFIM implements llm.FIMer: the model reads the prefix (Prompt) and
// uses the suffix only to stop before repeating it.
func (m *Model) SupportsFIM() bool { return true }

// tailBytes is how much of the prefix a request reads: enough for the
// n-gram contexts and a cache of the tokens just written, small enough to
// parse in well under a millisecond.
const tailBytes = 512

// query is the model's view of one request, valid while the read lock that
// built it is held.
type query struct {
	s       scorer
	ov      overlay
	last    uint32 // the token before the cursor (or the word being typed)
	partial string // the part of a word typed before the cursor
	// spaced is set when the prefix ends with horizontal space, lineStart
	// when it ends at the start of a line.
	spaced, lineStart bool
	// gaps are the spacing of the tokens before the cursor (see
	// localGaps); nil in the evaluation, which measures the model's own.
	gaps *spacing
}

// errNoLanguage is returned when a request names no language the model
// can tokenize; the answer is then empty.
var errNoLanguage = errors.New("ngram: unknown language")

// withQuery lexes the end of req's prefix and calls f with the query under
// the read lock. f is not called when the cursor is inside a comment or a
// token the model cannot extend.
func (m *Model) withQuery(ctx context.Context, req *llm.Request, f func(q *query)) error {
	lang := syntax.Detect(req.Language, req.Path)
	if lang == nil {
		lang = syntax.ByName(req.Language)
	}
	if lang == nil {
		return errNoLanguage
	}
	if err := ctx.Err(); err != nil && !errors.Is(err, context.DeadlineExceeded) {
		return err // cancelled: the answer is not wanted
	}
	tail := tailOf(req.Prompt, tailBytes)
	// A deadline is a budget, not a cancellation: the parse of the tail
	// is short, and an answer from it, even late, beats none.
	pctx, stop := budgetOnly(ctx)
	tree, err := syntax.Parse(pctx, lang, []byte(tail))
	stop()
	if err != nil {
		return fmt.Errorf("ngram: %w", err)
	}
	lexemes := lex(tree, false)
	tree.Close()
	src := []byte(tail)

	var q query
	end := 0
	if n := len(lexemes); n > 0 {
		end = int(lexemes[n-1].end)
	}
	rest := tail[end:]
	if strings.TrimSpace(rest) != "" {
		return nil // inside a comment, or after text the grammar skipped
	}
	if n := len(lexemes); n > 0 && rest == "" && lexemes[n-1].class != classNewline && endsInWord(tail) {
		q.partial = string(lexemes[n-1].text(src))
		lexemes = lexemes[:n-1]
	}
	q.spaced = rest != "" && !strings.Contains(rest, "\n")
	q.lineStart = strings.Contains(rest, "\n") || len(lexemes) == 0 ||
		lexemes[len(lexemes)-1].class == classNewline

	m.mu.RLock()
	defer m.mu.RUnlock()
	q.ov = overlay{v: m.vocab}
	ids := make([]uint32, len(lexemes))
	for i, l := range lexemes {
		ids[i] = q.ov.id(l.text(src), l.class)
	}
	if len(ids) > 0 {
		q.last = ids[len(ids)-1]
	}
	q.gaps = localGaps(&q.ov, ids, lexemes)
	q.s = m.scorer(lang.Name, req.Path, ids, false)
	if self, ok := selfToken(&q, req.Suffix); ok {
		q.s.leaveOut(self)
	}
	f(&q)
	return nil
}

// selfToken returns the token that follows the cursor in the request's
// buffer, when it is known simply: the word at the cursor (the typed part
// and its rest in the suffix), or the line break when the rest of the line
// is blank.
func selfToken(q *query, suffix string) (uint32, bool) {
	if q.partial != "" {
		end := strings.IndexFunc(suffix, func(r rune) bool { return !isWordRune(r) })
		if end < 0 {
			end = len(suffix)
		}
		return q.ov.id([]byte(q.partial+suffix[:end]), classIdent), true
	}
	if line, _, _ := strings.Cut(suffix, "\n"); strings.TrimSpace(line) == "" && strings.Contains(suffix, "\n") {
		return q.ov.id(newlineBytes, classNewline), true
	}
	return 0, false
}

// scorer returns the nested models positioned after ids, the end of the
// document at path: the language's project level, the directory's and the
// file's (as last learned), and a cache of ids themselves. It runs under
// the read lock. wait says whether to wait for the directory and file
// levels when they must be built (see levelTable).
func (m *Model) scorer(lang, path string, ids []uint32, wait bool) scorer {
	s := scorer{}
	project := m.projectTable(lang)
	s.setBase(project, 0)
	n := needAsked
	if wait {
		n = needNow
	}
	for i, t := range []*table{project, m.dirTable(lang, path, n), m.fileTable(path, n)} {
		if t == nil {
			continue
		}
		boost := 1.0
		if i == 2 {
			boost = docBoost
		}
		s.levels = append(s.levels, level{t: t, w: t.start(), boost: boost, novel: i == 0, file: i > 0})
	}
	cache := newTable(m.localOrder())
	w := cache.start()
	// The other levels need only the last tokens as context.
	from := max(0, len(ids)-maxOrder)
	for _, id := range ids[:from] {
		w = cache.add(w, id, 1)
	}
	s.levels = append(s.levels, level{t: cache, w: w, open: true, boost: docBoost})
	for _, id := range ids[from:] {
		s.read(id)
	}
	return s
}

// tailOf returns the last n bytes of s or a little less, starting at a
// line start when s is longer.
func tailOf(s string, n int) string {
	if len(s) <= n {
		return s
	}
	t := s[len(s)-n:]
	if i := strings.IndexByte(t, '\n'); i >= 0 {
		return t[i+1:]
	}
	return t
}

func endsInWord(s string) bool {
	r, _ := utf8.DecodeLastRuneInString(s)
	return isWordRune(r)
}

// PredictNext implements llm.Predictor: the n most likely next words
// (identifiers, keywords, literals; punctuation is left out) at the end of
// req.Prompt. When the prompt ends inside a word, only words extending it
// are returned, and Text is the whole word, typed part included.
func (m *Model) PredictNext(ctx context.Context, req *llm.Request, n int) ([]llm.Prediction, error) {
	var out []llm.Prediction
	err := m.withQuery(ctx, req, func(q *query) {
		cands := q.s.candidates(n, perNode, 0, func(tok uint32) bool {
			c := q.ov.class(tok)
			return c != classPunct && c != classNewline && strings.HasPrefix(q.ov.text(tok), q.partial)
		})
		for _, c := range cands {
			out = append(out, llm.Prediction{Text: q.ov.text(c.tok), Score: c.p})
		}
	})
	if errors.Is(err, errNoLanguage) {
		return nil, nil
	}
	return out, err
}

// budgetOnly returns a context that ends when ctx is cancelled, but not
// when ctx's deadline passes, and its cancel function.
func budgetOnly(ctx context.Context) (context.Context, context.CancelFunc) {
	c, cancel := context.WithCancel(context.WithoutCancel(ctx))
	stop := context.AfterFunc(ctx, func() {
		if !errors.Is(ctx.Err(), context.DeadlineExceeded) {
			cancel()
		}
	})
	return c, func() {
		stop()
		cancel()
	}
}
