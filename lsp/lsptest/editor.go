// Package lsptest is an in-process fake editor for tests: it connects to a
// language server over net.Pipe, speaks LSP as a client would, answers the
// server's requests (workspace/configuration, window/workDoneProgress/create,
// workspace/applyEdit, client/registerCapability) and records every
// notification the server sends.
//
// The main type is Editor. Package lsptest depends on lsp/... and
// go.lsp.dev/*; it is for tests only.
package lsptest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"go.lsp.dev/jsonrpc2"
	protocol "go.lsp.dev/protocol"
	"go.lsp.dev/uri"

	"github.com/lode-ls/lode/lsp/lode"
)

// ServeFunc runs a server over rwc until the session ends and returns its
// exit code, like (*server.Server).Serve.
type ServeFunc func(ctx context.Context, rwc io.ReadWriteCloser) int

// Options configures the fake editor.
type Options struct {
	// Capabilities are sent in initialize. The zero value declares
	// UTF-16 only, work-done progress, workspace/configuration and
	// workspace folders.
	Capabilities *protocol.ClientCapabilities
	// InitializationOptions is sent in initialize (marshalled to JSON).
	InitializationOptions any
	// Folders are the workspace folders (absolute paths).
	Folders []string
	// Settings answers workspace/configuration for every item (marshalled
	// to JSON); nil answers null.
	Settings any
	// Timeout bounds each call the editor makes; 0 means Patience.
	Timeout time.Duration
}

// DefaultCapabilities are the capabilities the editor declares unless
// Options.Capabilities is set.
func DefaultCapabilities() protocol.ClientCapabilities {
	t := true
	return protocol.ClientCapabilities{
		Workspace: &protocol.WorkspaceClientCapabilities{
			Configuration:    &t,
			WorkspaceFolders: &t,
			ApplyEdit:        &t,
		},
		Window: &protocol.WindowClientCapabilities{WorkDoneProgress: &t},
		General: &protocol.GeneralClientCapabilities{
			PositionEncodings: []protocol.PositionEncodingKind{protocol.PositionEncodingKindUTF16},
		},
	}
}

// Notification is one notification the server sent.
type Notification struct {
	Method string
	Params json.RawMessage
}

// Editor is a fake editor connected to one server.
type Editor struct {
	t    testing.TB
	opts Options
	conn jsonrpc2.Conn
	done chan int // the server's exit code

	mu            sync.Mutex
	notifications []Notification
	requests      []Notification // server-to-client requests, in order
	edits         []protocol.ApplyWorkspaceEditParams
	settings      any
	docs          map[string]*doc
	changed       chan struct{} // closed and replaced on every recorded message
}

// doc is what the editor tracks of an open document: its version.
type doc struct {
	version int32
}

// New starts serve on one end of a pipe and returns the editor on the
// other. It does not initialize: call Initialize, or use Connect. The
// session is ended when the test ends.
func New(t testing.TB, serve ServeFunc, opts Options) *Editor {
	t.Helper()
	if opts.Timeout == 0 {
		opts.Timeout = Patience
	}
	client, srv := pipe()
	e := &Editor{
		t:        t,
		opts:     opts,
		done:     make(chan int, 1),
		settings: opts.Settings,
		docs:     make(map[string]*doc),
		changed:  make(chan struct{}),
	}
	go func() { e.done <- serve(context.Background(), srv) }()
	e.conn = jsonrpc2.NewConn(sentStream{jsonrpc2.NewHeaderStream(client)}, jsonrpc2.WithCodec(lode.Codec{}))
	e.conn.Go(context.Background(), e.handle)
	t.Cleanup(func() {
		e.conn.Close()
		select {
		case <-e.done:
		case <-time.After(Patience):
			t.Errorf("lsptest: server did not stop within %v of the connection closing", Patience)
		}
	})
	return e
}

// Connect is New followed by Initialize; it fails the test on error.
func Connect(t testing.TB, serve ServeFunc, opts Options) (*Editor, *protocol.InitializeResult) {
	t.Helper()
	e := New(t, serve, opts)
	res, err := e.Initialize()
	if err != nil {
		t.Fatalf("lsptest: initialize: %v", err)
	}
	return e, res
}

