package prompt

import (
	"strings"
	"testing"

	"golang.org/x/tools/txtar"

	"github.com/lode-ls/lode/internal/golden"
)

// TestGolden writes each testdata/*.txtar scenario with its template and
// compares with the golden "prompt" and "stop" sections. A scenario's
// comment holds "key: value" settings (template, model, path, language,
// repo, block); its "prefix", "suffix" and "context PATH" sections are the
// input, each without its final newline. When "model" is set, the
// template must be the one Detect chooses for it.
func TestGolden(t *testing.T) {
	golden.Run(t, "testdata/*.txtar", func(t *testing.T, file string, ar *txtar.Archive) {
		settings := golden.Settings(ar)
		tmpl, ok := Lookup(settings["template"])
		if !ok {
			t.Fatalf("unknown template %q", settings["template"])
		}
		if m := settings["model"]; m != "" && Detect(m) != tmpl {
			t.Errorf("Detect(%q) = %s, want %s", m, Detect(m).Name, tmpl.Name)
		}
		in := Input{Path: settings["path"], Language: settings["language"], Repo: settings["repo"], Block: settings["block"] == "true"}
		for _, f := range ar.Files {
			text := strings.TrimSuffix(string(f.Data), "\n")
			switch {
			case f.Name == "prefix":
				in.Prefix = text
			case f.Name == "suffix":
				in.Suffix = text
			case strings.HasPrefix(f.Name, "context "):
				in.Context = append(in.Context, Snippet{Path: strings.TrimPrefix(f.Name, "context "), Text: text})
			}
		}
		req := tmpl.Request(in)
		got := map[string]string{"prompt": req.Prompt + "\n", "stop": strings.Join(req.Stop, "\n") + "\n"}
		if tmpl.Chat {
			var b strings.Builder
			for _, m := range req.Messages {
				b.WriteString("== " + m.Role + " ==\n" + m.Content + "\n")
			}
			got["prompt"] = b.String()
		}
		golden.Check(t, file, ar, got, "prompt", "stop")
	})
}
