package main

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"go.lsp.dev/jsonrpc2"
	protocol "go.lsp.dev/protocol"

	"github.com/lode-ls/lode/completion/llm/llmtest"
	"github.com/lode-ls/lode/lsp/lsptest"
)

var (
	buildOnce sync.Once
	binPath   string
	buildErr  error
)

// lodeBinary builds the lode binary once per test run.
func lodeBinary(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds the lode binary")
	}
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "lode-test-")
		if err != nil {
			buildErr = err
			return
		}
		binPath = filepath.Join(dir, "lode")
		out, err := exec.Command("go", "build", "-o", binPath, ".").CombinedOutput()
		if err != nil {
			buildErr = errors.New(string(out))
		}
	})
	if buildErr != nil {
		t.Fatalf("building lode: %v", buildErr)
	}
	return binPath
}

// binaryServe runs `lode serve args...` with its stdin and stdout joined to
// the editor's connection; stderr goes to stderr.
func binaryServe(bin string, stderr *syncBuffer, args ...string) lsptest.ServeFunc {
	return binaryServeEnv(bin, stderr, nil, args...)
}

// binaryServeEnv is binaryServe with extra environment variables.
func binaryServeEnv(bin string, stderr *syncBuffer, env []string, args ...string) lsptest.ServeFunc {
	return func(ctx context.Context, rwc io.ReadWriteCloser) int {
		defer rwc.Close()
		cmd := exec.CommandContext(ctx, bin, append([]string{"serve"}, args...)...)
		cmd.Stderr = stderr
		cmd.Env = append(os.Environ(), "XDG_CONFIG_HOME="+os.TempDir()+"/lode-none", "LODE_PROVIDER=", "LODE_MODEL=", "LODE_BASE_URL=", "LODE_API_KEY=")
		cmd.Env = append(cmd.Env, env...)
		stdin, err := cmd.StdinPipe()
		if err != nil {
			return -1
		}
		stdout, err := cmd.StdoutPipe()
		if err != nil {
			return -1
		}
		if err := cmd.Start(); err != nil {
			return -1
		}
		go func() { io.Copy(stdin, rwc); stdin.Close() }()
		io.Copy(rwc, stdout) // until the process closes stdout
		cmd.Wait()
		return cmd.ProcessState.ExitCode()
	}
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func TestServeBinary(t *testing.T) {
	bin := lodeBinary(t)
	logFile := filepath.Join(t.TempDir(), "lode.log")
	var stderr syncBuffer
	e, res := lsptest.Connect(t, binaryServe(bin, &stderr, "--log", logFile), lsptest.Options{})
	if res.ServerInfo.Name != "lode" {
		t.Errorf("serverInfo %+v", res.ServerInfo)
	}
	if res.Capabilities.PositionEncoding != protocol.PositionEncodingKindUTF16 {
		t.Errorf("positionEncoding %q", res.Capabilities.PositionEncoding)
	}
	e.Open("/w/main.go", "go", "package main\n")
	e.Edit("/w/main.go", protocol.Range{End: protocol.Position{Line: 0, Character: 7}}, "PACKAGE")
	err := e.Call("lode/nonexistent", nil, nil)
	var we *jsonrpc2.Error
	if !errors.As(err, &we) || we.Code != jsonrpc2.MethodNotFound {
		t.Fatalf("unknown method: %v", err)
	}
	code, err := e.Shutdown()
	if err != nil || code != 0 {
		t.Fatalf("shutdown+exit: code %d, %v", code, err)
	}
	if s := stderr.String(); s != "" {
		t.Errorf("with --log, stderr should stay empty, got %q", s)
	}
	log, err := os.ReadFile(logFile)
	if err != nil || !strings.Contains(string(log), "lode serve starting") {
		t.Errorf("log file: %q, %v", log, err)
	}
}

func TestServeBinaryExitWithoutShutdown(t *testing.T) {
	bin := lodeBinary(t)
	var stderr syncBuffer
	e, _ := lsptest.Connect(t, binaryServe(bin, &stderr), lsptest.Options{})
	code, err := e.Exit()
	if err != nil || code != 1 {
		t.Fatalf("exit without shutdown: code %d, %v", code, err)
	}
	if !strings.Contains(stderr.String(), "lode serve starting") {
		t.Errorf("the log goes to stderr by default: %q", stderr.String())
	}
}

// TestServeListen serves over TCP: a client without the token is refused
// and the owner, who read the token from the token file, still connects.
func TestServeListen(t *testing.T) {
	bin := lodeBinary(t)
	tokenFile := filepath.Join(t.TempDir(), "token")
	cmd := exec.Command(bin, "serve", "--listen", "127.0.0.1:0", "--token-file", tokenFile)
	cmd.Env = append(os.Environ(), "XDG_CONFIG_HOME="+os.TempDir()+"/lode-none")
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	// The address is printed on stderr: "lode serve: listening on ADDR".
	buf := make([]byte, 0, 4096)
	var addr string
	for addr == "" {
		tmp := make([]byte, 512)
		n, err := stderr.Read(tmp)
		buf = append(buf, tmp[:n]...)
		if i := strings.Index(string(buf), "listening on "); i >= 0 {
			rest := string(buf[i+len("listening on "):])
			if j := strings.IndexByte(rest, '\n'); j >= 0 {
				addr = rest[:j]
			}
		}
		if err != nil {
			break
		}
	}
	if !strings.HasPrefix(addr, "127.0.0.1:") {
		t.Fatalf("no listening address in %q", buf)
	}
	go io.Copy(io.Discard, stderr)
	data, err := os.ReadFile(tokenFile)
	if err != nil {
		t.Fatal(err)
	}
	tok := strings.TrimSpace(string(data))

	intruder := lsptest.NewRaw(t, dialServe(addr, nil))
	intruder.SendJSON(map[string]any{"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": map[string]any{
		"processId": nil, "capabilities": map[string]any{}, "initializationOptions": map[string]any{"lodeToken": "not-the-token"}}})
	if m := intruder.Recv(); m.Error == nil {
		t.Fatalf("a client with a wrong token was answered %s", m.Result)
	}
	intruder.Close()

	e, _ := lsptest.Connect(t, dialServe(addr, cmd), lsptest.Options{InitializationOptions: map[string]any{"lodeToken": tok}})
	code, err := e.Shutdown()
	if err != nil || code != 0 {
		t.Fatalf("shutdown over TCP: code %d, %v", code, err)
	}
	if _, err := os.Stat(tokenFile); !os.IsNotExist(err) {
		t.Errorf("the token file lode created is left after exit: %v", err)
	}
}

// TestServeCancelAbortsModelCall cancels an inline completion while the
// model server is still thinking: the model's HTTP request must be aborted
// (the fake server sees its connection close), long before the completion's
// own time budget would end it.
func TestServeCancelAbortsModelCall(t *testing.T) {
	bin := lodeBinary(t)
	model := llmtest.NewServer(t)
	model.Reply(llmtest.Reply{Text: "a + b", Delay: time.Minute})
	var stderr syncBuffer
	serve := func(ctx context.Context, rwc io.ReadWriteCloser) int {
		return binaryServeEnv(bin, &stderr, []string{
			"LODE_PROVIDER=openai", "LODE_BASE_URL=" + model.URL + "/v1", "LODE_MODEL=gpt-3.5-turbo-instruct", "LODE_API_KEY=sk-test",
		})(ctx, rwc)
	}
	e, _ := lsptest.Connect(t, serve, lsptest.Options{
		InitializationOptions: map[string]any{"completion": map[string]any{"timeout_ms": 60000, "fallback_embedded": false}},
	})
	const path = "/w/add.go"
	e.Open(path, "go", "package main\n\nfunc add(a, b int) int {\n\treturn \n}\n")
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- e.CallContext(ctx, protocol.MethodTextDocumentInlineCompletion, lsptest.InlineParams(path, protocol.Position{Line: 3, Character: 8}, protocol.InlineCompletionTriggerKindInvoked), nil)
	}()
	e.WaitFor("the model request", func() bool { return model.Count() > 0 })
	start := time.Now()
	cancel()
	if _, ok := model.WaitClosed(10 * time.Second); !ok {
		t.Fatalf("the model request was not aborted after $/cancelRequest; log:\n%s", stderr.String())
	}
	t.Logf("model request aborted %v after the cancellation", time.Since(start))
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Errorf("call: %v", err)
	}
}

// dialServe connects the editor to a lode serve --listen process at addr
// and returns the process's exit code when it ends; with cmd nil, 0 once
// the connection is closed.
func dialServe(addr string, cmd *exec.Cmd) lsptest.ServeFunc {
	return func(ctx context.Context, rwc io.ReadWriteCloser) int {
		conn, err := net.Dial("tcp", addr)
		if err != nil {
			return -1
		}
		var wg sync.WaitGroup
		wg.Add(2)
		go func() { io.Copy(conn, rwc); conn.Close(); wg.Done() }()
		go func() { io.Copy(rwc, conn); rwc.Close(); wg.Done() }()
		if cmd == nil {
			wg.Wait()
			return 0
		}
		err = cmd.Wait()
		conn.Close()
		rwc.Close()
		wg.Wait()
		if cmd.ProcessState == nil {
			return -1
		}
		return cmd.ProcessState.ExitCode()
	}
}
