package eval

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os/exec"
	"path"
	"runtime"
	"slices"
	"sort"
	"strings"
	"time"

	udiff "github.com/aymanbagabas/go-udiff"

	"github.com/lode-ls/lode/completion/nextedit"
	"github.com/lode-ls/lode/context/index"
	"github.com/lode-ls/lode/context/syntax"
)

// NextEditOptions are the settings of a NextEdit run: the flags of `lode
// eval nextedit`.
type NextEditOptions struct {
	Commits int  // replay at most this many commits, newest first
	Files   int  // skip commits that modify more source files than this
	Verbose bool // print every replayed commit: its first change and what each predictor found
	Why     bool // classify the remaining hunks of focused commits the offline predictor missed
}

// NextEdit implements `lode eval nextedit REPO`: it replays the git
// history of repo. For each commit whose diff holds a first hunk and
// other hunks a predictor could relate to it (in the same file, or naming
// the token the first hunk changed), it applies the first hunk to the
// parent as the user's edit, asks each predictor for next edits and
// scores them against the remaining hunks. Commits it cannot replay are
// said on stderr and skipped.
func NextEdit(ctx context.Context, repo string, o NextEditOptions, stdout, stderr io.Writer) error {
	commits, err := neCommits(ctx, repo, o.Commits)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "lode eval nextedit  %s  (%s, %s/%s)\n", repo, runtime.Version(), runtime.GOOS, runtime.GOARCH)
	preds := []nePredictor{{name: "nothing (baseline)"}, {name: "textual occurrences (baseline)", predict: neTextual}, {name: "offline predictor", predict: neOffline}}
	var all, focused, strict [3]neScore
	var lat []time.Duration
	tally := map[string]int{}
	replayed := 0
	for _, c := range commits {
		if ctx.Err() != nil {
			break
		}
		cs, err := neReplay(ctx, repo, c, o.Files)
		if err != nil {
			fmt.Fprintf(stderr, "lode eval nextedit: %s: %v\n", c.hash, err)
			continue
		}
		if cs == nil {
			continue
		}
		replayed++
		for i, p := range preds {
			var sugg []neSuggestion
			var d time.Duration
			if p.predict != nil {
				sugg, d = p.predict(ctx, cs)
				if i == 2 {
					lat = append(lat, d)
				}
			}
			s := neScoreCase(cs, sugg)
			if o.Verbose && i > 0 {
				old, cur, _ := nextedit.TokenChange(cs.file, cs.before, cs.after, cs.first)
				fmt.Fprintf(stdout, "%.10s %s %q→%q focused=%v %s: shown %d right %d found %d/%d in %s\n",
					c.hash, cs.file, neClip(old), neClip(cur), cs.focused, p.name, s.shown, s.right, s.found, s.hunks, d.Round(time.Microsecond))
			}
			all[i].add(s)
			if o.Why && o.Verbose && i == 2 && !cs.focused {
				neWrong(stdout, cs, sugg)
			}
			if o.Why && i == 2 && cs.focused {
				var w io.Writer
				if o.Verbose {
					w = stdout
				}
				neWhy(ctx, w, cs, sugg, tally)
			}
			if cs.strict {
				strict[i].add(s)
			}
			if cs.focused {
				focused[i].add(s)
			}
		}
	}
	fmt.Fprintf(stdout, "commits read: %d, replayed (a first hunk and related hunks): %d\n", len(commits), replayed)
	neReport(stdout, "all replayed commits", preds, all)
	neReport(stdout, "commits whose first hunk is a rename or a repeated change", preds, focused)
	neReport(stdout, "the same, a repeated change told by a remaining hunk that makes exactly that change", preds, strict)
	if o.Why {
		neWhyReport(stdout, tally)
	}
	if len(lat) > 0 {
		slices.Sort(lat)
		q := func(p float64) time.Duration { return lat[min(len(lat)-1, int(p*float64(len(lat))))] }
		fmt.Fprintf(stdout, "offline predictor latency over %d edits (inference and sites, reading files left out): p50 %s  p99 %s  max %s\n",
			len(lat), q(0.50), q(0.99), lat[len(lat)-1])
	}
	return nil
}

