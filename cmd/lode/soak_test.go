package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	protocol "go.lsp.dev/protocol"

	"github.com/lode-ls/lode/completion/llm/llmtest"
	"github.com/lode-ls/lode/lsp/lsptest"
)

// TestSoak types into a file of lode's own repository for LODE_SOAK (a
// duration, e.g. 15m) against the real lode serve and a fake model that
// answers in 100 ms: about ten keystrokes a second, an inline request
// after each, one in ten given up by the editor before its answer. Each
// minute it logs the requests' p50 and p99 (request out, answer in), the
// edits, requests and cancels so far, the answers shown for a version
// already replaced (must stay 0) and the server's RSS. make soak runs it;
// docs/security.md holds its figures.
func TestSoak(t *testing.T) {
	d, err := time.ParseDuration(os.Getenv("LODE_SOAK"))
	if err != nil || d <= 0 {
		t.Skip("set LODE_SOAK to a duration to run the soak")
	}
	bin := lodeBinary(t)
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	model := llmtest.NewServer(t)
	model.Reply(llmtest.Reply{Text: "x := 1", Delay: 100 * time.Millisecond})
	var pid atomic.Int64
	serve := func(ctx context.Context, rwc io.ReadWriteCloser) int {
		defer rwc.Close()
		cmd := exec.CommandContext(ctx, bin, "serve", "--config", "-")
		cmd.Env = append(os.Environ(), "XDG_CACHE_HOME="+t.TempDir(), "LODE_PROVIDER=openai",
			"LODE_BASE_URL="+model.URL+"/v1", "LODE_MODEL=qwen2.5-coder-1.5b", "LODE_API_KEY=sk-soak")
		stdin, _ := cmd.StdinPipe()
		stdout, _ := cmd.StdoutPipe()
		if err := cmd.Start(); err != nil {
			return -1
		}
		pid.Store(int64(cmd.Process.Pid))
		go func() { io.Copy(stdin, rwc); stdin.Close() }()
		io.Copy(rwc, stdout)
		cmd.Wait()
		return cmd.ProcessState.ExitCode()
	}
	e, _ := lsptest.Connect(t, serve, lsptest.Options{Capabilities: inlineCapabilities(), Folders: []string{root}, Timeout: time.Minute})
	path := filepath.Join(root, "cmd", "lode", "soak_typed.go")
	body := "package main\n\n"
	e.Open(path, "go", body)
	typed := "func soakSum(xs []int) int {\n\ttotal := 0\n\tfor _, x := range xs {\n\t\ttotal += x\n\t}\n\treturn total\n}\n\n"
	var (
		lat                             []time.Duration
		edits, requests, cancels, stale int
		start, minute                   = time.Now(), time.Now()
		version                         int32
	)
	report := func() {
		slices.Sort(lat)
		q := func(p float64) time.Duration {
			if len(lat) == 0 {
				return 0
			}
			return lat[min(len(lat)-1, int(p*float64(len(lat))))].Round(time.Millisecond)
		}
		t.Logf("minute %d: p50 %v p99 %v; %d edits, %d requests, %d cancelled, %d stale; RSS %s",
			int(time.Since(start).Minutes()+0.5), q(0.5), q(0.99), edits, requests, cancels, stale, serverRSS(int(pid.Load())))
		lat = lat[:0]
	}
	for i := 0; time.Since(start) < d; i++ {
		ch := typed[i%len(typed)]
		if i%len(typed) == 0 && i > 0 && len(body) > 20000 {
			body = "package main\n\n" // start the file again
			version = e.Replace(path, body)
		} else {
			body += string(ch)
			version = e.Replace(path, body)
		}
		edits++
		line := strings.Count(body, "\n")
		char := len(body) - strings.LastIndexByte(body, '\n') - 1
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		if i%10 == 9 {
			ctx, cancel = context.WithTimeout(context.Background(), 30*time.Millisecond) // the user typed on
			cancels++
		}
		sent, asked := time.Now(), version
		var list protocol.InlineCompletionList
		err := e.CallContext(ctx, protocol.MethodTextDocumentInlineCompletion, lsptest.InlineParams(path, protocol.Position{Line: uint32(line), Character: uint32(char)}, protocol.InlineCompletionTriggerKindAutomatic), &list)
		cancel()
		requests++
		if err == nil {
			lat = append(lat, time.Since(sent))
			if asked != version && len(list.Items) > 0 {
				stale++
			}
		}
		time.Sleep(100 * time.Millisecond) // about ten keystrokes a second
		if time.Since(minute) >= time.Minute {
			report()
			minute = time.Now()
		}
	}
	report()
	if stale > 0 {
		t.Errorf("%d answers for a replaced version", stale)
	}
}

// serverRSS returns the resident set size of process pid, from /proc.
func serverRSS(pid int) string {
	data, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return "?"
	}
	for _, l := range strings.Split(string(data), "\n") {
		if f := strings.Fields(l); len(f) >= 2 && f[0] == "VmRSS:" {
			kb, _ := strconv.Atoi(f[1])
			return fmt.Sprintf("%d MB", kb>>10)
		}
	}
	return "?"
}
