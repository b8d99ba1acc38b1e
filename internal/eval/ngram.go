package eval

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"time"

	"github.com/lode-ls/lode/completion/llm"
	"github.com/lode-ls/lode/completion/llm/ngram"
	"github.com/lode-ls/lode/context/syntax"
)

// NgramHeldOut are the Go standard library packages `lode eval ngram` holds out
// by default: varied in domain and size, none used to tune the model (the
// tuning set is NgramDev).
var (
	NgramHeldOut = []string{"bufio", "strconv", "encoding/json", "net/url", "go/scanner",
		"regexp/syntax", "compress/flate", "archive/tar", "image/png", "crypto/sha256",
		"text/template/parse", "os/exec"}
	NgramDev = []string{"encoding/csv", "text/tabwriter", "container/list", "sort",
		"html/template", "net/mail", "math/big"}
)

// NgramOptions are the settings of an Ngram run: the flags of `lode eval
// ngram`.
type NgramOptions struct {
	HeldOut []string // packages held out of training, relative to the root
	Train   int      // train on at most this many files; 0: all
	Order   int      // n-gram order of the project level; 0: the model's default
	MinProb float64  // confidence cut-off of line completion
	Seed    uint64
}

// Ngram implements `lode eval ngram DIR`: it trains the embedded model on
// root minus the held-out packages, then measures it on them in the
// dynamic setting, with the baselines of the same run.
func Ngram(ctx context.Context, root string, o NgramOptions, stdout io.Writer) error {
	train, test, err := ngramSplitCorpus(root, o.HeldOut)
	if err != nil {
		return err
	}
	if o.Train > 0 && len(train) > o.Train {
		train = train[:o.Train]
	}
	if len(test) == 0 {
		return fmt.Errorf("no held-out files found")
	}
	m := ngram.New(ngram.Options{Order: o.Order, MinProb: o.MinProb})
	fmt.Fprintf(stdout, "lode eval ngram  %s  (%s, %s/%s)\nheld out: %s\n", root, runtime.Version(), runtime.GOOS, runtime.GOARCH, strings.Join(o.HeldOut, ","))
	tr, err := ngramTrainTimed(ctx, m, train)
	if err != nil {
		return err
	}
	printNgramTraining(stdout, tr, m.Stats())
	evalFiles := make([]ngram.EvalFile, len(test))
	for i, f := range test {
		evalFiles[i] = ngram.EvalFile{Path: f.path, Lang: f.lang, Src: f.src}
	}
	start := time.Now()
	res, err := m.Evaluate(ctx, evalFiles, o.Seed)
	if err != nil {
		return err
	}
	evalTime := time.Since(start)
	lat := ngramMeasureLatency(ctx, m, test, o.Seed)
	printNgramReport(stdout, res, m.Stats().Vocabulary, evalTime, lat)
	return nil
}

type ngramCorpusFile struct {
	path string
	lang *syntax.Language
	src  []byte
}

// ngramSplitCorpus reads the source files under root, leaving out testdata,
// vendor-free generated files and hidden directories, and splits them into
// the ngramTraining files and the files of the held-out packages (in path
// order, so a package's files are read together).
func ngramSplitCorpus(root string, held []string) (train, test []ngramCorpusFile, err error) {
	heldSet := map[string]bool{}
	for _, h := range held {
		if h = strings.TrimSpace(h); h != "" {
			heldSet[filepath.FromSlash(h)] = true
		}
	}
	err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if path != root && (d.Name() == "testdata" || strings.HasPrefix(d.Name(), ".")) {
				return filepath.SkipDir
			}
			return nil
		}
		lang := syntax.Detect("", path)
		if lang == nil {
			return nil
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if ngramIsGenerated(src) {
			return nil
		}
		rel, _ := filepath.Rel(root, filepath.Dir(path))
		f := ngramCorpusFile{path: path, lang: lang, src: src}
		if heldSet[rel] {
			test = append(test, f)
		} else {
			train = append(train, f)
		}
		return nil
	})
	return train, test, err
}

// ngramIsGenerated reports whether src carries Go's generated-code marker.
func ngramIsGenerated(src []byte) bool {
	head := src[:min(len(src), 4096)]
	for line := range bytes.Lines(head) {
		if bytes.HasPrefix(line, []byte("// Code generated ")) && bytes.Contains(line, []byte("DO NOT EDIT")) {
			return true
		}
	}
	return false
}

// ngramTraining is the cost of learning the ngramTraining files, beside the cost of
// parsing them, which the index pays anyway.
type ngramTraining struct {
	files, bytes      int
	parse, learn      time.Duration
	heapMB, peakRSSMB float64
}

func ngramTrainTimed(ctx context.Context, m *ngram.Model, files []ngramCorpusFile) (ngramTraining, error) {
	var tr ngramTraining
	for _, f := range files {
		t0 := time.Now()
		tree, err := syntax.Parse(ctx, f.lang, f.src)
		if err != nil {
			return tr, fmt.Errorf("%s: %w", f.path, err)
		}
		t1 := time.Now()
		err = m.Learn(f.path, f.lang, f.src, tree)
		t2 := time.Now()
		tree.Close()
		if err != nil {
			return tr, fmt.Errorf("%s: %w", f.path, err)
		}
		tr.parse += t1.Sub(t0)
		tr.learn += t2.Sub(t1)
		tr.files++
		tr.bytes += len(f.src)
	}
	t0 := time.Now()
	m.Flush() // the counts Learn leaves to a bulk build
	tr.learn += time.Since(t0)
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	tr.heapMB = float64(ms.HeapAlloc) / (1 << 20)
	tr.peakRSSMB = peakRSSMB()
	return tr, nil
}

