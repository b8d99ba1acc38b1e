package session

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"strings"
	"unicode/utf8"

	"github.com/lode-ls/lode/context/syntax"
)

// ErrInput marks an input lode refuses before doing any work: a command
// exits with its usage status and the server ignores the file.
var ErrInput = errors.New("input refused")

// InputError returns an error wrapping ErrInput.
func InputError(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ErrInput}, args...)...)
}

// ReadSource reads a source file for a command, refusing what must never
// reach a prompt: a file larger than maxSize (when positive), a binary
// file (a NUL byte, or more than 1 in 20 bytes not UTF-8), and, when
// needLanguage, a file in a language lode does not parse.
func ReadSource(path string, maxSize int, needLanguage bool) ([]byte, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if fi.IsDir() {
		return nil, InputError("%s is a directory", path)
	}
	if maxSize > 0 && fi.Size() > int64(maxSize) {
		return nil, InputError("%s is larger than context.max_file_size (%d > %d bytes)", path, fi.Size(), maxSize)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	if binary(data) {
		return nil, InputError("%s is a binary file", path)
	}
	if needLanguage && syntax.Detect("", path) == nil {
		var names []string
		for _, l := range syntax.Languages() {
			names = append(names, l.Name)
		}
		return nil, InputError("%s: unsupported language (lode parses %s)", path, strings.Join(names, ", "))
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
