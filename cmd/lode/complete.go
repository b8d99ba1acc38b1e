package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"

	"github.com/lode-ls/lode/completion"
	"github.com/lode-ls/lode/completion/llm"
	"github.com/lode-ls/lode/completion/llm/health"
	"github.com/lode-ls/lode/completion/llm/ngram"
	"github.com/lode-ls/lode/context/retrieve"
	"github.com/lode-ls/lode/context/syntax"
	"github.com/lode-ls/lode/context/text"
	"github.com/lode-ls/lode/context/tokens"
	"github.com/lode-ls/lode/context/workspace"
	"github.com/lode-ls/lode/internal/config"
)

// runComplete is `lode complete FILE:LINE:COL`: the inline completion at a
// position, as an editor would get it, with what was sent on request.
func runComplete(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fl := flag.NewFlagSet("complete", flag.ContinueOnError)
	userFile := fl.String("config", "", "user configuration file (default: the usual place; - for none)")
	showPrompt := fl.Bool("show-prompt", false, "print what was sent to the model before the completion")
	n := fl.Int("n", 1, "candidates to ask for (an explicit invocation)")
	auto := fl.Bool("auto", false, "apply the automatic trigger policy, as when typing")
	noContext := fl.Bool("no-context", false, "send no workspace context (no indexing)")
	replay := fl.Bool("replay", false, "complete as if the rest of the line after COL were not written yet, then show what the file has there")
	timeout := fl.Duration("timeout", 0, "give up on the model after this long (default: completion.timeout_ms)")
	asJSON := fl.Bool("json", false, "print the result as JSON (see docs/cli.md)")
	fl.Usage = func() {
		fmt.Fprintf(fl.Output(), "usage: lode complete [flags] FILE:LINE:COL   (LINE and COL count from 1; COL in bytes)\n\n"+
			"Print the inline completion an editor would get at the position. When the model\n"+
			"server fails, the embedded model answers (completion.fallback_embedded) and the\n"+
			"exit status is 3.\n\nFlags:\n")
		fl.PrintDefaults()
	}
	rest, code, ok := parseArgs(fl, args, stdout, stderr)
	if !ok {
		return code
	}
	if len(rest) != 1 {
		return usageError(stderr, "complete", "want one FILE:LINE:COL, got %d arguments", len(rest))
	}
	path, line, col, err := parsePosition(rest[0])
	if err != nil {
		printErr(stderr, "complete", err)
		return exitUsage
	}
	if path, err = filepath.Abs(path); err != nil {
		printErr(stderr, "complete", err)
		return exitUsage
	}
	root := workspaceRoot(filepath.Dir(path))
	cfg, ok := loadCLIConfig(*userFile, root, "complete", stderr)
	if !ok {
		return exitUsage
	}
	data, err := readSource(path, cfg.Context.MaxFileSize, false)
	if err != nil {
		printErr(stderr, "complete", err)
		return exitOf(err)
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

	opts, closeAll, err := completionOptions(ctx, cfg, root, path, !*noContext, stderr)
	if err != nil {
		printErr(stderr, "complete", err)
		return exitUsage
	}
	defer closeAll()
	if *replay {
		unlearnLine(opts, path, doc.String())
	}
	if *timeout > 0 {
		opts.Config.TimeoutMS = int(timeout.Milliseconds())
	}
	req := completion.Request{Path: path, Text: doc, Offset: off, Trigger: completion.Invoked, Candidates: *n}
	if *auto {
		req.Trigger = completion.Automatic
	}
	res, down, err := completeOnce(ctx, opts, cfg, req, stderr)
	if err != nil {
		printErr(stderr, "complete", err)
		return exitOf(err)
	}
	if *asJSON {
		return printCompletionJSON(stdout, stderr, res, down)
	}
	if *showPrompt {
		printPrompt(stdout, res.Prompt, root)
	}
	if *replay {
		printReplayHead(stdout, res, doc, off)
	}
	code = printCompletion(stdout, stderr, res, down)
	if *replay {
		fmt.Fprintf(stdout, "## what the file has there\n%s\n", written)
	}
	return code
}

// completeOnce answers req as the server would: a server model sits behind
// the same circuit breaker, so that when it fails the embedded model
// answers. down is the one message of the model's failure, "" when it did
// not fail.
func completeOnce(ctx context.Context, opts completion.Options, cfg *config.Config, req completion.Request, stderr io.Writer) (res completion.Result, down string, err error) {
	var downMsg atomic.Pointer[string]
	if opts.Embedded != nil {
		h := watchModel(opts.Model, cfg, config.FeatureCompletion, func(st health.Status, msg string) {
			if msg != "" {
				downMsg.Store(&msg)
			}
		})
		defer h.Close()
		opts.Model = h
		// The breaker's message says what the engine's warnings would.
		opts.Logger = slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelError}))
	}
	e := completion.New(opts)
	defer e.Close()
	res, err = e.Complete(ctx, req)
	if err == nil && res.Err != nil && modelFault(res.Err) && opts.Embedded != nil && opts.Config.Fallback {
		// The model failed after its budget (a hang): the next request
		// is answered from the embedded model at once, as in the server.
		res, err = e.Complete(ctx, req)
	}
	if p := downMsg.Load(); p != nil {
		down = *p
	}
	return res, down, err
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

