package eval

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"go/ast"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"time"

	"github.com/lode-ls/lode/completion"
	"github.com/lode-ls/lode/context/deps"
	"github.com/lode-ls/lode/context/index"
	"github.com/lode-ls/lode/context/retrieve"
	"github.com/lode-ls/lode/context/syntax"
	"github.com/lode-ls/lode/context/text"
	"github.com/lode-ls/lode/context/tokens"
	"github.com/lode-ls/lode/context/workspace"
)

// The packages `lode eval context` holds out: call sites are drawn from
// them only. ContextDev were used to tune retrieval; ContextHeldOut never were.
var (
	ContextHeldOut = []string{"net/http", "go/types", "encoding/json", "text/template", "crypto/tls",
		"database/sql", "archive/zip", "image/png", "compress/flate", "os/exec", "net/mail",
		"go/printer", "debug/elf", "mime/multipart", "regexp", "flag", "log/slog", "net/netip"}
	ContextDev = []string{"net/url", "bufio", "go/parser", "encoding/xml", "strconv", "crypto/x509",
		"text/tabwriter", "archive/tar", "image/gif", "debug/dwarf", "go/doc", "html/template"}
)

// ctxSite is one call of a function declared in another file of the tree.
type ctxSite struct {
	file      string
	lparen    int // offset of the call's "(": the cursor of mode "args"
	lineStart int // offset of the first non-blank byte of the call's line: mode "line"
	callee    string
	symbol    string // the callee as written, with the name that qualifies it: "x.Close"
	goldFile  string
	goldLine  int    // zero-based line of the callee's name in its declaration
	dep       bool   // the callee is declared outside the tree: the standard library or a module dependency
	line      string // the call's line from lineStart, as written
}

// ctxModes are the cursor placements measured.
var ctxModes = []struct{ name, doc string }{
	{"args", "cursor just before the call's arguments (the callee's name typed)"},
	{"line", "cursor at the start of the call's line (nothing of it typed)"},
}

// ContextOptions are the settings of a Context run: the flags of
// `lode eval context`.
type ContextOptions struct {
	HeldOut    []string // packages the call sites are drawn from, relative to the root
	N, PerFile int      // call sites to draw, and at most per file
	Seed       uint64
	Budgets    []int // token budgets
	Window     int   // lines before the cursor the prompt holds
	Misses     bool  // print lode's misses at the largest budget (to stderr)
	Ground     bool  // measure the grounding check
	Deps       bool  // look calls into dependencies up in their declarations
	Time       time.Duration
	// Progress, when set, gets a progress bar of the index build (a
	// terminal).
	Progress io.Writer
}

// Context implements `lode eval context DIR`: at seeded-random call sites
// in held-out packages, whose callee go/types finds declared in another
// file of root, it checks whether the context bundle holds the callee's
// declaration, for lode's retriever and the baselines, in one run.
func Context(ctx context.Context, root string, o ContextOptions, stdout, stderr io.Writer) error {
	sites, err := ctxCallSites(ctx, root, o.HeldOut, o.Seed, o.N, o.PerFile)
	if err != nil {
		return err
	}
	ev, err := newCtxEval(ctx, root, o.Budgets, o.Window, o.Progress)
	if err != nil {
		return err
	}
	if o.Deps {
		ev.deps = deps.New(root, deps.Options{})
		defer ev.deps.Close()
		ev.r.SetDependencies(ev.deps)
	}
	if o.Misses {
		ev.misses = stderr
	}
	if o.Ground {
		ev.ground = make(map[string]*ctxGround)
	}
	ev.time = o.Time
	defer ev.r.Close()
	if err := ev.run(ctx, sites); err != nil {
		return err
	}
	ev.report(stdout, root, strings.Join(o.HeldOut, ","), len(sites), o.Seed)
	return nil
}

// goListPackage is what `go list -json` says of a package.
type goListPackage struct {
	ImportPath, Dir, Export string
	GoFiles                 []string
	ImportMap               map[string]string
}

