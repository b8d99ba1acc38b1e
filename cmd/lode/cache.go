package main

import (
	"fmt"
	"io"
	"log/slog"

	protocol "go.lsp.dev/protocol"

	"github.com/lode-ls/lode/internal/store"
)

// stderrCaches reports cache problems of a command on stderr.
func stderrCaches(stderr io.Writer) *store.Reporter {
	return store.NewReporter(func(msg string) { fmt.Fprintln(stderr, msg) })
}

// logCaches reports cache problems of a command in its log.
func logCaches(logger *slog.Logger) *store.Reporter {
	return store.NewReporter(func(msg string) { logger.Warn(msg) })
}

// sessionCaches reports cache problems of a session in its log and to the
// user, as a warning shown by the editor.
func sessionCaches(s *session) *store.Reporter {
	return store.NewReporter(func(msg string) {
		s.logger.Warn(msg)
		if srv := s.server; srv != nil {
			srv.ShowMessage(s.ctx, protocol.MessageTypeWarning, msg)
		}
	})
}
