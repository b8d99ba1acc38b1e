package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"strings"
	"sync/atomic"

	"github.com/lode-ls/lode/completion"
	"github.com/lode-ls/lode/completion/llm"
	"github.com/lode-ls/lode/context/redact"
	"github.com/lode-ls/lode/context/text"
	"github.com/lode-ls/lode/internal/config"
	"github.com/lode-ls/lode/internal/session"
)

// runComplete is `lode complete FILE:LINE:COL`: the inline completion at a
// position, as an editor would get it, with what was sent on request.
func runComplete(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fl := newFlags("complete", "usage: lode complete [flags] FILE:LINE:COL   (LINE and COL count from 1; COL in bytes)\n\n"+
		"Print the inline completion an editor would get at the position. When the model\n"+
		"server fails, the embedded model answers (completion.fallback_embedded) and the\n"+
		"exit status is 3.", 1, 1, "one FILE:LINE:COL")
	userFile := fl.config()
	showPrompt := fl.Bool("show-prompt", false, "print what was sent to the model before the completion")
	n := fl.Int("n", 1, "candidates to ask for (an explicit invocation)")
	auto := fl.Bool("auto", false, "apply the automatic trigger policy, as when typing")
	noContext := fl.Bool("no-context", false, "send no workspace context (no indexing)")
	replay := fl.Bool("replay", false, "complete as if the rest of the line after COL were not written yet, then show what the file has there")
	timeout := fl.Duration("timeout", 0, "give up on the model after this long (default: completion.timeout_ms)")
	asJSON := fl.Bool("json", false, "print the result as JSON (see docs/cli.md)")
	rest, code, ok := fl.parse(args, stdout, stderr)
	if !ok {
		return code
	}
	path, line, col, err := parsePosition(rest[0])
	if err != nil {
		return fail(stderr, "complete", err, exitUsage)
	}
	root := session.Root(path)
	// Errors only: the breaker's one message says what the engine's
	// warnings would.
	logger := slog.New(redact.Handler(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelError})))
	s, problems := session.Open(session.Options{Config: config.Inputs{UserFile: *userFile}, Root: root, Logger: logger, NoIndex: *noContext})
	defer s.Close()
	if !printProblems("complete", problems, stderr) {
		return exitUsage
	}
	var down atomic.Pointer[string]
	s.OnModelHealth(func(h session.ModelHealth) {
		if h.Message != "" {
			down.Store(&h.Message)
		}
	})
	q := session.CompleteQuery{Path: path, Line: line, Col: col, Trigger: completion.Invoked,
		Candidates: *n, Replay: *replay, Timeout: *timeout}
	q.Warn = func(err error) { fmt.Fprintf(stderr, "lode complete: no workspace context: %v\n", err) }
	if *auto {
		q.Trigger = completion.Automatic
	}
	fc, err := s.CompleteAt(ctx, q)
	downMsg := ""
	if p := down.Load(); p != nil {
		downMsg = *p
	}
	if err != nil {
		return fail(stderr, "complete", err, exitOf(err))
	}
	res := fc.Result
	if *asJSON {
		return printCompletionJSON(stdout, stderr, res, downMsg)
	}
	if *showPrompt {
		for _, g := range res.Grounding {
			fmt.Fprintf(stdout, "# %s\n", g)
		}
		printPrompt(stdout, res.Prompt, root)
	}
	if *replay {
		printReplayHead(stdout, res, fc.Text, fc.Offset)
	}
	code = printCompletion(stdout, stderr, res, downMsg)
	if *replay {
		fmt.Fprintf(stdout, "## what the file has there\n%s\n", fc.Written)
	}
	return code
}

// printReplayHead introduces a replayed completion: the line up to the
// cursor, and what went into the prompt.
func printReplayHead(w io.Writer, res completion.Result, doc *text.Text, off int) {
	line := doc.LineOf(off)
	fmt.Fprintf(w, "## line %d up to the cursor (the rest hidden)\n%s\n", line+1, doc.String()[doc.LineStart(line):off])
	model := "no model call"
	if len(res.Items) > 0 {
		model = res.Items[0].Model
	}
	if p := res.Prompt; p != nil {
		fmt.Fprintf(w, "## lode's completion (%s; prompt of %d tokens with %d context snippets)\n", model, p.Tokens, len(p.Context))
	} else {
		fmt.Fprintf(w, "## lode's completion (%s)\n", model)
	}
}

