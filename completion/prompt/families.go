package prompt

import (
	"path"
	"strings"

	"github.com/lode-ls/lode/completion/llm"
)

// templates holds every family by name, with aliases.
var templates = map[string]*Template{}

func init() {
	for _, t := range []*Template{
		{Name: "starcoder", Stop: []string{"<|endoftext|>", "<file_sep>", "<fim_prefix>", "<fim_suffix>", "<fim_middle>"}, render: starcoder},
		{Name: "codellama", Stop: []string{"<EOT>", "<PRE>", "<SUF>", "<MID>"}, render: codellama},
		{Name: "deepseek", Stop: []string{"<｜end▁of▁sentence｜>", "<｜fim▁begin｜>", "<｜fim▁hole｜>", "<｜fim▁end｜>"}, render: deepseek},
		{Name: "qwen", Stop: []string{"<|endoftext|>", "<|file_sep|>", "<|im_end|>", "<|fim_prefix|>", "<|fim_suffix|>", "<|fim_middle|>", "<|repo_name|>"}, render: qwen},
		{Name: "codestral", Stop: []string{"[PREFIX]", "[SUFFIX]", "[MIDDLE]", "+++++ "}, render: codestral},
		{Name: "codegemma", Stop: []string{"<|file_separator|>", "<|fim_prefix|>", "<|fim_suffix|>", "<|fim_middle|>", "<end_of_turn>"}, render: codegemma},
		{Name: "codegeex4", Stop: []string{"<|user|>", "<|endoftext|>", "<|observation|>", "<|assistant|>"}, render: codegeex4},
		{Name: "chat", Chat: true},
	} {
		templates[t.Name] = t
	}
	for alias, name := range map[string]string{
		"starcoder2": "starcoder", "codellama-code": "codellama", "deepseek-coder": "deepseek",
		"qwen2.5-coder": "qwen", "qwen-coder": "qwen", "codegeex": "codegeex4", "mistral": "codestral",
	} {
		templates[alias] = templates[name]
	}
}

// StarCoder and StarCoder2: other files in the repository format,
// <file_sep> then the path on its own line, then the code.
func starcoder(in *Input) string {
	var b strings.Builder
	if in.Repo != "" && len(in.Context) > 0 {
		b.WriteString("<repo_name>" + in.Repo)
	}
	if len(in.Context) > 0 {
		for _, s := range in.Context {
			b.WriteString("<file_sep>" + s.Path + "\n" + withNewline(s.Text))
		}
		b.WriteString("<file_sep>" + in.Path + "\n")
	}
	b.WriteString("<fim_prefix>" + in.Prefix + "<fim_suffix>" + in.Suffix + "<fim_middle>")
	return b.String()
}

// CodeLlama: the spaces around the prefix and before <MID> are part of
// the format the model was trained on.
func codellama(in *Input) string {
	return "<PRE> " + commented(in) + in.Prefix + " <SUF>" + in.Suffix + " <MID>"
}

func deepseek(in *Input) string {
	return "<｜fim▁begin｜>" + commented(in) + in.Prefix + "<｜fim▁hole｜>" + in.Suffix + "<｜fim▁end｜>"
}

// Qwen2.5-Coder: the repository format when there are other files.
func qwen(in *Input) string {
	fim := "<|fim_prefix|>" + in.Prefix + "<|fim_suffix|>" + in.Suffix + "<|fim_middle|>"
	if len(in.Context) == 0 {
		return fim
	}
	var b strings.Builder
	repo := in.Repo
	if repo == "" {
		repo = "workspace"
	}
	b.WriteString("<|repo_name|>" + repo + "\n")
	for _, s := range in.Context {
		b.WriteString("<|file_sep|>" + s.Path + "\n" + withNewline(s.Text))
	}
	b.WriteString("<|file_sep|>" + in.Path + "\n" + fim)
	return b.String()
}

// Codestral: suffix first; other files as "+++++ path" blocks.
func codestral(in *Input) string {
	var b strings.Builder
	if len(in.Context) > 0 {
		for _, s := range in.Context {
			b.WriteString("+++++ " + s.Path + "\n" + withNewline(s.Text) + "\n")
		}
		b.WriteString("+++++ " + in.Path + "\n")
	}
	b.WriteString("[SUFFIX]" + in.Suffix + "[PREFIX]" + in.Prefix)
	return b.String()
}

