package server

import (
	"context"
	"fmt"
	"sync/atomic"
	"time"

	protocol "go.lsp.dev/protocol"
)

// Progress reports the progress of one piece of work to the client
// ($/progress with begin, report, end). A nil or inert Progress (the client
// does not support work-done progress) ignores every call, so callers never
// check.
type Progress struct {
	s     *Server
	token protocol.ProgressToken
	ended atomic.Bool
}

var progressSeq atomic.Int64

// progressCreateTimeout bounds the wait for window/workDoneProgress/create.
const progressCreateTimeout = 5 * time.Second

// Progress begins reporting work titled title. token is the client's
// workDoneToken from the request params when it sent one; when it is nil a
// token is created with window/workDoneProgress/create, which is a call to
// the client: only request handlers (never notifications) may do that.
func (s *Server) Progress(ctx context.Context, token protocol.ProgressToken, title string) *Progress {
	if s.client == nil {
		return nil
	}
	if token == nil {
		if w := s.caps.Window; w == nil || w.WorkDoneProgress == nil || !*w.WorkDoneProgress {
			return nil
		}
		token = protocol.String(fmt.Sprintf("lode-%d", progressSeq.Add(1)))
		// A client that never answers must not hold up the work.
		cctx, cancel := context.WithTimeout(ctx, progressCreateTimeout)
		err := s.client.WorkDoneProgressCreate(cctx, &protocol.WorkDoneProgressCreateParams{Token: token})
		cancel()
		if err != nil {
			s.opts.Logger.Debug("window/workDoneProgress/create failed", "err", err)
			return nil
		}
	}
	p := &Progress{s: s, token: token}
	p.send(ctx, &protocol.WorkDoneProgressBegin{Kind: "begin", Title: title, Cancellable: ptr(false)})
	return p
}

// Report reports a message and, when percent is in [0, 100], a percentage.
func (p *Progress) Report(ctx context.Context, message string, percent int) {
	if p == nil || p.ended.Load() {
		return
	}
	r := &protocol.WorkDoneProgressReport{Kind: "report"}
	if message != "" {
		r.Message = &message
	}
	if percent >= 0 && percent <= 100 {
		r.Percentage = ptr(uint32(percent))
	}
	p.send(ctx, r)
}

// End ends the progress with an optional final message. Later calls do
// nothing.
func (p *Progress) End(ctx context.Context, message string) {
	if p == nil || p.ended.Swap(true) {
		return
	}
	e := &protocol.WorkDoneProgressEnd{Kind: "end"}
	if message != "" {
		e.Message = &message
	}
	p.send(ctx, e)
}

func (p *Progress) send(ctx context.Context, value any) {
	raw, err := protocol.Marshal(value)
	if err != nil {
		return
	}
	err = p.s.client.Progress(context.WithoutCancel(ctx), &protocol.ProgressParams{Token: p.token, Value: raw})
	if err != nil {
		p.s.opts.Logger.Debug("$/progress failed", "err", err)
	}
}