// printPrompt prints what the engine sent: the parts, then the request in
// the model's format.
func printPrompt(w io.Writer, p *completion.Prompt, root string) {
	if p == nil {
		fmt.Fprintln(w, "# no model call")
		return
	}
	r := p.Request
	fmt.Fprintf(w, "# mode %s, %d of %d tokens, request %s, max_tokens %d, stop %q\n", p.Mode, p.Tokens, p.Budget, r.Mode, r.MaxTokens, r.Stop)
	for _, s := range p.Context {
		rel, err := filepath.Rel(root, s.Path)
		if err != nil {
			rel = s.Path
		}
		fmt.Fprintf(w, "# context %s:%d-%d (%s%s, %d tokens)\n", rel, s.StartLine+1, s.EndLine+1, s.Reason, symbolNote(s.Symbol), s.Tokens)
	}
	printRequest(w, r)
	fmt.Fprintln(w, "## completion")
}

// printRequest prints a model request as lode sent it: the chat
// messages, or the other files, prefix and suffix of a native
// fill-in-the-middle request, or the raw prompt.
func printRequest(w io.Writer, r *llm.Request) {
	switch r.Mode {
	case llm.ModeChat:
		for _, m := range r.Messages {
			fmt.Fprintf(w, "## %s\n%s\n", m.Role, m.Content)
		}
	case llm.ModeFIM:
		for _, s := range r.Extra {
			fmt.Fprintf(w, "## extra %s\n%s\n", s.Path, s.Text)
		}
		fmt.Fprintf(w, "## prefix\n%s\n## suffix\n%s\n", r.Prompt, r.Suffix)
	default:
		fmt.Fprintf(w, "## prompt\n%s\n", r.Prompt)
	}
}

func symbolNote(s string) string {
	if s == "" {
		return ""
	}
	return " of " + s
}

// printCompletion prints the candidates, separated by a line of dashes,
// and returns the exit code: a model that failed is exitUnavailable (with
// its message, and the embedded model's candidates when it answered),
// nothing to show is exitFailed, with the reason.
func printCompletion(stdout, stderr io.Writer, res completion.Result, down string) int {
	for i, it := range res.Items {
		if i > 0 {
			fmt.Fprintln(stdout, "----")
		}
		fmt.Fprintln(stdout, it.Insert)
	}
	if down != "" {
		printDown(stderr, "complete", down)
	}
	reason := noCompletionReason(res)
	switch {
	case down != "" || res.Err != nil && session.ModelFault(res.Err):
		if res.Err != nil && down == "" {
			printErr(stderr, "complete", res.Err)
		}
		return exitUnavailable
	case len(res.Items) > 0:
		return exitOK
	case res.Err != nil:
		return fail(stderr, "complete", res.Err, exitFailed)
	}
	fmt.Fprintf(stderr, "lode complete: no completion: %s\n", reason)
	return exitFailed
}

// noCompletionReason says why a result has no candidates.
func noCompletionReason(res completion.Result) string {
	switch {
	case len(res.Items) > 0:
		return ""
	case res.Err != nil:
		return res.Err.Error()
	case res.Skipped != "":
		return res.Skipped
	case res.Prompt == nil:
		return "no model was asked"
	}
	return "the model's answer was empty, or post-processing dropped it (it repeated the text after the cursor, or broke the syntax)"
}

// completeJSON is the output of lode complete --json.
type completeJSON struct {
	Items  []completeItem `json:"items"`                 // the candidates, best first
	Source string         `json:"source,omitempty"`      // "model", "fallback" (the embedded model), "cache", ...
	Reason string         `json:"reason,omitempty"`      // why there is no candidate
	Down   string         `json:"model_error,omitempty"` // the model's failure, as told to the user
	Exit   int            `json:"exit"`                  // the exit status
}

type completeItem struct {
	Insert string `json:"insert"` // the text inserted at the cursor
	Model  string `json:"model"`  // the model that wrote it
}

func printCompletionJSON(stdout, stderr io.Writer, res completion.Result, down string) int {
	out := completeJSON{Items: []completeItem{}, Source: res.Source, Reason: noCompletionReason(res), Down: strings.TrimPrefix(down, "lode: ")}
	for _, it := range res.Items {
		out.Items = append(out.Items, completeItem{Insert: it.Insert, Model: it.Model})
	}
	out.Exit = printCompletion(io.Discard, io.Discard, res, down)
	if out.Down == "" && res.Err != nil && session.ModelFault(res.Err) {
		out.Down = res.Err.Error()
	}
	writeJSON(stdout, out)
	return out.Exit
}
