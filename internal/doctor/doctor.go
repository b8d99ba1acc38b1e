// Package doctor is lode doctor: where each setting came from, the
// provider, model and template each feature resolves to, whether each
// endpoint answers and how fast, whether fill-in-the-middle works, and for
// each problem the exact fix. cmd/lode parses its flags.
package doctor

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/lode-ls/lode/completion"
	"github.com/lode-ls/lode/completion/llm"
	"github.com/lode-ls/lode/completion/llm/llamacpp"
	"github.com/lode-ls/lode/completion/llm/provider"
	"github.com/lode-ls/lode/completion/prompt"
	"github.com/lode-ls/lode/context/text"
	"github.com/lode-ls/lode/internal/config"
	"github.com/lode-ls/lode/internal/session"
	"github.com/lode-ls/lode/internal/wire"
)

// Options configure a Run: the flags of lode doctor.
type Options struct {
	Inputs  config.Inputs // the configuration's layers
	Timeout time.Duration // for each check
	Offline bool          // show the configuration only; contact no server
	JSON    bool          // print the report as JSON (docs/cli.md)
}

// Run checks the configuration and every model server it names, with the
// requests completion itself makes (endpoint, template, streaming, stop
// sequences). It prints the report to w, unless o.JSON, and returns it.
// w should redact credentials (redact.NewWriter): the report shows where
// they are set.
func Run(ctx context.Context, o Options, w io.Writer) *Report {
	cfg, cfgProblems := config.Load(o.Inputs)
	d := &doctor{inputs: o.Inputs, cfg: cfg, out: w, timeout: o.Timeout, offline: o.Offline,
		rep: &Report{Settings: []config.Setting{}, Models: []Model{}, Problems: []Problem{}}}
	if o.JSON {
		d.out = io.Discard
	}
	for _, p := range cfgProblems {
		d.problem("configuration", p.Error(), "correct or remove the setting in "+p.Source)
	}
	d.settings()
	d.features(ctx)
	d.report()
	return d.rep
}

type doctor struct {
	inputs   config.Inputs // the configuration's layers
	cfg      *config.Config
	out      io.Writer
	timeout  time.Duration
	offline  bool
	problems []finding
	rep      *Report // what it found, for --json too
}

type finding struct{ where, what, fix string }

// Report is what lode doctor found: the output of lode doctor --json.
type Report struct {
	Settings []config.Setting `json:"settings"` // those not at their default, and the model settings
	Models   []Model          `json:"models"`   // one per feature
	Problems []Problem        `json:"problems"`
}

// Model is what a feature's model resolved to, and each check.
type Model struct {
	Feature string  `json:"feature"`
	Model   string  `json:"model"`
	Checks  []Check `json:"checks"`
}

// Check is one check of a model and its result.
type Check struct {
	Name   string `json:"name"`
	Result string `json:"result"`
}

// Problem is a problem found, where, and its fix.
type Problem struct {
	Where string `json:"where"`
	What  string `json:"what"`
	Fix   string `json:"fix"`
}

func (d *doctor) problem(where, what, fix string) {
	d.problems = append(d.problems, finding{where, what, fix})
	d.rep.Problems = append(d.rep.Problems, Problem{where, what, fix})
}

// settings prints every setting a layer other than the defaults set, and
// the model settings, with their sources.
func (d *doctor) settings() {
	fmt.Fprintln(d.out, "Settings (only those not at their default; `lode config` lists all):")
	tw := tabwriter.NewWriter(d.out, 0, 4, 2, ' ', 0)
	n := 0
	for _, s := range d.cfg.Settings() {
		if s.Source == config.SourceDefault && !isModelKey(s.Key) {
			continue
		}
		fmt.Fprintf(tw, "  %s\t%s\t%s\n", s.Key, s.Value, s.Source)
		d.rep.Settings = append(d.rep.Settings, s)
		n++
	}
	tw.Flush()
	if n == 0 {
		fmt.Fprintln(d.out, "  (all defaults)")
	}
	fmt.Fprintln(d.out)
}

func isModelKey(key string) bool {
	switch key {
	case "provider", "base_url", "model", "api_key":
		return true
	}
	return false
}

