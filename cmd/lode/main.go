// Command lode is a code-assistant language server. `lode serve` speaks LSP
// on stdio; the other subcommands drive the same engine from a terminal.
//
// Every subcommand is one file holding
//
//	func runNAME(ctx context.Context, args []string, stdout, stderr io.Writer) int
//
// registered by one line in the commands table below.
package main

import (
	"context"
	"fmt"
	"io"
	"maps"
	"os"
	"os/signal"
	"runtime/debug"
	"slices"
	"strings"
	"syscall"
)

// command is one subcommand: its entry point and a one-line description.
type command struct {
	run  func(ctx context.Context, args []string, stdout, stderr io.Writer) int
	help string
}

// commands is the table of subcommands, one line each. "help" is handled by
// run itself.
var commands = map[string]command{
	"serve":    {runServe, "run the language server on stdio (or --listen ADDR)"},
	"config":   {runConfig, "show the resolved settings and where each came from; `config docs` prints their reference"},
	"version":  {runVersion, "print lode's version"},
	"doctor":   {runDoctor, "check the configuration and every model server it names; print the fix for each problem"},
	"explain":  {runExplain, "explain the code at FILE[:LINE[:COL]] (or FILE:START-END) as markdown"},
	"suggest":  {runSuggest, "suggest a patch as a unified diff: -m INSTRUCTION FILE[:START-END]... or --diagnostics FILE|-"},
	"complete": {runComplete, "complete the code at FILE:LINE:COL, as an editor would, and show what was sent"},
	"context":  {runContext, "print the context bundle lode gathers for FILE:LINE:COL, with reasons and token counts"},
	"eval":     {runEval, "measure lode: `eval context DIR` (retrieval) or `eval ngram DIR` (embedded model)"},
	"index":    {runIndex, "index a directory and print files, symbols, time and peak memory"},
}

// version is set at link time (-ldflags "-X main.version=v1.2.3"); otherwise
// the module version or VCS revision from the build information is used.
var version = ""

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// run dispatches args to a subcommand and returns the exit code of the
// table in cli.go (exitTable).
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		usage(stderr)
		return exitUsage
	}
	name := args[0]
	switch {
	case name == "help" || isHelp(name):
		if len(args) > 2 {
			return usageError(stderr, "help", "want at most one command, got %q", strings.Join(args[1:], " "))
		}
		if len(args) == 2 {
			c, ok := commands[args[1]]
			if !ok {
				return usageError(stderr, "help", "unknown command %q", args[1])
			}
			return c.run(ctx, []string{"-h"}, stdout, stderr)
		}
		usage(stdout)
		return exitOK
	case name == "-version" || name == "--version":
		name = "version"
	}
	c, ok := commands[name]
	if !ok {
		fmt.Fprintf(stderr, "lode: unknown command %q\nRun 'lode help' for the list of commands.\n", name)
		return exitUsage
	}
	return c.run(ctx, args[1:], stdout, stderr)
}

func usage(w io.Writer) {
	fmt.Fprintf(w, "lode is a code-assistant language server.\n\nUsage:\n\n\tlode <command> [arguments]\n\nCommands:\n\n")
	names := slices.Sorted(maps.Keys(commands))
	width := 4
	for _, n := range names {
		width = max(width, len(n))
	}
	for _, n := range names {
		fmt.Fprintf(w, "\t%-*s  %s\n", width, n, commands[n].help)
	}
	fmt.Fprintf(w, "\t%-*s  %s\n", width, "help", "show this help, or `help COMMAND` for one command")
	fmt.Fprintf(w, "\nRun `lode help COMMAND` (or `lode COMMAND -h`) for the flags of a command;\nflags may come before or after the file.\n\n%s", exitTable)
}

func runVersion(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlags("version", "usage: lode version [--json]\n\nPrint lode's version.", 0, 0, "")
	asJSON := fs.Bool("json", false, "print the version as JSON: {\"version\": ...}")
	if _, code, ok := fs.parse(args, stdout, stderr); !ok {
		return code
	}
	if *asJSON {
		writeJSON(stdout, map[string]string{"version": versionString()})
		return exitOK
	}
	fmt.Fprintf(stdout, "lode %s\n", versionString())
	return exitOK
}

// versionString returns lode's version for humans and for serverInfo.
func versionString() string {
	if version != "" {
		return version
	}
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "(unknown)"
	}
	v := bi.Main.Version
	var rev, dirty string
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			if s.Value == "true" {
				dirty = "+dirty"
			}
		}
	}
	if (v == "" || v == "(devel)") && rev != "" {
		return "devel " + rev[:min(12, len(rev))] + dirty + " " + bi.GoVersion
	}
	return strings.TrimSpace(v + " " + bi.GoVersion)
}
