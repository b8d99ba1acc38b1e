package session

import (
	"github.com/lode-ls/lode/completion/nextedit"
)

// maxCandidateFiles bounds the files the index names for a next edit in
// other files; the engine reads at most its own MaxFiles of them.
const maxCandidateFiles = 200

// NextEdits returns the session's next-edit engine.
func (s *Session) NextEdits() *nextedit.Engine { return s.next }

// candidates returns the indexed files that use name.
func (s *Session) candidates(name string) []string {
	seen := map[string]bool{}
	var paths []string
	for _, h := range s.mem.Load().ix.Occurrences(name, maxCandidateFiles) {
		if !seen[h.Path] {
			seen[h.Path] = true
			paths = append(paths, h.Path)
		}
	}
	return paths
}
