package main

import (
	"context"
	"fmt"
	"io"
	"maps"
	"slices"
)

// evaluations are the measurements `lode eval` runs, one line each.
var evaluations = map[string]command{
	"context":  {runEvalContext, "recall of cross-file declarations in context bundles, against baselines"},
	"ngram":    {runEvalNgram, "next-token prediction of the embedded model on held-out packages, against baselines"},
	"nextedit": {runEvalNextEdit, "next-edit suggestions replayed from a git history, against baselines"},
}

// runEval is `lode eval WHAT DIR`: it dispatches to one evaluation.
func runEval(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "-help" || args[0] == "--help" {
		fmt.Fprintln(stderr, "usage: lode eval context|ngram|nextedit [flags] DIR")
		for _, name := range slices.Sorted(maps.Keys(evaluations)) {
			fmt.Fprintf(stderr, "\t%-8s %s\n", name, evaluations[name].help)
		}
		if len(args) == 0 {
			return exitUsage
		}
		return exitOK
	}
	e, ok := evaluations[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "lode eval: unknown evaluation %q (context, ngram or nextedit)\n", args[0])
		return exitUsage
	}
	return e.run(ctx, args[1:], stdout, stderr)
}