type neCommit struct{ hash, parent string }

// neCommits lists the non-merge commits of repo with one parent, newest
// first.
func neCommits(ctx context.Context, repo string, max int) ([]neCommit, error) {
	out, err := neGit(ctx, repo, "log", "--no-merges", fmt.Sprintf("-n%d", max), "--format=%H %P")
	if err != nil {
		return nil, err
	}
	var cs []neCommit
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		f := strings.Fields(line)
		if len(f) == 2 {
			cs = append(cs, neCommit{f[0], f[1]})
		}
	}
	return cs, nil
}

func neGit(ctx context.Context, repo string, args ...string) (string, error) {
	cmd := exec.CommandContext(ctx, "git", append([]string{"-C", repo}, args...)...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("git %s: %v: %s", strings.Join(args, " "), err, strings.TrimSpace(stderr.String()))
	}
	return string(out), nil
}

// neHunk is one hunk of a commit: parent[start:end] of file became text.
type neHunk struct {
	file       string
	start, end int
	text       string
}

// neCase is one replayed edit.
type neCase struct {
	repo, parent string
	file         string
	parentText   map[string]string // the commit's modified files at the parent
	before       string            // file at the parent
	after        string            // file with the first hunk applied
	first        nextedit.Hunk
	rest         []neHunk // related remaining hunks; in file, in after's offsets
	// others are the commit's remaining hunks in other files that are not
	// related: a suggestion there is judged against them too (the commit
	// made the change there), but they count in no recall.
	others  []neHunk
	focused bool // the first hunk is a rename or a repeated change
	// strict is focused with a stricter test of a repeated change: a
	// remaining hunk makes exactly the first hunk's token change (its old
	// text with the old tokens replaced is its new text), not merely
	// holds both token texts, which numbers and brackets do by chance.
	strict bool
}

const neMaxFileSize = 256 << 10

// neReplay builds the case of one commit, or nil when it has no first hunk
// with related hunks.
func neReplay(ctx context.Context, repo string, c neCommit, maxFiles int) (*neCase, error) {
	names, err := neGit(ctx, repo, "diff", "--no-renames", "--name-only", "--diff-filter=M", c.parent, c.hash)
	if err != nil {
		return nil, err
	}
	var files []string
	for _, f := range strings.Fields(names) {
		if syntax.Detect("", f) != nil {
			files = append(files, f)
		}
	}
	sort.Strings(files)
	if len(files) == 0 || len(files) > maxFiles {
		return nil, nil
	}
	cs := &neCase{repo: repo, parent: c.parent, parentText: map[string]string{}}
	var hunks []neHunk
	for _, f := range files {
		old, err := neGit(ctx, repo, "show", c.parent+":"+f)
		if err != nil {
			return nil, err
		}
		cur, err := neGit(ctx, repo, "show", c.hash+":"+f)
		if err != nil {
			return nil, err
		}
		if len(old) > neMaxFileSize || len(cur) > neMaxFileSize {
			return nil, nil
		}
		cs.parentText[f] = old
		hunks = append(hunks, neHunks(f, old, cur)...)
	}
	if len(hunks) < 2 {
		return nil, nil
	}
	h := hunks[0]
	cs.file, cs.before = h.file, cs.parentText[h.file]
	cs.after = cs.before[:h.start] + h.text + cs.before[h.end:]
	cs.first = nextedit.Hunk{Path: h.file, Start: h.start, Old: cs.before[h.start:h.end], New: h.text}
	old, cur, ok := nextedit.TokenChange(h.file, cs.before, cs.after, cs.first)
	delta := len(h.text) - (h.end - h.start)
	// A remaining hunk repeats the first one when it makes the same token
	// change: it had the old tokens and has the new ones.
	repeats := func(rOld, rNew string) bool {
		switch {
		case !ok || old == "" && cur == "":
			return false
		case old == "":
			return strings.Contains(rNew, cur) && !strings.Contains(rOld, cur)
		case cur == "":
			return strings.Contains(rOld, old) && !strings.Contains(rNew, old)
		}
		return strings.Contains(rOld, old) && strings.Contains(rNew, cur)
	}
	// exactly tells whether a remaining hunk makes the same token change.
	exactly := func(rOld, rNew string) bool {
		switch {
		case !ok || old == "" && cur == "":
			return false
		case old == "":
			return strings.Contains(rNew, cur) && neNormal(strings.Replace(rNew, cur, "", 1)) == neNormal(rOld)
		}
		return strings.Contains(rOld, old) && neNormal(strings.ReplaceAll(rOld, old, cur)) == neNormal(rNew)
	}
	repeated, same := false, false
	for _, r := range hunks[1:] {
		rOld := cs.parentText[r.file][r.start:r.end]
		rep := repeats(rOld, r.text)
		same = same || exactly(rOld, r.text)
		if r.file != h.file && !rep && !(ok && neIdent(old) && strings.Contains(rOld, old)) {
			cs.others = append(cs.others, r)
			continue
		}
		repeated = repeated || rep
		if r.file == h.file && r.start >= h.end {
			r.start, r.end = r.start+delta, r.end+delta
		}
		cs.rest = append(cs.rest, r)
	}
	if len(cs.rest) == 0 {
		return nil, nil
	}
	cs.focused = repeated || ok && neIdent(old) && neIdent(cur)
	cs.strict = same || ok && neIdent(old) && neIdent(cur)
	return cs, nil
}

