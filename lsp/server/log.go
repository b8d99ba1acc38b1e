package server

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"time"

	protocol "go.lsp.dev/protocol"

	"github.com/lode-ls/lode/completion"
)

// clientHandler is the slog.Handler of the session's logger: every record
// goes to the base handler (stderr or --log FILE, never stdout), and records
// at or above the configured log.level also go to the client as
// window/logMessage.
type clientHandler struct {
	base   slog.Handler
	s      *Server
	prefix string // formatted attributes added by WithAttrs, for the client
	group  string
}

func (h *clientHandler) Enabled(ctx context.Context, l slog.Level) bool {
	return h.base.Enabled(ctx, l) || l >= h.s.level.Level()
}

func (h *clientHandler) Handle(ctx context.Context, r slog.Record) error {
	if h.base.Enabled(ctx, r.Level) {
		_ = h.base.Handle(ctx, r)
	}
	if r.Level < h.s.level.Level() || h.s.client == nil || h.s.state.Load() == stateNew {
		return nil
	}
	var b strings.Builder
	b.WriteString(r.Message)
	b.WriteString(h.prefix)
	r.Attrs(func(a slog.Attr) bool {
		writeAttr(&b, h.group, a)
		return true
	})
	// A failed notification is not logged again: that would loop.
	_ = h.s.client.LogMessage(context.WithoutCancel(ctx), &protocol.LogMessageParams{
		Type:    messageType(r.Level),
		Message: b.String(),
	})
	return nil
}

func writeAttr(b *strings.Builder, group string, a slog.Attr) {
	if a.Equal(slog.Attr{}) {
		return
	}
	key := a.Key
	if group != "" {
		key = group + "." + key
	}
	fmt.Fprintf(b, " %s=%v", key, a.Value.Resolve())
}

func (h *clientHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	var b strings.Builder
	b.WriteString(h.prefix)
	for _, a := range attrs {
		writeAttr(&b, h.group, a)
	}
	return &clientHandler{base: h.base.WithAttrs(attrs), s: h.s, prefix: b.String(), group: h.group}
}

func (h *clientHandler) WithGroup(name string) slog.Handler {
	g := name
	if h.group != "" {
		g = h.group + "." + name
	}
	return &clientHandler{base: h.base.WithGroup(name), s: h.s, prefix: h.prefix, group: g}
}

func messageType(l slog.Level) protocol.MessageType {
	switch {
	case l >= slog.LevelError:
		return protocol.MessageTypeError
	case l >= slog.LevelWarn:
		return protocol.MessageTypeWarning
	case l >= slog.LevelInfo:
		return protocol.MessageTypeInfo
	}
	return protocol.MessageTypeLog
}

// ShowMessage shows msg to the user (window/showMessage). It only notifies,
// so any handler may call it.
func (s *Server) ShowMessage(ctx context.Context, typ protocol.MessageType, msg string) {
	if s.client == nil {
		return
	}
	err := s.client.ShowMessage(context.WithoutCancel(ctx), &protocol.ShowMessageParams{Type: typ, Message: msg})
	if err != nil {
		s.opts.Logger.Warn("window/showMessage failed", "err", err)
	}
}

// traceCall sends $/logTrace for a handled request when the client turned
// tracing on ($/setTrace or initialize's trace).
func (s *Server) traceCall(ctx context.Context, method string, start time.Time, err error) {
	trace, _ := s.trace.Load().(protocol.TraceValue)
	if trace == protocol.TraceValueOff || trace == "" || s.client == nil {
		return
	}
	p := &protocol.LogTraceParams{
		Message: fmt.Sprintf("lode handled %s in %v", method, time.Since(start).Round(time.Microsecond)),
	}
	if trace == protocol.TraceValueVerbose && err != nil {
		v := err.Error()
		p.Verbose = &v
	}
	_ = s.client.LogTrace(context.WithoutCancel(ctx), p)
}

// tracePrompt sends $/logTrace with the request lode sent to the model
// (the prompt in the model's format, redacted, as the model got it) when
// the client asked for verbose tracing: what lode sends is never hidden.
func (s *Server) tracePrompt(ctx context.Context, p *completion.Prompt) {
	trace, _ := s.trace.Load().(protocol.TraceValue)
	if trace != protocol.TraceValueVerbose || s.client == nil || p == nil || p.Request == nil {
		return
	}
	data, err := json.Marshal(p.Request)
	if err != nil {
		return
	}
	v := string(data)
	_ = s.client.LogTrace(context.WithoutCancel(ctx), &protocol.LogTraceParams{
		Message: fmt.Sprintf("lode sent a %s prompt of %d tokens (%d context snippets) for %s", p.Mode, p.Tokens, len(p.Context), p.Path),
		Verbose: &v,
	})
}

// traceGrounding sends $/logTrace with what the grounding check found in
// each candidate (the lines lode complete --show-prompt prints), when the
// client asked for verbose tracing.
func (s *Server) traceGrounding(ctx context.Context, path string, checks []completion.GroundCheck) {
	trace, _ := s.trace.Load().(protocol.TraceValue)
	if trace != protocol.TraceValueVerbose || s.client == nil || len(checks) == 0 {
		return
	}
	lines := make([]string, len(checks))
	for i, g := range checks {
		lines[i] = g.String()
	}
	v := strings.Join(lines, "\n")
	_ = s.client.LogTrace(context.WithoutCancel(ctx), &protocol.LogTraceParams{
		Message: fmt.Sprintf("lode checked the names of %d candidates for %s", len(checks), path),
		Verbose: &v,
	})
}
