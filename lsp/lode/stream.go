package lode

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strconv"
	"sync"

	"go.lsp.dev/jsonrpc2"
)

// DefaultMaxMessageSize bounds the body of one incoming message. Larger
// messages are read, dropped and logged; the stream keeps serving.
const DefaultMaxMessageSize = 128 << 20

// maxHeaderLine bounds one header line, so a peer that never sends a newline
// cannot make the reader buffer without limit.
const maxHeaderLine = 4096

// errBadHeader reports a malformed header block; the reader skips it.
var errBadHeader = errors.New("malformed header")

// Stream is a jsonrpc2.Stream with LSP Content-Length framing that survives
// a misbehaving peer: a malformed header block is skipped, an oversized
// body is discarded, a body that is not a JSON-RPC message (invalid JSON, a
// batch, a member of the wrong type) is answered with a ParseError or
// InvalidRequest response carrying a null id. Only the end of the input or
// a transport error ends the stream.
//
// Read is driven by one goroutine; Write is safe for concurrent use.
type Stream struct {
	rwc    io.ReadWriteCloser
	in     *bufio.Reader
	max    int
	logger *slog.Logger
	buf    []byte

	writeMu    sync.Mutex
	wbuf       []byte
	afterWrite func()
}

// AfterWrite has f called after each message written (once the message
// is out, outside the stream's lock; from the writing goroutine). Call it
// before the stream is used.
func (s *Stream) AfterWrite(f func()) { s.afterWrite = f }

