package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"strings"

	"github.com/lode-ls/lode/context/redact"
	"github.com/lode-ls/lode/internal/config"
	"github.com/lode-ls/lode/internal/session"
)

func runServe(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)

	logFile := fs.String("log", "", "write the log to `FILE` instead of stderr")
	listen := fs.String("listen", "", "serve one client over TCP at `ADDR` (host:port; the host defaults to 127.0.0.1) instead of stdio")
	userConfig := fs.String("config", "", "read user settings from `FILE` instead of "+config.UserFile()+" (\"-\" for none)")
	fs.Bool("stdio", true, "serve on stdin/stdout (the default; accepted for editors that pass it)")
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "usage: lode serve [flags]\n\nServe the Language Server Protocol on stdin/stdout. Logs go to stderr, never stdout.\n\nFlags:\n")
		fs.PrintDefaults()
	}
	rest, code, ok := parseArgs(fs, args, stdout, stderr)
	if !ok {
		return code
	}
	if len(rest) > 0 {
		return usageError(stderr, "serve", "unexpected argument %q", rest[0])
	}

	logOut := stderr
	if *logFile != "" {
		f, err := os.OpenFile(*logFile, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
		if err != nil {
			printErr(stderr, "serve", err)
			return exitUsage
		}
		defer f.Close()
		logOut = f
	}
	level := new(slog.LevelVar)
	logger := slog.New(redact.Handler(slog.NewTextHandler(logOut, &slog.HandlerOptions{Level: level})))

	rwc, err := connect(ctx, *listen, logger, stderr)
	if err != nil {
		fmt.Fprintf(stderr, "lode serve: %v\n", err)
		return 1
	}
	defer rwc.Close()
	return serve(ctx, rwc, config.Inputs{UserFile: *userConfig}, logger, level)
}

// serve runs one session over rwc and returns the exit code.
func serve(ctx context.Context, rwc io.ReadWriteCloser, in config.Inputs, logger *slog.Logger, level *slog.LevelVar) int {
	s, problems := session.Open(session.Options{Config: in, Logger: logger, Watch: true})
	defer s.Close()
	for _, p := range problems {
		logger.Warn(p.Error())
	}
	logger.Info("lode serve starting", "version", versionString(), "pid", os.Getpid())
	code := s.Serve(ctx, rwc, session.ServeOptions{Name: "lode", Version: versionString(), Level: level})
	logger.Info("lode serve exiting", "code", code)
	return code
}

// connect returns stdin/stdout, or the first client accepted at listen.
func connect(ctx context.Context, listen string, logger *slog.Logger, stderr io.Writer) (io.ReadWriteCloser, error) {
	if listen == "" {
		return newStdio(), nil
	}
	addr := listenAddr(listen)
	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, "tcp", addr)
	if err != nil {
		return nil, err
	}
	defer ln.Close()
	logger.Info("waiting for one client", "addr", ln.Addr().String())
	fmt.Fprintf(stderr, "lode serve: listening on %s\n", ln.Addr())
	stop := context.AfterFunc(ctx, func() { ln.Close() })
	defer stop()
	conn, err := ln.Accept()
	if err != nil {
		return nil, err
	}
	return conn, nil
}

// listenAddr completes ADDR: a bare port or ":port" listens on 127.0.0.1.
func listenAddr(listen string) string {
	if !strings.Contains(listen, ":") {
		return "127.0.0.1:" + listen
	}
	if strings.HasPrefix(listen, ":") {
		return "127.0.0.1" + listen
	}
	return listen
}

// stdio is stdin and stdout as one connection. Reads come through a pipe
// fed by a goroutine, because closing a blocking stdin does not interrupt a
// read in progress; Close ends pending reads at once and closes stdout.
type stdio struct {
	in *io.PipeReader
}

func newStdio() *stdio {
	pr, pw := io.Pipe()
	go func() {
		_, err := io.Copy(pw, os.Stdin)
		pw.CloseWithError(err)
	}()
	return &stdio{in: pr}
}

func (s *stdio) Read(p []byte) (int, error)  { return s.in.Read(p) }
func (s *stdio) Write(p []byte) (int, error) { return os.Stdout.Write(p) }
func (s *stdio) Close() error {
	s.in.Close()
	return os.Stdout.Close()
}