// ctxCallSites type-checks the held-out packages (importing the others
// from the export data `go list -export` builds) and draws call sites
// whose callee is declared in another file under root.
func ctxCallSites(ctx context.Context, root string, held []string, seed uint64, n, perFile int) ([]ctxSite, error) {
	patterns := make([]string, 0, len(held))
	for _, h := range held {
		if h = strings.TrimSpace(h); h != "" {
			patterns = append(patterns, "./"+filepath.ToSlash(h))
		}
	}
	cmd := exec.CommandContext(ctx, "go", append([]string{"list", "-e", "-export", "-deps",
		"-json=ImportPath,Dir,Export,GoFiles,ImportMap"}, patterns...)...)
	cmd.Dir = root
	cmd.Stderr = io.Discard
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("go list: %w", err)
	}
	exports, importMap := make(map[string]string), make(map[string]string)
	var targets []goListPackage
	dec := json.NewDecoder(bytes.NewReader(out))
	for dec.More() {
		var p goListPackage
		if err := dec.Decode(&p); err != nil {
			return nil, fmt.Errorf("go list: %w", err)
		}
		exports[p.ImportPath] = p.Export
		for k, v := range p.ImportMap {
			importMap[k] = v
		}
		for _, h := range held {
			if p.Dir == filepath.Join(root, filepath.FromSlash(strings.TrimSpace(h))) {
				targets = append(targets, p)
			}
		}
	}
	lookup := func(path string) (io.ReadCloser, error) {
		if m, ok := importMap[path]; ok {
			path = m
		}
		if exports[path] == "" {
			return nil, fmt.Errorf("no export data for %s", path)
		}
		return os.Open(exports[path])
	}
	var all []ctxSite
	for _, p := range targets {
		sites, err := packageCallSites(p, root, lookup)
		if err != nil {
			return nil, err
		}
		all = append(all, sites...)
	}
	return drawSites(all, seed, n, perFile), nil
}

// packageCallSites returns every call in p of a function or method that
// is declared in another file under root.
func packageCallSites(p goListPackage, root string, lookup importer.Lookup) ([]ctxSite, error) {
	fset := token.NewFileSet()
	var files []*ast.File
	srcs := make(map[string][]byte)
	for _, name := range p.GoFiles {
		path := filepath.Join(p.Dir, name)
		src, err := os.ReadFile(path)
		if err != nil {
			return nil, err
		}
		f, err := parser.ParseFile(fset, path, src, parser.SkipObjectResolution)
		if err != nil {
			return nil, err
		}
		files = append(files, f)
		srcs[path] = src
	}
	conf := types.Config{Importer: importer.ForCompiler(fset, "gc", lookup), Error: func(error) {}}
	info := &types.Info{Uses: make(map[*ast.Ident]types.Object)}
	conf.Check(p.ImportPath, fset, files, info) // errors leave some uses unresolved, no more
	goroot := runtime.GOROOT()
	var sites []ctxSite
	for _, f := range files {
		path := fset.Position(f.Pos()).Filename
		src := srcs[path]
		ast.Inspect(f, func(nd ast.Node) bool {
			call, ok := nd.(*ast.CallExpr)
			if !ok {
				return true
			}
			var id *ast.Ident
			qual := ""
			switch fun := call.Fun.(type) {
			case *ast.Ident:
				id = fun
			case *ast.SelectorExpr:
				id = fun.Sel
				switch x := fun.X.(type) {
				case *ast.Ident:
					qual = x.Name + "."
				case *ast.SelectorExpr:
					qual = x.Sel.Name + "."
				}
			default:
				return true
			}
			fn, ok := info.Uses[id].(*types.Func)
			if !ok || !fn.Pos().IsValid() {
				return true
			}
			pos := fset.Position(fn.Origin().Pos())
			gold := strings.Replace(pos.Filename, "$GOROOT", goroot, 1)
			if gold == path {
				return true
			}
			// Outside the tree, or vendored: another module.
			dep := !strings.HasPrefix(gold, root+string(filepath.Separator)) ||
				strings.Contains(gold, string(filepath.Separator)+"vendor"+string(filepath.Separator))
			lp := fset.Position(call.Lparen).Offset
			ls := bytes.LastIndexByte(src[:lp], '\n') + 1
			for ls < lp && (src[ls] == ' ' || src[ls] == '\t') {
				ls++
			}
			le := ls + max(0, bytes.IndexByte(src[ls:], '\n'))
			sites = append(sites, ctxSite{file: path, lparen: lp, lineStart: ls, callee: fn.Name(), symbol: qual + fn.Name(),
				goldFile: gold, goldLine: pos.Line - 1, dep: dep, line: string(src[ls:le])})
			return true
		})
	}
	return sites, nil
}

