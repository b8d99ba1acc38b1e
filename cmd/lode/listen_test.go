package main

import (
	"context"
	"io"
	"net"
	"os/exec"
	"sync"

	"github.com/lode-ls/lode/lsp/lsptest"
)

// dialServe connects the editor to a lode serve --listen process at addr
// and returns the process's exit code when it ends.
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
