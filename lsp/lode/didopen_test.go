package lode

import (
	"strings"
	"testing"

	lsp "go.lsp.dev/protocol"
)

// didOpenCases are didOpen params the fast path must decode exactly as
// the generic decoder does, or leave to it.
var didOpenCases = []string{
	`{"textDocument":{"uri":"file:///w/a.go","languageId":"go","version":3,"text":"package a\n\tfunc f() {}\n"}}`,
	`{"textDocument":{"text":"x\"y\\z\/\b\f\r\t","version":1,"languageId":"go","uri":"file:///w/a.go"}}`,
	` { "textDocument" : { "uri" : "file:///w/a%20b.go" , "text" : "caf\u00e9 \ud83d\ude00 \ud83d x \ude00 \u0041" , "version" : 7 } } `,
	`{"textDocument":{"uri":"file:///w/a.go","languageId":"go","version":1,"text":"naïve 日本 ` + "\xff\xfe" + ` end"}}`,
	`{"text":"not this","textDocument":{"uri":"file:///w/a.go","version":1,"extra":{"text":"nor this","a":[1,{"b":"}"}]},"text":"this"}}`,
	`{"textDocument":{"uri":"file:///w/a.go","version":1,"text":""}}`,
	`{"textDocument":{"uri":"file:///w/a.go","version":1,"text":"\\\\\""}}`,
	`{"textDocument":{"uri":"file:///w/a.go","version":1}}`,
	`{"textDocument":{"uri":"file:///w/a.go","version":"one","text":"x"}}`,
	`{"textDocument":{"uri":"file:///w/a.go","version":1,"text":"bad \q escape"}}`,
	`{"textDocument":{"uri":"file:///w/a.go","version":1,"text":"control ` + "\x01" + `"}}`,
	`{"textDocument":{"uri":"file:///w/a.go","version":1,"text":"cut`,
	`{"textDocument":{"uri":"file:///w/a.go","version":1,"text":"x"},}`,
	`{"textDocument":{"uri":"file:///w/a.go","version":1,"text":"\u12"}}`,
	`[]`,
	``,
}

// TestDecodeDidOpen: the fast decoder of didOpen gives what the generic
// one gives, errors included (through DecodeParams).
func TestDecodeDidOpen(t *testing.T) {
	for _, in := range didOpenCases {
		compareDidOpen(t, in)
	}
	var b strings.Builder
	b.WriteString(`{"textDocument":{"uri":"file:///w/big.go","languageId":"go","version":1,"text":"`)
	for i := range 20000 {
		b.WriteString(`func f() {\n\treturn \"x\" + \u00e9\\n }\n`)
		if i%1000 == 0 {
			b.WriteString(`\ud83d\ude00`)
		}
	}
	b.WriteString(`"}}`)
	compareDidOpen(t, b.String())
}

func compareDidOpen(t *testing.T, in string) {
	t.Helper()
	var want lsp.DidOpenTextDocumentParams
	wantErr := lsp.Unmarshal([]byte(in), &want)
	var fast lsp.DidOpenTextDocumentParams
	used := decodeDidOpen([]byte(in), &fast)
	var got lsp.DidOpenTextDocumentParams
	err := DecodeParams("textDocument/didOpen", []byte(in), &got)
	if in == "" {
		return // DecodeParams reads no params as {}
	}
	if (err != nil) != (wantErr != nil) || (used && wantErr != nil) {
		t.Errorf("%.80q: error %v (fast path %v), generic decoder %v", in, err, used, wantErr)
		return
	}
	if wantErr == nil && got != want {
		t.Errorf("%.80q:\ngot  %.200q\nwant %.200q", in, got, want)
	}
	if strings.Contains(in, `"text":"this"`) && !used {
		t.Errorf("%.80q: the fast path was not taken", in)
	}
}

// FuzzDecodeDidOpen: on any input, the fast path either stands aside or
// agrees with the generic decoder.
func FuzzDecodeDidOpen(f *testing.F) {
	for _, in := range didOpenCases {
		f.Add(in)
	}
	f.Fuzz(func(t *testing.T, in string) {
		var fast lsp.DidOpenTextDocumentParams
		if !decodeDidOpen([]byte(in), &fast) {
			return
		}
		var want lsp.DidOpenTextDocumentParams
		if err := lsp.Unmarshal([]byte(in), &want); err != nil {
			t.Fatalf("%q: the fast path decoded what the generic decoder refuses: %v", in, err)
		}
		if fast != want {
			t.Errorf("%q:\nfast    %q\ngeneric %q", in, fast, want)
		}
	})
}
