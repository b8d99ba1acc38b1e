package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/lode-ls/lode/completion/llm/ngram"
	"github.com/lode-ls/lode/context/index"
	"github.com/lode-ls/lode/context/syntax"
	"github.com/lode-ls/lode/context/workspace"
	"github.com/lode-ls/lode/internal/session"
)

// runIndex implements `lode index [DIR]`: index a directory as the server
// would (honouring ignore rules and the cache), show a progress bar on a
// terminal, and print a summary.
func runIndex(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fl := flag.NewFlagSet("index", flag.ContinueOnError)
	var o indexOptions
	asJSON := fl.Bool("json", false, "print the summary as JSON (see docs/cli.md)")
	fl.IntVar(&o.workers, "workers", runtime.GOMAXPROCS(0), "parse with `N` goroutines")
	fl.BoolVar(&o.noCache, "no-cache", false, "neither load nor save the cache: a cold index")
	fl.StringVar(&o.exclude, "exclude", "", "skip directories with these comma-separated `names` (e.g. testdata)")
	fl.BoolVar(&o.codeOnly, "code", false, "index only files of the languages lode parses")
	fl.BoolVar(&o.compare, "compare", false, "build a cold index (no cache) alternating with a bare tree-sitter parse of the same files, and report both times")
	fl.StringVar(&o.cpuProfile, "cpuprofile", "", "write a CPU profile of the run to `file`")
	fl.BoolVar(&o.learn, "learn", false, "teach the embedded model from the index's parses, as the server does (with -compare: also build a second index that teaches it, and report what learning adds)")
	fl.Usage = func() {
		fmt.Fprintf(fl.Output(), "usage: lode index [flags] [DIR]\n\nIndex DIR (default: the current directory) and print files, symbols, time and peak memory.\n\nFlags:\n")
		fl.PrintDefaults()
	}
	rest, code, ok := parseArgs(fl, args, stdout, stderr)
	if !ok {
		return code
	}
	if len(rest) > 1 {
		return usageError(stderr, "index", "want at most one DIR, got %d arguments", len(rest))
	}
	o.dir = "."
	if len(rest) == 1 {
		o.dir = rest[0]
	}
	if fi, err := os.Stat(o.dir); err != nil {
		printErr(stderr, "index", err)
		return exitUsage
	} else if !fi.IsDir() {
		printErr(stderr, "index", inputError("%s is not a directory", o.dir))
		return exitUsage
	}
	text := stdout
	if *asJSON {
		o.summary, text = &indexJSON{}, io.Discard
	}
	if o.cpuProfile != "" {
		f, err := os.Create(o.cpuProfile)
		if err != nil {
			printErr(stderr, "index", err)
			return exitUsage
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			printErr(stderr, "index", err)
			return exitFailed
		}
		defer pprof.StopCPUProfile()
	}
	if err := indexRun(ctx, o, text, stderr); err != nil {
		printErr(stderr, "index", err)
		return exitFailed
	}
	if o.summary != nil {
		writeJSON(stdout, o.summary)
	}
	return exitOK
}

// indexJSON is the output of lode index --json.
type indexJSON struct {
	Root      string `json:"root"`
	Files     int    `json:"files"`
	Indexed   int    `json:"indexed"`
	Unchanged int    `json:"unchanged"`
	Removed   int    `json:"removed"`
	Failed    int    `json:"failed"`
	Symbols   int    `json:"symbols"`
	Chunks    int    `json:"chunks"`
	Terms     int    `json:"terms"`
	ReadyMS   int64  `json:"ready_ms"`
}

type indexOptions struct {
	dir, exclude               string
	workers                    int
	noCache, codeOnly, compare bool
	learn                      bool
	cpuProfile                 string
	summary                    *indexJSON // filled for --json when not nil
}

