package prompt

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/tools/txtar"
)

var update = flag.Bool("update", false, "rewrite the golden prompts in testdata")

// TestGolden writes each testdata/*.txtar scenario with its template and
// compares with the golden "prompt" and "stop" sections. A scenario's
// comment holds "key: value" settings (template, model, path, language,
// repo, block); its "prefix", "suffix" and "context PATH" sections are the
// input, each without its final newline. When "model" is set, the
// template must be the one Detect chooses for it.
func TestGolden(t *testing.T) {
	files, _ := filepath.Glob("testdata/*.txtar")
	if len(files) == 0 {
		t.Fatal("no golden files")
	}
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".txtar"), func(t *testing.T) {
			ar, err := txtar.ParseFile(file)
			if err != nil {
				t.Fatal(err)
			}
			settings := map[string]string{}
			for _, line := range strings.Split(string(ar.Comment), "\n") {
				if k, v, ok := strings.Cut(line, ":"); ok {
					settings[strings.TrimSpace(k)] = strings.TrimSpace(v)
				}
			}
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
			if *update {
				writeGolden(t, file, ar, got)
				return
			}
			for _, name := range []string{"prompt", "stop"} {
				if diff := cmp.Diff(section(ar, name), got[name]); diff != "" {
					t.Errorf("%s differs (-golden +got):\n%s", name, diff)
				}
			}
		})
	}
}

func section(ar *txtar.Archive, name string) string {
	for _, f := range ar.Files {
		if f.Name == name {
			return string(f.Data)
		}
	}
	return ""
}

func writeGolden(t *testing.T, file string, ar *txtar.Archive, got map[string]string) {
	var files []txtar.File
	for _, f := range ar.Files {
		if f.Name != "prompt" && f.Name != "stop" {
			files = append(files, f)
		}
	}
	files = append(files, txtar.File{Name: "prompt", Data: []byte(got["prompt"])}, txtar.File{Name: "stop", Data: []byte(got["stop"])})
	ar.Files = files
	data := txtar.Format(ar)
	if old, err := os.ReadFile(file); err == nil && bytes.Equal(old, data) {
		return
	}
	if err := os.WriteFile(file, data, 0o644); err != nil {
		t.Fatal(err)
	}
}
