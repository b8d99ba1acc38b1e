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
	"github.com/lode-ls/lode/completion/llm/ngram"
	"github.com/lode-ls/lode/context/retrieve"
	"github.com/lode-ls/lode/context/syntax"
	"github.com/lode-ls/lode/context/text"
	"github.com/lode-ls/lode/context/tokens"
	"github.com/lode-ls/lode/context/workspace"
	"github.com/lode-ls/lode/internal/background"
	"github.com/lode-ls/lode/internal/config"
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
	root := workspaceRoot(filepath.Dir(path))
	cfg, ok := loadCLIConfig(*userFile, root, "complete", stderr)
	if !ok {
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
	opts, closeAll, err := completionOptions(ctx, cfg, root, path, !*noContext, stderr)
	if err != nil {
		fmt.Fprintf(stderr, "lode complete: %v\n", err)
		return exitUsage
	}
	defer closeAll()
	if *replay {
		unlearnLine(opts, path, doc.String())
	}
	opts.Config.TimeoutMS = int(timeout.Milliseconds())
	e := completion.New(opts)
	defer e.Close()
	req := completion.Request{Path: path, Text: doc, Offset: off, Trigger: completion.Invoked, Candidates: *n}
	if *auto {
		req.Trigger = completion.Automatic
	}
	res, err := e.Complete(ctx, req)
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
	var none *background.Gate // a one-shot command serves no other request
	learnWorkspace(ctx, ws, ir, model, modelCache, none.Wait, logger)
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