// indexRun scans, (optionally) parses alone for comparison, loads the
// cache, builds, saves, and prints what each step took.
func indexRun(ctx context.Context, o indexOptions, stdout, stderr io.Writer) error {
	ws := workspace.New()
	if err := ws.AddFolder(o.dir); err != nil {
		return err
	}
	root := ws.Folders()[0]
	t0 := time.Now()
	scanned, err := ws.Scan(ctx)
	if err != nil {
		return fmt.Errorf("scanning: %w", err)
	}
	files := indexFiles(ws, scanned, o.exclude, o.codeOnly)
	scan := time.Since(t0)
	fmt.Fprintf(stdout, "%s: %d files (scan %v)\n", root, len(files), scan.Round(time.Millisecond))
	cache := ""
	if !o.noCache && !o.compare {
		if cache, err = index.CachePath(root); err != nil {
			return err
		}
	}
	x := indexLoad(cache, stdout)
	defer x.Close()
	var res index.BuildResult
	var took, cpu time.Duration
	switch {
	case o.compare:
		res, took, cpu, err = indexCompare(ctx, x, files, o, stdout)
	default:
		var model *ngram.Model
		if o.learn {
			model = ngram.New(ngram.Options{})
			session.Teach(x, model, slog.New(slog.DiscardHandler))
		}
		t, c := time.Now(), indexCPU()
		bar := newIndexBar(stderr)
		res, err = x.Build(ctx, files, o.workers, bar.update)
		bar.done()
		if model != nil {
			t := time.Now()
			model.Flush()
			st := model.Stats()
			fmt.Fprintf(stdout, "embedded model: %d files, %d tokens, %d n-grams (~%d MB); bulk count %v\n",
				st.Files, st.Tokens, st.Nodes, st.Bytes>>20, time.Since(t).Round(time.Millisecond))
		}
		took, cpu = time.Since(t), indexCPUSince(c)
	}
	// Ready: scanned, loaded and built; the bare parses of -compare are not
	// part of it.
	ready := time.Since(t0)
	if o.compare {
		ready = scan + took
	}
	if err != nil {
		return err
	}
	for _, e := range res.Errors {
		printErr(stderr, "index", e)
	}
	st := x.Stats()
	fmt.Fprintf(stdout, "index: %d files (%d indexed, %d unchanged, %d removed, %d failed) in %v%s\n",
		st.Files, res.Indexed, res.Unchanged, res.Removed, res.Failed, took.Round(time.Millisecond), indexCPUText(cpu))
	fmt.Fprintf(stdout, "symbols: %d, chunks: %d, terms: %d\n", st.Symbols, st.Chunks, st.Terms)
	fmt.Fprintf(stdout, "ready in %v\n", ready.Round(time.Millisecond))
	if o.summary != nil {
		*o.summary = indexJSON{Root: root, Files: st.Files, Indexed: res.Indexed, Unchanged: res.Unchanged, Removed: res.Removed,
			Failed: res.Failed, Symbols: st.Symbols, Chunks: st.Chunks, Terms: st.Terms, ReadyMS: ready.Milliseconds()}
	}
	if cache != "" && (res.Indexed > 0 || res.Removed > 0) {
		t := time.Now()
		if err := x.Save(cache); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "cache: saved in %v\n", time.Since(t).Round(time.Millisecond))
	}
	fmt.Fprintf(stdout, "total: %v, peak memory (RSS): %s\n", time.Since(t0).Round(time.Millisecond), indexPeakRSS())
	return nil
}

