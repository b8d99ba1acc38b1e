package eval

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
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

// IndexSummary is what an Index run found: the output of `lode index
// --json`.
type IndexSummary struct {
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

// IndexOptions are the settings of an Index run: the flags of `lode index`.
type IndexOptions struct {
	Dir     string
	Exclude string // skip directories with these comma-separated names
	Workers int    // parse with this many goroutines
	// NoCache neither loads nor saves the cache: a cold index. Compare
	// builds a cold index alternating with a bare tree-sitter parse of the
	// same files, and reports both times. Learn teaches the embedded model
	// from the index's parses, as the server does. CodeOnly indexes only
	// the files of the languages lode parses.
	NoCache, Compare, Learn, CodeOnly bool
	// Progress, when set, gets a progress bar (a terminal).
	Progress io.Writer
}

// Index indexes a directory as the server would (honouring ignore rules
// and the cache): it scans, (with Compare) parses alone for comparison,
// loads the cache, builds, saves, and prints what each step took to
// stdout, and the files it could not index to stderr.
func Index(ctx context.Context, o IndexOptions, stdout, stderr io.Writer) (IndexSummary, error) {
	var sum IndexSummary
	ws := workspace.New()
	if err := ws.AddFolder(o.Dir); err != nil {
		return sum, err
	}
	root := ws.Folders()[0]
	t0 := time.Now()
	scanned, err := ws.Scan(ctx)
	if err != nil {
		return sum, fmt.Errorf("scanning: %w", err)
	}
	files := indexFiles(ws, scanned, o.Exclude, o.CodeOnly)
	scan := time.Since(t0)
	fmt.Fprintf(stdout, "%s: %d files (scan %v)\n", root, len(files), scan.Round(time.Millisecond))
	cache := ""
	if !o.NoCache && !o.Compare {
		if cache, err = index.CachePath(root); err != nil {
			return sum, err
		}
	}
	x := indexLoad(cache, stdout)
	defer x.Close()
	var res index.BuildResult
	var took, cpu time.Duration
	switch {
	case o.Compare:
		res, took, cpu, err = indexCompare(ctx, x, files, o, stdout)
	default:
		var model *ngram.Model
		if o.Learn {
			model = ngram.New(ngram.Options{})
			session.Teach(x, model, slog.New(slog.DiscardHandler))
		}
		t, c := time.Now(), cpuTime()
		bar := &indexBar{w: o.Progress}
		res, err = x.Build(ctx, files, o.Workers, bar.update)
		bar.done()
		if model != nil {
			t := time.Now()
			model.Flush()
			st := model.Stats()
			fmt.Fprintf(stdout, "embedded model: %d files, %d tokens, %d n-grams (~%d MB); bulk count %v\n",
				st.Files, st.Tokens, st.Nodes, st.Bytes>>20, time.Since(t).Round(time.Millisecond))
		}
		took, cpu = time.Since(t), cpuSince(c)
	}
	// Ready: scanned, loaded and built; the bare parses of -compare are not
	// part of it.
	ready := time.Since(t0)
	if o.Compare {
		ready = scan + took
	}
	if err != nil {
		return sum, err
	}
	for _, e := range res.Errors {
		fmt.Fprintf(stderr, "lode index: %v\n", e)
	}
	st := x.Stats()
	fmt.Fprintf(stdout, "index: %d files (%d indexed, %d unchanged, %d removed, %d failed) in %v%s\n",
		st.Files, res.Indexed, res.Unchanged, res.Removed, res.Failed, took.Round(time.Millisecond), cpuText(cpu))
	fmt.Fprintf(stdout, "symbols: %d, chunks: %d, terms: %d\n", st.Symbols, st.Chunks, st.Terms)
	fmt.Fprintf(stdout, "ready in %v\n", ready.Round(time.Millisecond))
	sum = IndexSummary{Root: root, Files: st.Files, Indexed: res.Indexed, Unchanged: res.Unchanged, Removed: res.Removed,
		Failed: res.Failed, Symbols: st.Symbols, Chunks: st.Chunks, Terms: st.Terms, ReadyMS: ready.Milliseconds()}
	if cache != "" && (res.Indexed > 0 || res.Removed > 0) {
		t := time.Now()
		if err := x.Save(cache); err != nil {
			return sum, err
		}
		fmt.Fprintf(stdout, "cache: saved in %v\n", time.Since(t).Round(time.Millisecond))
	}
	fmt.Fprintf(stdout, "total: %v, peak memory (RSS): %.0f MB\n", time.Since(t0).Round(time.Millisecond), peakRSSMB())
	return sum, nil
}

// indexCompare builds x from files and parses the same files with
// tree-sitter alone, alternating between the two a tenth of the files at a
// time, so that a machine whose load changes during the run weighs on both
// alike. It prints the bare parse's time and the ratio, and returns the
// build's result and its wall and CPU time.
func indexCompare(ctx context.Context, x *index.Index, files []index.File, o IndexOptions, stdout io.Writer) (res index.BuildResult, took, cpu time.Duration, err error) {
	const steps = 10
	workers := o.Workers
	var bareTook, bareCPU time.Duration
	parsed := 0
	var learning *indexLearning
	if o.Learn {
		learning = newIndexLearning()
		defer learning.x.Close()
	}
	for s := 1; s <= steps; s++ {
		lo, hi := (s-1)*len(files)/steps, s*len(files)/steps
		t, c := time.Now(), cpuTime()
		n, err := indexBareParse(ctx, files[lo:hi], workers)
		if err != nil {
			return res, took, cpu, err
		}
		parsed += n
		bareTook, bareCPU = bareTook+time.Since(t), bareCPU+cpuSince(c)
		t, c = time.Now(), cpuTime()
		r, err := x.Build(ctx, files[:hi], workers, nil)
		if err != nil {
			return res, took, cpu, err
		}
		took, cpu = took+time.Since(t), cpu+cpuSince(c)
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
	fmt.Fprintf(stdout, "bare tree-sitter parse: %d files in %v%s\n", parsed, bareTook.Round(time.Millisecond), cpuText(bareCPU))
	fmt.Fprintf(stdout, "index/bare: wall %.2fx", took.Seconds()/bareTook.Seconds())
	if cpuTime() >= 0 && bareCPU > 0 {
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
	t, c := time.Now(), cpuTime()
	_, err := l.x.Build(ctx, files, workers, nil)
	l.took, l.cpu = l.took+time.Since(t), l.cpu+cpuSince(c)
	return err
}

// report flushes the model (the bulk count that ends a cold start) and
// prints what learning added to the index alone (took and cpu).
func (l *indexLearning) report(w io.Writer, took, cpu time.Duration) {
	t, c := time.Now(), cpuTime()
	l.model.Flush()
	l.took, l.cpu = l.took+time.Since(t), l.cpu+cpuSince(c)
	st := l.model.Stats()
	fmt.Fprintf(w, "index teaching the embedded model: %v%s (%d files, %d tokens, %d n-grams)\n",
		l.took.Round(time.Millisecond), cpuText(l.cpu), st.Files, st.Tokens, st.Nodes)
	fmt.Fprintf(w, "learning adds: wall %+.0f%%", 100*(l.took.Seconds()/took.Seconds()-1))
	if cpuTime() >= 0 && cpu > 0 {
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
	w    io.Writer // nil: no bar
	last time.Time
	drew bool
}

func (b *indexBar) update(done, total int) {
	if b.w == nil || (time.Since(b.last) < 100*time.Millisecond && done != total) {
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
