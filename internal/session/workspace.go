package session

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sync/atomic"

	"github.com/lode-ls/lode/completion/explain"
	"github.com/lode-ls/lode/completion/llm/ngram"
	"github.com/lode-ls/lode/context/deps"
	"github.com/lode-ls/lode/context/index"
	"github.com/lode-ls/lode/context/retrieve"
	"github.com/lode-ls/lode/context/syntax"
	"github.com/lode-ls/lode/context/workspace"
)

// maxLearnFiles bounds how many workspace files the embedded model learns
// after indexing, so a huge workspace does not keep a CPU busy for minutes.
const maxLearnFiles = 5000

// AddFolder adds a folder to the workspace. The first one starts the
// background indexing (from the folder's saved index when there is one),
// which then follows every folder; the embedded model learns what the
// index parses. Without indexing (Options.NoIndex) the folder is only
// recorded.
func (s *Session) AddFolder(path string) {
	if err := s.ws.AddFolder(path); err != nil {
		s.log.Warn("adding workspace folder", "path", path, "err", err)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return
	}
	if s.root == "" {
		s.root = path
	}
	if s.opts.NoIndex {
		return
	}
	if s.indexer != nil {
		s.indexer.Rescan() // index the new folder too
		return
	}
	ix, indexCache := index.New(), ""
	if !s.opts.NoCache {
		var err error
		ix, indexCache, err = retrieve.OpenIndex(path)
		s.caches.Load("index", indexCache, err)
	}
	mem := s.newMemory(ix)
	// What the folder's go.mod requires, read on first use, in the
	// background, and saved (what cannot change: module versions, a
	// released Go's standard library).
	mem.deps = deps.New(path, deps.Options{CacheDir: s.depsCacheDir(), Report: s.caches, Yield: s.gate.Wait})
	mem.retr.SetDependencies(mem.deps)
	s.mem.Swap(mem).close()
	if !s.opts.NoLearn {
		s.modelCache = s.loadEmbedded(path)
	}
	progress := s.indexed.note
	if p := s.opts.Progress; p != nil {
		progress = func(done, total int) { s.indexed.note(done, total); p(done, total) }
	}
	s.indexer = retrieve.StartIndexing(s.ctx, s.ws, ix, retrieve.IndexOptions{
		CachePath:  indexCache,
		CacheError: func(err error) { s.caches.Save("index", indexCache, err) },
		Watch:      s.opts.Watch && !s.clientWatch,
		Warn:       func(msg string) { s.log.Warn(msg) },
		Progress:   progress,
		Yield:      s.gate.Wait,
	})
	ir, cache := s.indexer, s.modelCache
	if s.opts.NoLearn {
		close(s.learned)
		return
	}
	s.goOwned(func() {
		defer close(s.learned)
		s.learnWorkspace(ir, cache)
	})
}

// RemoveFolder forgets a folder.
func (s *Session) RemoveFolder(path string) { s.ws.RemoveFolder(path) }

// SetClientWatching leaves file watching to the editor, or takes it back.
func (s *Session) SetClientWatching(on bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	was := s.clientWatch
	s.clientWatch = on
	if was && !on && s.indexer != nil && s.opts.Watch {
		s.ws.Watch(s.ctx, func(msg string) { s.log.Warn(msg) })
	}
}