// indexCompare builds x from files and parses the same files with
// tree-sitter alone, alternating between the two a tenth of the files at a
// time, so that a machine whose load changes during the run weighs on both
// alike. It prints the bare parse's time and the ratio, and returns the
// build's result and its wall and CPU time.
func indexCompare(ctx context.Context, x *index.Index, files []index.File, o indexOptions, stdout io.Writer) (res index.BuildResult, took, cpu time.Duration, err error) {
	const steps = 10
	workers := o.workers
	var bareTook, bareCPU time.Duration
	parsed := 0
	var learning *indexLearning
	if o.learn {
		learning = newIndexLearning()
		defer learning.x.Close()
	}
	for s := 1; s <= steps; s++ {
		lo, hi := (s-1)*len(files)/steps, s*len(files)/steps
		t, c := time.Now(), indexCPU()
		n, err := indexBareParse(ctx, files[lo:hi], workers)
		if err != nil {
			return res, took, cpu, err
		}
		parsed += n
		bareTook, bareCPU = bareTook+time.Since(t), bareCPU+indexCPUSince(c)
		t, c = time.Now(), indexCPU()
		r, err := x.Build(ctx, files[:hi], workers, nil)
		if err != nil {
			return res, took, cpu, err
		}
		took, cpu = took+time.Since(t), cpu+indexCPUSince(c)
		res.Indexed += r.Indexed
		res.Failed += r.Failed
		res.Errors = append(res.Errors, r.Errors...)
		if learning != nil {
			if err := learning.build(ctx, files[:hi], workers); err != nil {
				return res, took, cpu, err
			}
		}
	}
	if learning != nil {
		learning.report(stdout, took, cpu)
	}
	fmt.Fprintf(stdout, "bare tree-sitter parse: %d files in %v%s\n", parsed, bareTook.Round(time.Millisecond), indexCPUText(bareCPU))
	fmt.Fprintf(stdout, "index/bare: wall %.2fx", took.Seconds()/bareTook.Seconds())
	if indexCPU() >= 0 && bareCPU > 0 {
		fmt.Fprintf(stdout, ", cpu %.2fx", cpu.Seconds()/bareCPU.Seconds())
	}
	fmt.Fprintln(stdout)
	return res, took, cpu, nil
}

// indexLearning is the second index of `lode index -compare -learn`, which
// teaches the embedded model as it parses, and the time it took.
type indexLearning struct {
	x         *index.Index
	model     *ngram.Model
	took, cpu time.Duration
}

func newIndexLearning() *indexLearning {
	l := &indexLearning{x: index.New(), model: ngram.New(ngram.Options{})}
	session.Teach(l.x, l.model, slog.New(slog.DiscardHandler))
	return l
}

func (l *indexLearning) build(ctx context.Context, files []index.File, workers int) error {
	t, c := time.Now(), indexCPU()
	_, err := l.x.Build(ctx, files, workers, nil)
	l.took, l.cpu = l.took+time.Since(t), l.cpu+indexCPUSince(c)
	return err
}

// report flushes the model (the bulk count that ends a cold start) and
// prints what learning added to the index alone (took and cpu).
func (l *indexLearning) report(w io.Writer, took, cpu time.Duration) {
	t, c := time.Now(), indexCPU()
	l.model.Flush()
	l.took, l.cpu = l.took+time.Since(t), l.cpu+indexCPUSince(c)
	st := l.model.Stats()
	fmt.Fprintf(w, "index teaching the embedded model: %v%s (%d files, %d tokens, %d n-grams)\n",
		l.took.Round(time.Millisecond), indexCPUText(l.cpu), st.Files, st.Tokens, st.Nodes)
	fmt.Fprintf(w, "learning adds: wall %+.0f%%", 100*(l.took.Seconds()/took.Seconds()-1))
	if indexCPU() >= 0 && cpu > 0 {
		fmt.Fprintf(w, ", cpu %+.0f%%", 100*(l.cpu.Seconds()/cpu.Seconds()-1))
	}
	fmt.Fprintln(w)
}

// indexLoad returns the index saved in cache, or a new one when there is no
// cache (cache == "" or no file) or it is damaged.
func indexLoad(cache string, stdout io.Writer) *index.Index {
	if cache == "" {
		return index.New()
	}
	t := time.Now()
	x, err := index.Load(cache)
	switch {
	case err == nil:
		fmt.Fprintf(stdout, "cache: loaded %s in %v\n", cache, time.Since(t).Round(time.Millisecond))
		return x
	case errors.Is(err, os.ErrNotExist):
		fmt.Fprintf(stdout, "cache: none yet\n")
	default:
		fmt.Fprintf(stdout, "cache: %v; rebuilding\n", err)
	}
	return index.New()
}

// indexFiles turns the scanned files into the index's, read through the
// workspace (which refuses ignored and secret files).
func indexFiles(ws *workspace.Workspace, scanned []workspace.File, exclude string, codeOnly bool) []index.File {
	var skip []string
	for _, name := range strings.Split(exclude, ",") {
		if name = strings.TrimSpace(name); name != "" {
			skip = append(skip, string(filepath.Separator)+name+string(filepath.Separator))
		}
	}
	files := make([]index.File, 0, len(scanned))
next:
	for _, f := range scanned {
		for _, s := range skip {
			if strings.Contains(f.Path, s) {
				continue next
			}
		}
		if codeOnly && syntax.Detect("", f.Path) == nil {
			continue
		}
		path := f.Path
		files = append(files, index.File{
			Path: path, Size: f.Size, ModTime: f.ModTime,
			Read: func() ([]byte, error) { return ws.ReadFile(path) },
		})
	}
	return files
}