// drawSites shuffles sites with seed and keeps n, at most perFile a file,
// then orders them by file so that each file leaves the index once.
func drawSites(all []ctxSite, seed uint64, n, perFile int) []ctxSite {
	rng := rand.New(rand.NewPCG(seed, 0x10de))
	rng.Shuffle(len(all), func(i, j int) { all[i], all[j] = all[j], all[i] })
	count := make(map[string]int)
	var out []ctxSite
	for _, s := range all {
		if len(out) == n {
			break
		}
		if s.dep {
			continue
		}
		if count[s.file] < perFile {
			count[s.file]++
			out = append(out, s)
		}
	}
	// Calls into dependencies are drawn apart, as many, and scored apart.
	clear(count)
	deps := 0
	for _, s := range all {
		if deps == n {
			break
		}
		if s.dep && count[s.file] < perFile {
			count[s.file]++
			deps++
			out = append(out, s)
		}
	}
	slices.SortStableFunc(out, func(a, b ctxSite) int { return strings.Compare(a.file, b.file) })
	return out
}

// ctxEval runs the retrievers over the call sites and keeps the scores.
type ctxEval struct {
	ws      *workspace.Workspace
	ix      *index.Index
	r       *retrieve.Retriever
	counter *tokens.Counter
	budgets []int
	window  int
	texts   map[string]*text.Text // file contents for the baselines' windows

	files     int
	built     index.BuildResult
	buildTime time.Duration
	scores    map[string]*ctxScore     // by method and mode: "lode/args", "lode/args dep"
	precision map[string]*ctxPrecision // lode's, by mode: "args", "args dep"
	latency   []time.Duration          // of lode's Retrieve, every call
	misses    io.Writer                // where lode's misses are told, if set
	deps      *deps.Surface            // nil: calls into dependencies are not looked up
	ground    map[string]*ctxGround    // by mode, when grounding is measured
	depsTime  time.Duration            // reading the dependencies' surface
	// time, when set, is a time budget per search: lode is scored under
	// it too, as it is now (the sources that finished) and as it was (the
	// whole bundle, or nothing when a source did not finish in time).
	time time.Duration
}

// ctxScore counts, for one method and mode, the sites whose gold
// declaration was in the bundle at each budget, and the reciprocal ranks
// at the largest budget.
type ctxScore struct {
	hits  []int
	rr    float64
	sites int
}

// ctxPrecision counts, at one budget, lode's definition snippets of the
// called name: all of them, and those that are the declaration the call
// resolves to. Sites counts the sites where the name got any.
type ctxPrecision struct {
	right, all, sites int
}

// ctxPrecisionBudget is the budget whose bundles precision is measured on.
const ctxPrecisionBudget = 1024

// ctxMethods are the rows of the report, in order.
var ctxMethods = []struct{ key, name string }{
	{"prefix", "prefix only (no other file)"},
	{"jaccard", "Jaccard, 20-line windows"},
	{"bm25", "BM25, 10-line chunks"},
	{"lode", "lode"},
	{"lode-time", "lode, time budget"},
	{"lode-aon", "all or nothing"},
}

// newCtxEval indexes root (without testdata), timing the cold build.
func newCtxEval(ctx context.Context, root string, budgets []int, window int, progress io.Writer) (*ctxEval, error) {
	ws := workspace.New()
	if err := ws.AddFolder(root); err != nil {
		return nil, err
	}
	found, err := ws.Scan(ctx)
	if err != nil {
		return nil, err
	}
	var files []index.File
	for _, f := range found {
		if strings.Contains(f.Path, string(filepath.Separator)+"testdata"+string(filepath.Separator)) {
			continue
		}
		files = append(files, index.File{Path: f.Path, Size: f.Size, ModTime: f.ModTime,
			Read: func() ([]byte, error) { return ws.ReadFile(f.Path) }})
	}
	// The index cache that lode context and lode index save saves the
	// cold build of repeated runs; what the cache lacks or has changed is
	// indexed now, and files not offered here (testdata) leave it.
	start := time.Now()
	ix, _, _ := retrieve.OpenIndex(root)
	bar := &indexBar{w: progress}
	res, err := ix.Build(ctx, files, 0, bar.update)
	bar.done()
	if err != nil {
		return nil, err
	}
	counter := tokens.New()
	return &ctxEval{
		ws: ws, ix: ix, r: retrieve.New(ws, ix, counter, retrieve.Options{}), counter: counter,
		budgets: budgets, window: window, texts: make(map[string]*text.Text),
		files: len(files), built: res, buildTime: time.Since(start), scores: make(map[string]*ctxScore),
		precision: make(map[string]*ctxPrecision),
	}, nil
}

