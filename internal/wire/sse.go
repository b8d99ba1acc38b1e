package wire

import (
	"bufio"
	"bytes"
	"errors"
	"io"
)

// ReadEvents calls fn with the data of each server-sent event read from r
// ("data: ..." lines; other lines are skipped), or, when ndjson is true,
// with each non-empty line. It stops when fn returns false or an error, or
// r ends; the end of r is not an error (the caller knows whether the
// answer was complete).
func ReadEvents(r io.Reader, ndjson bool, fn func(data []byte) (more bool, err error)) error {
	br := bufio.NewReader(r)
	for {
		line, err := br.ReadBytes('\n')
		if len(line) > 0 {
			data := bytes.TrimSpace(line)
			ok := len(data) > 0
			if !ndjson {
				var found bool
				data, found = bytes.CutPrefix(data, []byte("data:"))
				data = bytes.TrimSpace(data)
				ok = found && len(data) > 0
			}
			if ok && (err == nil || errors.Is(err, io.EOF)) {
				more, ferr := fn(data)
				if ferr != nil || !more {
					return ferr
				}
			}
		}
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
	}
}
