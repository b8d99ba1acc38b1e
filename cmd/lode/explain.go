package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/lode-ls/lode/completion/explain"
	"github.com/lode-ls/lode/completion/llm"
	"github.com/lode-ls/lode/completion/llm/health"
	"github.com/lode-ls/lode/completion/patch"
	"github.com/lode-ls/lode/context/retrieve"
	"github.com/lode-ls/lode/context/text"
	"github.com/lode-ls/lode/context/workspace"
	"github.com/lode-ls/lode/internal/config"
	"github.com/lode-ls/lode/lsp/server"
)

func runExplain(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("explain", flag.ContinueOnError)
	userConfig := fs.String("config", "", "user settings `FILE` (default "+config.UserFile()+"; \"-\" for none)")
	structural := fs.Bool("structural", false, "explain from the syntax tree and the index alone, without a model")
	asJSON := fs.Bool("json", false, "print the explanation as JSON (see docs/cli.md)")
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "usage: lode explain [flags] FILE[:LINE[:COL]|:START-END]\n\n"+
			"Explain the function or type at LINE (and COL, in bytes, both 1-based), the lines\n"+
			"START-END, or the whole (small) FILE, as markdown on stdout. Without a chat model the\n"+
			"explanation is structural; when the model fails, the structural explanation is\n"+
			"printed and the exit status is 3.\n\nFlags:\n")
		fs.PrintDefaults()
	}
	rest, code, ok := parseArgs(fs, args, stdout, stderr)
	if !ok {
		return code
	}
	if len(rest) != 1 {
		return usageError(stderr, "explain", "want one FILE[:LINE[:COL]|:START-END], got %d arguments", len(rest))
	}
	loc, err := parseLocation(rest[0])
	if err != nil {
		printErr(stderr, "explain", err)
		return exitUsage
	}
	abs, err := filepath.Abs(loc.path)
	if err != nil {
		printErr(stderr, "explain", err)
		return exitUsage
	}
	root := workspaceRoot(filepath.Dir(abs))
	cfg, ok := loadCLIConfig(*userConfig, root, "explain", stderr)
	if !ok {
		return exitUsage
	}
	content, err := readSource(abs, cfg.Context.MaxFileSize, true)
	if err != nil {
		printErr(stderr, "explain", err)
		return exitOf(err)
	}
	if len(bytes.TrimSpace(content)) == 0 {
		fmt.Fprintf(stderr, "lode explain: nothing to explain: %s is empty\n", loc.path)
		return exitFailed
	}
	t, err := loc.target(abs, string(content))
	if err != nil {
		printErr(stderr, "explain", err)
		return exitUsage
	}
	var model llm.Model
	if !*structural {
		if model, err = chatModel(cfg); err != nil {
			printErr(stderr, "explain", err)
			return exitUsage
		}
	}
	e := explain.New(model, explain.Options{
		Lookup: workspaceLookup(ctx, root, cfg, stderr), Budget: cfg.Explain.ContextBudget,
		MaxTokens: cfg.Explain.MaxTokens, CacheSize: 1,
	})
	out := explainOutput{stdout: stdout, stderr: stderr, json: *asJSON, where: rest[0], advice: modelAdvice(cfg, config.FeatureExplain)}
	return explainTo(ctx, e, t, cfg.Explain.Timeout, out)
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
	case err != nil && modelFault(err):
		code, modelErr = exitUnavailable, health.Message(health.Status{State: health.Down, Err: err}, out.advice)
		fmt.Fprintf(out.stderr, "%s\nlode explain: explaining structurally\n", strings.Replace(modelErr, "lode: ", "lode explain: ", 1))
		if ex, err = e.Fallback(context.WithoutCancel(ctx), t, fmt.Sprintf("The model failed (%v)", err)); err != nil {
			printErr(out.stderr, "explain", err)
			return exitFailed
		}
	case err != nil:
		printErr(out.stderr, "explain", err)
		return exitOf(err)
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

