package llmtest

import (
	"bytes"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// Server is a fake model server speaking the OpenAI-compatible, Ollama,
// llama.cpp and Mistral wire formats on one port. The endpoint is chosen by
// the request path's suffix, so any base URL prefix works (/v1, /beta,
// /api/paas/v4, ...):
//
//	.../chat/completions  OpenAI chat (SSE when "stream": true)
//	.../fim/completions   Mistral fill-in-the-middle (chat-shaped answer)
//	.../completions       OpenAI completions (SSE when "stream": true)
//	.../models            OpenAI model list
//	/api/generate         Ollama generate (NDJSON unless "stream": false)
//	/api/chat             Ollama chat (NDJSON unless "stream": false)
//	/api/tags             Ollama model list
//	/infill, /completion  llama.cpp (SSE when "stream": true)
//	/health               llama.cpp health
//
// Every request is recorded; every answer is scripted with Reply values.
type Server struct {
	URL string // base URL, no trailing slash

	srv    *httptest.Server
	closed chan Request

	mu       sync.Mutex
	conns    map[net.Conn]bool // open client connections
	requests []Request
	arrived  chan struct{} // closed and replaced at each request
	queue    []Reply
	answer   func(Request) Reply
	models   []string
}

// Request is one request the server received.
type Request struct {
	Method string
	Path   string
	Header http.Header
	Body   []byte
}

// JSON returns the request body decoded as a JSON object (nil when it is
// not one).
func (r Request) JSON() map[string]any {
	var m map[string]any
	if json.Unmarshal(r.Body, &m) != nil {
		return nil
	}
	return m
}

// Field returns the top-level JSON field name of the body, or nil.
func (r Request) Field(name string) any { return r.JSON()[name] }

// Reply scripts one answer. The zero Reply answers "" successfully.
type Reply struct {
	Text         string   // the completion
	More         []string // further choices, after Text (OpenAI /completions, not streamed)
	Chunks       []string // streamed pieces; default: Text cut after each space
	FinishReason string   // default "stop"
	Model        string   // model named in the answer; default the request's

	Status     int    // an error status (4xx, 5xx): answered with Error in the endpoint's error format
	Error      string // error message; default http.StatusText(Status)
	RetryAfter string // Retry-After header value, with any Status
	Body       string // a raw 200 body sent as is (malformed JSON, odd shapes)

	Delay      time.Duration // before the response headers (first byte)
	ChunkDelay time.Duration // between streamed chunks
	CutAfter   int           // streaming: close the connection after this many chunks
	Hang       bool          // never answer; wait for the client to go away
}

// NewServer starts a fake server closed when the test ends. Until scripted
// it answers every request with Reply{Text: "ok"}.
func NewServer(t testing.TB) *Server {
	s := &Server{
		closed: make(chan Request, 64),
		answer: func(Request) Reply { return Reply{Text: "ok"} },
		models: []string{"fake-coder"},
	}
	s.srv = httptest.NewUnstartedServer(s)
	s.srv.Config.ConnState = s.track
	s.srv.Start()
	s.URL = s.srv.URL
	t.Cleanup(s.Close)
	return s
}

// Close shuts the server down, closing client connections.
func (s *Server) Close() {
	s.srv.CloseClientConnections()
	s.srv.Close()
}

// Reply makes every later request (after queued ones) get r.
func (s *Server) Reply(r Reply) {
	s.ReplyFunc(func(Request) Reply { return r })
}

// ReplyFunc makes every later request (after queued ones) get f(request).
func (s *Server) ReplyFunc(f func(Request) Reply) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.answer = f
}

// Enqueue queues one-shot replies, used in order before the default one.
func (s *Server) Enqueue(rs ...Reply) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.queue = append(s.queue, rs...)
}

// SetModels sets the names listed by /v1/models and /api/tags.
func (s *Server) SetModels(names ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.models = append([]string(nil), names...)
}

// track follows the client connections for OpenConns.
func (s *Server) track(c net.Conn, st http.ConnState) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.conns == nil {
		s.conns = make(map[net.Conn]bool)
	}
	switch st {
	case http.StateNew:
		s.conns[c] = true
	case http.StateClosed, http.StateHijacked:
		delete(s.conns, c)
	}
}

// OpenConns returns how many client connections are open now, idle ones
// included: a client that forgets a response body or a connection keeps
// them open.
func (s *Server) OpenConns() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.conns)
}