// features resolves and checks the model of each feature, each distinct
// model once.
func (d *doctor) features(ctx context.Context) {
	checked := map[string]string{}
	for _, feature := range []string{config.FeatureCompletion, config.FeatureExplain} {
		r, err := d.cfg.FeatureModel(feature)
		if err != nil {
			fmt.Fprintf(d.out, "%s: %v\n\n", feature, err)
			d.problem(feature, err.Error(), fmt.Sprintf("set %s.model to a defined [models.NAME], or add that section", feature))
			continue
		}
		fmt.Fprintf(d.out, "%s → %s\n", feature, r.Label())
		d.rep.Models = append(d.rep.Models, Model{Feature: feature, Model: r.Label(), Checks: []Check{}})
		if prev, ok := checked[r.Label()]; ok {
			fmt.Fprintf(d.out, "  (same model as %s, see above)\n\n", prev)
			continue
		}
		checked[r.Label()] = feature
		d.checkModel(ctx, feature, r)
		fmt.Fprintln(d.out)
	}
}

func (d *doctor) line(label, format string, args ...any) {
	text := fmt.Sprintf(format, args...)
	fmt.Fprintf(d.out, "  %-20s %s\n", label, text)
	if len(d.rep.Models) > 0 {
		m := &d.rep.Models[len(d.rep.Models)-1]
		m.Checks = append(m.Checks, Check{label, text})
	}
}

// checkModel prints what a model resolves to and checks its server.
func (d *doctor) checkModel(ctx context.Context, feature string, r config.ResolvedModel) {
	m, s, err := provider.New(r, os.Getenv)
	where := feature + " (" + r.Label() + ")"
	if err != nil {
		d.line("error", "%v", err)
		d.problem(where, err.Error(), "correct "+sectionName(r))
		return
	}
	if c, ok := m.(interface{ CloseIdleConnections() }); ok {
		defer c.CloseIdleConnections()
	}
	if s.Embedded() {
		d.line("provider", "embedded offline model (no server, learns from the workspace)")
		return
	}
	d.line("provider", "%s at %s (base_url from %s)", s.Provider.Name, s.BaseURL, d.source(s, "base_url"))
	d.line("model", "%q (from %s)", s.ModelID, d.source(s, "model"))
	d.line("template", "%s (%s)", s.Template.Name, s.TemplateSource)
	d.line("completion prompts", "%s", describeFIM(s))
	if s.KeySource == "" {
		d.line("api key", "none")
	} else {
		d.line("api key", "set, from %s", d.keySource(s))
	}
	if d.offline {
		return
	}
	if !d.reach(ctx, where, m, s) {
		return
	}
	if feature == config.FeatureCompletion {
		d.tryEngine(ctx, where, s)
		return
	}
	d.tryCompletion(ctx, where, m, s)
}

// keySource names where the API key really came from: the api_key
// setting is also filled from the environment (LODE_API_KEY,
// OPENAI_API_KEY), which the configuration's sources record.
func (d *doctor) keySource(s *provider.Setup) string {
	if s.KeySource != "api_key" {
		return s.KeySource
	}
	if src := d.source(s, "api_key"); strings.HasPrefix(src, "environment ") {
		return src
	} else {
		return "api_key in " + src
	}
}

// reach checks that the server answers and serves the model.
func (d *doctor) reach(ctx context.Context, where string, m llm.Model, s *provider.Setup) bool {
	ctx, cancel := context.WithTimeout(ctx, d.timeout)
	defer cancel()
	start := time.Now()
	if h, ok := m.(*llamacpp.Client); ok {
		if err := h.Health(ctx); err != nil {
			d.line("reachable", "no: %v", err)
			d.diagnose(where, s, err)
			return false
		}
		d.line("reachable", "yes, %s (GET /health)", since(start))
		return true
	}
	lister, ok := m.(llm.Lister)
	if !ok {
		return true
	}
	names, err := lister.ListModels(ctx)
	if err != nil {
		d.line("reachable", "no: %v", err)
		d.diagnose(where, s, err)
		return false
	}
	d.line("reachable", "yes, %s (%d models listed)", since(start), len(names))
	switch {
	case s.ModelID == "":
		d.problem(where, "no model is set", fmt.Sprintf("set model in %s to one the server lists: %s", sectionName(s.ResolvedModel), listSome(names)))
		return false
	case len(names) > 0 && !served(names, s.ModelID):
		d.line("model served", "no")
		d.diagnose(where, s, fmt.Errorf("%w: %q is not among the %d models the server lists", llm.ErrUnknownModel, s.ModelID, len(names)))
		d.problems[len(d.problems)-1].fix += " (served: " + listSome(names) + ")"
		return false
	}
	return true
}

