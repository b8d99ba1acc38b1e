package main

import (
	"context"

	"github.com/lode-ls/lode/completion"
)

var _ completion.Names = (*workspacePart)(nil)

// Names implements completion.Names over the current memory: the
// grounding check of completions looks names up there.
func (w *workspacePart) Names(ctx context.Context, path, content string) func(qualifier, name string) (bool, bool) {
	return w.mem.Load().retr.Names(ctx, path, content)
}