// Requests returns every request received so far, in order.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.requests...)
}

// Count returns how many requests were received.
func (s *Server) Count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.requests)
}

// WaitCount waits until n requests were received; ok is false after
// timeout, a bound that tells a stuck test, not a measure.
func (s *Server) WaitCount(n int, timeout time.Duration) (ok bool) {
	t := time.NewTimer(timeout)
	defer t.Stop()
	for {
		s.mu.Lock()
		if len(s.requests) >= n {
			s.mu.Unlock()
			return true
		}
		if s.arrived == nil {
			s.arrived = make(chan struct{})
		}
		ch := s.arrived
		s.mu.Unlock()
		select {
		case <-ch:
		case <-t.C:
			return false
		}
	}
}

// Last returns the last request received; it fails the test if none was.
func (s *Server) Last(t testing.TB) Request {
	t.Helper()
	rs := s.Requests()
	if len(rs) == 0 {
		t.Fatal("llmtest: the fake server received no request")
	}
	return rs[len(rs)-1]
}

// WaitClosed waits until a client closes a connection while its request is
// pending (delayed, hanging or streaming) and returns that request; ok is
// false after timeout.
func (s *Server) WaitClosed(timeout time.Duration) (r Request, ok bool) {
	select {
	case r := <-s.closed:
		return r, true
	case <-time.After(timeout):
		return Request{}, false
	}
}

func (s *Server) noteClosed(r Request) {
	select {
	case s.closed <- r:
	default:
	}
}

func (s *Server) next(r Request) Reply {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests = append(s.requests, r)
	if s.arrived != nil {
		close(s.arrived)
		s.arrived = nil
	}
	if len(s.queue) > 0 {
		rep := s.queue[0]
		s.queue = s.queue[1:]
		return rep
	}
	return s.answer(r)
}

// ServeHTTP answers one request as scripted.
func (s *Server) ServeHTTP(w http.ResponseWriter, hr *http.Request) {
	body, _ := io.ReadAll(hr.Body)
	req := Request{Method: hr.Method, Path: hr.URL.Path, Header: hr.Header.Clone(), Body: body}
	rep := s.next(req)
	ctx := hr.Context()
	if rep.Hang {
		<-ctx.Done()
		s.noteClosed(req)
		return
	}
	if rep.Delay > 0 {
		select {
		case <-time.After(rep.Delay):
		case <-ctx.Done():
			s.noteClosed(req)
			return
		}
	}
	if rep.RetryAfter != "" {
		w.Header().Set("Retry-After", rep.RetryAfter)
	}
	ep := endpointOf(req.Path)
	if rep.Status != 0 && rep.Status != http.StatusOK {
		writeError(w, ep, rep)
		return
	}
	if rep.Body != "" {
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, rep.Body)
		return
	}
	s.answerEndpoint(w, hr, req, ep, rep)
}

type endpoint int

const (
	epUnknown endpoint = iota
	epOpenAIChat
	epOpenAICompletion
	epOpenAIModels
	epMistralFIM
	epOllamaGenerate
	epOllamaChat
	epOllamaTags
	epLlamaInfill
	epLlamaCompletion
	epLlamaHealth
)

// nativeEndpoints are Ollama's and llama.cpp's paths, at the root.
var nativeEndpoints = map[string]endpoint{
	"/api/generate": epOllamaGenerate,
	"/api/chat":     epOllamaChat,
	"/api/tags":     epOllamaTags,
	"/infill":       epLlamaInfill,
	"/completion":   epLlamaCompletion,
	"/health":       epLlamaHealth,
}

// openAIEndpoints are the OpenAI-style paths, below any base path ("/v1"),
// in the order they are tried: "/completions" ends the other two.
var openAIEndpoints = []struct {
	suffix string
	ep     endpoint
}{
	{"/chat/completions", epOpenAIChat},
	{"/fim/completions", epMistralFIM},
	{"/completions", epOpenAICompletion},
	{"/models", epOpenAIModels},
}

func endpointOf(path string) endpoint {
	if ep, ok := nativeEndpoints[path]; ok {
		return ep
	}
	for _, e := range openAIEndpoints {
		if strings.HasSuffix(path, e.suffix) {
			return e.ep
		}
	}
	return epUnknown
}

