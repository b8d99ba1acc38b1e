package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"

	"github.com/lode-ls/lode/context/redact"
	"github.com/lode-ls/lode/internal/config"
	"github.com/lode-ls/lode/internal/listen"
	"github.com/lode-ls/lode/internal/session"
)

func runServe(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlags("serve", "usage: lode serve [flags]\n\nServe the Language Server Protocol on stdin/stdout. Logs go to stderr, never stdout.", 0, 0, "")
	logFile := fs.String("log", "", "write the log to `FILE` instead of stderr")
	listenFlag := fs.String("listen", "", "serve one client over TCP at `ADDR` (host:port; the host defaults to 127.0.0.1) instead of stdio; the client must present the token (docs/security.md)")
	listenAny := fs.Bool("listen-any", false, "allow --listen on an address other machines can reach")
	tokenFile := fs.String("token-file", "", "with --listen, read the token from `FILE` (private to you), or write a new one there if it does not exist; without it the token is printed on stderr")
	userConfig := fs.config()
	fs.Bool("stdio", true, "serve on stdin/stdout (the default; accepted for editors that pass it)")
	if _, code, ok := fs.parse(args, stdout, stderr); !ok {
		return code
	}
	logOut := stderr
	if *logFile != "" {
		f, err := os.OpenFile(*logFile, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
		if err != nil {
			return fail(stderr, "serve", err, exitUsage)
		}
		defer f.Close()
		logOut = f
	}
	level := new(slog.LevelVar)
	logger := slog.New(redact.Handler(slog.NewTextHandler(logOut, &slog.HandlerOptions{Level: level})))

	var lo listen.Options
	if *listenFlag != "" {
		lo = listen.Options{Addr: listen.Addr(*listenFlag), AnyAddr: *listenAny, TokenFile: *tokenFile}
	}
	rwc, err := listen.Connect(ctx, lo, logger, stderr)
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
