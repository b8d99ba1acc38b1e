package redact

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
)

// Handler returns a slog.Handler that redacts each record before h sees
// it: the message, string attributes, and errors and other values whose
// text holds a secret (they become their redacted text). Logs leave the
// process too: into files, bug reports, the editor's output panel.
func Handler(h slog.Handler) slog.Handler {
	if _, ok := h.(*handler); ok {
		return h
	}
	return &handler{h}
}

type handler struct{ h slog.Handler }

func (r *handler) Enabled(ctx context.Context, l slog.Level) bool { return r.h.Enabled(ctx, l) }

func (r *handler) Handle(ctx context.Context, rec slog.Record) error {
	out := slog.NewRecord(rec.Time, rec.Level, String(rec.Message), rec.PC)
	rec.Attrs(func(a slog.Attr) bool {
		out.AddAttrs(redactAttr(a))
		return true
	})
	return r.h.Handle(ctx, out)
}

func (r *handler) WithAttrs(attrs []slog.Attr) slog.Handler {
	out := make([]slog.Attr, len(attrs))
	for i, a := range attrs {
		out[i] = redactAttr(a)
	}
	return &handler{r.h.WithAttrs(out)}
}

func (r *handler) WithGroup(name string) slog.Handler { return &handler{r.h.WithGroup(name)} }

func redactAttr(a slog.Attr) slog.Attr {
	v := a.Value.Resolve()
	switch v.Kind() {
	case slog.KindString:
		return slog.String(a.Key, String(v.String()))
	case slog.KindGroup:
		as := v.Group()
		out := make([]slog.Attr, len(as))
		for i, g := range as {
			out[i] = redactAttr(g)
		}
		return slog.Attr{Key: a.Key, Value: slog.GroupValue(out...)}
	case slog.KindAny:
		var s string
		switch x := v.Any().(type) {
		case error:
			s = x.Error()
		case fmt.Stringer:
			s = x.String()
		case []byte:
			s = string(x)
		default:
			s = fmt.Sprint(x)
		}
		if Contains(s) {
			return slog.String(a.Key, String(s))
		}
	}
	return slog.Attr{Key: a.Key, Value: v}
}

// Writer redacts what is written through it a line at a time, for output
// written in pieces (lode config, lode doctor). Flush writes a last line
// without a line break.
type Writer struct {
	w    io.Writer
	line []byte
}

// NewWriter returns a Writer that writes to w.
func NewWriter(w io.Writer) *Writer { return &Writer{w: w} }

// Write writes the complete lines of p, redacted, and keeps the rest.
func (w *Writer) Write(p []byte) (int, error) {
	w.line = append(w.line, p...)
	i := bytes.LastIndexByte(w.line, '\n')
	if i < 0 {
		return len(p), nil
	}
	if _, err := io.WriteString(w.w, String(string(w.line[:i+1]))); err != nil {
		return 0, err
	}
	w.line = append(w.line[:0], w.line[i+1:]...)
	return len(p), nil
}

// Flush writes what is left, redacted.
func (w *Writer) Flush() error {
	if len(w.line) == 0 {
		return nil
	}
	_, err := io.WriteString(w.w, String(string(w.line)))
	w.line = w.line[:0]
	return err
}