// target converts the location to an explain.Target over content.
func (l location) target(path, content string) (explain.Target, error) {
	t := explain.Target{Path: path, Content: content}
	if l.line == 0 {
		return t, nil
	}
	doc := text.New(content)
	if l.line > doc.LineCount() || l.endLine > doc.LineCount() {
		return t, inputError("line %d out of range (1-%d)", max(l.line, l.endLine), doc.LineCount())
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

// workspaceRoot returns the workspace of the command line: the nearest
// directory at or above dir holding .git or .lode.toml (where settings
// live), else the nearest holding go.mod, else dir. Every command uses it,
// so they share one index cache.
func workspaceRoot(dir string) string {
	if root, ok := markedDir(dir, ".git", config.WorkspaceFile); ok {
		return root
	}
	if root, ok := markedDir(dir, "go.mod"); ok {
		return root
	}
	return dir
}

// markedDir returns the nearest directory at or above dir holding one of
// markers.
func markedDir(dir string, markers ...string) (string, bool) {
	for d := dir; ; {
		for _, marker := range markers {
			if _, err := os.Stat(filepath.Join(d, marker)); err == nil {
				return d, true
			}
		}
		parent := filepath.Dir(d)
		if parent == d {
			return "", false
		}
		d = parent
	}
}

// loadCLIConfig loads the configuration for a command, printing problems:
// a bad setting keeps the value below it and is only a warning, except an
// unknown provider, which would silently put another model in its place.
// ok is false when the command must stop (exitUsage).
func loadCLIConfig(userFile, root, name string, stderr io.Writer) (cfg *config.Config, ok bool) {
	cfg, problems := config.Load(config.Inputs{UserFile: userFile, WorkspaceRoot: root})
	ok = cfg != nil
	for _, p := range problems {
		printErr(stderr, name, p)
		if p.Key == "provider" || strings.HasSuffix(p.Key, ".provider") {
			ok = false
		}
	}
	return cfg, ok
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

// chatModel returns the model explanations and patches use, or nil when
// that is the embedded model, which ranks tokens and does not chat.
func chatModel(cfg *config.Config) (llm.Model, error) {
	m, s, err := featureModel(cfg, config.FeatureExplain)
	if err != nil {
		return nil, err
	}
	if s.Provider == "embedded" {
		return nil, nil
	}
	return m, nil
}

// workspaceLookup indexes the workspace at root (starting from the index
// cached by earlier runs, and saving it back) and returns a lookup of its
// definitions and callers that reads files through the workspace's rules,
// so that ignored and secret files stay out. On failure it warns and
// returns nil: explanations then go without project context.
func workspaceLookup(ctx context.Context, root string, cfg *config.Config, stderr io.Writer) explain.Lookup {
	ws := workspace.New()
	ws.SetOptions(workspace.Options{MaxFileSize: int64(cfg.Context.MaxFileSize)})
	if err := ws.AddFolder(root); err != nil {
		fmt.Fprintf(stderr, "lode: %v; going without project context\n", err)
		return nil
	}
	ix, cachePath := retrieve.OpenIndex(root)
	ictx, stop := context.WithCancel(ctx)
	defer stop() // the index is built: stop following changes
	ir := retrieve.StartIndexing(ictx, ws, ix, retrieve.IndexOptions{CachePath: cachePath})
	if _, err := ir.Wait(ctx); err != nil {
		fmt.Fprintf(stderr, "lode: indexing %s: %v; going without project context\n", root, err)
		return nil
	}
	return explain.IndexLookup{Index: ix, Read: ws.ReadFile}
}

// explainService is the serve part behind explanations and patches: it
// implements lsp/server's Explainer and Patcher, and rebuilds its model
// when the configuration changes.
type explainService struct {
	lookup explain.Lookup
	logger *slog.Logger
	cur    atomic.Pointer[explainEngines]
}

var (
	_ server.Explainer = (*explainService)(nil)
	_ server.Patcher   = (*explainService)(nil)
)

// explainEngines are the engines of one configuration.
type explainEngines struct {
	explainer *explain.Explainer
	suggester *patch.Suggester
}

// newExplainService returns the service for cfg. lookup (the workspace
// index) may be nil: explanations then go without project context.
func newExplainService(cfg *config.Config, lookup explain.Lookup, logger *slog.Logger) *explainService {
	s := &explainService{lookup: lookup, logger: logger}
	s.Configure(cfg)
	return s
}

// Configure rebuilds the engines for a new configuration. A model that
// cannot be built leaves explanations structural and patches failing with
// the reason.
func (s *explainService) Configure(cfg *config.Config) {
	model, err := chatModel(cfg)
	if err != nil {
		s.logger.Warn("explain: no chat model", "err", err)
	}
	var sug llm.Model = unconfigured{err}
	if model != nil {
		sug = model
	}
	s.cur.Store(&explainEngines{
		explainer: explain.New(model, explain.Options{Lookup: s.lookup, Budget: cfg.Explain.ContextBudget,
			MaxTokens: cfg.Explain.MaxTokens, CacheSize: cfg.Explain.CacheSize}),
		suggester: &patch.Suggester{Model: sug, Syntax: patch.TreeSitter{}, MaxTokens: max(cfg.Explain.MaxTokens, 2048)},
	})
}

func (s *explainService) Explain(ctx context.Context, t explain.Target, progress explain.Progress) (*explain.Explanation, error) {
	return s.cur.Load().explainer.Explain(ctx, t, progress)
}

func (s *explainService) Fallback(ctx context.Context, t explain.Target, note string) (*explain.Explanation, error) {
	return s.cur.Load().explainer.Fallback(ctx, t, note)
}

func (s *explainService) Suggest(ctx context.Context, req *patch.Request) (*patch.Result, error) {
	return s.cur.Load().suggester.Suggest(ctx, req)
}

// unconfigured stands for a missing chat model: every call says why.
type unconfigured struct{ err error }

func (u unconfigured) Complete(context.Context, *llm.Request) (*llm.Response, error) {
	if u.err != nil {
		return nil, fmt.Errorf("%w: %v", llm.ErrUnknownModel, u.err)
	}
	return nil, fmt.Errorf("%w: patches need a chat model; the embedded model only completes code (set provider and model, or explain.model)", llm.ErrUnknownModel)
}