// served reports whether name is listed, allowing Ollama's implicit
// ":latest" tag.
func served(names []string, name string) bool {
	return slices.Contains(names, name) || (!strings.Contains(name, ":") && slices.Contains(names, name+":latest"))
}

func listSome(names []string) string {
	if len(names) == 0 {
		return "(none)"
	}
	if len(names) > 8 {
		return strings.Join(names[:8], ", ") + fmt.Sprintf(", … (%d more)", len(names)-8)
	}
	return strings.Join(names, ", ")
}

// tryCompletion sends one small completion the way the engine would and
// reports whether fill-in-the-middle works.
func (d *doctor) tryCompletion(ctx context.Context, where string, m llm.Model, s *provider.Setup) {
	in := prompt.Input{Path: "doctor.go", Language: "go", Prefix: "package main\n\nfunc add(a, b int) int {\n\treturn ", Suffix: "\n}\n"}
	var req *llm.Request
	switch s.FIM {
	case provider.FIMNative:
		req = s.Template.FIM(in, s.ExtraFiles())
	case provider.FIMRaw:
		req = s.Template.Request(in)
	default:
		chat, _ := prompt.Lookup("chat")
		req = chat.Request(in)
	}
	req.MaxTokens, req.Stop = 12, append(req.Stop, "\n")
	ctx, cancel := context.WithTimeout(ctx, d.timeout)
	defer cancel()
	start := time.Now()
	resp, err := m.Complete(ctx, req)
	if err != nil {
		d.line("completion", "failed: %v", err)
		if s.FIM == provider.FIMNative {
			d.line("fill-in-the-middle", "%s", fimVerdict(err))
		}
		d.diagnose(where, s, err)
		return
	}
	d.line("completion", "ok, %s: %q", since(start), clipText(resp.Text(), 40))
	switch s.FIM {
	case provider.FIMNative:
		d.line("fill-in-the-middle", "works (native)")
	case provider.FIMRaw:
		d.line("fill-in-the-middle", "works (template %s in the prompt)", s.Template.Name)
	default:
		d.line("fill-in-the-middle", "not used: chat prompts")
	}
}

func fimVerdict(err error) string {
	if errors.Is(err, llm.ErrNoFIM) {
		return "not supported by this model or server"
	}
	return "unknown (the call failed)"
}

