package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"

	"github.com/lode-ls/lode/completion/explain"
	"github.com/lode-ls/lode/internal/config"
	"github.com/lode-ls/lode/internal/session"
)

func runExplain(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlags("explain", "usage: lode explain [flags] FILE[:LINE[:COL]|:START-END]\n\n"+
		"Explain the function or type at LINE (and COL, in bytes, both 1-based), the lines\n"+
		"START-END, or the whole (small) FILE, as markdown on stdout. Without a chat model the\n"+
		"explanation is structural; when the model fails, the structural explanation is\n"+
		"printed and the exit status is 3.", 1, 1, "one FILE[:LINE[:COL]|:START-END]")
	userConfig := fs.config()
	structural := fs.Bool("structural", false, "explain from the syntax tree and the index alone, without a model")
	asJSON := fs.Bool("json", false, "print the explanation as JSON (see docs/cli.md)")
	rest, code, ok := fs.parse(args, stdout, stderr)
	if !ok {
		return code
	}
	loc, err := parseLocation(rest[0])
	if err != nil {
		return fail(stderr, "explain", err, exitUsage)
	}
	abs, err := filepath.Abs(loc.path)
	if err != nil {
		return fail(stderr, "explain", err, exitUsage)
	}
	s, problems := session.Open(session.Options{Config: config.Inputs{UserFile: *userConfig}, Root: session.Root(abs), NoLearn: true})
	defer s.Close()
	if !printProblems("explain", problems, stderr) {
		return exitUsage
	}
	content, err := session.ReadSource(abs, 0, true) // over context.max_file_size: read in a window (Session.ExplainAt)
	if err != nil {
		return fail(stderr, "explain", err, exitOf(err))
	}
	if len(bytes.TrimSpace(content)) == 0 {
		fmt.Fprintf(stderr, "lode explain: nothing to explain: %s is empty\n", loc.path)
		return exitFailed
	}
	t, err := s.ExplainAt(abs, string(content), loc.line, loc.col, loc.endLine)
	if err != nil {
		return fail(stderr, "explain", err, exitUsage)
	}
	e := s.Explainer()
	if *structural {
		e = s.Structural()
	} else if _, err := s.ChatModel(); err != nil {
		return fail(stderr, "explain", err, exitUsage)
	}
	if err := s.Wait(ctx); err != nil {
		fmt.Fprintf(stderr, "lode explain: %v; going without project context\n", err)
	}
	ex, modelErr, err := s.ExplainOnce(ctx, e, t)
	code, down := exitOK, ""
	if modelErr != nil {
		code, down = exitUnavailable, s.DownMessage(config.FeatureExplain, modelErr)
		printDown(stderr, "explain", down)
		fmt.Fprintln(stderr, "lode explain: explaining structurally")
	}
	switch {
	case modelErr == nil && errors.Is(err, explain.ErrNothing):
		fmt.Fprintf(stderr, "lode explain: nothing to explain at %s: no function or type there; give a line range (FILE:START-END)\n", rest[0])
		return exitFailed
	case modelErr != nil && err != nil:
		return fail(stderr, "explain", err, exitFailed)
	case err != nil:
		return fail(stderr, "explain", err, exitOf(err))
	}
	printExplanation(stdout, ex, down, code, *asJSON)
	return code
}

// printExplanation prints an explanation's markdown, or as JSON with the
// model's failure (down) and the exit code.
func printExplanation(w io.Writer, ex *explain.Explanation, down string, code int, asJSON bool) {
	if !asJSON {
		fmt.Fprint(w, ex.Markdown)
		return
	}
	j := explainJSON{Markdown: ex.Markdown, Structural: ex.Structural, Model: ex.Model, ModelError: strings.TrimPrefix(down, "lode: "), Exit: code}
	if ex.Subject != nil {
		j.Title = ex.Subject.Name
	}
	writeJSON(w, j)
}

// explainJSON is the output of lode explain --json.
type explainJSON struct {
	Markdown   string `json:"markdown"`
	Title      string `json:"title,omitempty"`       // the function or type explained
	Structural bool   `json:"structural"`            // built without a model
	Model      string `json:"model,omitempty"`       // the model that wrote it
	ModelError string `json:"model_error,omitempty"` // why the model did not, when it failed
	Exit       int    `json:"exit"`
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
