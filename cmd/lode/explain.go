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
	"time"

	"github.com/lode-ls/lode/completion/explain"
	"github.com/lode-ls/lode/completion/llm/health"
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
	out := explainOutput{stdout: stdout, stderr: stderr, json: *asJSON, where: rest[0], advice: s.ModelAdvice(config.FeatureExplain)}
	return explainTo(ctx, e, t, s.Config().Explain.Timeout, out)
}

// explainOutput is where and how lode explain prints.
type explainOutput struct {
	stdout, stderr io.Writer
	json           bool
	where          string // the location as given
	advice         health.Advice
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

// explainTo explains t within timeout and prints the markdown; a model
// failure prints the one message naming the setting to fix, then a
// structural explanation, and exits exitUnavailable.
func explainTo(ctx context.Context, e *explain.Explainer, t explain.Target, timeout time.Duration, out explainOutput) int {
	if timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, timeout)
		defer cancel()
	}
	ex, err := e.Explain(ctx, t, nil)
	code, modelErr := exitOK, ""
	switch {
	case errors.Is(err, explain.ErrNothing):
		fmt.Fprintf(out.stderr, "lode explain: nothing to explain at %s: no function or type there; give a line range (FILE:START-END)\n", out.where)
		return exitFailed
	case err != nil && session.ModelFault(err):
		code, modelErr = exitUnavailable, health.Message(health.Status{State: health.Down, Err: err}, out.advice)
		printDown(out.stderr, "explain", modelErr)
		fmt.Fprintln(out.stderr, "lode explain: explaining structurally")
		if ex, err = e.Fallback(context.WithoutCancel(ctx), t, fmt.Sprintf("The model failed (%v)", err)); err != nil {
			return fail(out.stderr, "explain", err, exitFailed)
		}
	case err != nil:
		return fail(out.stderr, "explain", err, exitOf(err))
	}
	if out.json {
		j := explainJSON{Markdown: ex.Markdown, Structural: ex.Structural, Model: ex.Model, ModelError: strings.TrimPrefix(modelErr, "lode: "), Exit: code}
		if ex.Subject != nil {
			j.Title = ex.Subject.Name
		}
		writeJSON(out.stdout, j)
		return code
	}
	fmt.Fprint(out.stdout, ex.Markdown)
	return code
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