// Initialize sends initialize and initialized.
func (e *Editor) Initialize() (*protocol.InitializeResult, error) {
	caps := DefaultCapabilities()
	if e.opts.Capabilities != nil {
		caps = *e.opts.Capabilities
	}
	p := &protocol.InitializeParams{Capabilities: caps, ClientInfo: protocol.ClientInfo{Name: "lsptest"}}
	if e.opts.InitializationOptions != nil {
		raw, err := json.Marshal(e.opts.InitializationOptions)
		if err != nil {
			return nil, err
		}
		p.InitializationOptions = raw
	}
	var folders []protocol.WorkspaceFolder
	for _, f := range e.opts.Folders {
		folders = append(folders, protocol.WorkspaceFolder{URI: uri.File(f), Name: filepath.Base(f)})
	}
	if folders != nil {
		p.WorkspaceFolders = protocol.NewNullable(folders)
	}
	var res protocol.InitializeResult
	if err := e.Call(protocol.MethodInitialize, p, &res); err != nil {
		return nil, err
	}
	return &res, e.Notify(protocol.MethodInitialized, &protocol.InitializedParams{})
}

// Call sends a request and decodes its result into result (which may be
// nil). It returns the server's error response as a *jsonrpc2.Error.
func (e *Editor) Call(method string, params, result any) error {
	ctx, cancel := context.WithTimeout(context.Background(), e.opts.Timeout)
	defer cancel()
	return e.CallContext(ctx, method, params, result)
}

// CallContext is Call with a context; when ctx is cancelled first the
// editor sends $/cancelRequest and returns ctx's error (the server's answer
// is then dropped, as editors do; Raw sees it).
func (e *Editor) CallContext(ctx context.Context, method string, params, result any) error {
	return protocol.Call(ctx, e.conn, method, params, result)
}

// Go sends a request without waiting for its answer: it returns once the
// request is queued for the server, after the messages sent before it and
// before those sent after, as an editor that types on while a request is
// out. wait waits for the answer, decodes it into result and returns what
// Call would.
func (e *Editor) Go(method string, params, result any) (wait func() error) {
	queued := make(chan struct{})
	sent := sync.OnceFunc(func() { close(queued) })
	done := make(chan error, 1)
	go func() {
		ctx, cancel := context.WithTimeout(context.WithValue(context.Background(), sentKey{}, sent), e.opts.Timeout)
		defer cancel()
		err := e.CallContext(ctx, method, params, result)
		sent() // when it failed before it was written
		done <- err
	}()
	<-queued
	return func() error { return <-done }
}

// sentKey carries, in the context of a call made by Go, the function the
// editor's stream calls once the call is written.
type sentKey struct{}

// sentStream is the editor's stream: it tells Go when its call is queued.
type sentStream struct{ jsonrpc2.Stream }

func (s sentStream) Write(ctx context.Context, msg jsonrpc2.Message) (int64, error) {
	n, err := s.Stream.Write(ctx, msg)
	if sent, ok := ctx.Value(sentKey{}).(func()); ok {
		sent()
	}
	return n, err
}

// Notify sends a notification.
func (e *Editor) Notify(method string, params any) error {
	ctx, cancel := context.WithTimeout(context.Background(), e.opts.Timeout)
	defer cancel()
	return e.conn.Notify(ctx, method, params)
}

// URI returns the file URI of path.
func URI(path string) uri.URI { return uri.File(path) }

// InlineParams is an inlineCompletion request at pos in the document at
// path, triggered as kind says.
func InlineParams(path string, pos protocol.Position, kind protocol.InlineCompletionTriggerKind) *protocol.InlineCompletionParams {
	return &protocol.InlineCompletionParams{
		TextDocumentPositionParams: protocol.TextDocumentPositionParams{
			TextDocument: protocol.TextDocumentIdentifier{URI: URI(path)},
			Position:     pos,
		},
		Context: protocol.InlineCompletionContext{TriggerKind: kind},
	}
}