// diagnose records a problem with the fix for err.
func (d *doctor) diagnose(where string, s *provider.Setup, err error) {
	sec, msec := sectionName(s.ResolvedModel), modelSection(s.ResolvedModel)
	baseURL := fmt.Sprintf("base_url (now %q, from %s)", s.BaseURL, d.source(s, "base_url"))
	msg := err.Error()
	var rl *llm.RateLimitError
	var se *wire.StatusError
	switch {
	case errors.Is(err, llm.ErrUnauthorized):
		key := "no API key is set"
		if s.KeySource != "" {
			key = "the key comes from " + d.keySource(s)
		}
		how := "the LODE_API_KEY environment variable (or api_key)"
		if s.Name != "" {
			how = "api_key_env = \"NAME\" (or api_key) in " + sec
		}
		d.problem(where, "the server refused the API key ("+key+")",
			fmt.Sprintf("set %s to a valid key for %s, and check the key's access to model %q", how, s.BaseURL, s.ModelID))
	case errors.As(err, &rl):
		d.problem(where, "the server is rate limiting: "+rl.Error(), "wait and retry; if it persists, check the account's quota or plan")
	case errors.Is(err, llm.ErrUnknownModel):
		fix := fmt.Sprintf("set model in %s (now %q, from %s) to a model the server serves", sec, s.ModelID, d.source(s, "model"))
		if s.Provider.Name == "ollama" {
			fix += fmt.Sprintf(", or run `ollama pull %s`", s.ModelID)
		}
		d.problem(where, "the server does not serve the model: "+msg, fix)
	case errors.Is(err, llm.ErrNoFIM):
		alt := `fim = "chat"`
		if !s.Template.Chat {
			alt = fmt.Sprintf(`fim = "raw" (template %s) or fim = "chat"`, s.Template.Name)
		}
		d.problem(where, "the model does not take fill-in-the-middle: "+msg, fmt.Sprintf("set %s in %s; lode falls back to it by itself, but says so at every start", alt, msec))
	case errors.Is(err, llm.ErrBadResponse):
		d.problem(where, "the answer is not in the "+s.Provider.Name+" wire format: "+msg,
			fmt.Sprintf("check that %s points at a %s server (OpenAI-compatible servers usually need the /v1 suffix), and that no proxy cuts the connection", baseURL, s.Provider.Name))
	case errors.Is(err, llm.ErrContextTooLong):
		d.problem(where, "even a tiny prompt is too long for the model: "+msg, "start the server with a larger context (llama-server -c, Ollama num_ctx)")
	case strings.Contains(msg, "cannot resolve host"):
		d.problem(where, "the server's host name does not resolve: "+msg, "correct the host in "+baseURL)
	case strings.Contains(msg, "connection refused"):
		d.problem(where, "nothing listens at "+s.BaseURL+": "+msg, startHint(s)+", or correct "+baseURL)
	case strings.Contains(msg, "first-byte timeout"):
		d.problem(where, "the server accepted the connection but did not answer in time: "+msg,
			fmt.Sprintf("the model may be loading or too slow for this machine: retry, use a smaller model, or raise first_byte_timeout (now %s) in %s", s.FirstByteTimeout, msec))
	case strings.Contains(msg, "timed out") || strings.Contains(msg, "timeout") || errors.Is(err, context.DeadlineExceeded):
		d.problem(where, "the call timed out: "+msg,
			fmt.Sprintf("check the network path to %s; raise connect_timeout (now %s) or request_timeout (now %s) in %s for a slow server", s.BaseURL, s.ConnectTimeout, s.RequestTimeout, msec))
	case errors.As(err, &se) && se.Status == 404:
		d.problem(where, "the endpoint does not exist: "+msg, "correct "+baseURL+": OpenAI-compatible servers usually need the /v1 suffix, Ollama and llama.cpp none")
	case errors.As(err, &se) && se.Status == 503:
		d.problem(where, "the server is not ready (HTTP 503): "+msg, "wait until the server has loaded its model, then run lode doctor again")
	case errors.Is(err, llm.ErrUnavailable):
		d.problem(where, "the server failed: "+msg, "look at the server's own log; retry when it answers again")
	default:
		d.problem(where, msg, "look at the server's own log")
	}
}

func startHint(s *provider.Setup) string {
	switch s.Provider.Name {
	case "ollama":
		return "start Ollama (`ollama serve`)"
	case "llamacpp":
		return "start llama-server (`llama-server -m MODEL.gguf --port 8080`)"
	}
	return "start the model server"
}

// source names where a model field's value came from.
func (d *doctor) source(s *provider.Setup, field string) string {
	if s.ResolvedModel.Key != "" {
		if src := d.cfg.Source(s.ResolvedModel.Key + field); src != config.SourceDefault {
			return src
		}
	}
	if src := d.cfg.Source(field); src != config.SourceDefault {
		return src
	}
	return "the provider's default"
}

func sectionName(r config.ResolvedModel) string {
	if r.Name == "" {
		return "the top-level settings"
	}
	return "[models." + r.Name + "]"
}

// modelSection names where a setting that only [models.NAME] sections
// have (fim, template, timeouts) goes.
func modelSection(r config.ResolvedModel) string {
	if r.Name == "" {
		return "a new [models.default] section (it inherits the top-level provider settings)"
	}
	return "[models." + r.Name + "]"
}