// run measures every site; each file leaves the index while its sites are
// measured (the engine sees the rest of the tree and the file up to the
// cursor, nothing after it).
func (ev *ctxEval) run(ctx context.Context, sites []ctxSite) error {
	for i := 0; i < len(sites); {
		file := sites[i].file
		src, err := os.ReadFile(file)
		if err != nil {
			return err
		}
		ev.ix.Remove(file)
		ev.touched(ctx, file)
		if ev.deps != nil {
			// A package is read on its first use, in the background; an
			// editor's next request finds it. Here every site counts, so
			// the file's imports are read before its sites are measured.
			start := time.Now()
			ev.deps.Preload(ctx, src)
			ev.depsTime += time.Since(start)
		}
		for ; i < len(sites) && sites[i].file == file; i++ {
			for _, m := range ctxModes {
				cursor := sites[i].lparen
				if m.name == "line" {
					cursor = sites[i].lineStart
				}
				mode := m.name
				if sites[i].dep {
					mode += " dep"
				}
				if err := ev.site(ctx, sites[i], mode, string(src[:cursor])); err != nil {
					return err
				}
			}
		}
		if err := ev.ix.Update(ctx, file, syntax.Detect("", file), src); err != nil {
			return err
		}
		ev.touched(ctx, file)
	}
	return nil
}

// touched tells the workspace's subscribers (the retriever's caches) that
// the index entry of file changed behind their back.
func (ev *ctxEval) touched(ctx context.Context, file string) {
	ev.ws.ApplyWatched(ctx, []workspace.Event{{Path: file, Kind: workspace.Changed}})
}

// site scores every method at one site, with content the file up to the
// cursor.
func (ev *ctxEval) site(ctx context.Context, s ctxSite, mode, content string) error {
	lines := strings.Split(content, "\n")
	windowStart := len(content) - len(strings.Join(lines[max(0, len(lines)-ev.window):], "\n"))
	query := strings.Join(lines[max(0, len(lines)-20):], "\n")
	covers := func(path string, first, last int) bool {
		return path == s.goldFile && first <= s.goldLine && s.goldLine <= last
	}
	notFile := func(path string, _, _ int) bool { return path == s.file }

	ev.score("prefix", mode, func(int) int { return 0 })
	jaccard := ev.ix.Similar(query, 20, 64, notFile)
	ev.score("jaccard", mode, func(budget int) int { return ev.packHits(jaccard, budget, covers) })
	bm25 := ev.ix.BM25(query, 64, notFile)
	ev.score("bm25", mode, func(budget int) int { return ev.packHits(bm25, budget, covers) })

	if ev.ground != nil && strings.HasPrefix(mode, "line") {
		ev.measureGround(ctx, s, mode, content)
	}
	var err error
	rank := func(b retrieve.Bundle) int {
		for i, sn := range b.Snippets {
			if covers(sn.Path, sn.StartLine, sn.EndLine) {
				return i + 1
			}
		}
		return 0
	}
	retrieveAt := func(ctx context.Context, budget int) (retrieve.Bundle, time.Duration) {
		start := time.Now()
		b, rerr := ev.r.Retrieve(ctx, retrieve.Request{Path: s.file, Content: content, Offset: len(content),
			Budget: budget, PrefixStart: windowStart, SuffixEnd: len(content)})
		if rerr != nil {
			err = rerr
		}
		return b, time.Since(start)
	}
	if ev.deps != nil {
		// A request may name packages the document does not import (the
		// type of a field of an imported type): their read starts then,
		// and an editor's next request, a keystroke later, finds them.
		retrieveAt(ctx, ev.budgets[len(ev.budgets)-1])
		start := time.Now()
		ev.deps.Settle(ctx)
		ev.depsTime += time.Since(start)
	}
	ev.score("lode", mode, func(budget int) int {
		b, took := retrieveAt(ctx, budget)
		ev.latency = append(ev.latency, took)
		if budget == ctxPrecisionBudget || budget == ev.budgets[len(ev.budgets)-1] && !slices.Contains(ev.budgets, ctxPrecisionBudget) {
			ev.countPrecision(s, mode, b, covers)
		}
		r := rank(b)
		if r == 0 && ev.misses != nil && budget == ev.budgets[len(ev.budgets)-1] {
			ev.tellMiss(s, mode, content, b)
		}
		return r
	})
	if ev.time > 0 {
		// Then under the time budget, the document parsed already (as an
		// open document is, and as the call above left it): the bundle of
		// the sources that finished, and what the engine had before, from
		// the same call: the whole bundle when nothing was cut, else
		// nothing.
		timed, whole := make(map[int]int), make(map[int]int)
		for _, budget := range ev.budgets {
			tctx, cancel := context.WithTimeout(ctx, ev.time)
			b, _ := retrieveAt(tctx, budget)
			cancel()
			timed[budget] = rank(b)
			if len(b.Cut) == 0 {
				whole[budget] = timed[budget]
			}
		}
		ev.score("lode-time", mode, func(budget int) int { return timed[budget] })
		ev.score("lode-aon", mode, func(budget int) int { return whole[budget] })
	}
	return err
}

