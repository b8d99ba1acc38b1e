package session

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/lode-ls/lode/completion/llm/health"
	"github.com/lode-ls/lode/completion/llm/provider"
	"github.com/lode-ls/lode/completion/nextedit"
	"github.com/lode-ls/lode/internal/config"
	"github.com/lode-ls/lode/lsp/lode"
	"github.com/lode-ls/lode/lsp/server"
)

// ProgressDelay is how long a first build runs before the server shows
// its progress: a small workspace is indexed without any. Report is how
// often the progress is updated.
const (
	ProgressDelay  = 500 * time.Millisecond
	progressReport = 250 * time.Millisecond
)

var (
	_ server.Completer      = (*Session)(nil)
	_ server.Explainer      = (*Session)(nil)
	_ server.Patcher        = (*Session)(nil)
	_ server.ContextSource  = (*Session)(nil)
	_ server.FolderWatcher  = folders{}
	_ server.NextEditor     = (*nextedit.Engine)(nil)
	_ server.ClientWatching = folders{}
)

// ServeOptions configures Serve.
type ServeOptions struct {
	Name, Version string
	// Level is the log level, set from the configuration's log.level.
	Level *slog.LevelVar
	// MaxMessageSize bounds an incoming message; 0 means the default.
	MaxMessageSize int
}

// Serve runs one LSP session over rwc with the session's engines and
// returns the process exit code. The session follows the editor's
// folders and settings; Close it afterwards.
func (s *Session) Serve(ctx context.Context, rwc io.ReadWriteCloser, o ServeOptions) int {
	setLevel(o.Level, s.Config().Log.Level)
	srv := server.New(server.Options{
		Name:           o.Name,
		Version:        o.Version,
		Workspace:      s.ws,
		Config:         s.opts.Config,
		Logger:         s.log,
		Completer:      s,
		Explainer:      s,
		Patcher:        s,
		Context:        s,
		Folders:        folders{s},
		ModelStatus:    modelStatus{s},
		NextEdits:      s.next,
		Foreground:     s.gate,
		MaxMessageSize: o.MaxMessageSize,
		OnConfig: func(cfg *config.Config) {
			setLevel(o.Level, cfg.Log.Level)
			s.Configure(cfg)
		},
	})
	s.srv.Store(srv)
	defer s.srv.Store(nil)
	s.OnModelHealth(func(h ModelHealth) {
		srv.ModelHealth(h.Status.State == health.Down, h.Message)
		srv.StatusChanged()
	})
	s.goOwned(func() { s.reportIndexing(srv) })
	return srv.Serve(ctx, rwc)
}

func setLevel(lv *slog.LevelVar, level string) {
	if lv == nil {
		return
	}
	var l slog.Level
	if err := l.UnmarshalText([]byte(level)); err != nil {
		l = slog.LevelInfo
	}
	lv.Set(l)
}

// folders is the session as the server's FolderWatcher.
type folders struct{ s *Session }

func (f folders) AddFolder(_ context.Context, path string) { f.s.AddFolder(path) }
func (f folders) RemoveFolder(path string)                 { f.s.RemoveFolder(path) }
func (f folders) SetClientWatching(on bool)                { f.s.SetClientWatching(on) }

// reportIndexing shows the first build as $/progress once the client is
// ready, unless the build is over by then.
func (s *Session) reportIndexing(srv *server.Server) {
	ctx := s.ctx
	select {
	case <-srv.Ready():
	case <-ctx.Done():
		return
	}
	s.mu.Lock()
	ir := s.indexer
	s.mu.Unlock()
	if ir == nil {
		return // no folder: nothing is indexed
	}
	built := make(chan struct{})
	s.goOwned(func() { ir.Wait(ctx); close(built) })
	select {
	case <-built:
		return
	case <-time.After(ProgressDelay):
	case <-ctx.Done():
		return
	}
	prog := srv.Progress(ctx, nil, "lode: indexing")
	tick := time.NewTicker(progressReport)
	defer tick.Stop()
	for {
		select {
		case <-tick.C:
			done, total := s.indexed.done.Load(), s.indexed.total.Load()
			if total > 0 {
				prog.Report(ctx, fmt.Sprintf("%d/%d files", done, total), int(done*100/total))
				srv.SetIndexing(int(done), int(total))
			}
		case <-built:
			prog.End(ctx, fmt.Sprintf("%d files", s.indexed.total.Load()))
			srv.SetIndexing(0, -1)
			return
		}
	}
}

// modelStatus is the session as the server's ModelStatus: the health of
// the completion model's circuit breaker.
type modelStatus struct{ s *Session }

func (m modelStatus) Status() (model, state, detail string) {
	name, st, fallback := m.s.ModelStatus()
	if st.State != health.Down {
		return name, lode.StatusReady, ""
	}
	if st.Err != nil {
		detail = st.Err.Error()
	}
	if fallback {
		name = provider.Embedded
	}
	return name, lode.StatusUnreachable, detail
}
