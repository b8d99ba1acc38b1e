package main

import (
	"context"
	"fmt"
	"io"
	"maps"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/lode-ls/lode/completion/llm/ngram"
	"github.com/lode-ls/lode/internal/eval"
)

// evaluations are the measurements `lode eval` runs, one line each.
var evaluations = map[string]command{
	"context":  {runEvalContext, "recall of cross-file declarations in context bundles, against baselines"},
	"ngram":    {runEvalNgram, "next-token prediction of the embedded model on held-out packages, against baselines"},
	"nextedit": {runEvalNextEdit, "next-edit suggestions replayed from a git history, against baselines"},
}

// runEval is `lode eval WHAT DIR`: it dispatches to one evaluation.
func runEval(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	_, known := evaluations[append(args, "")[0]]
	if len(args) == 0 || isHelp(args[0]) || !known && slices.ContainsFunc(args, isHelp) {
		w := stdout
		if len(args) == 0 {
			w = stderr
		}
		fmt.Fprintln(w, "usage: lode eval context|ngram|nextedit [flags] DIR")
		for _, name := range slices.Sorted(maps.Keys(evaluations)) {
			fmt.Fprintf(w, "\t%-8s %s\n", name, evaluations[name].help)
		}
		if len(args) == 0 {
			return exitUsage
		}
		return exitOK
	}
	e, ok := evaluations[args[0]]
	if !ok {
		return usageError(stderr, "eval", "unknown evaluation %q (context, ngram or nextedit)", args[0])
	}
	return e.run(ctx, args[1:], stdout, stderr)
}

// runEvalContext is `lode eval context DIR` (internal/eval.Context).
func runEvalContext(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fl := evalFlags("context")
	held := fl.String("heldout", strings.Join(eval.ContextHeldOut, ","), "held-out packages (directories relative to DIR), comma-separated")
	dev := fl.Bool("dev", false, "draw call sites from the tuning packages instead")
	o := eval.ContextOptions{Progress: terminal(stderr)}
	fl.IntVar(&o.N, "n", 400, "call sites to draw")
	fl.IntVar(&o.PerFile, "per-file", 4, "at most this many call sites per file")
	fl.Uint64Var(&o.Seed, "seed", 1, "seed of the draw")
	budgetList := fl.String("budgets", "512,1024,2048", "token budgets, comma-separated")
	fl.IntVar(&o.Window, "window", 60, "lines before the cursor that the prompt holds")
	fl.BoolVar(&o.Misses, "misses", false, "print lode's misses at the largest budget (to stderr)")
	fl.BoolVar(&o.Ground, "ground", true, "measure the grounding check at the start of each call's line: real lines it cuts, and invented callees (the real line with the callee's name changed) it catches")
	fl.BoolVar(&o.Deps, "deps", true, "look calls into the standard library and module dependencies up in their declarations (GOROOT, module cache)")
	fl.DurationVar(&o.Time, "time", 0, "also score lode under this time budget per search (as a completion has it, e.g. 60ms), beside the same budget all or nothing")
	root, code, ok := evalArgs(fl, args, stdout, stderr)
	if !ok {
		return code
	}
	budgets, err := parseInts(*budgetList)
	if err != nil || len(budgets) == 0 {
		return usageError(stderr, "eval context", "bad -budgets %q: want comma-separated integers", *budgetList)
	}
	o.Budgets = budgets
	if o.HeldOut = strings.Split(*held, ","); *dev {
		o.HeldOut = eval.ContextDev
	}
	if err := eval.Context(ctx, root, o, stdout, stderr); err != nil {
		return fail(stderr, "eval context", err, exitFailed)
	}
	return exitOK
}

// runEvalNgram is `lode eval ngram DIR` (internal/eval.Ngram).
func runEvalNgram(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fl := evalFlags("ngram")
	held := fl.String("heldout", strings.Join(eval.NgramHeldOut, ","), "held-out packages (directories relative to DIR), comma-separated")
	dev := fl.Bool("dev", false, "hold out the tuning packages instead of the test packages")
	var o eval.NgramOptions
	fl.IntVar(&o.Train, "train", 0, "train on at most this many files (0: all), for quick runs")
	fl.IntVar(&o.Order, "order", 0, "n-gram order of the project level (0: the model's default)")
	fl.Float64Var(&o.MinProb, "minprob", ngram.DefaultMinProb, "confidence cut-off of line completion")
	fl.Uint64Var(&o.Seed, "seed", 1, "seed of the line cuts and of the latency positions")
	root, code, ok := evalArgs(fl, args, stdout, stderr)
	if !ok {
		return code
	}
	if o.HeldOut = strings.Split(*held, ","); *dev {
		o.HeldOut = eval.NgramDev
	}
	if err := eval.Ngram(ctx, root, o, stdout); err != nil {
		return fail(stderr, "eval ngram", err, exitFailed)
	}
	return exitOK
}

// runEvalNextEdit is `lode eval nextedit REPO` (internal/eval.NextEdit).
func runEvalNextEdit(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fl := newFlags("eval nextedit", "usage: lode eval nextedit [flags] REPO   (a git repository)", 1, 1, "one REPO")
	var o eval.NextEditOptions
	fl.IntVar(&o.Commits, "commits", 500, "replay at most this many commits, newest first")
	fl.IntVar(&o.Files, "files", 10, "skip commits that modify more source files than this")
	fl.BoolVar(&o.Verbose, "v", false, "print every replayed commit: its first change and what each predictor found")
	fl.BoolVar(&o.Why, "why", false, "classify the remaining hunks of focused commits the offline predictor missed (with -v, each one)")
	repo, code, ok := evalArgs(fl, args, stdout, stderr)
	if !ok {
		return code
	}
	if err := eval.NextEdit(ctx, repo, o, stdout, stderr); err != nil {
		return fail(stderr, "eval nextedit", err, exitFailed)
	}
	return exitOK
}

// evalFlags returns the flags of `lode eval NAME DIR`.
func evalFlags(name string) *flags {
	return newFlags("eval "+name, "usage: lode eval "+name+" [flags] DIR   (e.g. DIR=$(go env GOROOT)/src)", 1, 1, "one DIR")
}

// evalArgs parses the flags of an evaluation and returns its DIR, made
// absolute.
func evalArgs(fl *flags, args []string, stdout, stderr io.Writer) (string, int, bool) {
	rest, code, ok := fl.parse(args, stdout, stderr)
	if !ok {
		return "", code, false
	}
	root, err := filepath.Abs(rest[0])
	if err != nil {
		printErr(stderr, fl.Name(), err)
		return "", exitUsage, false
	}
	return root, 0, true
}

func parseInts(s string) ([]int, error) {
	var out []int
	for _, f := range strings.Split(s, ",") {
		v, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || v <= 0 {
			return nil, fmt.Errorf("bad number %q", f)
		}
		out = append(out, v)
	}
	return out, nil
}
