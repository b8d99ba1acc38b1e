package lode

import (
	"bytes"
	"errors"

	"go.lsp.dev/jsonrpc2"
	lsp "go.lsp.dev/protocol"
)

// Codec is the jsonrpc2.Codec for LSP payloads: it uses go.lsp.dev/protocol's
// union-aware Marshal and Unmarshal, and passes raw messages through.
type Codec struct{}

var _ jsonrpc2.Codec = Codec{}

// Marshal implements jsonrpc2.Codec.
func (Codec) Marshal(v any) ([]byte, error) {
	switch m := v.(type) {
	case jsonrpc2.RawMessage:
		if m == nil {
			return []byte("null"), nil
		}
		return m, nil
	case *jsonrpc2.RawMessage:
		if m == nil || *m == nil {
			return []byte("null"), nil
		}
		return *m, nil
	}
	return lsp.Marshal(v)
}

// Unmarshal implements jsonrpc2.Codec.
func (Codec) Unmarshal(data []byte, v any) error {
	if p, ok := v.(*jsonrpc2.RawMessage); ok {
		*p = bytes.Clone(data)
		return nil
	}
	return lsp.Unmarshal(data, v)
}

// DecodeParams decodes the params of a request or notification into v.
// Absent or null params decode as an empty object, so a custom request sent
// without params reaches its handler with zero values. A decoding failure
// is a jsonrpc2 InvalidParams error naming the method.
func DecodeParams(method string, params []byte, v any) error {
	p := bytes.TrimSpace(params)
	if len(p) == 0 || bytes.Equal(p, []byte("null")) {
		p = []byte("{}")
	}
	if open, ok := v.(*lsp.DidOpenTextDocumentParams); ok {
		if decodeDidOpen(p, open) {
			return nil
		}
		*open = lsp.DidOpenTextDocumentParams{}
	}
	if err := lsp.Unmarshal(p, v); err != nil {
		return jsonrpc2.Errorf(jsonrpc2.InvalidParams, "%s: invalid params: %v", method, err)
	}
	return nil
}

// IsCode reports whether err is, or wraps, a jsonrpc2 error with code c.
func IsCode(err error, c jsonrpc2.Code) bool {
	var we *jsonrpc2.Error
	return errors.As(err, &we) && we.Code == c
}
