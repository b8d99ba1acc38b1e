package server

import (
	"bytes"
	"context"
	"unicode/utf8"

	protocol "go.lsp.dev/protocol"

	"github.com/lode-ls/lode/context/workspace"
)

// ModelHealth tells the user about a model's health: down with the one
// message of the episode (window/showMessage, Warning, and the log), or
// back (the log only: the user was told once, and the editors' status
// shows the state). The caller reports each change of state once, as
// completion/llm/health's OnChange does; any goroutine may call it.
func (s *Server) ModelHealth(down bool, msg string) {
	if !down {
		s.logger.Info("lode: the model answers again", "detail", msg)
		return
	}
	s.logger.Warn(msg)
	s.ShowMessage(context.Background(), protocol.MessageTypeWarning, msg)
}

// refusedDocument says why lode leaves a document alone (no completion,
// no explanation, nothing of it sent to a model): binary (a NUL byte, or
// more than 1 character in 20 of its start not UTF-8 or U+FFFD, which
// JSON turns invalid bytes into). "" when it serves it. A document over
// context.max_file_size, or minified, is served in a window around the
// cursor (Server.window, workspace.Large).
func (s *Server) refusedDocument(doc *workspace.Document) string {
	text := doc.Text.String()
	head := text[:min(len(text), 8192)]
	if bytes.IndexByte([]byte(head), 0) >= 0 {
		return "binary"
	}
	bad := 0
	for i := 0; i < len(head); {
		r, n := utf8.DecodeRuneInString(head[i:])
		// Invalid bytes arrive over JSON as U+FFFD: both count.
		if r == utf8.RuneError && (n > 1 || len(head) == len(text) || i < len(head)-utf8.UTFMax) {
			bad++
		}
		i += n
	}
	if bad*20 > len(head) {
		return "binary"
	}
	return ""
}