// NewStream returns a Stream over rwc. max bounds an incoming body
// (DefaultMaxMessageSize when <= 0); problems are logged to logger (nil
// discards them).
func NewStream(rwc io.ReadWriteCloser, max int, logger *slog.Logger) *Stream {
	if max <= 0 {
		max = DefaultMaxMessageSize
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	return &Stream{rwc: rwc, in: bufio.NewReaderSize(rwc, 64<<10), max: max, logger: logger}
}

var _ jsonrpc2.Stream = (*Stream)(nil)

// Read implements jsonrpc2.Stream.
func (s *Stream) Read(ctx context.Context) (jsonrpc2.Message, int64, error) {
	_, msg, n, err := s.read(ctx)
	return msg, n, err
}

// ReadFrame returns the body of the next well-formed message. The slice is
// valid until the next call.
func (s *Stream) ReadFrame(ctx context.Context) ([]byte, int64, error) {
	body, _, n, err := s.read(ctx)
	return body, n, err
}

// read returns the body of the next well-formed message and the message,
// decoded once (it borrows from the body).
func (s *Stream) read(ctx context.Context) ([]byte, jsonrpc2.Message, int64, error) {
	if cap(s.buf) > keepBuffer {
		s.buf = nil // the last body is done with: a huge document's buffer goes
	}
	for {
		if err := ctx.Err(); err != nil {
			return nil, nil, 0, err
		}
		length, hlen, err := s.readHeader()
		if errors.Is(err, errBadHeader) {
			s.logger.Warn("lsp: skipping malformed message header", "err", err)
			continue
		}
		if err != nil {
			return nil, nil, 0, err
		}
		if length > s.max {
			s.logger.Warn("lsp: dropping oversized message", "bytes", length, "max", s.max)
			if _, err := io.CopyN(io.Discard, s.in, int64(length)); err != nil {
				return nil, nil, 0, unexpected(err)
			}
			continue
		}
		if cap(s.buf) < length {
			s.buf = make([]byte, length)
		}
		body := s.buf[:length]
		if _, err := io.ReadFull(s.in, body); err != nil {
			return nil, nil, 0, unexpected(err)
		}
		msg, err := jsonrpc2.DecodeMessage(body)
		if err != nil {
			s.reject(ctx, err)
			continue
		}
		return body, msg, int64(hlen + length), nil
	}
}

// keepBuffer is the largest read buffer kept from one message to the
// next: a didOpen of a huge document must not hold its size for the rest
// of the session.
const keepBuffer = 1 << 20

func unexpected(err error) error {
	if err == io.EOF {
		return io.ErrUnexpectedEOF
	}
	return err
}

// reject answers a body that is not a message, as JSON-RPC specifies.
func (s *Stream) reject(ctx context.Context, err error) {
	werr := jsonrpc2.NewError(jsonrpc2.ParseError, "invalid JSON")
	if errors.Is(err, jsonrpc2.ErrInvalidRequest) {
		werr = jsonrpc2.NewError(jsonrpc2.InvalidRequest, "not a JSON-RPC request: "+err.Error())
	}
	s.logger.Warn("lsp: rejecting message", "err", err)
	resp := jsonrpc2.NewResponse(jsonrpc2.ID{}, nil, werr)
	if _, err := s.Write(ctx, resp); err != nil {
		s.logger.Warn("lsp: writing error response", "err", err)
	}
}

// readHeader reads one header block and returns the Content-Length and the
// number of header bytes. Blank lines before a header are skipped.
func (s *Stream) readHeader() (length, consumed int, err error) {
	length = -1
	lines := 0
	for {
		line, err := s.readLine()
		consumed += len(line)
		if err != nil {
			if err == io.EOF && consumed > 0 {
				err = io.ErrUnexpectedEOF
			}
			return 0, 0, err
		}
		trimmed := bytes.TrimRight(line, "\r\n")
		if len(trimmed) == 0 {
			if lines == 0 {
				continue // stray blank line between messages
			}
			break
		}
		lines++
		name, value, ok := bytes.Cut(trimmed, []byte(":"))
		if !ok {
			return 0, 0, fmt.Errorf("%w: %q", errBadHeader, clip(trimmed))
		}
		if bytes.EqualFold(bytes.TrimSpace(name), []byte("Content-Length")) {
			n, err := strconv.Atoi(string(bytes.TrimSpace(value)))
			if err != nil || n <= 0 {
				return 0, 0, fmt.Errorf("%w: Content-Length %q", errBadHeader, clip(value))
			}
			length = n
		}
	}
	if length < 0 {
		return 0, 0, fmt.Errorf("%w: no Content-Length", errBadHeader)
	}
	return length, consumed, nil
}

// readLine reads one line up to maxHeaderLine bytes; a longer line is
// consumed to its end and reported as a bad header.
func (s *Stream) readLine() ([]byte, error) {
	line, err := s.in.ReadSlice('\n')
	if err == nil {
		return line, nil
	}
	if !errors.Is(err, bufio.ErrBufferFull) {
		if err == io.EOF && len(line) > 0 {
			return line, io.ErrUnexpectedEOF
		}
		return line, err
	}
	n := len(line)
	for errors.Is(err, bufio.ErrBufferFull) {
		line, err = s.in.ReadSlice('\n')
		n += len(line)
	}
	if err != nil {
		return nil, err
	}
	return nil, fmt.Errorf("%w: header line of %d bytes", errBadHeader, n)
}

func clip(b []byte) []byte {
	if len(b) > 40 {
		return b[:40]
	}
	return b
}

// Write implements jsonrpc2.Stream.
func (s *Stream) Write(ctx context.Context, msg jsonrpc2.Message) (int64, error) {
	data, err := jsonrpc2.EncodeMessage(msg)
	if err != nil {
		return 0, err
	}
	return s.WriteFrame(ctx, data)
}

// WriteFrame writes data, an encoded message, as one frame.
func (s *Stream) WriteFrame(ctx context.Context, data []byte) (int64, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	s.writeMu.Lock()
	s.wbuf = append(s.wbuf[:0], "Content-Length: "...)
	s.wbuf = strconv.AppendInt(s.wbuf, int64(len(data)), 10)
	s.wbuf = append(s.wbuf, "\r\n\r\n"...)
	s.wbuf = append(s.wbuf, data...)
	n, err := s.rwc.Write(s.wbuf)
	if cap(s.wbuf) > 1<<20 {
		s.wbuf = nil
	}
	s.writeMu.Unlock()
	if s.afterWrite != nil {
		s.afterWrite()
	}
	return int64(n), err
}

// Close closes the underlying connection.
func (s *Stream) Close() error { return s.rwc.Close() }
