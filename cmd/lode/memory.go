package main

import (
	"context"
	"errors"
	"io/fs"
	"log/slog"

	"github.com/lode-ls/lode/completion/llm/ngram"
	"github.com/lode-ls/lode/context/index"
	"github.com/lode-ls/lode/context/retrieve"
	"github.com/lode-ls/lode/context/syntax"
	"github.com/lode-ls/lode/context/workspace"
)

// maxLearnFiles bounds how many workspace files the embedded model learns
// after indexing, so a huge workspace does not keep a CPU busy for minutes.
const maxLearnFiles = 5000

// teach makes the embedded model learn every file the index parses, from
// the same tree: no second parse.
func teach(ix *index.Index, model *ngram.Model, logger *slog.Logger) {
	ix.OnParsed(func(path string, lang *syntax.Language, src []byte, tree *syntax.Tree) {
		if err := model.Learn(path, lang, src, tree); err != nil {
			logger.Debug("embedded model: learning", "path", path, "err", err)
		}
	})
}

// loadEmbedded loads the embedded model's saved state for the workspace at
// root and returns where to save it ("" when there is no cache directory).
// A missing, stale or corrupt state is not used: the model learns again.
func loadEmbedded(model *ngram.Model, root string, logger *slog.Logger) string {
	p, err := ngram.CachePath(root)
	if err != nil {
		return ""
	}
	if err := model.Load(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
		logger.Info("embedded model: saved state not used; learning again", "err", err)
	}
	return p
}

// learnWorkspace completes the embedded model once the index is built:
// files the index did not parse (it reuses its saved state for unchanged
// ones) and that the model's saved state lacks are learned now; files gone
// from the workspace are forgotten. The model is then saved at cachePath
// (unless empty) for the next start, when anything changed. yield is
// called before each file learned, the flush and the save: it returns when
// no request is in flight (background.Gate's Wait).
func learnWorkspace(ctx context.Context, ws *workspace.Workspace, ir *retrieve.Indexer, model *ngram.Model, cachePath string, yield func(context.Context) error, logger *slog.Logger) {
	built, err := ir.Wait(ctx)
	if err != nil {
		return
	}
	files, err := ws.Scan(ctx)
	if err != nil {
		logger.Warn("embedded model: scanning the workspace", "err", err)
		return
	}
	present := make(map[string]bool, len(files))
	learned := 0
	for _, f := range files {
		if yield(ctx) != nil {
			return
		}
		present[f.Path] = true
		lang := syntax.Detect("", f.Path)
		if lang == nil || len(present) > maxLearnFiles {
			continue
		}
		src, err := ws.ReadFile(f.Path)
		if err != nil || model.Learned(f.Path, src) {
			continue
		}
		if err := model.Learn(f.Path, lang, src, nil); err == nil {
			learned++
		}
	}
	forgot := 0
	for _, p := range model.Paths() {
		if !present[p] {
			model.Forget(p)
			forgot++
		}
	}
	if yield(ctx) != nil {
		return
	}
	model.Flush() // count in bulk what the index taught it
	logger.Info("embedded model ready", "files", len(model.Paths()), "learned after indexing", learned)
	changed := built.Indexed+built.Removed+learned+forgot > 0
	if cachePath != "" && changed && yield(ctx) == nil {
		if err := model.Save(cachePath); err != nil {
			logger.Warn("embedded model: saving", "err", err)
		}
	}
}

// Begin implements server.Foreground: background work (indexing, learning,
// saves) gives way to the request until end is called.
func (w *workspacePart) Begin() (end func()) { return w.gate.Begin() }
