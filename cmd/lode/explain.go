package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"time"

	"github.com/lode-ls/lode/completion/explain"
	"github.com/lode-ls/lode/completion/llm"
	"github.com/lode-ls/lode/context/text"
	"github.com/lode-ls/lode/internal/config"
	"github.com/lode-ls/lode/internal/session"
)

// Exit codes of explain and suggest.
const (
	exitOK          = 0
	exitFailed      = 1 // no valid patch, nothing to explain
	exitUsage       = 2 // usage or configuration error
	exitUnavailable = 3 // the model could not be reached
)

func runExplain(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("explain", flag.ContinueOnError)
	fs.SetOutput(stderr)
	userConfig := fs.String("config", "", "user settings `FILE` (default "+config.UserFile()+"; \"-\" for none)")
	structural := fs.Bool("structural", false, "explain from the syntax tree and the index alone, without a model")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: lode explain [flags] FILE[:LINE[:COL]|:START-END]\n\n"+
			"Explain the function or type at LINE (and COL, in bytes, both 1-based), the lines\n"+
			"START-END, or the whole (small) FILE, as markdown on stdout. Without a chat model the\n"+
			"explanation is structural. Exit status: 0 explained, 1 nothing to explain,\n"+
			"2 usage or configuration error, 3 model unreachable (a structural explanation is printed).\n\nFlags:\n")
		fs.PrintDefaults()
	}
	rest, err := parseInterleaved(fs, args)
	if err != nil {
		return usageExit(err)
	}
	if len(rest) != 1 {
		fs.Usage()
		return exitUsage
	}
	loc, err := parseLocation(rest[0])
	if err != nil {
		fmt.Fprintf(stderr, "lode explain: %v\n", err)
		return exitUsage
	}
	content, err := os.ReadFile(loc.path)
	if err != nil {
		fmt.Fprintf(stderr, "lode explain: %v\n", err)
		return exitUsage
	}
	abs, _ := filepath.Abs(loc.path)
	t, err := loc.target(abs, string(content))
	if err != nil {
		fmt.Fprintf(stderr, "lode explain: %v\n", err)
		return exitUsage
	}
	s, problems := session.Open(session.Options{Config: config.Inputs{UserFile: *userConfig}, Root: session.Root(abs), NoLearn: true})
	defer s.Close()
	printProblems("explain", problems, stderr)
	e := s.Explainer()
	if *structural {
		e = s.Structural()
	} else if _, err := s.ChatModel(); err != nil {
		fmt.Fprintf(stderr, "lode explain: %v\n", err)
		return exitUsage
	}
	if err := s.Wait(ctx); err != nil {
		fmt.Fprintf(stderr, "lode explain: %v; going without project context\n", err)
	}
	return explainTo(ctx, e, t, s.Config().Explain.Timeout, stdout, stderr)
}

// explainTo explains t within timeout and prints the markdown; a model
// failure prints a structural explanation saying why.
func explainTo(ctx context.Context, e *explain.Explainer, t explain.Target, timeout time.Duration, stdout, stderr io.Writer) int {
	if timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, timeout)
		defer cancel()
	}
	ex, err := e.Explain(ctx, t, nil)
	code := exitOK
	switch {
	case errors.Is(err, explain.ErrNothing):
		fmt.Fprintf(stderr, "lode explain: %v\n", err)
		return exitFailed
	case err != nil:
		code = modelExit(err)
		if code == exitUsage {
			fmt.Fprintf(stderr, "lode explain: %v\n", err)
			return code
		}
		fmt.Fprintf(stderr, "lode explain: %v; explaining structurally\n", err)
		if ex, err = e.Fallback(context.WithoutCancel(ctx), t, fmt.Sprintf("The model failed (%v)", err)); err != nil {
			fmt.Fprintf(stderr, "lode explain: %v\n", err)
			return exitFailed
		}
	}
	fmt.Fprint(stdout, ex.Markdown)
	return code
}

// modelExit maps a model error to an exit code: a configuration problem
// is 2, anything that means no answer came (unreachable, timed out) is 3,
// the rest 1.
func modelExit(err error) int {
	switch {
	case errors.Is(err, llm.ErrUnauthorized), errors.Is(err, llm.ErrUnknownModel):
		return exitUsage
	case errors.Is(err, llm.ErrUnavailable), errors.Is(err, context.DeadlineExceeded),
		errors.Is(err, llm.ErrRateLimited):
		return exitUnavailable
	}
	return exitFailed
}

// location is a FILE[:LINE[:COL]|:START-END] argument; lines and columns
// are 1-based, zero when absent.
type location struct {
	path               string
	line, col, endLine int
}

var locationPattern = regexp.MustCompile(`^(.+?):(\d+)(?::(\d+)|-(\d+))?$`)

func parseLocation(arg string) (location, error) {
	m := locationPattern.FindStringSubmatch(arg)
	if m == nil {
		return location{path: arg}, nil
	}
	l := location{path: m[1]}
	l.line, _ = strconv.Atoi(m[2])
	l.col, _ = strconv.Atoi(m[3])
	l.endLine, _ = strconv.Atoi(m[4])
	if l.line == 0 || m[3] != "" && l.col == 0 || m[4] != "" && l.endLine < l.line {
		return l, fmt.Errorf("bad location %q: lines and columns start at 1, START-END must not decrease", arg)
	}
	return l, nil
}

// target converts the location to an explain.Target over content.
func (l location) target(path, content string) (explain.Target, error) {
	t := explain.Target{Path: path, Content: content}
	if l.line == 0 {
		return t, nil
	}
	doc := text.New(content)
	if l.line > doc.LineCount() || l.endLine > doc.LineCount() {
		return t, fmt.Errorf("%s has %d lines", l.path, doc.LineCount())
	}
	switch {
	case l.endLine > 0:
		t.Start, t.End = doc.LineStart(l.line-1), doc.LineEnd(l.endLine-1)
	case l.col > 0:
		off, err := doc.Offset(text.Position{Line: l.line - 1, Character: l.col - 1}, text.UTF8)
		if err != nil {
			return t, err
		}
		t.Start, t.End = off, off
	default:
		line := doc.Line(l.line - 1)
		off := doc.LineStart(l.line-1) + len(line) - len(trimLeftSpace(line))
		t.Start, t.End = off, off
	}
	return t, nil
}

func trimLeftSpace(s string) string {
	for len(s) > 0 && (s[0] == ' ' || s[0] == '\t') {
		s = s[1:]
	}
	return s
}

// printProblems prints the configuration's problems: a bad setting keeps
// the value below it and is only a warning.
func printProblems(name string, problems []config.Problem, stderr io.Writer) {
	for _, p := range problems {
		fmt.Fprintf(stderr, "lode %s: %v\n", name, p)
	}
}

// parseInterleaved parses flags that may come after positional arguments
// (`lode suggest file.go -m "..."`) and returns the positional ones.
func parseInterleaved(fs *flag.FlagSet, args []string) ([]string, error) {
	var rest []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		left := fs.Args()
		if len(left) == 0 {
			return rest, nil
		}
		if n := len(args) - len(left); n > 0 && args[n-1] == "--" {
			return append(rest, left...), nil
		}
		rest = append(rest, left[0])
		args = left[1:]
	}
}

// usageExit is the exit code of a flag parsing error: 0 for -h.
func usageExit(err error) int {
	if errors.Is(err, flag.ErrHelp) {
		return exitOK
	}
	return exitUsage
}
