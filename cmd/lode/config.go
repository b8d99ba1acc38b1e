package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"text/tabwriter"

	"github.com/lode-ls/lode/context/redact"
	"github.com/lode-ls/lode/internal/config"
)

func runConfig(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("config", flag.ContinueOnError)
	fs.SetOutput(stderr)
	root := fs.String("root", ".", "workspace root whose "+config.WorkspaceFile+" is read")
	userConfig := fs.String("config", "", "user settings `FILE` (default "+config.UserFile()+"; \"-\" for none)")
	out := fs.String("o", "", "with docs: write the reference to `FILE` instead of stdout")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: lode config [flags]        show every setting, its value and where it came from\n")
		fmt.Fprintf(stderr, "       lode config docs [-o FILE]  print the settings reference (docs/settings.md)\n\nFlags:\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	switch fs.Arg(0) {
	case "docs":
		if err := fs.Parse(fs.Args()[1:]); err != nil {
			return 2
		}
		return writeReference(*out, stdout, stderr)
	case "", "show":
	default:
		fs.Usage()
		return 2
	}
	cfg, problems := config.Load(config.Inputs{UserFile: *userConfig, WorkspaceRoot: *root})
	clean := redact.NewWriter(stdout) // passwords in base_url, tokens in headers
	defer clean.Flush()
	tw := tabwriter.NewWriter(clean, 0, 4, 2, ' ', 0)
	for _, s := range cfg.Settings() {
		fmt.Fprintf(tw, "%s\t%s\t%s\n", s.Key, s.Value, s.Source)
	}
	tw.Flush()
	for _, p := range problems {
		fmt.Fprintf(stderr, "lode: %v\n", p)
	}
	if len(problems) > 0 {
		return 1
	}
	return 0
}

func writeReference(path string, stdout, stderr io.Writer) int {
	ref := config.Reference()
	if path == "" {
		fmt.Fprint(stdout, ref)
		return 0
	}
	if err := os.WriteFile(path, []byte(ref), 0o644); err != nil {
		fmt.Fprintf(stderr, "lode config docs: %v\n", err)
		return 1
	}
	return 0
}