// countPrecision counts the definition snippets of the callee's name in b,
// and those that are its declaration.
func (ev *ctxEval) countPrecision(s ctxSite, mode string, b retrieve.Bundle, covers func(string, int, int) bool) {
	pr := ev.precision[mode]
	if pr == nil {
		pr = &ctxPrecision{}
		ev.precision[mode] = pr
	}
	any := false
	for _, sn := range b.Snippets {
		if sn.Symbol != s.symbol || sn.Reason != retrieve.ReasonDefinition && sn.Reason != retrieve.ReasonImport &&
			!strings.HasPrefix(string(sn.Reason), string(retrieve.ReasonDependency)) {
			continue
		}
		any = true
		pr.all++
		if covers(sn.Path, sn.StartLine, sn.EndLine) {
			pr.right++
		} else if ev.misses != nil {
			fmt.Fprintf(ev.misses, "wrong %s %s %s -> %s:%d, gold %s:%d\n", mode, filepath.Base(s.file), s.symbol,
				sn.Path, sn.StartLine+1, s.goldFile, s.goldLine+1)
		}
	}
	if any {
		pr.sites++
	}
}

// ctxGround counts, for one mode, the grounding check's verdicts: real
// lines cut or dropped, and invented callees caught.
type ctxGround struct {
	real, realCut, invented, caught int
}

// measureGround runs the grounding check (mode cut) at the start of the
// site's line on the real line, and on the line with the callee's name
// changed into one declared nowhere (what a model inventing a member
// writes).
func (ev *ctxEval) measureGround(ctx context.Context, s ctxSite, mode, content string) {
	g := ev.ground[mode]
	if g == nil {
		g = &ctxGround{}
		ev.ground[mode] = g
	}
	// The document is the file without the call's line, as when a line
	// is completed in a file whose rest is written.
	src := ev.source(s.file)
	doc := src[:s.lineStart] + src[s.lineStart+len(s.line):]
	if ev.deps != nil {
		// The grounding check looks members up in what the package
		// imports; in an editor, the first request has them read.
		var paths []string
		for _, f := range ev.ix.Siblings(s.file) {
			if fi, ok := ev.ix.File(f); ok {
				for _, imp := range fi.Imports {
					paths = append(paths, imp.Path)
				}
			}
		}
		start := time.Now()
		ev.deps.PreloadPaths(ctx, paths)
		ev.depsTime += time.Since(start)
	}
	lookup := ev.r.Names(ctx, s.file, doc)
	ground := func(line string) (string, completion.GroundCheck) {
		return completion.Ground(lookup, completion.GroundCut, "go", doc, s.lineStart, line)
	}
	g.real++
	if out, chk := ground(s.line); out != s.line {
		g.realCut++
		if ev.misses != nil {
			fmt.Fprintf(ev.misses, "ground cut real %s %s: %q -> %q (%s)\n", mode, filepath.Base(s.file), s.line, out, chk)
		}
	}
	k := strings.Index(s.line, s.symbol+"(")
	if k < 0 {
		return
	}
	k += len(s.symbol) - len(s.callee)
	for _, v := range []string{s.callee + "s", s.callee + "All", "Get" + s.callee, s.callee + "Context", s.callee + "2"} {
		if len(ev.ix.Lookup(v)) > 0 || ev.deps != nil && ev.deps.Declares(v) || strings.Contains(src, v) {
			continue // not an invention: something declares it
		}
		invented := s.line[:k] + v + s.line[k+len(s.callee):]
		g.invented++
		out, chk := ground(invented)
		if out != invented {
			g.caught++
		} else if ev.misses != nil {
			fmt.Fprintf(ev.misses, "ground missed %s %s: %q (%s)\n", mode, filepath.Base(s.file), invented, chk)
		}
		return
	}
}

