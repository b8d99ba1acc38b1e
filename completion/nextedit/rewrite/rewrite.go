// Package rewrite predicts next edits with a language model: it shows the
// model the user's recent edits as unified diffs, the editable region
// around the cursor inside a larger excerpt of the document, and the
// workspace context of the cursor, and asks for the region rewritten.
// The answer is parsed leniently, diffed against the region line by line
// then character by character, and every edit must pass the syntax and
// grounding self-checks of completions before it is offered.
//
// Two prompt formats: Zeta's, the published format of Zed's open
// next-edit model (FormatZeta), and a chat prompt for any other model
// (FormatChat). The main types are Predictor (a nextedit.Model) and
// Options.
//
// Package rewrite depends on completion/nextedit, completion (the
// self-checks), completion/llm, context/retrieve and context/redact;
// never on LSP nor on a concrete provider.
package rewrite

import (
	"context"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/lode-ls/lode/completion"
	"github.com/lode-ls/lode/completion/llm"
	"github.com/lode-ls/lode/completion/nextedit"
	"github.com/lode-ls/lode/context/retrieve"
	"github.com/lode-ls/lode/context/syntax"
	"github.com/lode-ls/lode/context/workspace"
)

// Prompt formats, as the nextedit.format setting names them.
const (
	FormatAuto = "auto" // zeta when the model's name says so, else chat
	FormatZeta = "zeta" // Zeta's instruction prompt, raw completion
	FormatChat = "chat" // a chat conversation, the region in a fenced block
)

// Retriever finds the workspace context of a cursor; context/retrieve's
// Retriever is one. A deadline on ctx is a time budget.
type Retriever interface {
	Retrieve(ctx context.Context, req retrieve.Request) (retrieve.Bundle, error)
}

// Options configures a Predictor; zero values take the defaults.
type Options struct {
	// Model answers; required. ModelName chooses the format under
	// FormatAuto.
	Model     llm.Model
	ModelName string
	Format    string
	// Retriever supplies the context bundle; nil sends none.
	Retriever Retriever
	// Names looks the names an edit introduces up (completion.Names);
	// nil checks none. Grounding is completion's mode: off and show keep
	// an edit with a name declared nowhere, cut and drop drop it.
	Names     completion.Names
	Grounding string
	// SyntaxCheck drops the edits that add syntax errors.
	SyntaxCheck bool
	// Trees, if set, hands the check a tree of the request's text that
	// another reader parsed (the Retriever's, for its context search):
	// taken, the check parses nothing. nil, no tree, or no context
	// search reparses the last request's tree.
	Trees completion.Trees
	// Tokens counts tokens; nil estimates four bytes a token.
	Tokens llm.TokenCounter
	// Rel names a file in the prompt (relative to its workspace folder);
	// nil sends the path as is.
	Rel func(path string) string

	RegionLines   int           // lines of the editable region; default 12
	ExcerptLines  int           // lines shown on each side of the region; default 24
	ContextBudget int           // tokens of workspace context; default 512, negative none
	RetrieveTime  time.Duration // time budget of the context search; default 10ms, negative waits
	MaxHunks      int           // recent edits shown; default 8
	MaxTokens     int           // most tokens of an answer; default 1024
	Timeout       time.Duration // of the model call; default 4s, negative waits
	Temperature   float64       // default 0.05
	Logger        *slog.Logger
}