// ngramLatency holds request latencies of Complete and PredictNext, sorted.
type ngramLatency struct{ complete, predict []time.Duration }

// ngramMeasureLatency times real requests (prefix text in, text out) at
// seeded-random positions of the held-out files, after they were learned.
func ngramMeasureLatency(ctx context.Context, m *ngram.Model, files []ngramCorpusFile, seed uint64) ngramLatency {
	var lat ngramLatency
	const n = 500
	for i := range n {
		f := files[(uint64(i)*2654435761+seed)%uint64(len(files))]
		if len(f.src) == 0 {
			continue
		}
		pos := int((uint64(i)*40503 + seed*7919) % uint64(len(f.src)))
		req := &llm.Request{Mode: llm.ModeFIM, Prompt: string(f.src[:pos]), Suffix: string(f.src[pos:]),
			Path: f.path, Language: f.lang.Name}
		t0 := time.Now()
		m.Complete(ctx, req)
		t1 := time.Now()
		m.PredictNext(ctx, req, 20)
		lat.complete = append(lat.complete, t1.Sub(t0))
		lat.predict = append(lat.predict, time.Since(t1))
	}
	slices.Sort(lat.complete)
	slices.Sort(lat.predict)
	return lat
}

func printNgramTraining(w io.Writer, tr ngramTraining, st ngram.Stats) {
	fmt.Fprintf(w, "training: %d files, %.1f MB; tree-sitter parse %.2fs, learn (leaves + counts) %.2fs = %.0f%% of parse\n",
		tr.files, float64(tr.bytes)/1e6, tr.parse.Seconds(), tr.learn.Seconds(), 100*tr.learn.Seconds()/tr.parse.Seconds())
	fmt.Fprintf(w, "model: %d tokens, vocabulary %d, %d n-gram nodes, ~%.0f MB counts; Go heap %.0f MB, peak RSS %.0f MB\n",
		st.Tokens, st.Vocabulary, st.Nodes, float64(st.Bytes)/(1<<20), tr.heapMB, tr.peakRSSMB)
}

func printNgramReport(w io.Writer, r *ngram.EvalResult, vocabulary int, evalTime time.Duration, lat ngramLatency) {
	fmt.Fprintf(w, "held-out: %d files, %d tokens (%d lexical), eval %.1fs\n", r.Files, r.Model.Tokens, r.Lexical.Tokens, evalTime.Seconds())
	fmt.Fprintf(w, "unseen tokens %.2f%%, each charged the unknown token's probability (the chance of a new name there): %.2f of the bits/token; in-vocabulary tokens alone: %.2f bits/token\n",
		100*ngramRatio(r.Model.Unseen, r.Model.Tokens), r.UnseenBits/float64(r.Model.Tokens),
		(r.Model.Bits-r.UnseenBits)/float64(r.Model.Tokens-r.Model.Unseen))
	fmt.Fprintf(w, "stricter: charging each unseen token also log2(vocabulary + 1) = %.1f bits for its spelling: %.2f bits/token\n\n",
		math.Log2(float64(vocabulary+1)), (r.Model.Bits+float64(r.Model.Unseen)*math.Log2(float64(vocabulary+1)))/float64(r.Model.Tokens))
	fmt.Fprintf(w, "%-34s %9s %7s %7s %7s\n", "next token (rank > 10 = miss)", "bits/tok", "MRR", "top-1", "top-5")
	row := func(name string, m ngram.Metrics, entropy bool) {
		e := "-"
		if entropy {
			e = fmt.Sprintf("%.2f", m.Entropy())
		}
		fmt.Fprintf(w, "%-34s %9s %7.3f %7.3f %7.3f\n", name, e, m.MRR(), m.Acc1(), m.Acc5())
	}
	row("nested cache n-gram, all tokens", r.Model, true)
	row("  without newline tokens", r.Lexical, true)
	for i, name := range []string{"punctuation", "keywords", "identifiers", "literals", "newlines"} {
		row(fmt.Sprintf("  %s (%.0f%%)", name, 100*ngramRatio(r.ByClass[i].Tokens, r.Model.Tokens)), r.ByClass[i], true)
	}
	row("baseline: workspace frequency", r.Frequency, false)
	row("baseline: buffer words by recency", r.Recency, false)
	fmt.Fprintf(w, "identifier positions (%d), identifiers ranked only:\n", r.Ident.Tokens)
	row("nested cache n-gram", r.Ident, false)
	row("baseline: workspace identifier freq", r.IdentFrequency, false)
	row("baseline: buffer identifiers recency", r.IdentRecency, false)
	fmt.Fprintf(w, "\nrest-of-line at a random cut of each line: %d lines, proposed %.1f%%, exact %.1f%% of lines, %.1f%% of proposals\n",
		r.Lines, 100*ngramRatio(r.Proposed, r.Lines), 100*ngramRatio(r.Exact, r.Lines), 100*ngramRatio(r.Exact, r.Proposed))
	fmt.Fprintf(w, "spacing reconstructed right: %.1f%% of %d gaps\n", 100*ngramRatio(r.GapsRight, r.Gaps), r.Gaps)
	fmt.Fprintf(w, "latency over %d requests (tail parse included): Complete p50 %s p99 %s; PredictNext p50 %s p99 %s\n",
		len(lat.complete), quantile(lat.complete, .5), quantile(lat.complete, .99), quantile(lat.predict, .5), quantile(lat.predict, .99))
}

func ngramRatio(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}