// neHunks returns the line hunks that turn old into cur.
func neHunks(file, old, cur string) []neHunk {
	var hs []neHunk
	for _, e := range udiff.Lines(old, cur) {
		if n := len(hs); n > 0 && hs[n-1].end == e.Start {
			hs[n-1].end = e.End
			hs[n-1].text += e.New
			continue
		}
		hs = append(hs, neHunk{file: file, start: e.Start, end: e.End, text: e.New})
	}
	return hs
}

func neIdent(s string) bool {
	if s == "" {
		return false
	}
	for i, r := range s {
		if !(r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || i > 0 && r >= '0' && r <= '9') {
			return false
		}
	}
	return true
}

// neSuggestion is a predicted edit of file (in after's offsets for the
// edited file, in the parent's for the others).
type neSuggestion struct {
	file       string
	start, end int
	text       string
}

type nePredictor struct {
	name string
	// predict returns the suggestions and the time spent computing them
	// (reading other files from git is left out).
	predict func(ctx context.Context, cs *neCase) ([]neSuggestion, time.Duration)
}

func neClip(s string) string {
	if len(s) > 40 {
		return s[:40] + "…"
	}
	return s
}

// neOffline asks the offline predictor, as lode serve does: the edited
// file, then, for a name other files may use, the commit's other files
// and the files of the parent that name it.
func neOffline(ctx context.Context, cs *neCase) ([]neSuggestion, time.Duration) {
	start := time.Now()
	c := nextedit.Infer(ctx, cs.file, "", cs.before, cs.after, cs.first)
	if c == nil {
		return nil, time.Since(start)
	}
	if c.Pending {
		d := time.Since(start)
		ok, dc := neConfirm(ctx, cs, c)
		if !ok {
			c = c.Otherwise
		}
		if c == nil {
			return nil, d + dc
		}
		start = time.Now().Add(-d - dc)
	}
	var out []neSuggestion
	skip := nextedit.Span{Start: cs.first.Start, End: cs.first.Start + len(cs.first.New)}
	for _, e := range c.Sites(cs.file, cs.after, c.Scope, skip, true) {
		out = append(out, neSuggestion{cs.file, e.Start, e.End, e.NewText})
	}
	d := time.Since(start)
	if !c.Elsewhere(len(out)) {
		return out, d
	}
	for _, f := range neOtherFiles(ctx, cs, c) {
		src := cs.parentText[f]
		start := time.Now()
		for _, e := range c.Sites(f, src, nextedit.Span{Start: 0, End: len(src)}, nextedit.Span{Start: -1, End: -1}, false) {
			out = append(out, neSuggestion{f, e.Start, e.End, e.NewText})
		}
		d += time.Since(start)
	}
	if len(out) > nextedit.DefaultMaxEdits {
		out = out[:nextedit.DefaultMaxEdits] // as lode serve answers
	}
	return out, d
}

