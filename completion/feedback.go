package completion

import (
	"encoding/json"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

// feedbackLog appends one JSON object a line for each completion shown,
// accepted or rejected, so that users can measure their own acceptance
// rate. It never holds completion text or code: only a hash of the
// prompt, sizes and timings. A nil *feedbackLog logs nothing.
type feedbackLog struct {
	log *slog.Logger

	mu  sync.Mutex
	f   *os.File
	enc *json.Encoder
}

// FeedbackEvent is one line of the feedback log.
type FeedbackEvent struct {
	Time     time.Time `json:"time"`
	Event    string    `json:"event"` // "shown", "accepted" or "rejected"
	ID       string    `json:"id,omitempty"`
	Path     string    `json:"path"`
	Model    string    `json:"model,omitempty"`
	Mode     string    `json:"mode"`
	Prompt   string    `json:"prompt"` // hash of the request sent
	Items    int       `json:"items"`
	Chars    int       `json:"chars"` // of the accepted item, else of the first
	Lines    int       `json:"lines"`
	AfterMS  float64   `json:"after_ms,omitempty"` // since shown, for accepted and rejected
	GatherMS float64   `json:"gather_ms"`
	ModelMS  float64   `json:"model_ms"`
	PostMS   float64   `json:"post_ms"`
}

// newFeedbackLog opens path for appending; an empty path turns the log
// off. A log that cannot be opened is reported and turned off.
func newFeedbackLog(path string, log *slog.Logger) *feedbackLog {
	if path == "" {
		return nil
	}
	if strings.HasPrefix(path, "~/") {
		if home, err := os.UserHomeDir(); err == nil {
			path = filepath.Join(home, path[2:])
		}
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		log.Warn("completion: feedback log off", "err", err)
		return nil
	}
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		log.Warn("completion: feedback log off", "err", err)
		return nil
	}
	return &feedbackLog{log: log, f: f, enc: json.NewEncoder(f)}
}

// event logs what happened to the items of sh; id names the accepted
// item.
func (l *feedbackLog) event(kind string, sh *shown, id string, after time.Duration) {
	if l == nil || len(sh.items) == 0 {
		return
	}
	it := sh.items[0]
	for _, x := range sh.items {
		if x.ID == id {
			it = x
		}
	}
	ev := FeedbackEvent{
		Time: time.Now().UTC(), Event: kind, ID: id, Path: sh.path, Model: it.Model, Mode: it.Mode.String(),
		Prompt: sh.prompt, Items: len(sh.items), Chars: len(it.Insert), Lines: strings.Count(it.Insert, "\n") + 1,
		AfterMS:  ms(after),
		GatherMS: ms(sh.timing.Gather), ModelMS: ms(sh.timing.Model), PostMS: ms(sh.timing.Post),
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.enc == nil {
		return
	}
	if err := l.enc.Encode(ev); err != nil {
		l.log.Warn("completion: feedback log", "err", err)
	}
}

func (l *feedbackLog) close() error {
	if l == nil {
		return nil
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	l.enc = nil
	return l.f.Close()
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// Accept records that the user accepted the item with id (the server
// calls it from the lode.acceptCompletion command). It reports whether
// the item was known.
func (e *Engine) Accept(id string) bool {
	sh := e.ledger.accept(id)
	if sh == nil {
		return false
	}
	e.stats.accepted.Add(1)
	e.feedback.event("accepted", sh, id, time.Since(sh.at))
	return true
}
