package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/lode-ls/lode/internal/config"
	"github.com/lode-ls/lode/internal/session"
)

// The exit codes of every command: one table, printed by `lode help`.
const (
	exitOK          = 0 // a result was printed
	exitFailed      = 1 // no result: nothing to complete, explain or patch; a problem found
	exitUsage       = 2 // usage or input error: bad flags or arguments, unreadable or refused file, bad configuration
	exitUnavailable = 3 // the model is unavailable: unreachable, timed out, refused the key, rate limited, answered garbage
)

// exitTable is the exit-code table as `lode help` prints it.
const exitTable = `Exit status (every command):

	0  a result was printed
	1  no result (nothing to complete, explain or patch; doctor found a problem)
	2  usage or input error (bad flags or arguments; a file that cannot be read,
	   is binary, too large or in an unsupported language; a bad configuration)
	3  the model is unavailable (unreachable, timed out, refused the key, rate
	   limited, or answered what lode cannot read); commands that can answer
	   without it (complete from the embedded model, explain structurally)
	   still print that answer
`

// exitOf maps an error to the exit code of the table.
func exitOf(err error) int {
	switch {
	case err == nil:
		return exitOK
	case errors.Is(err, session.ErrInput), errors.Is(err, os.ErrNotExist), errors.Is(err, os.ErrPermission):
		return exitUsage
	case session.ModelFault(err):
		return exitUnavailable
	}
	return exitFailed
}

// printDown prints the message that a model failed (Session.DownMessage)
// as command name's.
func printDown(stderr io.Writer, name, msg string) {
	fmt.Fprintln(stderr, strings.Replace(msg, "lode: ", "lode "+name+": ", 1))
}

// printErr prints err as "lode NAME: message" on stderr, with one prefix
// however many layers named the command, and without the wrapping of the
// exit-code sentinels.
func printErr(stderr io.Writer, name string, err error) {
	fmt.Fprintf(stderr, "lode %s: %s\n", name, message(name, err))
}

// fail prints err as printErr does and returns code, the command's exit
// code.
func fail(stderr io.Writer, name string, err error, code int) int {
	printErr(stderr, name, err)
	return code
}

// message is err's text without the prefixes printErr adds itself.
func message(name string, err error) string {
	msg := err.Error()
	for _, p := range []string{session.ErrInput.Error() + ": ", "lode " + name + ": ", name + ": "} {
		for strings.HasPrefix(msg, p) {
			msg = strings.TrimPrefix(msg, p)
		}
	}
	return msg
}

// usageError prints a usage error and the way to the command's help, and
// returns exitUsage.
func usageError(stderr io.Writer, name, format string, args ...any) int {
	hint := "Run 'lode " + name + " -h' for usage."
	if name == "help" {
		hint = "Run 'lode help' for the list of commands."
	}
	fmt.Fprintf(stderr, "lode %s: %s\n%s\n", name, fmt.Sprintf(format, args...), hint)
	return exitUsage
}

// printProblems prints the configuration's problems: a bad setting keeps
// the value below it and is only a warning, except an unknown provider,
// which would silently put another model in its place. It reports
// whether the command may go on (else it exits exitUsage).
func printProblems(name string, problems []config.Problem, stderr io.Writer) (ok bool) {
	ok = true
	for _, p := range problems {
		printErr(stderr, name, p)
		if p.Key == "provider" || strings.HasSuffix(p.Key, ".provider") {
			ok = false
		}
	}
	return ok
}

// isHelp reports whether arg asks for help.
func isHelp(arg string) bool {
	switch arg {
	case "-h", "-help", "--help":
		return true
	}
	return false
}

// parseArgs parses a command's arguments: flags may come before or after
// the positional arguments (`--` ends the flags). -h, -help or --help
// print the command's help on stdout (ok false, code 0); a bad flag is a
// usage error on stderr (ok false, code 2). fs.Usage must write to
// fs.Output().
func parseArgs(fs *flag.FlagSet, args []string, stdout, stderr io.Writer) (rest []string, code int, ok bool) {
	for _, a := range args {
		if a == "--" {
			break
		}
		if isHelp(a) {
			fs.SetOutput(stdout)
			fs.Usage()
			return nil, exitOK, false
		}
	}
	fs.SetOutput(io.Discard) // the error is printed below, once
	usage := fs.Usage
	fs.Usage = func() {}
	rest, err := parseInterleaved(fs, args)
	fs.Usage = usage
	fs.SetOutput(stderr)
	if err != nil {
		return nil, usageError(stderr, fs.Name(), "%v", err), false
	}
	return rest, exitOK, true
}

// parseInterleaved parses flags that may come after positional arguments
// (`lode suggest file.go -m "..."`) and returns the positional ones.
func parseInterleaved(fs *flag.FlagSet, args []string) ([]string, error) {
	var rest []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		left := fs.Args()
		if len(left) == 0 {
			return rest, nil
		}
		if n := len(args) - len(left); n > 0 && args[n-1] == "--" {
			return append(rest, left...), nil
		}
		rest = append(rest, left[0])
		args = left[1:]
	}
}

// flags is the flag set of one command and the shape of its arguments.
type flags struct {
	*flag.FlagSet
	min, max int    // how many arguments it takes; max < 0: any number
	want     string // what they are, for the error: "one FILE:LINE:COL"
}

// newFlags returns the flags of `lode NAME`, whose help prints usage (the
// usage line and what the command does) above them, and which takes
// between min and max arguments (max < 0: any number), described by want.
func newFlags(name, usage string, min, max int, want string) *flags {
	f := &flags{FlagSet: flag.NewFlagSet(name, flag.ContinueOnError), min: min, max: max, want: want}
	f.Usage = func() {
		fmt.Fprintf(f.Output(), "%s\n\nFlags:\n", strings.TrimRight(usage, "\n"))
		f.PrintDefaults()
	}
	return f
}

// config registers --config, the user settings file.
func (f *flags) config() *string {
	return f.String("config", "", "user settings `FILE` (default "+config.UserFile()+"; \"-\" for none)")
}

// root registers --root, the workspace whose settings file is read, and
// returns its project root (session.Root) once parsed.
func (f *flags) root() func() string {
	dir := f.String("root", ".", "workspace root whose "+config.WorkspaceFile+" is read")
	return func() string { return session.Root(*dir) }
}

// parse parses args (parseArgs) and checks how many arguments are left.
func (f *flags) parse(args []string, stdout, stderr io.Writer) (rest []string, code int, ok bool) {
	rest, code, ok = parseArgs(f.FlagSet, args, stdout, stderr)
	switch {
	case !ok:
	case f.max == 0 && len(rest) > 0:
		return nil, usageError(stderr, f.Name(), "unexpected argument %q", rest[0]), false
	case len(rest) < f.min || f.max >= 0 && len(rest) > f.max:
		return nil, usageError(stderr, f.Name(), "want %s, got %d arguments", f.want, len(rest)), false
	}
	return rest, code, ok
}

// isTerminal reports whether w is a terminal that draws progress: a
// character device, and TERM is not "dumb".
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok || os.Getenv("TERM") == "dumb" {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// terminal returns w when it is a terminal, for progress bars, else nil.
func terminal(w io.Writer) io.Writer {
	if isTerminal(w) {
		return w
	}
	return nil
}

// writeJSON prints v as indented JSON on w.
func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
