package main

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/lode-ls/lode/context/retrieve"
	"github.com/lode-ls/lode/internal/config"
	"github.com/lode-ls/lode/internal/session"
)

// runContext implements `lode context FILE:LINE:COL`: it indexes the
// workspace holding FILE (from the cache when it can) and prints the
// context bundle a completion at that position would get, with the reason
// and token count of every snippet.
func runContext(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fl := newFlags("context", "usage: lode context [flags] FILE:LINE:COL   (LINE and COL count from 1; COL in bytes)\n\n"+
		"Print the context bundle a completion at the position gets, with the reason and\ntoken count of every snippet.", 1, 1, "one FILE:LINE:COL")
	budget := fl.Int("budget", 0, "token budget of the bundle (default: the context.budget setting, 1024 unless configured)")
	userFile := fl.config()
	asJSON := fl.Bool("json", false, "print the bundle as JSON")
	root := fl.String("root", "", "workspace folder (default: FILE's project: the nearest directory above it holding .git or .lode.toml, else go.mod or another project file, else FILE's directory)")
	prefixLines := fl.Int("prefix-lines", 40, "lines before the cursor that the prompt holds (snippets there are dropped)")
	suffixLines := fl.Int("suffix-lines", 10, "lines after the cursor that the prompt holds")
	noCache := fl.Bool("no-cache", false, "neither load nor save the index cache")
	timeBudget := fl.Duration("time", 0, "time budget of the search, as a completion has it (e.g. 60ms): sources not finished by then are cut; 0 waits for all")
	rest, code, ok := fl.parse(args, stdout, stderr)
	if !ok {
		return code
	}
	path, line, col, err := parsePosition(rest[0])
	if err != nil {
		return fail(stderr, "context", err, exitUsage)
	}
	if *root == "" {
		*root = session.Root(path)
	}
	tty := isTerminal(stderr)
	progress := func(done, total int) {
		if tty && (done == total || done%500 == 0) {
			fmt.Fprintf(stderr, "\rindexing %d/%d files", done, total)
		}
	}
	s, problems := session.Open(session.Options{Config: config.Inputs{UserFile: *userFile}, Root: *root,
		NoCache: *noCache, NoLearn: true, Progress: progress})
	defer s.Close()
	printProblems("context", problems, stderr)
	b, elapsed, err := s.ContextAt(ctx, session.ContextQuery{Path: path, Line: line, Col: col,
		Budget: *budget, PrefixLines: *prefixLines, SuffixLines: *suffixLines, Time: *timeBudget})
	if tty {
		fmt.Fprint(stderr, "\r\033[K")
	}
	if err != nil {
		return fail(stderr, "context", err, exitOf(err))
	}
	if *asJSON {
		if err := writeJSON(stdout, b); err != nil {
			return exitFailed
		}
		return exitOK
	}
	printBundle(stdout, b, *root, rest[0], elapsed)
	return exitOK
}

// parsePosition splits FILE:LINE:COL (COL optional).
func parsePosition(s string) (path string, line, col int, err error) {
	parts := strings.Split(s, ":")
	nums := []int{}
	for len(parts) > 1 && len(nums) < 2 {
		n, err := strconv.Atoi(parts[len(parts)-1])
		if err != nil {
			break
		}
		nums = append([]int{n}, nums...)
		parts = parts[:len(parts)-1]
	}
	if len(nums) == 0 {
		return "", 0, 0, fmt.Errorf("%q: want FILE:LINE:COL", s)
	}
	line, col = nums[0], 1
	if len(nums) == 2 {
		col = nums[1]
	}
	path, err = filepath.Abs(strings.Join(parts, ":"))
	return path, line, max(col, 1), err
}

// printBundle prints a bundle for people: one header per snippet (reason,
// place, score, tokens), then its text indented.
func printBundle(w io.Writer, b retrieve.Bundle, root, where string, elapsed time.Duration) {
	fmt.Fprintf(w, "context for %s: %d snippets, %d of %d tokens (retrieved in %s)\n",
		where, len(b.Snippets), b.Tokens, b.Budget, elapsed.Round(time.Microsecond))
	for _, c := range b.Cut {
		fmt.Fprintf(w, "cut: %s (%s)\n", c.Source, c.Why)
	}
	for i, s := range b.Snippets {
		rel, err := filepath.Rel(root, s.Path)
		if err != nil || strings.HasPrefix(rel, "..") {
			rel = s.Path
		}
		reason := string(s.Reason)
		if s.Symbol != "" {
			reason += " " + s.Symbol
		}
		fmt.Fprintf(w, "\n%2d. %s  %s:%d-%d  score %.3f  %d tokens\n", i+1, reason, rel, s.StartLine+1, s.EndLine+1, s.Score, s.Tokens)
		for _, l := range strings.Split(strings.TrimRight(s.Text, "\n"), "\n") {
			fmt.Fprintf(w, "    %s\n", l)
		}
	}
}