func describeFIM(s *provider.Setup) string {
	switch s.FIM {
	case provider.FIMNative:
		return "native fill-in-the-middle (fim = \"" + s.ResolvedModel.FIM + "\")"
	case provider.FIMRaw:
		return "template " + s.Template.Name + " written into the prompt (fim = \"" + s.ResolvedModel.FIM + "\")"
	}
	return "hole-filling chat prompt (fim = \"" + s.ResolvedModel.FIM + "\")"
}

func since(t time.Time) string { return time.Since(t).Round(time.Millisecond).String() }

func clipText(s string, n int) string {
	if len(s) > n {
		return s[:n] + "…"
	}
	return s
}

// report prints the problems with their fixes and returns the exit code.
func (d *doctor) report() {
	if len(d.problems) == 0 {
		fmt.Fprintln(d.out, "No problems found.")
		return
	}
	fmt.Fprintf(d.out, "%d problem(s):\n", len(d.problems))
	for _, p := range d.problems {
		fmt.Fprintf(d.out, "  ✗ %s: %s\n    fix: %s\n", p.where, p.what, p.fix)
	}
}

// doctorDocument is the document tryEngine completes: the cursor after
// "return ".
const doctorDocument = "package main\n\nfunc add(a, b int) int {\n\treturn \n}\n"

// tryEngine completes a small document through the completion engine,
// exactly as lode complete and the server do: the same endpoint, prompt
// template, streaming mode, stop sequences and post-processing, without
// the fallback to the embedded model (which would hide the failure).
func (d *doctor) tryEngine(ctx context.Context, where string, s *provider.Setup) {
	sess, _ := session.Open(session.Options{Config: d.inputs, NoIndex: true})
	defer sess.Close()
	cfg := *d.cfg
	cfg.Completion.Fallback, cfg.Completion.Companion, cfg.Completion.DebounceMS = false, false, 0
	cfg.Completion.TimeoutMS = int(d.timeout.Milliseconds())
	sess.Configure(&cfg)
	e := sess.Completion()
	ctx, cancel := context.WithTimeout(ctx, d.timeout)
	defer cancel()
	how := "whole answers (completion.stream = false)"
	if cfg.Completion.Stream {
		how = "streamed (completion.stream = true)"
	}
	start := time.Now()
	res, err := e.Complete(ctx, completion.Request{Path: "doctor.go", LanguageID: "go", Text: text.New(doctorDocument),
		Offset: strings.Index(doctorDocument, "return ") + len("return "), Trigger: completion.Invoked, Candidates: 1})
	if err == nil {
		err = res.Err
	}
	if p := res.Prompt; p != nil && p.Request != nil {
		d.line("request", "%s, %s, stop %q", p.Request.Mode, how, p.Request.Stop)
	}
	switch {
	case err != nil:
		d.line("completion", "failed: %v", err)
		if s.FIM == provider.FIMNative {
			d.line("fill-in-the-middle", "%s", fimVerdict(err))
		}
		d.diagnose(where, s, err)
		return
	case len(res.Items) == 0:
		d.line("completion", "empty after %s", since(start))
		fix := "check that the server's answers are in the " + s.Provider.Name + " wire format"
		if cfg.Completion.Stream {
			fix += "; if completion.stream = false makes it work, the server's streaming is not what lode reads"
		}
		d.problem(where, "the model's answer to a completion lode makes gave nothing to insert", fix)
		return
	}
	d.line("completion", "ok, %s: %q", since(start), clipText(res.Items[0].Insert, 40))
	switch {
	case s.FIM == provider.FIMNative && (res.Prompt == nil || res.Prompt.Request.Mode != llm.ModeFIM):
		// The engine retried with another prompt: the server refused a suffix.
		d.line("fill-in-the-middle", "%s", fimVerdict(llm.ErrNoFIM))
		d.diagnose(where, s, fmt.Errorf("%w: the server refused a suffix; lode switched prompts", llm.ErrNoFIM))
	case s.FIM == provider.FIMNative:
		d.line("fill-in-the-middle", "works (native)")
	case s.FIM == provider.FIMRaw:
		d.line("fill-in-the-middle", "works (template %s in the prompt)", s.Template.Name)
	default:
		d.line("fill-in-the-middle", "not used: chat prompts")
	}
}