// source returns the content of a held-out file.
func (ev *ctxEval) source(path string) string {
	data, _ := os.ReadFile(path)
	return string(data)
}

// tellMiss describes a site where lode's bundle lacks the gold.
func (ev *ctxEval) tellMiss(s ctxSite, mode, content string, b retrieve.Bundle) {
	line := content[strings.LastIndexByte(content, '\n')+1:]
	fmt.Fprintf(ev.misses, "miss %s %s:%d %q -> %s:%d (%d snippets, %d tokens)\n", mode,
		filepath.Base(s.file), strings.Count(content, "\n")+1, strings.TrimSpace(line), s.goldFile, s.goldLine+1, len(b.Snippets), b.Tokens)
	for _, sn := range b.Snippets[:min(len(b.Snippets), 6)] {
		fmt.Fprintf(ev.misses, "\t%s %s %s:%d\n", sn.Reason, sn.Symbol, filepath.Base(sn.Path), sn.StartLine+1)
	}
}

// score records one method's rank of the gold at each budget (0: absent).
func (ev *ctxEval) score(method, mode string, rank func(budget int) int) {
	k := method + "/" + mode
	sc := ev.scores[k]
	if sc == nil {
		sc = &ctxScore{hits: make([]int, len(ev.budgets))}
		ev.scores[k] = sc
	}
	sc.sites++
	for i, b := range ev.budgets {
		r := rank(b)
		if r > 0 {
			sc.hits[i]++
		}
		if i == len(ev.budgets)-1 && r > 0 {
			sc.rr += 1 / float64(r)
		}
	}
}

// packHits packs a baseline's ranked windows under budget, best first,
// skipping those that do not fit, and returns the rank of the first that
// covers the gold (0: none does).
func (ev *ctxEval) packHits(hits []index.Hit, budget int, covers func(string, int, int) bool) int {
	used, rank := 0, 0
	for _, h := range hits {
		n := ev.counter.CountTokens(ev.lines(h.Path, h.StartLine, h.EndLine))
		if used+n > budget {
			continue
		}
		used += n
		rank++
		if covers(h.Path, h.StartLine, h.EndLine) {
			return rank
		}
	}
	return 0
}

// lines returns lines [first, last] of a file, as the baselines show them.
func (ev *ctxEval) lines(path string, first, last int) string {
	t, ok := ev.texts[path]
	if !ok {
		data, _ := ev.ws.ReadFile(path)
		t = text.New(string(data))
		ev.texts[path] = t
	}
	return t.String()[t.LineStart(first):t.LineStart(last+1)]
}

