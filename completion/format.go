package completion

import (
	"github.com/lode-ls/lode/completion/llm"
	"github.com/lode-ls/lode/completion/postprocess"
	"github.com/lode-ls/lode/completion/prompt"
)

// FIM ways, as the fim setting of a model names them.
const (
	FIMAuto   = "auto"   // native where the model takes it, else the raw template; chat for chat-only families
	FIMNative = "native" // the provider's own fill-in-the-middle (suffix, /infill)
	FIMRaw    = "raw"    // the family's template written into the prompt
	FIMChat   = "chat"   // a hole-filling chat prompt
)

// formatter writes prompts with completion/prompt's templates. It is the
// one prompt format of lode: the engine builds it from Options, for lode
// serve, every command and the tests alike.
type formatter struct {
	tmpl, chat *prompt.Template
	fim        string
	extra      bool // other files in Request.Extra for native requests
	model      llm.Model
	counter    llm.TokenCounter
}

// newFormatter returns the formatter for model: the template named
// template (empty or unknown: detected from name), used the way fim says
// (see the FIM constants; empty means FIMAuto), with other files apart
// from the prefix in native requests when extra is set. Prompts are fitted
// to their budget as counter counts, the template's own tokens included.
func newFormatter(model llm.Model, name, template, fim string, extra bool, counter llm.TokenCounter) *formatter {
	t, ok := prompt.Lookup(template)
	if !ok {
		t = prompt.Detect(name)
	}
	chat, _ := prompt.Lookup("chat")
	if fim == "" {
		fim = FIMAuto
	}
	return &formatter{tmpl: t, chat: chat, fim: fim, extra: extra, model: model, counter: counter}
}

// mode returns how a prompt is sent now: FIMNative, FIMRaw or FIMChat. A
// model that no longer takes fill-in-the-middle (it refused a suffix)
// gets its family's raw template, and a model of no family the chat
// prompt.
func (f *formatter) mode(chat bool) string {
	if chat || f.fim == FIMChat {
		return FIMChat
	}
	fm, isFIMer := f.model.(llm.FIMer)
	takesFIM := isFIMer && fm.SupportsFIM()
	mode := f.fim
	switch {
	case mode == FIMAuto && takesFIM:
		mode = FIMNative
	case mode == FIMAuto:
		mode = FIMRaw
	case mode == FIMNative && isFIMer && !takesFIM:
		mode = FIMRaw
	}
	if mode == FIMRaw && f.tmpl.Chat {
		return FIMChat
	}
	return mode
}

// Format writes p, as a chat prompt when chat is set; it trims p's
// windows and context to what was sent when the template's own tokens do
// not leave room for all of them.
func (f *formatter) Format(p *Prompt, chat bool) *llm.Request {
	in := prompt.Input{Path: p.Path, Language: p.Language, Prefix: p.Prefix, Suffix: p.Suffix, Block: p.Mode == postprocess.Block}
	for _, s := range p.Context {
		in.Context = append(in.Context, prompt.Snippet{Path: s.Path, Text: s.Text})
	}
	switch f.mode(chat) {
	case FIMChat:
		return f.fit(f.chat, in, p, f.chat.Request)
	case FIMNative:
		t := f.tmpl
		if t.Chat {
			// No family template to count: the windows are within the
			// budget already, and the provider adds its own few tokens.
			return t.FIM(in, f.extra)
		}
		return f.fit(t, in, p, func(in prompt.Input) *llm.Request { return t.FIM(in, f.extra) })
	}
	return f.fit(f.tmpl, in, p, f.tmpl.Request)
}

// fit trims in to p's budget, records what remains in p, and writes it.
func (f *formatter) fit(t *prompt.Template, in prompt.Input, p *Prompt, write func(prompt.Input) *llm.Request) *llm.Request {
	out := t.Fit(in, p.Budget, f.counter)
	if len(out.Context) < len(p.Context) {
		kept := p.Context[:0:0]
		for _, s := range p.Context {
			for _, o := range out.Context {
				if o.Path == s.Path && o.Text == s.Text {
					kept = append(kept, s)
					break
				}
			}
		}
		p.Context = kept
	}
	p.Prefix, p.Suffix = out.Prefix, out.Suffix
	return write(out)
}