// indexBareParse reads and parses files with tree-sitter alone, the baseline of
// the index's cold build time, and returns how many it parsed.
func indexBareParse(ctx context.Context, files []index.File, workers int) (int, error) {
	jobs := make(chan index.File)
	var n atomic.Int64
	var wg sync.WaitGroup
	var firstErr error
	var errMu sync.Mutex
	for range max(1, workers) {
		wg.Go(func() {
			for f := range jobs {
				lang := syntax.Detect("", f.Path)
				src, err := f.Read()
				if lang == nil || err != nil {
					continue
				}
				tree, err := syntax.Parse(ctx, lang, src)
				if err != nil {
					errMu.Lock()
					if firstErr == nil {
						firstErr = err
					}
					errMu.Unlock()
					continue
				}
				tree.Close()
				n.Add(1)
			}
		})
	}
	for _, f := range files {
		if ctx.Err() != nil {
			break
		}
		jobs <- f
	}
	close(jobs)
	wg.Wait()
	if ctx.Err() != nil {
		return int(n.Load()), ctx.Err()
	}
	return int(n.Load()), firstErr
}

// indexBar draws "[####    ] done/total" on a terminal, at most ten
// times a second; elsewhere it draws nothing.
type indexBar struct {
	w    io.Writer
	tty  bool
	last time.Time
	drew bool
}

func newIndexBar(w io.Writer) *indexBar {
	return &indexBar{w: w, tty: isTerminal(w)}
}

func (b *indexBar) update(done, total int) {
	if !b.tty || (time.Since(b.last) < 100*time.Millisecond && done != total) {
		return
	}
	b.last = time.Now()
	const width = 40
	fill := width
	if total > 0 {
		fill = done * width / total
	}
	fmt.Fprintf(b.w, "\r[%s%s] %d/%d files", strings.Repeat("#", fill), strings.Repeat(" ", width-fill), done, total)
	b.drew = true
}

func (b *indexBar) done() {
	if b.drew {
		fmt.Fprint(b.w, "\r\033[K")
	}
}

// indexPeakRSS returns the process's peak resident set size, from
// /proc/self/status where there is one.
func indexPeakRSS() string {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return "n/a"
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			var kb int64
			if _, err := fmt.Sscan(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), &kb); err == nil {
				return fmt.Sprintf("%.0f MB", float64(kb)/1024)
			}
		}
	}
	return "n/a"
}

// indexCPU returns the CPU time (user and system) the process has used, from
// /proc/self/stat where there is one, else -1. On a machine shared with
// other work it measures a phase better than wall time.
func indexCPU() time.Duration {
	data, err := os.ReadFile("/proc/self/stat")
	if err != nil {
		return -1
	}
	// Fields after the command name (which may hold spaces) in parentheses:
	// utime and stime are the 12th and 13th, in clock ticks (100 a second).
	s := string(data)
	fields := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
	if len(fields) < 13 {
		return -1
	}
	var ut, st int64
	if _, err := fmt.Sscan(fields[11], &ut); err != nil {
		return -1
	}
	if _, err := fmt.Sscan(fields[12], &st); err != nil {
		return -1
	}
	return time.Duration(ut+st) * 10 * time.Millisecond
}

// indexCPUSince returns the CPU time used since start (from indexCPU), or
// -1 if unknown.
func indexCPUSince(start time.Duration) time.Duration {
	if start < 0 {
		return -1
	}
	return indexCPU() - start
}

// indexCPUText formats a CPU time, or "" if it is unknown (negative).
func indexCPUText(cpu time.Duration) string {
	if cpu < 0 {
		return ""
	}
	return fmt.Sprintf(" (cpu %v)", cpu.Round(10*time.Millisecond))
}
