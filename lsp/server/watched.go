package server

import (
	"context"

	protocol "go.lsp.dev/protocol"

	"github.com/lode-ls/lode/context/workspace"
)

// ClientWatching is implemented by a FolderWatcher that can leave file
// watching to the client. When the client can report file changes
// (workspace/didChangeWatchedFiles with dynamic registration), initialize
// calls SetClientWatching(true) before any AddFolder; if registering the
// watchers then fails, SetClientWatching(false) hands watching back.
type ClientWatching interface {
	SetClientWatching(on bool)
}

// watchedFilesID is the registration id of lode's file watchers.
const watchedFilesID = "lode-watched-files"

// watchedFeature is the feature of file changes the editor reports.
func watchedFeature() *feature {
	return &feature{
		name: "watched",
		notifications: map[string]notificationFunc{
			protocol.MethodWorkspaceDidChangeWatchedFiles: notification((*Server).didChangeWatchedFiles),
		},
	}
}

// clientWatches reports whether the client can watch files for lode.
func clientWatches(caps protocol.ClientCapabilities) bool {
	w := caps.Workspace
	return w != nil && w.DidChangeWatchedFiles != nil &&
		w.DidChangeWatchedFiles.DynamicRegistration != nil && *w.DidChangeWatchedFiles.DynamicRegistration
}

// setupWatching runs during initialize, before the folders are added.
func (s *Server) setupWatching() {
	if !clientWatches(s.caps) {
		return
	}
	if cw, ok := s.opts.Folders.(ClientWatching); ok {
		cw.SetClientWatching(true)
	}
}

// registerWatchers asks the client to watch every file of the workspace.
// It calls the client, so it never runs on the reading goroutine.
func (s *Server) registerWatchers(ctx context.Context) {
	opts, err := protocol.Marshal(&protocol.DidChangeWatchedFilesRegistrationOptions{
		Watchers: []protocol.FileSystemWatcher{{GlobPattern: protocol.Pattern("**/*")}},
	})
	if err == nil {
		err = s.client.RegisterCapability(ctx, &protocol.RegistrationParams{
			Registrations: []protocol.Registration{{
				ID:              watchedFilesID,
				Method:          protocol.MethodWorkspaceDidChangeWatchedFiles,
				RegisterOptions: opts,
			}},
		})
	}
	if err != nil {
		s.logger.Warn("the client did not accept file watchers; lode watches files itself", "err", err)
		if cw, ok := s.opts.Folders.(ClientWatching); ok {
			cw.SetClientWatching(false)
		}
	}
}

func (s *Server) didChangeWatchedFiles(ctx context.Context, p *protocol.DidChangeWatchedFilesParams) error {
	events := make([]workspace.Event, 0, len(p.Changes))
	for _, c := range p.Changes {
		path, err := Path(c.URI)
		if err != nil {
			continue
		}
		kind := workspace.Changed
		if c.Type == protocol.FileChangeTypeDeleted {
			kind = workspace.Deleted
		}
		events = append(events, workspace.Event{Path: path, Kind: kind})
	}
	s.ws.ApplyWatched(ctx, events)
	return nil
}
