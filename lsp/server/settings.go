package server

import (
	"bytes"
	"context"
	"log/slog"

	protocol "go.lsp.dev/protocol"

	"github.com/lode-ls/lode/internal/config"
)

// settingsSection is the section lode's settings live in, in the editor's
// settings and in the workspace/configuration pull.
const settingsSection = "lode"

// settingsFeature is the feature of settings changes.
func settingsFeature() *feature {
	return &feature{
		name: "settings",
		notifications: map[string]notificationFunc{
			protocol.MethodWorkspaceDidChangeConfiguration: notification((*Server).didChangeConfiguration),
		},
	}
}

// didChangeConfiguration applies the settings the notification carries.
// Clients of the pull model send null (or an empty object): lode then asks
// for its section with workspace/configuration.
func (s *Server) didChangeConfiguration(ctx context.Context, p *protocol.DidChangeConfigurationParams) error {
	settings := bytes.TrimSpace(p.Settings)
	empty := len(settings) == 0 || bytes.Equal(settings, []byte("null")) || bytes.Equal(settings, []byte("{}"))
	if empty && s.canPull() {
		go s.pullSettings(s.ctx)
		return nil
	}
	s.applySettings(ctx, settings)
	return nil
}

func (s *Server) canPull() bool {
	w := s.caps.Workspace
	return w != nil && w.Configuration != nil && *w.Configuration
}

// pullSettings asks the client for lode's section and applies it. It makes a
// call to the client, so it never runs on the reading goroutine.
func (s *Server) pullSettings(ctx context.Context) {
	section := settingsSection
	items, err := s.client.Configuration(ctx, &protocol.ConfigurationParams{
		Items: []protocol.ConfigurationItem{{Section: &section}},
	})
	if err != nil {
		s.logger.Warn("workspace/configuration failed", "err", err)
		return
	}
	if len(items) == 0 {
		return
	}
	s.applySettings(ctx, []byte(items[0]))
}

// applySettings resolves the configuration with editor as the editor layer
// (nil keeps the last editor settings) and publishes it. Each problem is
// logged, and shown to the user once per session.
func (s *Server) applySettings(ctx context.Context, editor []byte) {
	s.settingsMu.Lock()
	defer s.settingsMu.Unlock()

	in := s.opts.Config
	s.mu.Lock()
	if editor != nil {
		s.settings = bytes.Clone(editor)
	}
	in.Editor = s.settings
	if len(s.folders) > 0 {
		in.WorkspaceRoot = s.folders[0]
	}
	s.mu.Unlock()

	cfg, problems := config.Load(in)
	s.cfg.Store(cfg)
	s.level.Set(levelOf(cfg.Log.Level))
	for _, p := range problems {
		msg := p.Error()
		s.logger.Warn(msg)
		if !s.problems[msg] {
			s.problems[msg] = true
			s.ShowMessage(ctx, protocol.MessageTypeWarning, "lode: "+msg)
		}
	}
	for _, f := range s.features {
		if f.configured != nil && f.on(s) {
			f.configured(s, cfg)
		}
	}
	if s.opts.OnConfig != nil {
		s.opts.OnConfig(cfg)
	}
	s.opts.Logger.Debug("configuration applied", "set", cfg.Sources())
}

// levelOf maps a log.level setting to a slog level.
func levelOf(level string) slog.Level {
	switch level {
	case "error":
		return slog.LevelError
	case "warn":
		return slog.LevelWarn
	case "debug":
		return slog.LevelDebug
	}
	return slog.LevelInfo
}