// report prints the table of one run.
func (ev *ctxEval) report(w io.Writer, root, held string, sites int, seed uint64) {
	fmt.Fprintf(w, "lode eval context %s\n", root)
	fmt.Fprintf(w, "go: %s (lode built with %s); tree: %d files (workspace rules, testdata excluded), index ready in %s (%d parsed, %d from cache)\n",
		goVersion(root), runtime.Version(), ev.files, ev.buildTime.Round(time.Millisecond), ev.built.Indexed, ev.built.Unchanged)
	fmt.Fprintf(w, "held out: %s\ncall sites: %d (seed %d), callee declared in another file; prompt window %d lines before the cursor\n",
		held, sites, seed, ev.window)
	if ev.time > 0 {
		fmt.Fprintf(w, "time budget per search: %s (\"lode, time budget\": the sources that finished; \"all or nothing\": the whole bundle, or none when the search ran past it)\n", ev.time)
	}
	modes := slices.Clone(ctxModes)
	for _, m := range ctxModes {
		if ev.scores["lode/"+m.name+" dep"] != nil {
			modes = append(modes, struct{ name, doc string }{m.name + " dep",
				m.doc + ", callee declared outside the tree (standard library or a module dependency)"})
		}
	}
	for _, m := range modes {
		n := 0
		if sc := ev.scores["lode/"+m.name]; sc != nil {
			n = sc.sites
		}
		fmt.Fprintf(w, "\n%s: %d sites\n%-30s", m.doc, n, "method")
		for _, b := range ev.budgets {
			fmt.Fprintf(w, " %11s", fmt.Sprintf("recall@%d", b))
		}
		fmt.Fprintf(w, " %8s\n", fmt.Sprintf("MRR@%d", ev.budgets[len(ev.budgets)-1]))
		for _, me := range ctxMethods {
			sc := ev.scores[me.key+"/"+m.name]
			if sc == nil || sc.sites == 0 {
				continue
			}
			fmt.Fprintf(w, "%-30s", me.name)
			for i := range ev.budgets {
				fmt.Fprintf(w, " %10.1f%%", 100*float64(sc.hits[i])/float64(sc.sites))
			}
			fmt.Fprintf(w, " %8.3f\n", sc.rr/float64(sc.sites))
		}
		if pr := ev.precision[m.name]; pr != nil && pr.all > 0 {
			fmt.Fprintf(w, "lode's definition snippets of the called name at %d tokens: %d at %d sites, precision %.1f%% (the declaration the call resolves to, per go/types)\n",
				ctxPrecisionBudget, pr.all, pr.sites, 100*float64(pr.right)/float64(pr.all))
		}
		if g := ev.ground[m.name]; g != nil && g.real > 0 {
			fmt.Fprintf(w, "grounding (cut) on the call's line: real lines cut or dropped %d/%d (%.1f%%); invented callees caught %d/%d (%.1f%%)\n",
				g.realCut, g.real, 100*float64(g.realCut)/float64(g.real), g.caught, g.invented, 100*float64(g.caught)/float64(max(1, g.invented)))
		}
		lode, jac := ev.scores["lode/"+m.name], ev.scores["jaccard/"+m.name]
		for i, b := range ev.budgets {
			if b == 1024 && jac != nil && jac.hits[i] > 0 {
				fmt.Fprintf(w, "lode / Jaccard at 1024 tokens: %.2fx\n", float64(lode.hits[i])/float64(jac.hits[i]))
			}
		}
	}
	if ev.deps != nil {
		fmt.Fprintf(w, "\ndependencies' surface: %d packages read in %s (beside the index's %s)\n",
			len(ev.deps.Packages()), ev.depsTime.Round(time.Millisecond), ev.buildTime.Round(time.Millisecond))
	}
	if len(ev.latency) > 0 {
		slices.Sort(ev.latency)
		q := func(p float64) time.Duration { return ev.latency[int(p*float64(len(ev.latency)-1))] }
		fmt.Fprintf(w, "\nlode retrieval latency: p50 %s, p90 %s, p99 %s over %d requests (after a cold parse per file)\n",
			q(0.5).Round(time.Microsecond), q(0.9).Round(time.Microsecond), q(0.99).Round(time.Microsecond), len(ev.latency))
	}
}

// goVersion returns the Go version of the tree at root (its GOROOT's
// VERSION file), or "unknown".
func goVersion(root string) string {
	for d := root; ; d = filepath.Dir(d) {
		if data, err := os.ReadFile(filepath.Join(d, "VERSION")); err == nil {
			return strings.TrimSpace(strings.SplitN(string(data), "\n", 2)[0])
		}
		if filepath.Dir(d) == d {
			return "unknown"
		}
	}
}
