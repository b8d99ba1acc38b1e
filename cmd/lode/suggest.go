package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/lode-ls/lode/completion/patch"
	"github.com/lode-ls/lode/internal/config"
	"github.com/lode-ls/lode/internal/session"
)

// maxReportLines bounds the verification output printed per attempt.
const maxReportLines = 30

func runSuggest(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlags("suggest", "usage: lode suggest [-m INSTRUCTION] [--diagnostics FILE|-] [--apply] [--verify CMD] FILE[:START-END]...\n\n"+
		"Ask the model for a patch of the files (or of lines START-END) following the instruction,\n"+
		"or fixing the diagnostics, and print it as a unified diff that `git apply` takes at the\n"+
		"workspace root. A patch that does not apply, adds syntax errors or changes lines outside\n"+
		"START-END is never printed.", 0, -1, "")
	instruction := fs.String("m", "", "the `instruction`: what to change")
	diagFile := fs.String("diagnostics", "", "fix the problems in `FILE` (\"-\" for stdin): compiler or linter output such as go vet's, path:line[:col]: message")
	apply := fs.Bool("apply", false, "also write the patched files")
	verify := fs.String("verify", "", "run `CMD` (with sh -c) on a temporary copy of the workspace with the patch applied; when it fails, ask the model once more with its output")
	verifyTimeout := fs.Duration("verify-timeout", 5*time.Minute, "give up on the verification command after this long")
	userConfig := fs.config()
	rest, code, ok := fs.parse(args, stdout, stderr)
	if !ok {
		return code
	}
	wd, _ := os.Getwd()
	root := session.Root(wd)
	if len(rest) > 0 {
		if loc, err := parseLocation(rest[0]); err == nil {
			root = session.Root(loc.path) // the first file's project, as every command
		}
	}
	sess, problems := session.Open(session.Options{Config: config.Inputs{UserFile: *userConfig}, Root: root, NoLearn: true})
	defer sess.Close()
	if !printProblems("suggest", problems, stderr) {
		return exitUsage
	}
	req, code := suggestRequest(sess, *instruction, *diagFile, rest, stderr)
	if req == nil {
		return code
	}
	model, err := sess.ChatModel()
	if err != nil {
		return fail(stderr, "suggest", err, exitUsage)
	}
	if model == nil {
		fmt.Fprintf(stderr, "lode suggest: patches need a chat model; the embedded model only completes code.\n"+
			"Set provider, base_url and model (or explain.model) in %s or LODE_PROVIDER, LODE_BASE_URL, LODE_MODEL.\n", filepath.Join(root, ".lode.toml"))
		return exitUsage
	}
	if err := sess.Wait(ctx); err != nil {
		fmt.Fprintf(stderr, "lode suggest: %v; going without project context\n", err)
	}
	req.Context = sess.PatchContext(ctx, req.Targets)
	var verifier patch.VerifyFunc
	if *verify != "" {
		verifier = patch.CommandVerifier(root, wd, *verify, *verifyTimeout)
	}
	res, err := sess.Suggester(verifier).Suggest(ctx, req)
	if res != nil {
		report(res, *verify, stderr)
	}
	if err != nil {
		if session.ModelFault(err) {
			printDown(stderr, "suggest", sess.DownMessage(config.FeatureExplain, err))
		} else {
			printErr(stderr, "suggest", err)
		}
		return exitOf(err)
	}
	if res.Patch == nil {
		fmt.Fprintf(stderr, "lode suggest: no valid patch after %d attempts\n", len(res.Attempts))
		return exitFailed
	}
	fmt.Fprint(stdout, res.Patch.Diff)
	if *apply {
		for _, c := range res.Patch.Changes {
			p := filepath.Join(root, filepath.FromSlash(c.Path))
			if err := patch.WriteFile(p, c.New); err != nil {
				fmt.Fprintf(stderr, "lode suggest: applying: %v\n", err)
				return exitFailed
			}
		}
		fmt.Fprintf(stderr, "lode suggest: applied to %d file(s)\n", len(res.Patch.Changes))
	}
	return exitOK
}

// suggestRequest reads the targets and diagnostics. A nil request comes
// with the exit code to return.
func suggestRequest(sess *session.Session, instruction, diagFile string, args []string, stderr io.Writer) (*patch.Request, int) {
	req := &patch.Request{Instruction: strings.TrimSpace(instruction)}
	if diagFile != "" {
		ds, err := readDiagnostics(diagFile)
		if err != nil {
			printErr(stderr, "suggest", err)
			return nil, exitUsage
		}
		if len(ds) == 0 {
			fmt.Fprintf(stderr, "lode suggest: no diagnostics in %s (want path:line[:col]: message lines)\n", diagFile)
			return nil, exitFailed
		}
		req.Diagnostics = ds
	}
	if req.Instruction == "" && len(req.Diagnostics) == 0 {
		return nil, usageError(stderr, "suggest", "give an instruction (-m) or diagnostics (--diagnostics)")
	}
	seen := map[string]bool{}
	for _, a := range args {
		loc, err := parseLocation(a)
		if err != nil || loc.col > 0 {
			return nil, usageError(stderr, "suggest", "bad file argument %q: want FILE, FILE:LINE or FILE:START-END", a)
		}
		t, err := sess.ReadTarget(loc.path)
		if err != nil {
			printErr(stderr, "suggest", err)
			return nil, exitUsage
		}
		if n := strings.Count(t.Content, "\n") + 1; loc.line > n || loc.endLine > n {
			fmt.Fprintf(stderr, "lode suggest: line %d out of range (1-%d)\n", max(loc.line, loc.endLine), n)
			return nil, exitUsage
		}
		t.StartLine, t.EndLine = loc.line, max(loc.line, loc.endLine)
		seen[t.Path] = true
		req.Targets = append(req.Targets, t)
	}
	for i, d := range req.Diagnostics {
		t, err := sess.ReadTarget(d.Path)
		if err != nil {
			fmt.Fprintf(stderr, "lode suggest: diagnostic %s: %s\n", d, message("suggest", err))
			return nil, exitUsage
		}
		req.Diagnostics[i].Path = t.Path
		if !seen[t.Path] {
			seen[t.Path] = true
			req.Targets = append(req.Targets, t)
		}
	}
	if len(req.Targets) == 0 {
		return nil, usageError(stderr, "suggest", "name the files to change")
	}
	return req, exitOK
}

func readDiagnostics(name string) ([]patch.Diagnostic, error) {
	if name == "-" {
		return patch.ParseDiagnostics(os.Stdin)
	}
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return patch.ParseDiagnostics(f)
}

// report prints each attempt's outcome to stderr.
func report(res *patch.Result, verify string, stderr io.Writer) {
	for i, at := range res.Attempts {
		status := "valid patch"
		if at.Err != nil {
			status = at.Err.Error()
		}
		fmt.Fprintf(stderr, "lode suggest: attempt %d: %s\n", i+1, status)
		if verify != "" && at.Patch != nil {
			lines := strings.Split(strings.TrimRight(at.VerifyOutput, "\n"), "\n")
			if len(lines) > maxReportLines {
				lines = append([]string{"…"}, lines[len(lines)-maxReportLines:]...)
			}
			fmt.Fprintf(stderr, "  $ %s\n", verify)
			for _, l := range lines {
				fmt.Fprintf(stderr, "  %s\n", l)
			}
		}
	}
}