// writeError answers rep.Status with an error body in the endpoint's format.
func writeError(w http.ResponseWriter, ep endpoint, rep Reply) {
	msg := rep.Error
	if msg == "" {
		msg = http.StatusText(rep.Status)
	}
	var v any
	switch ep {
	case epOllamaGenerate, epOllamaChat, epOllamaTags:
		v = map[string]any{"error": msg}
	case epMistralFIM:
		v = map[string]any{"object": "error", "message": msg, "type": "invalid_request_error", "code": strconv.Itoa(rep.Status)}
	default:
		v = map[string]any{"error": map[string]any{"message": msg, "type": "invalid_request_error", "code": rep.Status}}
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(rep.Status)
	json.NewEncoder(w).Encode(v)
}

// chunks returns the streamed pieces of rep.
func (rep Reply) chunks() []string {
	if rep.Chunks != nil {
		return rep.Chunks
	}
	var out []string
	rest := rep.Text
	for rest != "" {
		i := strings.IndexByte(rest, ' ')
		if i < 0 {
			out = append(out, rest)
			break
		}
		out = append(out, rest[:i+1])
		rest = rest[i+1:]
	}
	return out
}

func (rep Reply) finish() string {
	if rep.FinishReason == "" {
		return "stop"
	}
	return rep.FinishReason
}

func (s *Server) answerEndpoint(w http.ResponseWriter, hr *http.Request, req Request, ep endpoint, rep Reply) {
	fields := req.JSON()
	model, _ := fields["model"].(string)
	if rep.Model != "" {
		model = rep.Model
	}
	if rep.Text == "" && rep.Chunks != nil {
		rep.Text = strings.Join(rep.Chunks, "")
	}
	stream, _ := fields["stream"].(bool)
	if ep == epOllamaGenerate || ep == epOllamaChat {
		stream = fields["stream"] != false // Ollama streams unless told not to
	}
	switch ep {
	case epOpenAIModels, epOllamaTags:
		s.writeModels(w, ep)
	case epLlamaHealth:
		writeJSON(w, map[string]any{"status": "ok"})
	case epUnknown:
		http.NotFound(w, hr)
	default:
		if stream {
			s.stream(w, hr, req, ep, model, rep)
			return
		}
		writeJSON(w, whole(ep, model, rep, fields))
	}
}

func (s *Server) writeModels(w http.ResponseWriter, ep endpoint) {
	s.mu.Lock()
	names := append([]string(nil), s.models...)
	s.mu.Unlock()
	var list []map[string]any
	for _, n := range names {
		if ep == epOllamaTags {
			list = append(list, map[string]any{"name": n, "model": n, "size": 1})
		} else {
			list = append(list, map[string]any{"id": n, "object": "model", "owned_by": "llmtest"})
		}
	}
	if ep == epOllamaTags {
		writeJSON(w, map[string]any{"models": list})
		return
	}
	writeJSON(w, map[string]any{"object": "list", "data": list})
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(v)
}

func usage(fields map[string]any, text string) map[string]any {
	var prompt bytes.Buffer
	json.NewEncoder(&prompt).Encode(fields["prompt"])
	json.NewEncoder(&prompt).Encode(fields["messages"])
	p, c := len(strings.Fields(prompt.String())), len(strings.Fields(text))
	return map[string]any{"prompt_tokens": p, "completion_tokens": c, "total_tokens": p + c}
}

// whole is the non-streamed answer of ep.
func whole(ep endpoint, model string, rep Reply, fields map[string]any) any {
	switch ep {
	case epOpenAICompletion:
		choices := []any{map[string]any{"index": 0, "text": rep.Text, "finish_reason": rep.finish()}}
		for i, t := range rep.More {
			choices = append(choices, map[string]any{"index": i + 1, "text": t, "finish_reason": rep.finish()})
		}
		return map[string]any{"id": "cmpl-1", "object": "text_completion", "created": 1, "model": model,
			"choices": choices, "usage": usage(fields, rep.Text)}
	case epOpenAIChat, epMistralFIM:
		return map[string]any{"id": "chat-1", "object": "chat.completion", "created": 1, "model": model,
			"choices": []any{map[string]any{"index": 0, "finish_reason": rep.finish(),
				"message": map[string]any{"role": "assistant", "content": rep.Text}}},
			"usage": usage(fields, rep.Text)}
	case epOllamaGenerate:
		return map[string]any{"model": model, "created_at": "2026-01-01T00:00:00Z", "response": rep.Text,
			"done": true, "done_reason": rep.finish(), "prompt_eval_count": 3, "eval_count": len(strings.Fields(rep.Text))}
	case epOllamaChat:
		return map[string]any{"model": model, "created_at": "2026-01-01T00:00:00Z",
			"message": map[string]any{"role": "assistant", "content": rep.Text},
			"done":    true, "done_reason": rep.finish(), "prompt_eval_count": 3, "eval_count": len(strings.Fields(rep.Text))}
	default: // llama.cpp /completion and /infill
		return map[string]any{"content": rep.Text, "stop": true, "model": model, "stop_type": "eos",
			"tokens_evaluated": 3, "tokens_predicted": len(strings.Fields(rep.Text))}
	}
}

// piece is one streamed chunk of ep; last marks the final one.
func piece(ep endpoint, model, text string, last bool, finish string) any {
	var reason any
	if last {
		reason = finish
	}
	switch ep {
	case epOpenAICompletion:
		return map[string]any{"id": "cmpl-1", "object": "text_completion", "created": 1, "model": model,
			"choices": []any{map[string]any{"index": 0, "text": text, "finish_reason": reason}}}
	case epOpenAIChat, epMistralFIM:
		return map[string]any{"id": "chat-1", "object": "chat.completion.chunk", "created": 1, "model": model,
			"choices": []any{map[string]any{"index": 0, "finish_reason": reason,
				"delta": map[string]any{"role": "assistant", "content": text}}}}
	case epOllamaGenerate:
		m := map[string]any{"model": model, "response": text, "done": last}
		if last {
			m["done_reason"] = finish
		}
		return m
	case epOllamaChat:
		m := map[string]any{"model": model, "message": map[string]any{"role": "assistant", "content": text}, "done": last}
		if last {
			m["done_reason"] = finish
		}
		return m
	default:
		return map[string]any{"content": text, "stop": last, "model": model}
	}
}

// stream answers in the endpoint's streaming format: SSE for OpenAI,
// Mistral and llama.cpp (OpenAI-style ones end with [DONE]), NDJSON for
// Ollama.
func (s *Server) stream(w http.ResponseWriter, hr *http.Request, req Request, ep endpoint, model string, rep Reply) {
	ndjson := ep == epOllamaGenerate || ep == epOllamaChat
	if ndjson {
		w.Header().Set("Content-Type", "application/x-ndjson")
	} else {
		w.Header().Set("Content-Type", "text/event-stream")
	}
	w.WriteHeader(http.StatusOK)
	flusher, _ := w.(http.Flusher)
	send := func(v any) bool {
		b, _ := json.Marshal(v)
		var err error
		if ndjson {
			_, err = w.Write(append(b, '\n'))
		} else {
			_, err = w.Write([]byte("data: " + string(b) + "\n\n"))
		}
		if flusher != nil {
			flusher.Flush()
		}
		return err == nil
	}
	ctx := hr.Context()
	chunks := rep.chunks()
	for i, c := range chunks {
		if rep.CutAfter > 0 && i == rep.CutAfter {
			cut(w)
			return
		}
		if i > 0 && rep.ChunkDelay > 0 {
			select {
			case <-time.After(rep.ChunkDelay):
			case <-ctx.Done():
				s.noteClosed(req)
				return
			}
		}
		if !send(piece(ep, model, c, false, "")) || ctx.Err() != nil {
			s.noteClosed(req)
			return
		}
	}
	if rep.CutAfter > 0 {
		cut(w)
		return
	}
	send(piece(ep, model, "", true, rep.finish()))
	if ep == epOpenAICompletion || ep == epOpenAIChat || ep == epMistralFIM {
		io.WriteString(w, "data: [DONE]\n\n")
	}
}

// cut closes the connection in the middle of a chunked response, as a
// crashed server or a broken proxy does.
func cut(w http.ResponseWriter) {
	if h, ok := w.(http.Hijacker); ok {
		if conn, _, err := h.Hijack(); err == nil {
			conn.Close()
		}
	}
}

// RefusedURL returns a base URL on which nothing listens: connecting to it
// is refused at once.
func RefusedURL(t testing.TB) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return "http://" + addr
}

// UnresolvableURL is a base URL whose host name never resolves (.invalid
// is reserved by RFC 2606).
const UnresolvableURL = "http://lode-model.invalid"