// completionEngineOptions returns the engine's options for a configuration: the
// completion model and its prompt format, and, when the model is a server
// and fallback_embedded is on, embedded as the fallback (nil: none). It is
// shared by lode complete and lode serve (which passes its workspace
// retriever and trained embedded model).
func completionEngineOptions(cfg *config.Config, r completion.Retriever, embedded llm.Model, logger *slog.Logger) (completion.Options, error) {
	m, setup, err := featureModel(cfg, config.FeatureCompletion)
	if err != nil {
		return completion.Options{}, err
	}
	opts := completion.Options{
		Config:    cfg.Completion,
		Model:     m,
		ModelName: setup.ModelID,
		Format:    newFormat(setup, m),
		Tokens:    tokens.New(),
		Retriever: r,
		Logger:    logger,
	}
	if setup.Provider == "embedded" {
		opts.ModelName = "embedded"
		if embedded != nil {
			// The model the caller trained, not the empty one featureModel made.
			opts.Model, opts.Format = embedded, newFormat(setup, embedded)
		}
	} else if embedded != nil {
		opts.Embedded = embedded // consulted per setting, as in lode serve
	}
	return opts, nil
}

// completionOptions builds the options of lode complete: a retriever over
// the workspace at root (with withContext), and an embedded model taught
// the files next to path. closeAll releases what it opened.
func completionOptions(ctx context.Context, cfg *config.Config, root, path string, withContext bool, stderr io.Writer) (completion.Options, func(), error) {
	closeAll := func() {}
	var r completion.Retriever
	ng := ngram.New(ngram.Options{})
	logger := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	learned := false
	if withContext {
		wr, err := workspaceRetriever(ctx, root, ng, logger)
		if err != nil {
			fmt.Fprintf(stderr, "lode complete: no workspace context: %v\n", err)
		} else {
			r, closeAll, learned = wr, wr.Close, true
		}
	}
	opts, err := completionEngineOptions(cfg, r, ng, logger)
	if err != nil {
		closeAll()
		return opts, func() {}, err
	}
	if m, ok := opts.Model.(*ngram.Model); ok {
		ng = m
	}
	if !learned && (opts.Embedded != nil || opts.Model == llm.Model(ng)) {
		learnDir(ctx, ng, filepath.Dir(path), filepath.Ext(path))
	}
	ng.Flush()           // count what was learned in bulk
	ng.Prepare("", path) // a single request: build the document's levels first
	return opts, closeAll, nil
}

// workspaceRetriever indexes the workspace at root (through the index
// cache), teaches the embedded model model the workspace (through its own
// cache) and returns a retriever over the index.
func workspaceRetriever(ctx context.Context, root string, model *ngram.Model, logger *slog.Logger) (*retrieve.Retriever, error) {
	ws := workspace.New()
	if err := ws.AddFolder(root); err != nil {
		return nil, err
	}
	ix, cachePath := retrieve.OpenIndex(root)
	teach(ix, model, logger)
	modelCache := loadEmbedded(model, root, logger)
	ir := retrieve.StartIndexing(ctx, ws, ix, retrieve.IndexOptions{CachePath: cachePath})
	if _, err := ir.Wait(ctx); err != nil {
		return nil, fmt.Errorf("indexing: %w", err)
	}
	learnWorkspace(ctx, ws, ir, model, modelCache, logger)
	return retrieve.New(ws, ix, tokens.New(), retrieve.Options{}), nil
}

// learnDir teaches the embedded model the files of dir with extension ext,
// so that it has something to predict from on the command line.
func learnDir(ctx context.Context, m *ngram.Model, dir, ext string) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	for _, e := range entries {
		p := filepath.Join(dir, e.Name())
		if e.IsDir() || filepath.Ext(p) != ext || workspace.IsSecretFile(p) || ctx.Err() != nil {
			continue
		}
		src, err := os.ReadFile(p)
		if err != nil {
			continue
		}
		lang := syntax.Detect("", p)
		tree, err := syntax.Parse(ctx, lang, src)
		if err != nil {
			tree = nil
		}
		_ = m.Learn(p, lang, src, tree) // a file the model cannot learn is skipped
		if tree != nil {
			tree.Close()
		}
	}
}

// unlearnLine makes the embedded model of opts (if any) learn the
// document as replayed, without the rest of the line it hides, so that the
// completion is not copied from the file the model was taught.
func unlearnLine(opts completion.Options, path, content string) {
	for _, m := range []llm.Model{opts.Model, opts.Embedded} {
		if ng, ok := m.(*ngram.Model); ok {
			_ = ng.Learn(path, syntax.Detect("", path), []byte(content), nil) // a file it cannot learn stays as it was
			ng.Prepare("", path)
		}
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
	fmt.Fprintln(w, "## completion")
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
		fmt.Fprintln(stderr, strings.Replace(down, "lode: ", "lode complete: ", 1))
	}
	reason := noCompletionReason(res)
	switch {
	case down != "" || res.Err != nil && modelFault(res.Err):
		if res.Err != nil && down == "" {
			printErr(stderr, "complete", res.Err)
		}
		return exitUnavailable
	case len(res.Items) > 0:
		return exitOK
	case res.Err != nil:
		printErr(stderr, "complete", res.Err)
		return exitFailed
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
	if out.Down == "" && res.Err != nil && modelFault(res.Err) {
		out.Down = res.Err.Error()
	}
	writeJSON(stdout, out)
	return out.Exit
}
