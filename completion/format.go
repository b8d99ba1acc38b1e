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

// templateFormatter writes prompts with completion/prompt's templates.
type templateFormatter struct {
	tmpl, chat *prompt.Template
	fim        string
	model      llm.Model
	counter    llm.TokenCounter
}

// NewFormatter returns the Formatter for model: the template named
// template (empty: detected from name), used the way fim says (see the
// FIM constants; empty means FIMAuto). Prompts are fitted to their budget
// as counter counts, the template's own tokens included.
func NewFormatter(model llm.Model, name, template, fim string, counter llm.TokenCounter) Formatter {
	t, ok := prompt.Lookup(template)
	if !ok {
		t = prompt.Detect(name)
	}
	chat, _ := prompt.Lookup("chat")
	if fim == "" {
		fim = FIMAuto
	}
	return &templateFormatter{tmpl: t, chat: chat, fim: fim, model: model, counter: counter}
}

// Format writes p; it trims p's windows and context to what was sent when
// the template's own tokens do not leave room for all of them.
func (f *templateFormatter) Format(p *Prompt, chat bool) *llm.Request {
	in := prompt.Input{Path: p.Path, Language: p.Language, Prefix: p.Prefix, Suffix: p.Suffix, Block: p.Mode == postprocess.Block}
	for _, s := range p.Context {
		in.Context = append(in.Context, prompt.Snippet{Path: s.Path, Text: s.Text})
	}
	t := f.tmpl
	if chat || f.fim == FIMChat || (t.Chat && f.fim == FIMRaw) {
		t = f.chat
	}
	native := f.fim == FIMNative
	if f.fim == FIMAuto && !chat {
		fm, ok := f.model.(llm.FIMer)
		native = ok && fm.SupportsFIM()
	}
	if t.Chat && !native {
		return f.fit(t, in, p, t.Request)
	}
	if native && !chat {
		if t.Chat {
			// No family template to count: the windows are within the
			// budget already, and the provider adds its own few tokens.
			return t.FIM(in, false)
		}
		return f.fit(t, in, p, func(in prompt.Input) *llm.Request { return t.FIM(in, false) })
	}
	return f.fit(t, in, p, t.Request)
}

// fit trims in to p's budget, records what remains in p, and writes it.
func (f *templateFormatter) fit(t *prompt.Template, in prompt.Input, p *Prompt, write func(prompt.Input) *llm.Request) *llm.Request {
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