func codegemma(in *Input) string {
	return "<|fim_prefix|>" + commented(in) + in.Prefix + "<|fim_suffix|>" + in.Suffix + "<|fim_middle|>"
}

// CodeGeeX4: a user turn carrying references, the file's path, language
// and whether a line or a block is wanted.
func codegeex4(in *Input) string {
	var b strings.Builder
	b.WriteString("<|user|>\n")
	for _, s := range in.Context {
		b.WriteString("###REFERENCE:\n###PATH: " + s.Path + "\n" + withNewline(s.Text))
	}
	mode := "LINE"
	if in.Block {
		mode = "BLOCK"
	}
	b.WriteString("###PATH: " + in.Path + "\n###LANGUAGE: " + languageName(in) + "\n###MODE: " + mode + "\n")
	b.WriteString("<|code_suffix|>" + in.Suffix + "<|code_prefix|>" + in.Prefix + "<|code_middle|><|assistant|>\n")
	return b.String()
}

// Hole is the marker the chat prompt puts at the cursor.
const Hole = "<|HOLE|>"

func chatMessages(in *Input) []llm.Message {
	want := "the rest of the current line only"
	if in.Block {
		want = "the code that belongs at the hole: complete the statement or block, and stop where the code after the hole takes over"
	}
	system := "You are a code completion engine. The user sends a source file with the marker " + Hole +
		" where the cursor is. Reply with exactly the text to insert at the marker: " + want +
		". No explanation, no code fences, do not repeat the code around the marker."
	var b strings.Builder
	if len(in.Context) > 0 {
		b.WriteString("Code from other files of the project:\n\n")
		for _, s := range in.Context {
			b.WriteString("File: " + s.Path + "\n```\n" + withNewline(s.Text) + "```\n\n")
		}
	}
	b.WriteString("File: " + in.Path + " (" + languageName(in) + ")\n```\n" + in.Prefix + Hole + in.Suffix)
	b.WriteString("\n```")
	return []llm.Message{{Role: "system", Content: system}, {Role: "user", Content: b.String()}}
}

// commented writes other files as snippets headed by a line comment
// naming their path, in the document's comment syntax.
func commented(in *Input) string {
	if len(in.Context) == 0 {
		return ""
	}
	open, close := commentSyntax(in)
	var b strings.Builder
	for _, s := range in.Context {
		b.WriteString(open + "Path: " + s.Path + close + "\n" + withNewline(s.Text) + "\n")
	}
	return b.String()
}

func withNewline(s string) string {
	if s == "" || strings.HasSuffix(s, "\n") {
		return s
	}
	return s + "\n"
}

// commentSyntax returns the line-comment delimiters of the document.
func commentSyntax(in *Input) (open, close string) {
	switch languageName(in) {
	case "python", "shell", "ruby", "perl", "r", "yaml", "toml", "makefile", "dockerfile", "elixir", "julia", "nim":
		return "# ", ""
	case "sql", "lua", "haskell":
		return "-- ", ""
	case "html", "xml", "markdown", "vue", "svelte":
		return "<!-- ", " -->"
	case "css":
		return "/* ", " */"
	}
	return "// ", ""
}

// languageName is the document's language, from Input.Language or else
// its extension.
func languageName(in *Input) string {
	if in.Language != "" {
		return strings.ToLower(in.Language)
	}
	ext := strings.TrimPrefix(path.Ext(in.Path), ".")
	if l, ok := extLanguages[ext]; ok {
		return l
	}
	if strings.EqualFold(path.Base(in.Path), "makefile") {
		return "makefile"
	}
	return ext
}

var extLanguages = map[string]string{
	"go": "go", "py": "python", "js": "javascript", "mjs": "javascript", "jsx": "javascript",
	"ts": "typescript", "tsx": "typescript", "rs": "rust", "java": "java", "c": "c", "h": "c",
	"cc": "cpp", "cpp": "cpp", "hpp": "cpp", "cs": "csharp", "rb": "ruby", "sh": "shell", "bash": "shell",
	"lua": "lua", "sql": "sql", "hs": "haskell", "html": "html", "xml": "xml", "md": "markdown",
	"css": "css", "yaml": "yaml", "yml": "yaml", "toml": "toml", "php": "php", "kt": "kotlin", "swift": "swift",
}
