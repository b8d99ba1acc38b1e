// Package prompt writes completion requests in each code model family's
// own format. Its main type is Template: a fill-in-the-middle template
// (StarCoder, CodeLlama, DeepSeek-Coder, Qwen2.5-Coder, Codestral,
// CodeGemma, CodeGeeX4) or the hole-filling chat prompt for chat-only
// models, with the family's stop sequences. Detect chooses a template from
// a model name; Lookup finds one by the name a configuration gives.
//
// A Template turns an Input (the windows around the cursor and the other
// files' snippets) into an llm.Request three ways: Request writes the
// family's raw template (llm.ModeRaw) or the chat prompt (llm.ModeChat);
// FIM leaves the template to the provider's native fill-in-the-middle
// (llm.ModeFIM), with other files in Request.Extra or as comment-headed
// snippets before the prefix. Fit trims an Input to a token budget.
//
// Package prompt depends on completion/llm (for the request type and token
// counting) and the standard library; it knows nothing of retrieval.
package prompt

import (
	"slices"
	"strings"

	"github.com/lode-ls/lode/completion/llm"
)

// Snippet is a piece of another file.
type Snippet struct {
	Path string
	Text string
}

// Input is what a prompt is written from.
type Input struct {
	Path, Language string // the document being completed
	Prefix, Suffix string // the text before and after the cursor
	Context        []Snippet
	Repo           string // repository name, for formats that carry one
	Block          bool   // a whole block is expected, not the rest of a line
}

// Template is one model family's prompt format.
type Template struct {
	Name string   // the name a configuration uses ("qwen", "starcoder", ...)
	Stop []string // stop sequences of the family
	Chat bool     // a chat prompt, not a fill-in-the-middle template

	render func(in *Input) string // nil for the chat template
}

// Request writes in as a request: the family's raw template (ModeRaw), or
// for the chat template a hole-filling conversation (ModeChat).
func (t *Template) Request(in Input) *llm.Request {
	req := &llm.Request{Path: in.Path, Language: in.Language, Stop: slices.Clone(t.Stop)}
	if t.Chat {
		req.Mode = llm.ModeChat
		req.Messages = chatMessages(&in)
		return req
	}
	req.Mode = llm.ModeRaw
	req.Prompt = t.render(&in)
	return req
}

// FIM writes in as a native fill-in-the-middle request (ModeFIM) for a
// provider that applies the template itself. With extra, other files go
// in Request.Extra (llama.cpp's input_extra); without, they precede the
// prefix as snippets headed by a comment naming their path.
func (t *Template) FIM(in Input, extra bool) *llm.Request {
	req := &llm.Request{Mode: llm.ModeFIM, Path: in.Path, Language: in.Language,
		Suffix: in.Suffix, Stop: slices.Clone(t.Stop)}
	if t.Chat {
		req.Stop = nil
	}
	if extra {
		for _, s := range in.Context {
			req.Extra = append(req.Extra, llm.Snippet(s))
		}
		req.Prompt = in.Prefix
		return req
	}
	req.Prompt = commented(&in) + in.Prefix
	return req
}

// Detect returns the template for a model name, from the family names
// that appear in it ("qwen2.5-coder:7b-base", "bigcode/starcoder2-3b",
// "deepseek-coder-6.7b-base.Q4_K_M.gguf"); a name of no known code family
// gets the chat template.
func Detect(model string) *Template {
	m := strings.ToLower(model)
	has := func(names ...string) bool {
		return slices.ContainsFunc(names, func(name string) bool { return strings.Contains(m, name) })
	}
	switch {
	case has("codegeex"):
		return templates["codegeex4"]
	case has("codestral"):
		return templates["codestral"]
	case has("codegemma"):
		return templates["codegemma"]
	case has("qwen") && has("coder"):
		return templates["qwen"]
	case has("deepseek") && has("coder"):
		return templates["deepseek"]
	case has("codellama", "code-llama", "code_llama"):
		return templates["codellama"]
	case has("starcoder", "santacoder", "stable-code", "stablecode", "refact", "granite") && !has("instruct", "chat"):
		return templates["starcoder"]
	}
	return templates["chat"]
}

// Lookup returns the template a configuration names; ok is false for an
// unknown name.
func Lookup(name string) (t *Template, ok bool) {
	t, ok = templates[strings.ToLower(strings.TrimSpace(name))]
	return t, ok
}

// Names returns the names Lookup knows, sorted.
func Names() []string {
	var names []string
	for n := range templates {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}