// neConfirm tells whether a pending rename holds, as lode serve does: no
// other file names the new name and one declares the old.
// It returns the time spent, reading files left out.
func neConfirm(ctx context.Context, cs *neCase, c *nextedit.Change) (bool, time.Duration) {
	if slices.Equal(index.Tokens(c.New), []string{c.New}) {
		if out, _ := neGit(ctx, cs.repo, "grep", "-l", "-w", "-F", "-e", c.New, cs.parent); strings.TrimSpace(out) != "" {
			return false, 0
		}
	}
	files := neOtherFiles(ctx, cs, c)
	start := time.Now()
	for _, f := range files {
		if c.Declares(f, cs.parentText[f]) {
			return true, time.Since(start)
		}
	}
	return false, time.Since(start)
}

// neOtherFiles returns the files other than the edited one that may hold
// sites of c, as lode serve finds them: those that name c.Name at the
// parent, as the index would (a word it keeps), or, without a name, those
// of the edited file's directory with its extension; of them, those c
// reaches. At most nextedit.DefaultMaxFiles, their text read into cs.
func neOtherFiles(ctx context.Context, cs *neCase, c *nextedit.Change) []string {
	name := c.Name
	var out string
	switch {
	case name == "":
		args := []string{"ls-tree", "--name-only", cs.parent}
		if dir := path.Dir(cs.file); dir != "." {
			args = append(args, dir+"/")
		}
		out, _ = neGit(ctx, cs.repo, args...)
		var same []string
		for _, f := range strings.Split(out, "\n") {
			if path.Ext(f) == path.Ext(cs.file) {
				same = append(same, f)
			}
		}
		out = strings.Join(same, "\n")
	case slices.Equal(index.Tokens(name), []string{name}):
		out, _ = neGit(ctx, cs.repo, "grep", "-l", "-w", "-F", "-e", name, cs.parent)
	}
	var files []string
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		f := strings.TrimPrefix(line, cs.parent+":")
		if f == "" || f == cs.file || syntax.Detect("", f) == nil || !c.Reaches(cs.file, f) || len(files) == nextedit.DefaultMaxFiles {
			continue
		}
		if _, ok := cs.parentText[f]; !ok {
			src, err := neGit(ctx, cs.repo, "show", cs.parent+":"+f)
			if err != nil || len(src) > neMaxFileSize {
				continue
			}
			cs.parentText[f] = src
		}
		files = append(files, f)
	}
	return files
}

// neTextual proposes the first hunk's token change at every other textual
// occurrence of the changed tokens in the commit's files.
func neTextual(ctx context.Context, cs *neCase) ([]neSuggestion, time.Duration) {
	start := time.Now()
	old, cur, ok := nextedit.TokenChange(cs.file, cs.before, cs.after, cs.first)
	if !ok || old == "" {
		return nil, time.Since(start)
	}
	word := neIdent(old)
	find := func(file, src string, skip nextedit.Span) []neSuggestion {
		var out []neSuggestion
		for i := 0; ; {
			j := strings.Index(src[i:], old)
			if j < 0 {
				return out
			}
			s, e := i+j, i+j+len(old)
			i = e
			if word && (s > 0 && neIdent(src[s-1:s]) || e < len(src) && neIdent(src[e:e+1])) {
				continue
			}
			if s < skip.End && e > skip.Start {
				continue
			}
			out = append(out, neSuggestion{file, s, e, cur})
		}
	}
	out := find(cs.file, cs.after, nextedit.Span{Start: cs.first.Start, End: cs.first.Start + len(cs.first.New)})
	for f, src := range cs.parentText {
		if f != cs.file {
			out = append(out, find(f, src, nextedit.Span{Start: -1, End: -1})...)
		}
	}
	return out, time.Since(start)
}

// neScore counts suggestions and hunks.
type neScore struct{ cases, shown, right, hunks, found int }

func (s *neScore) add(o neScore) {
	s.cases += o.cases
	s.shown += o.shown
	s.right += o.right
	s.hunks += o.hunks
	s.found += o.found
}