// Open opens a document at version 1.
func (e *Editor) Open(path, languageID, text string) {
	e.t.Helper()
	e.mu.Lock()
	e.docs[path] = &doc{version: 1}
	e.mu.Unlock()
	err := e.Notify(protocol.MethodTextDocumentDidOpen, &protocol.DidOpenTextDocumentParams{
		TextDocument: protocol.TextDocumentItem{URI: URI(path), LanguageID: protocol.LanguageKind(languageID), Version: 1, Text: text},
	})
	if err != nil {
		e.t.Fatalf("lsptest: didOpen: %v", err)
	}
}

// Edit sends an incremental change replacing r with newText and returns the
// new version. The editor does not track the resulting text: tests know it.
func (e *Editor) Edit(path string, r protocol.Range, newText string) int32 {
	e.t.Helper()
	return e.change(path, &protocol.TextDocumentContentChangePartial{Range: r, Text: newText})
}

// Replace sends a full-content change and returns the new version.
func (e *Editor) Replace(path, text string) int32 {
	e.t.Helper()
	return e.change(path, &protocol.TextDocumentContentChangeWholeDocument{Text: text})
}

func (e *Editor) change(path string, changes ...protocol.TextDocumentContentChangeEvent) int32 {
	e.t.Helper()
	e.mu.Lock()
	d := e.docs[path]
	if d == nil {
		d = &doc{}
		e.docs[path] = d
	}
	d.version++
	v := d.version
	e.mu.Unlock()
	err := e.Notify(protocol.MethodTextDocumentDidChange, &protocol.DidChangeTextDocumentParams{
		TextDocument:   protocol.VersionedTextDocumentIdentifier{TextDocumentIdentifier: protocol.TextDocumentIdentifier{URI: URI(path)}, Version: v},
		ContentChanges: changes,
	})
	if err != nil {
		e.t.Fatalf("lsptest: didChange: %v", err)
	}
	return v
}

// Close closes a document.
func (e *Editor) Close(path string) {
	e.t.Helper()
	e.mu.Lock()
	delete(e.docs, path)
	e.mu.Unlock()
	err := e.Notify(protocol.MethodTextDocumentDidClose, &protocol.DidCloseTextDocumentParams{
		TextDocument: protocol.TextDocumentIdentifier{URI: URI(path)},
	})
	if err != nil {
		e.t.Fatalf("lsptest: didClose: %v", err)
	}
}

// SetSettings changes what workspace/configuration answers and sends
// workspace/didChangeConfiguration with null settings (the pull model).
func (e *Editor) SetSettings(settings any) {
	e.t.Helper()
	e.mu.Lock()
	e.settings = settings
	e.mu.Unlock()
	if err := e.Notify(protocol.MethodWorkspaceDidChangeConfiguration, &protocol.DidChangeConfigurationParams{Settings: []byte("null")}); err != nil {
		e.t.Fatalf("lsptest: didChangeConfiguration: %v", err)
	}
}

// Shutdown sends shutdown and exit, and returns the server's exit code.
func (e *Editor) Shutdown() (int, error) {
	if err := e.Call(protocol.MethodShutdown, nil, nil); err != nil {
		return -1, err
	}
	return e.Exit()
}

// Exit sends exit and returns the server's exit code.
func (e *Editor) Exit() (int, error) {
	if err := e.Notify(protocol.MethodExit, nil); err != nil {
		return -1, err
	}
	return e.Wait()
}

// Wait waits for the server to stop and returns its exit code.
func (e *Editor) Wait() (int, error) {
	select {
	case code := <-e.done:
		e.done <- code // Cleanup waits too
		return code, nil
	case <-time.After(e.opts.Timeout):
		return -1, errors.New("lsptest: server did not stop")
	}
}

