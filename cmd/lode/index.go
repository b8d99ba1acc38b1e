package main

import (
	"context"
	"io"
	"os"
	"runtime"
	"runtime/pprof"

	"github.com/lode-ls/lode/internal/eval"
	"github.com/lode-ls/lode/internal/session"
)

// runIndex implements `lode index [DIR]`: index a directory as the server
// would (honouring ignore rules and the cache), show a progress bar on a
// terminal, and print a summary (internal/eval.Index).
func runIndex(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fl := newFlags("index", "usage: lode index [flags] [DIR]\n\nIndex DIR (default: the current directory) and print files, symbols, time and peak memory.", 0, 1, "at most one DIR")
	o := eval.IndexOptions{Dir: ".", Progress: terminal(stderr)}
	asJSON := fl.Bool("json", false, "print the summary as JSON (see docs/cli.md)")
	fl.IntVar(&o.Workers, "workers", runtime.GOMAXPROCS(0), "parse with `N` goroutines")
	fl.BoolVar(&o.NoCache, "no-cache", false, "neither load nor save the cache: a cold index")
	fl.StringVar(&o.Exclude, "exclude", "", "skip directories with these comma-separated `names` (e.g. testdata)")
	fl.BoolVar(&o.CodeOnly, "code", false, "index only files of the languages lode parses")
	fl.BoolVar(&o.Compare, "compare", false, "build a cold index (no cache) alternating with a bare tree-sitter parse of the same files, and report both times")
	cpuProfile := fl.String("cpuprofile", "", "write a CPU profile of the run to `file`")
	fl.BoolVar(&o.Learn, "learn", false, "teach the embedded model from the index's parses, as the server does (with -compare: also build a second index that teaches it, and report what learning adds)")
	rest, code, ok := fl.parse(args, stdout, stderr)
	if !ok {
		return code
	}
	if len(rest) == 1 {
		o.Dir = rest[0]
	}
	if fi, err := os.Stat(o.Dir); err != nil {
		return fail(stderr, "index", err, exitUsage)
	} else if !fi.IsDir() {
		return fail(stderr, "index", session.InputError("%s is not a directory", o.Dir), exitUsage)
	}
	text := stdout
	if *asJSON {
		text = io.Discard
	}
	if *cpuProfile != "" {
		f, err := os.Create(*cpuProfile)
		if err != nil {
			return fail(stderr, "index", err, exitUsage)
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return fail(stderr, "index", err, exitFailed)
		}
		defer pprof.StopCPUProfile()
	}
	sum, err := eval.Index(ctx, o, text, stderr)
	if err != nil {
		return fail(stderr, "index", err, exitFailed)
	}
	if *asJSON {
		writeJSON(stdout, sum)
	}
	return exitOK
}
