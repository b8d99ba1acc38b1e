package session

import (
	protocol "go.lsp.dev/protocol"

	"github.com/lode-ls/lode/context/workspace"
)

// reportCache tells a cache problem (store.Reporter, once per file): in
// the log, and to the user as a warning when an editor is connected.
func (s *Session) reportCache(msg string) {
	s.log.Warn(msg)
	if srv := s.srv.Load(); srv != nil {
		srv.ShowMessage(s.ctx, protocol.MessageTypeWarning, msg)
	}
}

// forget makes the embedded model forget a file gone from the workspace:
// deleted, or a document outside the workspace folders that was closed
// (the model learned it from the index while it was open), so that it is
// neither used nor saved afterwards.
func (s *Session) forget(e workspace.Event) {
	if e.Kind == workspace.Deleted {
		s.model.Forget(e.Path)
		s.prepared.Delete(e.Path)
	}
}