// Wait blocks until the first folder is indexed and the embedded model
// has learned it (or ctx is done). It returns at once without a folder or
// without indexing.
func (s *Session) Wait(ctx context.Context) error {
	s.mu.Lock()
	ir := s.indexer
	s.mu.Unlock()
	if ir == nil {
		return nil
	}
	if _, err := ir.Wait(ctx); err != nil {
		return fmt.Errorf("indexing: %w", err)
	}
	select {
	case <-s.learned:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// indexProgress is the progress of the cold build, as the indexer reports it.
type indexProgress struct {
	done, total atomic.Int64
}

func (p *indexProgress) note(done, total int) {
	p.done.Store(int64(done))
	p.total.Store(int64(total))
}

// prepare has the embedded model build its directory and file levels for
// a document when it is first opened, in the background (leaving requests
// a core), so that the completions in it have them.
func (s *Session) prepare(e workspace.Event) {
	if !e.Open {
		return
	}
	if _, seen := s.prepared.LoadOrStore(e.Path, true); seen {
		return
	}
	lang := ""
	if d, ok := s.ws.Document(e.Path); ok {
		lang = d.LanguageID
	}
	s.goOwned(func() { s.model.PrepareSoon(lang, e.Path) }) // the model's lock is not the editor's to wait for
}

// Context returns the context bundle for a cursor, with the reasons and
// token counts of its snippets (lode/context, lode context).
func (s *Session) Context(ctx context.Context, req retrieve.Request) (retrieve.Bundle, error) {
	return s.mem.Load().retr.Context(ctx, req)
}

// Retrieve implements completion.Retriever.
func (s *Session) Retrieve(ctx context.Context, req retrieve.Request) (retrieve.Bundle, error) {
	return s.mem.Load().retr.Retrieve(ctx, req)
}

// Tree implements completion.Trees over the current memory: the syntax
// check of a completion takes the tree its context search parsed.
func (s *Session) Tree(ctx context.Context, path string, lang *syntax.Language, doc string) *syntax.Tree {
	return s.mem.Load().retr.Tree(ctx, path, lang, doc)
}

// Names implements completion.Names over the current memory: the
// grounding check of completions looks names up there.
func (s *Session) Names(ctx context.Context, path, content string) func(qualifier, name string) (bool, bool) {
	return s.mem.Load().retr.Names(ctx, path, content)
}

// PreloadDependencies reads the declarations of the packages a Go file
// imports now, as a single request (a command) wants them before it runs;
// the server reads them on first use, in the background.
func (s *Session) PreloadDependencies(ctx context.Context, path string) {
	m := s.mem.Load()
	lang := syntax.Detect("", path)
	if m.deps == nil || lang == nil {
		return
	}
	data, err := s.ws.ReadFile(path)
	if err != nil {
		return
	}
	if lang.Name == "go" {
		m.deps.Preload(ctx, data)
		return
	}
	tree, err := syntax.Parse(ctx, lang, data)
	if err != nil {
		return
	}
	var paths []string
	for _, imp := range tree.Outline().Imports {
		paths = append(paths, imp.Path)
	}
	tree.Close()
	m.deps.PreloadIn(ctx, lang.Name, paths)
}

// Definitions implements explain.Lookup over the current index.
func (s *Session) Definitions(ctx context.Context, name string) []retrieve.Snippet {
	return s.lookup().Definitions(ctx, name)
}

// Callers implements explain.Lookup over the current index.
func (s *Session) Callers(ctx context.Context, name string) []retrieve.Snippet {
	return s.lookup().Callers(ctx, name)
}

func (s *Session) lookup() explain.IndexLookup {
	return explain.IndexLookup{Index: s.mem.Load().ix, Read: s.ws.ReadFile}
}

// Teach makes the embedded model m learn every file the index parses,
// from the same tree: no second parse. A session teaches its model so;
// lode index -learn measures what it costs.
func Teach(ix *index.Index, m *ngram.Model, log *slog.Logger) {
	ix.OnParsed(func(path string, lang *syntax.Language, src []byte, tree *syntax.Tree) {
		if err := m.Learn(path, lang, src, tree); err != nil {
			log.Debug("embedded model: learning", "path", path, "err", err)
		}
	})
}

// loadEmbedded loads the embedded model's saved state for the workspace
// at root and returns where to save it ("" when there is no cache
// directory). A missing, stale or corrupt state is not used: the model
// learns again (a corrupt or unreadable one is reported).
func (s *Session) loadEmbedded(root string) string {
	if s.opts.NoCache {
		return ""
	}
	p, err := ngram.CachePath(root)
	if err != nil {
		return ""
	}
	s.caches.Load("embedded model", p, s.model.Load(p))
	return p
}

// learnWorkspace completes the embedded model once the index is built:
// files the index did not parse (it reuses its saved state for unchanged
// ones) and that the model's saved state lacks are learned now; files gone
// from the workspace are forgotten. The model is then saved at cachePath
// (unless empty) for the next start, when anything changed.
func (s *Session) learnWorkspace(ir *retrieve.Indexer, cachePath string) {
	ctx := s.ctx
	built, err := ir.Wait(ctx)
	if err != nil {
		return
	}
	files, err := s.ws.Scan(ctx)
	if err != nil {
		s.log.Warn("embedded model: scanning the workspace", "err", err)
		return
	}
	present := make(map[string]bool, len(files))
	learned := 0
	for _, f := range files {
		if s.gate.Wait(ctx) != nil { // between requests
			return
		}
		present[f.Path] = true
		lang := syntax.Detect("", f.Path)
		if lang == nil || len(present) > maxLearnFiles {
			continue
		}
		src, err := s.ws.ReadFile(f.Path)
		if err != nil || s.model.Learned(f.Path, src) {
			continue
		}
		if err := s.model.Learn(f.Path, lang, src, nil); err == nil {
			learned++
		}
	}
	forgot := 0
	for _, p := range s.model.Paths() {
		if !present[p] {
			s.model.Forget(p)
			forgot++
		}
	}
	if s.gate.Wait(ctx) != nil {
		return
	}
	s.model.Flush() // count in bulk what the index taught it
	s.log.Info("embedded model ready", "files", len(s.model.Paths()), "learned after indexing", learned)
	changed := built.Indexed+built.Removed+learned+forgot > 0
	if cachePath != "" && changed && s.gate.Wait(ctx) == nil {
		s.caches.Save("embedded model", cachePath, s.model.Save(cachePath))
	}
}

// LearnNear teaches the embedded model the files of path's directory
// with path's extension, for a session without indexing, so that the
// model has something to predict from; then it builds the document's
// levels.
func (s *Session) LearnNear(ctx context.Context, path string) {
	dir, ext := filepath.Dir(path), filepath.Ext(path)
	entries, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	for _, e := range entries {
		p := filepath.Join(dir, e.Name())
		if e.IsDir() || filepath.Ext(p) != ext || workspace.IsSecretFile(p) || ctx.Err() != nil {
			continue
		}
		src, err := os.ReadFile(p)
		if err != nil {
			continue
		}
		lang := syntax.Detect("", p)
		tree, err := syntax.Parse(ctx, lang, src)
		if err != nil {
			tree = nil
		}
		_ = s.model.Learn(p, lang, src, tree) // a file the model cannot learn is skipped
		if tree != nil {
			tree.Close()
		}
	}
	s.model.Flush()
}

// LearnDocument makes the embedded model learn a document as the caller
// has it (lode complete --replay hides the rest of a line, which the model
// must not have learned from the file), then builds its levels, as a
// single request wants them built before it runs.
func (s *Session) LearnDocument(path, content string) {
	_ = s.model.Learn(path, syntax.Detect("", path), []byte(content), nil) // a file it cannot learn stays as it was
	s.model.Flush()
	s.model.Prepare("", path)
}

// depsCacheDir is where the dependencies' declarations are saved: under
// the user's cache directory, beside the index; "" without caches.
func (s *Session) depsCacheDir() string {
	if s.opts.NoCache {
		return ""
	}
	dir, err := os.UserCacheDir()
	if err != nil {
		return ""
	}
	return filepath.Join(dir, "lode", "deps")
}