func (o Options) withDefaults() Options {
	if o.Format == "" {
		o.Format = FormatAuto
	}
	if o.RegionLines <= 0 {
		o.RegionLines = 12
	}
	if o.ExcerptLines <= 0 {
		o.ExcerptLines = 24
	}
	if o.ContextBudget == 0 {
		o.ContextBudget = 512
	}
	if o.RetrieveTime == 0 {
		o.RetrieveTime = 10 * time.Millisecond
	}
	if o.MaxHunks <= 0 {
		o.MaxHunks = 8
	}
	if o.MaxTokens <= 0 {
		o.MaxTokens = 1024
	}
	if o.Timeout == 0 {
		o.Timeout = 4 * time.Second
	}
	if o.Temperature <= 0 {
		o.Temperature = 0.05
	}
	if o.Tokens == nil {
		o.Tokens = estimate{}
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	return o
}

// estimate counts about four bytes a token.
type estimate struct{}

func (estimate) CountTokens(s string) int { return (len(s) + 3) / 4 }

// Predictor is a nextedit.Model over a language model. It is safe for
// concurrent use. It keeps the syntax tree of the last request, reparsed
// by the next; Close waits for the trees of finished requests, which are
// released after the answer, and closes the one kept.
type Predictor struct {
	opts   Options
	format string // FormatZeta or FormatChat

	closeMu sync.Mutex
	closed  bool
	last    lastCheck      // the last request's check, for the next one
	closing sync.WaitGroup // the goroutines releasing trees
}

var _ nextedit.Model = (*Predictor)(nil)

// New returns a Predictor.
func New(opts Options) *Predictor {
	opts = opts.withDefaults()
	return &Predictor{opts: opts, format: Resolve(opts.Format, opts.ModelName)}
}

// Resolve returns the format a setting chooses for a model: FormatZeta or
// FormatChat.
func Resolve(format, model string) string {
	switch format {
	case FormatZeta, FormatChat:
		return format
	}
	if strings.Contains(strings.ToLower(model), "zeta") {
		return FormatZeta
	}
	return FormatChat
}

// Format returns the prompt format the predictor writes.
func (p *Predictor) Format() string { return p.format }

// Predict asks the model to rewrite the region around in.Cursor and
// returns the edits its answer makes, those that pass the self-checks. A
// secret file is never sent. A model that fails or answers garbage gives
// no edits; the error says why.
func (p *Predictor) Predict(ctx context.Context, in nextedit.ModelInput) ([]nextedit.Edit, error) {
	if workspace.IsSecretFile(in.Path) || in.Cursor < 0 || in.Cursor > len(in.Text) {
		return nil, nil
	}
	x := p.excerpt(in)
	if x == nil {
		return nil, nil
	}
	bundle := p.context(ctx, in, x)
	if ctx.Err() != nil {
		return nil, ctx.Err()
	}
	req := p.prompt(in, x, bundle)
	// The document is parsed for the syntax check while the model thinks;
	// not sooner: the context search, which the prompt waits for, has the
	// cores to itself (and the offline predictor's).
	tree := p.parse(ctx, in)
	defer p.release(tree)
	mctx := ctx
	if p.opts.Timeout > 0 {
		var cancel context.CancelFunc
		mctx, cancel = context.WithTimeout(ctx, p.opts.Timeout)
		defer cancel()
	}
	resp, err := p.opts.Model.Complete(mctx, req)
	if err != nil {
		return nil, err
	}
	if len(resp.Choices) == 0 || resp.Choices[0].FinishReason == "length" {
		return nil, nil // a rewrite cut short would delete the rest of the region
	}
	region, ok := parse(resp.Choices[0].Text, x)
	if !ok {
		p.opts.Logger.Debug("next edit: the model's answer is not a rewrite of the region", "path", in.Path)
		return nil, nil
	}
	edits := p.check(ctx, in, diff(x, region), tree.wait())
	return edits, ctx.Err()
}

// pendingCheck is a syntax check being prepared in the background.
type pendingCheck struct {
	path, lang string
	ch         chan *completion.EditCheck
	once       sync.Once
	chk        *completion.EditCheck
}

// lastCheck is the check of the last request, kept to reparse the next
// request's text of the same document incrementally.
type lastCheck struct {
	path, lang string
	chk        *completion.EditCheck
}

// parse starts parsing the input's document for the syntax check: it
// takes opts.Trees' tree of the text, else reparses the last request's
// tree when it was of the same document; a nil check when the check is
// off.
func (p *Predictor) parse(ctx context.Context, in nextedit.ModelInput) *pendingCheck {
	pc := &pendingCheck{path: in.Path, lang: in.LanguageID, ch: make(chan *completion.EditCheck, 1)}
	if !p.opts.SyntaxCheck {
		pc.ch <- nil
		return pc
	}
	p.closeMu.Lock()
	prev := p.last
	if prev.chk != nil && prev.path == in.Path && prev.lang == in.LanguageID {
		p.last = lastCheck{} // this request owns it now
	} else {
		prev = lastCheck{}
	}
	p.closeMu.Unlock()
	go func() { // joined by wait, which Predict always calls
		chk := p.shared(ctx, in)
		if prev.chk != nil {
			if chk == nil {
				chk = prev.chk.Next(ctx, in.Text)
			}
			prev.chk.Close()
		}
		if chk == nil {
			chk = completion.NewEditCheck(ctx, in.LanguageID, in.Path, in.Text)
		}
		pc.ch <- chk
	}()
	return pc
}

// shared returns the check over the tree of the input's text that
// opts.Trees has, or nil. Without a context search, nothing has parsed
// the text: the trees' owner would reparse it, and outline it, for this
// check alone, where the check's own reparse does less.
func (p *Predictor) shared(ctx context.Context, in nextedit.ModelInput) *completion.EditCheck {
	if p.opts.Trees == nil || p.opts.Retriever == nil || p.opts.ContextBudget < 0 {
		return nil
	}
	lang := syntax.Detect(in.LanguageID, in.Path)
	if lang == nil {
		return nil
	}
	t := p.opts.Trees.Tree(ctx, in.Path, lang, in.Text)
	if t == nil {
		return nil
	}
	return completion.EditCheckOf(in.Text, t)
}

// release keeps the check's tree for the next request, once parsed,
// after the answer; the tree it replaces is closed then: freeing a large
// tree takes a while.
func (p *Predictor) release(pc *pendingCheck) {
	p.closeMu.Lock()
	defer p.closeMu.Unlock()
	if p.closed {
		pc.wait().Close()
		return
	}
	p.closing.Add(1)
	go func() {
		defer p.closing.Done()
		chk := pc.wait()
		if chk == nil {
			return
		}
		p.closeMu.Lock()
		old, closed := p.last.chk, p.closed
		if closed {
			// Close has begun, and closes what it finds kept: none
			// of these.
			p.last = lastCheck{}
		} else {
			p.last = lastCheck{path: pc.path, lang: pc.lang, chk: chk}
		}
		p.closeMu.Unlock()
		old.Close()
		if closed {
			chk.Close()
		}
	}()
}

// Close waits for the trees of finished requests to be released and
// closes the one kept; a request still running releases its own before
// it returns.
func (p *Predictor) Close() {
	p.closeMu.Lock()
	p.closed = true
	p.closeMu.Unlock()
	p.closing.Wait()
	p.closeMu.Lock()
	last := p.last.chk
	p.last = lastCheck{}
	p.closeMu.Unlock()
	last.Close()
}

// wait returns the check once parsed.
func (pc *pendingCheck) wait() *completion.EditCheck {
	pc.once.Do(func() { pc.chk = <-pc.ch })
	return pc.chk
}

// context returns the workspace context of the cursor, within the
// context budget and the time budget; nothing on failure.
func (p *Predictor) context(ctx context.Context, in nextedit.ModelInput, x *excerpt) []retrieve.Snippet {
	if p.opts.Retriever == nil || p.opts.ContextBudget < 0 {
		return nil
	}
	rctx := ctx
	if p.opts.RetrieveTime > 0 {
		var cancel context.CancelFunc
		rctx, cancel = context.WithTimeout(ctx, p.opts.RetrieveTime)
		defer cancel()
	}
	b, err := p.opts.Retriever.Retrieve(rctx, retrieve.Request{Path: in.Path, Language: in.LanguageID, Content: in.Text,
		Offset: in.Cursor, Budget: p.opts.ContextBudget, PrefixStart: x.start, SuffixEnd: x.end})
	if err != nil {
		return nil
	}
	return b.Snippets
}

// check keeps the edits that add no syntax error (as chk judges them;
// nil checks none) and introduce no name declared nowhere, in the
// document's offsets.
func (p *Predictor) check(ctx context.Context, in nextedit.ModelInput, edits []nextedit.Edit, chk *completion.EditCheck) []nextedit.Edit {
	if len(edits) == 0 {
		return nil
	}
	var declared func(qualifier, name string) (bool, bool)
	lang := ""
	if l := syntax.Detect(in.LanguageID, in.Path); l != nil {
		lang = l.Name
	}
	mode := p.opts.Grounding
	if p.opts.Names != nil && mode != "" && mode != completion.GroundOff && mode != completion.GroundShow {
		// The lookup is built on first use: most edits introduce no name
		// to look up, and building it reads the document's imports.
		var lookup func(qualifier, name string) (bool, bool)
		declared = func(qualifier, name string) (bool, bool) {
			if lookup == nil {
				lookup = p.opts.Names.Names(ctx, in.Path, in.Text)
			}
			return lookup(qualifier, name)
		}
		mode = completion.GroundDrop // an edit is offered whole or not at all
	}
	var out []nextedit.Edit
	for _, e := range edits {
		if chk.AddsErrors(ctx, e.Start, e.End, e.NewText) {
			continue
		}
		if declared != nil {
			doc := in.Text // an insertion's (most edits'): no copy
			if e.End > e.Start {
				doc = in.Text[:e.Start] + in.Text[e.End:]
			}
			if kept, _ := completion.Ground(declared, mode, lang, doc, e.Start, e.NewText); kept == "" && e.NewText != "" {
				continue
			}
		}
		e.Path, e.Kind, e.Version = in.Path, nextedit.KindModel, in.Version
		out = append(out, e)
	}
	return out
}