// handle answers the server's requests and records its notifications.
func (e *Editor) handle(ctx context.Context, req *jsonrpc2.Request) (any, error) {
	n := Notification{Method: strings.Clone(req.Method()), Params: json.RawMessage(slices.Clone(req.Params()))}
	e.mu.Lock()
	defer e.mu.Unlock()
	defer e.signal()
	if !req.IsCall() {
		e.notifications = append(e.notifications, n)
		return nil, nil
	}
	e.requests = append(e.requests, n)
	switch n.Method {
	case protocol.MethodWorkspaceConfiguration:
		var p protocol.ConfigurationParams
		if err := json.Unmarshal(n.Params, &p); err != nil {
			return nil, jsonrpc2.Errorf(jsonrpc2.InvalidParams, "%v", err)
		}
		raw, err := json.Marshal(e.settings)
		if err != nil {
			return nil, err
		}
		out := make([]json.RawMessage, len(p.Items))
		for i := range out {
			out[i] = raw
		}
		return out, nil
	case protocol.MethodWindowWorkDoneProgressCreate, protocol.MethodClientRegisterCapability, protocol.MethodClientUnregisterCapability:
		return nil, nil
	case protocol.MethodWorkspaceApplyEdit:
		var p protocol.ApplyWorkspaceEditParams
		if err := protocol.Unmarshal(n.Params, &p); err != nil {
			return nil, jsonrpc2.Errorf(jsonrpc2.InvalidParams, "%v", err)
		}
		e.edits = append(e.edits, p)
		return &protocol.ApplyWorkspaceEditResult{Applied: true}, nil
	case protocol.MethodWindowShowMessageRequest:
		return nil, nil
	case protocol.MethodWindowShowDocument:
		return &protocol.ShowDocumentResult{Success: true}, nil
	}
	return nil, jsonrpc2.Errorf(jsonrpc2.MethodNotFound, "lsptest: %s not supported", n.Method)
}

// signal wakes the waiters of WaitFor; e.mu is held.
func (e *Editor) signal() {
	close(e.changed)
	e.changed = make(chan struct{})
}

// Notifications returns the notifications received so far with the given
// method, or all of them when method is "".
func (e *Editor) Notifications(method string) []Notification {
	return e.received(&e.notifications, method)
}

// Requests returns the server-to-client requests received so far with the
// given method, or all of them when method is "".
func (e *Editor) Requests(method string) []Notification {
	return e.received(&e.requests, method)
}

// received returns the messages of list with the given method, or all of
// them when method is "", under e.mu.
func (e *Editor) received(list *[]Notification, method string) []Notification {
	e.mu.Lock()
	defer e.mu.Unlock()
	var out []Notification
	for _, n := range *list {
		if method == "" || n.Method == method {
			out = append(out, n)
		}
	}
	return out
}

// AppliedEdits returns the workspace/applyEdit requests received so far.
func (e *Editor) AppliedEdits() []protocol.ApplyWorkspaceEditParams {
	e.mu.Lock()
	defer e.mu.Unlock()
	return slices.Clone(e.edits)
}

// LogMessages returns the window/logMessage notifications so far.
func (e *Editor) LogMessages() []protocol.LogMessageParams {
	return decodeAll[protocol.LogMessageParams](e, protocol.MethodWindowLogMessage)
}

// ShownMessages returns the window/showMessage notifications so far.
func (e *Editor) ShownMessages() []protocol.ShowMessageParams {
	return decodeAll[protocol.ShowMessageParams](e, protocol.MethodWindowShowMessage)
}

// Progress returns the $/progress notifications so far.
func (e *Editor) Progress() []protocol.ProgressParams {
	return decodeAll[protocol.ProgressParams](e, protocol.MethodProgress)
}

func decodeAll[T any](e *Editor, method string) []T {
	var out []T
	for _, n := range e.Notifications(method) {
		var v T
		if err := protocol.Unmarshal(n.Params, &v); err != nil {
			e.t.Errorf("lsptest: decoding %s: %v", method, err)
			continue
		}
		out = append(out, v)
	}
	return out
}

// WaitFor waits until cond returns true. cond is called at once, after
// every message the server sends and every 10ms (for state outside the
// editor). It fails the test after the timeout.
func (e *Editor) WaitFor(what string, cond func() bool) {
	e.t.Helper()
	deadline := time.After(e.opts.Timeout)
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	for {
		e.mu.Lock()
		ch := e.changed
		e.mu.Unlock()
		if cond() {
			return
		}
		select {
		case <-ch:
		case <-tick.C:
		case <-deadline:
			e.t.Fatalf("lsptest: timed out waiting for %s", what)
		}
	}
}

// String describes the editor state, for failure messages.
func (e *Editor) String() string {
	e.mu.Lock()
	defer e.mu.Unlock()
	return fmt.Sprintf("lsptest.Editor{%d notifications, %d requests}", len(e.notifications), len(e.requests))
}
