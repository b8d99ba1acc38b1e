package completion

import (
	"strings"

	"github.com/lode-ls/lode/completion/llm"
)

// templateFormat returns the formatter used when Options.Format is nil.
func templateFormat() Formatter { return nativeFIM{} }

// nativeFIM sends the windows through the provider's own
// fill-in-the-middle support, with the workspace context as
// comment-headed snippets before the prefix, and a hole-filling
// instruction for chat.
type nativeFIM struct{}

func (nativeFIM) Format(p *Prompt, chat bool) *llm.Request {
	var ctx strings.Builder
	for _, s := range p.Context {
		ctx.WriteString("// Path: " + s.Path + "\n" + s.Text + "\n")
	}
	if chat {
		return &llm.Request{Mode: llm.ModeChat, Messages: []llm.Message{
			{Role: "system", Content: "Fill the hole marked <CURSOR> in the code. Answer with only the missing code."},
			{Role: "user", Content: ctx.String() + p.Prefix + "<CURSOR>" + p.Suffix},
		}}
	}
	return &llm.Request{Mode: llm.ModeFIM, Prompt: ctx.String() + p.Prefix, Suffix: p.Suffix}
}
