package main

import (
	"context"
	"io"
	"time"

	"github.com/lode-ls/lode/context/redact"
	"github.com/lode-ls/lode/internal/config"
	"github.com/lode-ls/lode/internal/doctor"
)

// runDoctor implements `lode doctor` (internal/doctor). It exits 1 when it
// found a problem.
func runDoctor(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlags("doctor", "usage: lode doctor [flags]\n\nChecks the configuration and every model server it names, with the requests\n"+
		"completion itself makes (endpoint, template, streaming, stop sequences).\nExit status 1 when it found a problem.", 0, 0, "")
	root := fs.root()
	userConfig := fs.config()
	o := doctor.Options{}
	fs.DurationVar(&o.Timeout, "timeout", 20*time.Second, "give up on each check after this long")
	fs.BoolVar(&o.Offline, "offline", false, "show the configuration only; contact no server")
	fs.BoolVar(&o.JSON, "json", false, "print the report as JSON (see docs/cli.md)")
	if _, code, ok := fs.parse(args, stdout, stderr); !ok {
		return code
	}
	o.Inputs = config.Inputs{UserFile: *userConfig, WorkspaceRoot: root()}
	out := redact.NewWriter(stdout) // passwords in base_url, tokens in headers
	defer out.Flush()
	rep := doctor.Run(ctx, o, out)
	if o.JSON {
		writeJSON(out, rep)
	}
	if len(rep.Problems) > 0 {
		return exitFailed
	}
	return exitOK
}
