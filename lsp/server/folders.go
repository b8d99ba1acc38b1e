package server

import (
	"context"
	"path/filepath"
	"slices"

	protocol "go.lsp.dev/protocol"

	"github.com/lode-ls/lode/context/workspace"
)

// foldersFeature is the feature of workspace folders.
func foldersFeature() *feature {
	return &feature{
		name: "folders",
		notifications: map[string]notificationFunc{
			protocol.MethodWorkspaceDidChangeWorkspaceFolders: notification((*Server).didChangeWorkspaceFolders),
		},
		capabilities: func(s *Server, c *protocol.ServerCapabilities) {
			if c.Workspace == nil {
				c.Workspace = &protocol.WorkspaceOptions{}
			}
			c.Workspace.WorkspaceFolders = &protocol.WorkspaceFoldersServerCapabilities{
				Supported:           ptr(true),
				ChangeNotifications: protocol.Boolean(true),
			}
		},
	}
}

// initFolders records the folders of initialize: workspaceFolders, else
// rootUri, else rootPath.
func (s *Server) initFolders(ctx context.Context, p *protocol.InitializeParams) {
	var paths []string
	if folders, ok := p.WorkspaceFolders.Get(); ok {
		for _, f := range folders {
			if path, err := Path(f.URI); err == nil {
				paths = append(paths, path)
			}
		}
	}
	if len(paths) == 0 && p.RootURI != nil {
		if path, err := Path(*p.RootURI); err == nil {
			paths = append(paths, path)
		}
	}
	if root, ok := p.RootPath.Get(); len(paths) == 0 && ok && filepath.IsAbs(root) {
		paths = append(paths, filepath.Clean(root))
	}
	for _, path := range paths {
		s.addFolder(ctx, path)
	}
}

func (s *Server) didChangeWorkspaceFolders(ctx context.Context, p *protocol.DidChangeWorkspaceFoldersParams) error {
	rootBefore := s.root()
	for _, f := range p.Event.Removed {
		if path, err := Path(f.URI); err == nil {
			s.removeFolder(path)
		}
	}
	for _, f := range p.Event.Added {
		if path, err := Path(f.URI); err == nil {
			s.addFolder(ctx, path)
		}
	}
	if s.root() != rootBefore {
		s.applySettings(ctx, nil) // .lode.toml of the new root
	}
	return nil
}

func (s *Server) root() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.folders) == 0 {
		return ""
	}
	return s.folders[0]
}

// addFolder adds a workspace folder the client declared, unless it is
// refused (workspace.CheckFolder): a client never makes lode read the
// root, system directories or folders outside workspace.allowed_roots.
func (s *Server) addFolder(ctx context.Context, path string) {
	if err := workspace.CheckFolder(path, s.Config().Workspace.AllowedRoots); err != nil {
		s.opts.Logger.Warn("workspace folder refused", "path", path, "err", err)
		s.ShowMessage(ctx, protocol.MessageTypeWarning, "lode: "+err.Error()+"; lode will not read it. Open the project's own folder.")
		return
	}
	s.mu.Lock()
	dup := slices.Contains(s.folders, path)
	if !dup {
		s.folders = append(s.folders, path)
	}
	s.mu.Unlock()
	if !dup && s.opts.Folders != nil {
		s.opts.Folders.AddFolder(ctx, path)
	}
}

func (s *Server) removeFolder(path string) {
	s.mu.Lock()
	i := slices.Index(s.folders, path)
	if i >= 0 {
		s.folders = slices.Delete(s.folders, i, i+1)
	}
	s.mu.Unlock()
	if i >= 0 && s.opts.Folders != nil {
		s.opts.Folders.RemoveFolder(path)
	}
}