// neScoreCase scores suggestions against the remaining hunks. The
// suggestions inside one hunk are applied together to its old text: the
// hunk is found when that gives its new text, and a suggestion is right
// when every line it changed is one of the hunk's new lines (both after
// white space is normalised). A suggestion outside every hunk of the
// commit is wrong; one in a hunk that is not related is judged the same
// way, but the hunk counts in no recall.
func neScoreCase(cs *neCase, sugg []neSuggestion) neScore {
	sc := neScore{cases: 1, shown: len(sugg), hunks: len(cs.rest)}
	for _, h := range cs.rest {
		found, right := neScoreHunk(cs, h, sugg)
		sc.right += right
		if found {
			sc.found++
		}
	}
	for _, h := range cs.others {
		_, right := neScoreHunk(cs, h, sugg)
		sc.right += right
	}
	return sc
}

// neScoreHunk tells whether the suggestions inside h give its new text,
// and how many of them are right.
func neScoreHunk(cs *neCase, h neHunk, sugg []neSuggestion) (found bool, right int) {
	src := cs.parentText[h.file]
	if h.file == cs.file {
		src = cs.after
	}
	var in []neSuggestion
	for _, s := range sugg {
		if s.file == h.file && s.start >= h.start && s.end <= h.end && (h.start < h.end || s.start == h.start) {
			in = append(in, s)
		}
	}
	if len(in) == 0 {
		return false, 0
	}
	sort.Slice(in, func(i, j int) bool { return in[i].start > in[j].start })
	got := src[h.start:h.end]
	for k, s := range in {
		if k > 0 && s.end > in[k-1].start {
			continue // overlapping suggestions: the later one is dropped
		}
		got = got[:s.start-h.start] + s.text + got[s.end-h.start:]
	}
	if neNormal(got) == neNormal(h.text) {
		return true, len(in)
	}
	want := map[string]bool{}
	for _, l := range strings.Split(h.text, "\n") {
		want[neNormal(l)] = true
	}
	for _, s := range in {
		if want[neNormal(neLineAt(src, s, in))] {
			right++
		}
	}
	return false, right
}

// neLineAt returns the line of src that holds suggestion s once every
// suggestion of in on that line is applied.
func neLineAt(src string, s neSuggestion, in []neSuggestion) string {
	ls := strings.LastIndexByte(src[:s.start], '\n') + 1
	le := len(src)
	if i := strings.IndexByte(src[s.end:], '\n'); i >= 0 {
		le = s.end + i
	}
	line := src[ls:le]
	for _, o := range in { // in is sorted by start, last first
		if o.start >= ls && o.end <= le {
			line = line[:o.start-ls] + o.text + line[o.end-ls:]
		}
	}
	return line
}

// neNormal normalises the white space of s: none between tokens, but one
// space between two words (function(a) is function (a), return x is not
// returnx).
func neNormal(s string) string {
	var b strings.Builder
	for _, f := range strings.Fields(s) {
		if b.Len() > 0 && neWordByte(b.String()[b.Len()-1]) && neWordByte(f[0]) {
			b.WriteByte(' ')
		}
		b.WriteString(f)
	}
	return b.String()
}

func neWordByte(c byte) bool {
	return c == '_' || c == '$' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c >= 0x80
}

func neReport(w io.Writer, title string, preds []nePredictor, scores [3]neScore) {
	fmt.Fprintf(w, "\n%s\n%-32s %7s %7s %7s %9s %7s %7s %7s\n", title, "predictor", "cases", "shown", "right", "precision", "hunks", "found", "recall")
	for i, p := range preds {
		s := scores[i]
		prec := "-"
		if s.shown > 0 {
			prec = fmt.Sprintf("%.3f", float64(s.right)/float64(s.shown))
		}
		rec := "-"
		if s.hunks > 0 {
			rec = fmt.Sprintf("%.3f", float64(s.found)/float64(s.hunks))
		}
		fmt.Fprintf(w, "%-32s %7d %7d %7d %9s %7d %7d %7s\n", p.name, s.cases, s.shown, s.right, prec, s.hunks, s.found, rec)
	}
}
