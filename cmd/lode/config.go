package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"text/tabwriter"

	"github.com/lode-ls/lode/context/redact"
	"github.com/lode-ls/lode/internal/config"
)

func runConfig(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlags("config", "usage: lode config [flags]        show every setting, its value and where it came from\n"+
		"       lode config docs [-o FILE]  print the settings reference (docs/settings.md)", 0, 1, "docs or nothing")
	root := fs.root()
	userConfig := fs.config()
	out := fs.String("o", "", "with docs: write the reference to `FILE` instead of stdout")
	asJSON := fs.Bool("json", false, "print the settings as JSON: {\"settings\": [{\"key\", \"value\", \"source\"}], \"problems\": [...]}")
	rest, code, ok := fs.parse(args, stdout, stderr)
	if !ok {
		return code
	}
	switch what := append(rest, "")[0]; what {
	case "docs":
		return writeReference(*out, stdout, stderr)
	case "", "show":
	default:
		return usageError(stderr, "config", "unknown argument %q (want docs or nothing)", what)
	}
	cfg, problems := config.Load(config.Inputs{UserFile: *userConfig, WorkspaceRoot: root()})
	clean := redact.NewWriter(stdout) // passwords in base_url, tokens in headers
	defer clean.Flush()
	if *asJSON {
		out := configJSON{Settings: []config.Setting{}, Problems: []string{}}
		for _, s := range cfg.Settings() {
			out.Settings = append(out.Settings, s)
		}
		for _, p := range problems {
			out.Problems = append(out.Problems, p.Error())
		}
		writeJSON(clean, out)
	} else {
		tw := tabwriter.NewWriter(clean, 0, 4, 2, ' ', 0)
		for _, s := range cfg.Settings() {
			fmt.Fprintf(tw, "%s\t%s\t%s\n", s.Key, s.Value, s.Source)
		}
		tw.Flush()
	}
	for _, p := range problems {
		printErr(stderr, "config", p)
	}
	if len(problems) > 0 {
		return exitUsage
	}
	return exitOK
}

// configJSON is the output of lode config --json.
type configJSON struct {
	Settings []config.Setting `json:"settings"`
	Problems []string         `json:"problems"`
}

func writeReference(path string, stdout, stderr io.Writer) int {
	ref := config.Reference()
	if path == "" {
		fmt.Fprint(stdout, ref)
		return 0
	}
	if err := os.WriteFile(path, []byte(ref), 0o644); err != nil {
		return fail(stderr, "config", err, exitUsage)
	}
	return 0
}
