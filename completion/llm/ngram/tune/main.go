package main

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/lode-ls/lode/completion/llm/ngram"
	"github.com/lode-ls/lode/context/syntax"
)

func main() {
	root := os.Args[1]
	held := map[string]bool{}
	for _, h := range strings.Split(os.Args[2], ",") {
		held[h] = true
	}
	var n int
	fmt.Sscan(os.Args[3], &n)
	var train, test []ngram.EvalFile
	filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if d.IsDir() {
			if d.Name() == "testdata" {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(p, ".go") {
			return nil
		}
		src, _ := os.ReadFile(p)
		rel, _ := filepath.Rel(root, filepath.Dir(p))
		f := ngram.EvalFile{Path: p, Lang: syntax.ByName("go"), Src: src}
		if held[rel] {
			test = append(test, f)
		} else if len(train) < n {
			train = append(train, f)
		}
		return nil
	})
	order, _ := strconv.Atoi(os.Getenv("NG_ORDER"))
	m := ngram.New(ngram.Options{Order: order})
	var parse, learn time.Duration
	for _, f := range train {
		t0 := time.Now()
		tree, _ := syntax.Parse(context.Background(), f.Lang, f.Src)
		t1 := time.Now()
		m.Learn(f.Path, f.Lang, f.Src, tree)
		learn += time.Since(t1)
		parse += t1.Sub(t0)
		tree.Close()
	}
	fmt.Printf("order %d parse %s learn %s stats %+v\n", order, parse, learn, m.Stats())
	for _, cfg := range os.Args[4:] {
		var mix int
		var a float64
		var per int
		fmt.Sscanf(cfg, "%d:%g:%d", &mix, &a, &per)
		_, _, _ = mix, a, per
		t0 := time.Now()
		r, _ := m.Evaluate(context.Background(), test, 1)
		for _, f := range test {
			m.Forget(f.Path)
		}
		fmt.Printf("unseen %.4f of tokens, %.3f bits/token of the total\n", float64(r.Model.Unseen)/float64(r.Model.Tokens), r.UnseenBits/float64(r.Model.Tokens))
		fmt.Printf("%-8s bits %.3f lex %.3f MRR %.4f top1 %.3f top5 %.3f identMRR %.3f line %.3f/%.3f (%s)\n", cfg, r.Model.Entropy(), r.Lexical.Entropy(), r.Model.MRR(), r.Model.Acc1(), r.Model.Acc5(), r.Ident.MRR(),
			float64(r.Exact)/float64(r.Lines), float64(r.Exact)/float64(r.Proposed), time.Since(t0).Round(time.Second))
	}
}
