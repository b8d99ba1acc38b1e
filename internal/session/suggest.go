package session

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"github.com/lode-ls/lode/completion/explain"
	"github.com/lode-ls/lode/completion/llm"
	"github.com/lode-ls/lode/completion/patch"
	"github.com/lode-ls/lode/context/retrieve"
)

// ReadTarget reads a file to patch, named relative to the working
// directory, as a target whose path is relative to the first workspace
// folder. It refuses a file outside that folder and what ReadSource
// refuses (over context.max_file_size, binary, in a language lode does
// not parse).
func (s *Session) ReadTarget(name string) (patch.Target, error) {
	root := s.Root()
	abs, err := filepath.Abs(name)
	if err != nil {
		return patch.Target{}, err
	}
	rel, err := filepath.Rel(root, abs)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return patch.Target{}, fmt.Errorf("%s is outside the workspace %s", name, root)
	}
	data, err := ReadSource(abs, s.Config().Context.MaxFileSize, true)
	if err != nil {
		return patch.Target{}, err
	}
	return patch.Target{Path: filepath.ToSlash(rel), Content: string(data)}, nil
}

// PatchContext gathers, for each target's region (or the code around its
// first line), the definitions it uses and its callers, with paths
// relative to the first workspace folder, as patch.Request.Context.
func (s *Session) PatchContext(ctx context.Context, targets []patch.Target) []retrieve.Snippet {
	root, ground := s.Root(), s.Structural()
	var out []retrieve.Snippet
	seen := map[string]bool{}
	for _, t := range targets {
		et := explain.Target{Path: filepath.Join(root, filepath.FromSlash(t.Path)), Content: t.Content}
		if t.StartLine > 0 {
			lines := strings.SplitAfter(t.Content, "\n")
			for i := 0; i < len(lines) && i < t.EndLine; i++ {
				if i < t.StartLine-1 {
					et.Start += len(lines[i])
				}
				et.End += len(lines[i])
			}
		}
		snips, err := ground.Ground(ctx, et)
		if err != nil {
			continue // no function here and a large file: the file itself is the context
		}
		for _, sn := range snips {
			key := fmt.Sprintf("%s:%d", sn.Path, sn.StartLine)
			if !seen[key] {
				seen[key] = true
				if rel, err := filepath.Rel(root, sn.Path); err == nil {
					sn.Path = filepath.ToSlash(rel)
				}
				out = append(out, sn)
			}
		}
	}
	return out
}

// Suggester returns the patch engine of the configuration in force, for
// a command: each model call is bounded by explain.timeout, and verify
// (nil for none) checks every valid patch, the engine asking once more
// with its output when it fails (patch.CommandVerifier).
func (s *Session) Suggester(verify patch.VerifyFunc) *patch.Suggester {
	sug := *s.explain.Load().suggester
	sug.Model = timeoutModel{sug.Model, s.Config().Explain.Timeout}
	sug.Verify = verify
	return &sug
}

// timeoutModel bounds each model call.
type timeoutModel struct {
	llm.Model
	timeout time.Duration
}

func (m timeoutModel) Complete(ctx context.Context, req *llm.Request) (*llm.Response, error) {
	if m.timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, m.timeout)
		defer cancel()
	}
	return m.Model.Complete(ctx, req)
}
