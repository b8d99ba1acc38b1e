package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"time"

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
	fl := flag.NewFlagSet("complete", flag.ContinueOnError)
	fl.SetOutput(stderr)
	userFile := fl.String("config", "", "user configuration file (default: the usual place; - for none)")
	showPrompt := fl.Bool("show-prompt", false, "print what was sent to the model before the completion")
	n := fl.Int("n", 1, "candidates to ask for (an explicit invocation)")
	auto := fl.Bool("auto", false, "apply the automatic trigger policy, as when typing")
	noContext := fl.Bool("no-context", false, "send no workspace context (no indexing)")
	replay := fl.Bool("replay", false, "complete as if the rest of the line after COL were not written yet, then show what the file has there")
	timeout := fl.Duration("timeout", 30*time.Second, "give up after this long")
	fl.Usage = func() {
		fmt.Fprintln(stderr, "usage: lode complete [flags] FILE:LINE:COL   (LINE and COL count from 1; COL in bytes)")
		fl.PrintDefaults()
	}
	rest, err := parseInterleaved(fl, args)
	if err != nil {
		return usageExit(err)
	}
	if len(rest) != 1 {
		fl.Usage()
		return exitUsage
	}
	path, line, col, err := parsePosition(rest[0])
	if err != nil {
		fmt.Fprintf(stderr, "lode complete: %v\n", err)
		return exitUsage
	}
	if path, err = filepath.Abs(path); err != nil {
		fmt.Fprintf(stderr, "lode complete: %v\n", err)
		return exitUsage
	}
	data, err := os.ReadFile(path)
	if err != nil {
		fmt.Fprintf(stderr, "lode complete: %v\n", err)
		return exitFailed
	}
	doc := text.New(string(data))
	if line < 1 || line > doc.LineCount() {
		fmt.Fprintf(stderr, "lode complete: line %d out of range (1-%d)\n", line, doc.LineCount())
		return exitUsage
	}
	off := min(doc.LineStart(line-1)+max(col, 1)-1, doc.LineEnd(line-1))
	written := ""
	if *replay {
		written = doc.String()[off:doc.LineEnd(line-1)]
		doc = text.New(doc.String()[:off] + doc.String()[doc.LineEnd(line-1):])
	}

	ctx, cancel := context.WithTimeout(ctx, *timeout)
	defer cancel()
	root := session.Root(path)
	logger := slog.New(redact.Handler(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn})))
	s, problems := session.Open(session.Options{Config: config.Inputs{UserFile: *userFile}, Root: root, Logger: logger, NoIndex: *noContext})
	defer s.Close()
	printProblems("complete", problems, stderr)
	cfg := *s.Config()
	cfg.Completion.TimeoutMS = int(timeout.Milliseconds())
	s.Configure(&cfg)
	if err := s.Wait(ctx); err != nil {
		fmt.Fprintf(stderr, "lode complete: no workspace context: %v\n", err)
	}
	if *noContext {
		s.LearnNear(ctx, path)
	}
	if *replay {
		s.LearnDocument(path, doc.String())
	} else {
		s.Prepare(path)
	}
	req := completion.Request{Path: path, Text: doc, Offset: off, Trigger: completion.Invoked, Candidates: *n}
	if *auto {
		req.Trigger = completion.Automatic
	}
	res, err := s.Completion().Complete(ctx, req)
	if err != nil {
		fmt.Fprintf(stderr, "lode complete: %v\n", err)
		return exitFailed
	}
	if *showPrompt {
		printPrompt(stdout, res.Prompt, root)
	}
	if *replay {
		printReplayHead(stdout, res, doc, off)
	}
	code := printCompletion(stdout, stderr, res)
	if *replay {
		fmt.Fprintf(stdout, "## what the file has there\n%s\n", written)
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
// and returns the exit code: a model failure is exitUnavailable, nothing
// to show is exitFailed.
func printCompletion(stdout, stderr io.Writer, res completion.Result) int {
	for i, it := range res.Items {
		if i > 0 {
			fmt.Fprintln(stdout, "----")
		}
		fmt.Fprintln(stdout, it.Insert)
	}
	switch {
	case len(res.Items) > 0:
		return exitOK
	case res.Err != nil:
		fmt.Fprintf(stderr, "lode complete: %v\n", res.Err)
		if errors.Is(res.Err, llm.ErrUnavailable) {
			return exitUnavailable
		}
		return exitFailed
	case res.Skipped != "":
		fmt.Fprintf(stderr, "lode complete: no completion: %s\n", res.Skipped)
	default:
		fmt.Fprintln(stderr, "lode complete: no completion")
	}
	return exitFailed
}
