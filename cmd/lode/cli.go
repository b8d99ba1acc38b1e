package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"unicode/utf8"

	"github.com/lode-ls/lode/completion/llm"
	"github.com/lode-ls/lode/context/syntax"
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

// errInput marks an input lode refuses before doing any work: the
// command exits exitUsage and the server ignores the file.
var errInput = errors.New("input refused")

// inputError returns an error wrapping errInput.
func inputError(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{errInput}, args...)...)
}

// exitOf maps an error to the exit code of the table.
func exitOf(err error) int {
	switch {
	case err == nil:
		return exitOK
	case errors.Is(err, errInput), errors.Is(err, os.ErrNotExist), errors.Is(err, os.ErrPermission):
		return exitUsage
	case modelFault(err):
		return exitUnavailable
	}
	return exitFailed
}

// modelFault reports whether err says the model gave no usable answer.
func modelFault(err error) bool {
	return errors.Is(err, llm.ErrUnavailable) || errors.Is(err, llm.ErrRateLimited) ||
		errors.Is(err, llm.ErrUnauthorized) || errors.Is(err, llm.ErrUnknownModel) ||
		errors.Is(err, llm.ErrBadResponse) || errors.Is(err, context.DeadlineExceeded)
}

// printErr prints err as "lode NAME: message" on stderr, with one prefix
// however many layers named the command, and without the wrapping of the
// exit-code sentinels.
func printErr(stderr io.Writer, name string, err error) {
	fmt.Fprintf(stderr, "lode %s: %s\n", name, message(name, err))
}

// message is err's text without the prefixes printErr adds itself.
func message(name string, err error) string {
	msg := err.Error()
	for _, p := range []string{errInput.Error() + ": ", "lode " + name + ": ", name + ": "} {
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

// readSource reads a source file for a command, refusing what must never
// reach a prompt: a file larger than maxSize (when positive), a binary
// file (a NUL byte, or more than 1 in 20 bytes not UTF-8), and, when
// needLanguage, a file in a language lode does not parse.
func readSource(path string, maxSize int, needLanguage bool) ([]byte, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if fi.IsDir() {
		return nil, inputError("%s is a directory", path)
	}
	if maxSize > 0 && fi.Size() > int64(maxSize) {
		return nil, inputError("%s is larger than context.max_file_size (%d > %d bytes)", path, fi.Size(), maxSize)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	if binary(data) {
		return nil, inputError("%s is a binary file", path)
	}
	if needLanguage && syntax.Detect("", path) == nil {
		var names []string
		for _, l := range syntax.Languages() {
			names = append(names, l.Name)
		}
		return nil, inputError("%s: unsupported language (lode parses %s)", path, strings.Join(names, ", "))
	}
	return data, nil
}

// binary reports whether data looks like a binary file: a NUL byte in the
// first 8 KiB, or more than 5% of it not valid UTF-8.
func binary(data []byte) bool {
	head := data[:min(len(data), 8192)]
	if bytes.IndexByte(head, 0) >= 0 {
		return true
	}
	bad := 0
	for i := 0; i < len(head); {
		r, n := utf8.DecodeRune(head[i:])
		// A rune cut by the end of head is not counted against it.
		if r == utf8.RuneError && n == 1 && (len(head) == len(data) || i < len(head)-utf8.UTFMax) {
			bad++
		}
		i += n
	}
	return bad*20 > len(head)
}

// writeJSON prints v as indented JSON on w.
func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
