package completion

import (
	"testing"

	"github.com/lode-ls/lode/completion/llm"
	"github.com/lode-ls/lode/completion/llm/llmtest"
	"github.com/lode-ls/lode/completion/postprocess"
	"github.com/lode-ls/lode/context/retrieve"
)

// TestFormatterModes checks the request each fim way writes, where other
// files go, and the fall back to the family's template when the model
// does not take fill-in-the-middle.
func TestFormatterModes(t *testing.T) {
	prompt := func() *Prompt {
		return &Prompt{Path: "a.go", Language: "go", Prefix: "x := ", Suffix: "\n", Mode: postprocess.Line, Budget: 1000,
			Context: []retrieve.Snippet{{Path: "b.go", Text: "func f() int"}}}
	}
	fim := &llmtest.Model{Name: "qwen2.5-coder:1.5b", FIM: true}
	noFIM := &llmtest.Model{Name: "qwen2.5-coder:1.5b"}
	general := &llmtest.Model{Name: "llama3", FIM: true}
	tests := []struct {
		name   string
		model  llm.Model
		fim    string
		extra  bool
		chat   bool
		mode   llm.Mode
		prompt string // the start of Request.Prompt
		extras int
	}{
		{"native", fim, FIMNative, false, false, llm.ModeFIM, "// Path: b.go\nfunc f() int\n\nx := ", 0},
		{"native-extra", fim, FIMNative, true, false, llm.ModeFIM, "x := ", 1},
		{"native-refused", noFIM, FIMNative, false, false, llm.ModeRaw, "<|repo_name|>", 0},
		{"auto-takes-fim", fim, FIMAuto, true, false, llm.ModeFIM, "x := ", 1},
		{"auto-no-fim", noFIM, FIMAuto, false, false, llm.ModeRaw, "<|repo_name|>", 0},
		{"raw", fim, FIMRaw, false, false, llm.ModeRaw, "<|repo_name|>", 0},
		{"raw-no-family", general, FIMRaw, false, false, llm.ModeChat, "", 0},
		{"native-no-family", general, FIMNative, true, false, llm.ModeFIM, "x := ", 1},
		{"chat", fim, FIMChat, false, false, llm.ModeChat, "", 0},
		{"chat-asked", fim, FIMNative, false, true, llm.ModeChat, "", 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newFormatter(tc.model, tc.model.(llm.Namer).ModelName(), "", tc.fim, tc.extra, nil)
			req := f.Format(prompt(), tc.chat)
			if req.Mode != tc.mode || len(req.Extra) != tc.extras || len(req.Prompt) < len(tc.prompt) || req.Prompt[:len(tc.prompt)] != tc.prompt {
				t.Errorf("mode %v, %d extra, prompt %q; want %v, %d, %q…", req.Mode, len(req.Extra), req.Prompt, tc.mode, tc.extras, tc.prompt)
			}
		})
	}
}

// TestFormatterFits checks that every way is fitted to the budget, the
// template's own tokens included.
func TestFormatterFits(t *testing.T) {
	long := ""
	for range 200 {
		long += "line of code\n"
	}
	for _, fim := range []string{FIMNative, FIMRaw, FIMChat} {
		f := newFormatter(&llmtest.Model{Name: "starcoder2", FIM: true}, "starcoder2", "", fim, false, nil)
		p := &Prompt{Path: "a.go", Language: "go", Prefix: long, Suffix: long, Mode: postprocess.Line, Budget: 100}
		f.Format(p, false)
		if n := estimate.CountTokens(estimate{}, p.Prefix+p.Suffix); n > 100 {
			t.Errorf("%s: %d tokens of windows in a budget of 100", fim, n)
		}
	}
}
