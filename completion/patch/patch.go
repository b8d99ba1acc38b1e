// Package patch turns an instruction, or the diagnostics of a compiler or
// linter, into a patch a user can trust: it asks a model for search/replace
// blocks (or a rewritten region), parses the answer leniently, applies it,
// rejects edits that do not apply or add syntax errors, renders a unified
// diff that `git apply` accepts and checks it by applying it strictly. An
// optional verification command gets one retry with its output.
//
// The main types are Suggester, Request, Target, Patch and Result. Package
// patch depends on completion/llm and context/retrieve's types; it knows
// nothing of LSP, of a concrete provider or of the file system.
package patch

import (
	"cmp"
	"context"
	"errors"
	"fmt"

	"github.com/lode-ls/lode/completion/llm"
	"github.com/lode-ls/lode/context/redact"
	"github.com/lode-ls/lode/context/retrieve"
	"github.com/lode-ls/lode/context/syntax"
	"github.com/lode-ls/lode/context/workspace"
)

// Target is one file the patch may change, with an optional line range the
// instruction is about.
type Target struct {
	Path     string // slash-separated, relative to the root the diff applies at
	Language string // language id, for the syntax check; may be empty
	Content  string
	// StartLine and EndLine (1-based, inclusive) bound the region to
	// change; zero means the whole file.
	StartLine, EndLine int
}

// FileChange is a file's content before and after a patch.
type FileChange struct {
	Path     string
	Language string
	Old, New string
}

// Patch is a valid patch: its changes and their unified diff.
type Patch struct {
	Changes []FileChange
	Diff    string
}

// Request asks for a patch.
type Request struct {
	Instruction string // what to do; may be empty when Diagnostics are given
	Targets     []Target
	Diagnostics []Diagnostic
	// Context holds snippets of the project (definitions, callers) that
	// show the model the real APIs to use.
	Context []retrieve.Snippet
}

// Attempt records one answer of the model and what became of it.
type Attempt struct {
	Answer       string
	Patch        *Patch // the answer's patch, when it applied cleanly
	VerifyOutput string // the verification command's output, when it ran
	Err          error  // why the attempt is not valid; nil when it is
}

// Result is the outcome of Suggest: Patch is nil when no attempt was valid.
type Result struct {
	Patch    *Patch
	Attempts []Attempt
}

// SyntaxChecker counts syntax errors. ok is false when it cannot parse the
// language, and the check is skipped.
type SyntaxChecker interface {
	ErrorCount(ctx context.Context, path, language, content string) (n int, ok bool)
}

// VerifyFunc runs a check on the files with changes applied and returns
// its output; a non-nil error means the check failed.
type VerifyFunc func(ctx context.Context, changes []FileChange) (output string, err error)

var (
	// ErrSyntax reports a change that adds syntax errors to a file.
	ErrSyntax = errors.New("patch: the change adds syntax errors")
	// ErrVerify reports a patch the verification command rejected.
	ErrVerify = errors.New("patch: verification failed")
)

// MaxAttempts is how many times Suggest asks the model: once, and once more
// with the reason the first answer failed.
const MaxAttempts = 2

// Suggester asks a model for patches. Its fields are read-only once in use;
// it is safe for concurrent use when they are.
type Suggester struct {
	Model     llm.Model
	Syntax    SyntaxChecker       // optional: no syntax check when nil
	Verify    VerifyFunc          // optional: no verification when nil
	Redact    func(string) string // applied to every text sent; default redact.String
	MaxTokens int                 // 0 means 2048
}

// Suggest asks the model for a patch, and once more with the failure when
// the first answer is not valid. It returns an error only when the model
// cannot be asked (wrapping llm's sentinels) or ctx ends; an invalid answer
// is an Attempt with Err set, and a Result without Patch.
func (s *Suggester) Suggest(ctx context.Context, req *Request) (*Result, error) {
	if len(req.Targets) == 0 {
		return nil, errors.New("patch: no file to change")
	}
	for _, t := range req.Targets {
		if workspace.IsSecretFile(t.Path) {
			return nil, fmt.Errorf("patch: %w", redact.SecretFileError(t.Path))
		}
	}
	clean := s.Redact
	if clean == nil {
		clean = redact.String
	}
	msgs := messages(req, clean)
	res := new(Result)
	for range MaxAttempts {
		resp, err := s.Model.Complete(ctx, &llm.Request{
			Mode:        llm.ModeChat,
			Messages:    msgs,
			MaxTokens:   cmp.Or(s.MaxTokens, 2048),
			Temperature: 0.01,
		})
		if err != nil {
			return res, fmt.Errorf("patch: asking the model: %w", err)
		}
		at := s.evaluate(ctx, req, resp.Text())
		if err := ctx.Err(); err != nil {
			return res, err
		}
		res.Attempts = append(res.Attempts, at)
		if at.Err == nil {
			res.Patch = at.Patch
			return res, nil
		}
		msgs = append(msgs,
			llm.Message{Role: "assistant", Content: resp.Text()},
			llm.Message{Role: "user", Content: clean(feedback(at))})
	}
	return res, nil
}

// evaluate turns one answer into an Attempt.
func (s *Suggester) evaluate(ctx context.Context, req *Request, answer string) Attempt {
	at := Attempt{Answer: answer}
	p, err := s.build(ctx, req, answer)
	if err != nil {
		at.Err = err
		return at
	}
	at.Patch = p
	if s.Verify != nil {
		out, err := s.Verify(ctx, p.Changes)
		at.VerifyOutput = out
		if err != nil {
			at.Err = fmt.Errorf("%w: %v", ErrVerify, err)
		}
	}
	return at
}

// build parses and applies an answer, checks the syntax, and renders and
// checks the diff.
func (s *Suggester) build(ctx context.Context, req *Request, answer string) (*Patch, error) {
	a, err := ParseAnswer(answer)
	if err != nil {
		return nil, err
	}
	changes, err := Apply(a, req.Targets)
	if err != nil {
		return nil, err
	}
	if s.Syntax != nil {
		for _, c := range changes {
			before, ok := s.Syntax.ErrorCount(ctx, c.Path, c.Language, c.Old)
			if !ok {
				continue
			}
			after, _ := s.Syntax.ErrorCount(ctx, c.Path, c.Language, c.New)
			if after > before {
				return nil, fmt.Errorf("%w: %s has %d syntax errors after it, %d before", ErrSyntax, c.Path, after, before)
			}
		}
	}
	diff, err := Unified(changes)
	if err != nil {
		return nil, err
	}
	if err := Check(diff, changes); err != nil {
		return nil, err
	}
	return &Patch{Changes: changes, Diff: diff}, nil
}

// TreeSitter is the SyntaxChecker of context/syntax's grammars; it skips
// languages lode cannot parse.
type TreeSitter struct{}

var _ SyntaxChecker = TreeSitter{}

// ErrorCount parses content and counts its ERROR and MISSING nodes.
func (TreeSitter) ErrorCount(ctx context.Context, path, language, content string) (int, bool) {
	t, err := syntax.ParseDocument(ctx, language, path, []byte(content))
	if err != nil {
		return 0, false
	}
	defer t.Close()
	return t.ErrorCount(), true
}
