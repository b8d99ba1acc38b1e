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
