package editors_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
)

// The hold proxy stands between an editor and `lode serve`, so that a
// test can deliver a lode/nextEdits answer late: after the document
// changed. The test binary runs as the proxy when $LODE_E2E_HOLD_ADDR is
// set (holdProxyScript writes a `lode` script that starts it): it
// runs $LODE_E2E_REAL_LODE with its arguments, passes the messages both
// ways, and serves on that address:
//
//	/hold     keep back the next lode/nextEdits answer that has edits
//	/held     that answer's first newText, or "" while none is kept
//	/release  deliver it, and keep back nothing more
//
// Any other command than serve runs the real lode directly.
func TestMain(m *testing.M) {
	if addr := os.Getenv("LODE_E2E_HOLD_ADDR"); addr != "" {
		os.Exit(holdProxy(addr, os.Getenv("LODE_E2E_REAL_LODE"), os.Args[1:]))
	}
	os.Exit(m.Run())
}

// holdProxyScript writes a `lode` that runs the hold proxy in front of
// bin, controlled at addr, and returns its path.
func holdProxyScript(t *testing.T, bin, addr string) string {
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	script := fmt.Sprintf("#!/bin/sh\nLODE_E2E_HOLD_ADDR=%q LODE_E2E_REAL_LODE=%q exec %q \"$@\"\n", addr, bin, self)
	path := filepath.Join(dir, "lode")
	if err := os.WriteFile(path, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	return path
}

// readFrame reads one LSP message (its headers and body) from r.
func readFrame(r *bufio.Reader) ([]byte, []byte, error) {
	var head bytes.Buffer
	n := -1
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return nil, nil, err
		}
		head.WriteString(line)
		if line == "\r\n" {
			break
		}
		if k, v, ok := strings.Cut(line, ":"); ok && strings.EqualFold(strings.TrimSpace(k), "Content-Length") {
			n, err = strconv.Atoi(strings.TrimSpace(v))
			if err != nil {
				return nil, nil, err
			}
		}
	}
	if n < 0 {
		return nil, nil, fmt.Errorf("a message without Content-Length")
	}
	body := make([]byte, n)
	if _, err := io.ReadFull(r, body); err != nil {
		return nil, nil, err
	}
	return head.Bytes(), body, nil
}

func holdProxy(addr, real string, args []string) int {
	if len(args) == 0 || args[0] != "serve" {
		if err := syscall.Exec(real, append([]string{real}, args...), os.Environ()); err != nil {
			fmt.Fprintln(os.Stderr, err)
		}
		return 1
	}
	cmd := exec.Command(real, args...)
	cmd.Stderr = os.Stderr
	in, err := cmd.StdinPipe()
	if err != nil {
		return 1
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		return 1
	}
	if err := cmd.Start(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	var (
		mu      sync.Mutex
		asked   = map[string]bool{} // ids of lode/nextEdits requests
		holding bool
		held    []byte // the frame kept back
		heldNew string
	)
	write := func(b []byte) {
		mu.Lock()
		defer mu.Unlock()
		os.Stdout.Write(b)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/hold", func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		holding, held, heldNew = true, nil, ""
		mu.Unlock()
	})
	mux.HandleFunc("/held", func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		fmt.Fprint(w, heldNew)
	})
	mux.HandleFunc("/release", func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		b := held
		holding, held = false, nil
		mu.Unlock()
		if b != nil {
			write(b)
		}
	})
	go http.ListenAndServe(addr, mux)

	go func() { // editor → lode
		r := bufio.NewReader(os.Stdin)
		for {
			head, body, err := readFrame(r)
			if err != nil {
				in.Close()
				return
			}
			var msg struct {
				ID     json.RawMessage `json:"id"`
				Method string          `json:"method"`
			}
			if json.Unmarshal(body, &msg) == nil && msg.Method == "lode/nextEdits" {
				mu.Lock()
				asked[string(msg.ID)] = true
				mu.Unlock()
			}
			in.Write(append(head, body...))
		}
	}()
	r := bufio.NewReader(out) // lode → editor
	for {
		head, body, err := readFrame(r)
		if err != nil {
			break
		}
		var msg struct {
			ID     json.RawMessage `json:"id"`
			Method string          `json:"method"`
			Result struct {
				Edits []struct {
					NewText string `json:"newText"`
				} `json:"edits"`
			} `json:"result"`
		}
		frame := append(head, body...)
		if json.Unmarshal(body, &msg) == nil && msg.Method == "" && len(msg.ID) > 0 {
			mu.Lock()
			keep := asked[string(msg.ID)] && holding && held == nil && len(msg.Result.Edits) > 0
			delete(asked, string(msg.ID))
			if keep {
				held, heldNew = frame, msg.Result.Edits[0].NewText
			}
			mu.Unlock()
			if keep {
				continue
			}
		}
		write(frame)
	}
	if err := cmd.Wait(); err != nil {
		return 1
	}
	return 0
}
