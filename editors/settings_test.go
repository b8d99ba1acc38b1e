package editors_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/lode-ls/lode/internal/config"
)

var update = flag.Bool("update", false, "rewrite the lode.* settings of editors/vscode/package.json from the configuration schema")

// clientSettings are the VS Code settings the extension itself uses; they
// are kept as written and never sent to the server.
var clientSettings = []string{"lode.path", "lode.serverArgs", "lode.nextEdit.enabled", "lode.nextEdit.debounceMs", "lode.trace.server"}

// setting is one VS Code setting contributed for a lode setting.
type setting struct {
	key    string
	schema map[string]any
}

// schemaSettings derives the VS Code settings from config.Config's tags:
// one per leaf setting, one object per named section ([models.NAME]). None
// has a default, so that an unset setting is not sent and the server's
// other layers (files, environment) stay in force: strings default to ""
// (which the extension does not send), others to null. Secrets are not
// settings in VS Code: the extension keeps them in its secret storage.
func schemaSettings(t reflect.Type, prefix string) []setting {
	var out []setting
	for i := range t.NumField() {
		sf := t.Field(i)
		name, _, _ := strings.Cut(sf.Tag.Get("toml"), ",")
		if !sf.IsExported() || name == "" || name == "-" || sf.Tag.Get("user") == "true" {
			continue // user-only settings cannot come from the editor
		}
		key := prefix + name
		if sf.Type.Kind() == reflect.Struct && sf.Type != reflect.TypeFor[time.Duration]() {
			out = append(out, schemaSettings(sf.Type, key+".")...)
			continue
		}
		if sf.Tag.Get("secret") == "true" {
			// Secrets stay out of settings.json: the extension keeps them
			// in VS Code's secret storage (lode: Set API key).
			continue
		}
		// Strings are plain strings whose default "" means unset, so that
		// the Settings UI edits them; other types are nullable (null:
		// unset), which the Settings UI leaves to settings.json.
		s := map[string]any{"type": []string{jsonType(sf.Type), "null"}, "default": nil}
		if jsonType(sf.Type) == "string" {
			s = map[string]any{"type": "string", "default": ""}
		}
		desc := sf.Tag.Get("doc")
		if def := sf.Tag.Get("default"); def != "" {
			desc += fmt.Sprintf(" Default: `%s`.", def)
		}
		if sf.Type == reflect.TypeFor[time.Duration]() {
			desc += " A duration such as `300ms` or `2m`."
		}
		s["markdownDescription"] = desc
		if e := sf.Tag.Get("enum"); e != "" {
			s["enum"] = append([]string{""}, strings.Split(e, ",")...)
		}
		switch sf.Type.Kind() {
		case reflect.Slice:
			s["items"] = map[string]any{"type": jsonType(sf.Type.Elem())}
		case reflect.Map:
			s["additionalProperties"] = map[string]any{"type": "object"}
		}
		out = append(out, setting{key: "lode." + key, schema: s})
	}
	return out
}

func jsonType(t reflect.Type) string {
	if t == reflect.TypeFor[time.Duration]() {
		return "string"
	}
	switch t.Kind() {
	case reflect.Bool:
		return "boolean"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64, reflect.Uint, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "integer"
	case reflect.Float32, reflect.Float64:
		return "number"
	case reflect.Slice:
		return "array"
	case reflect.Map, reflect.Struct:
		return "object"
	}
	return "string"
}

// properties finds contributes.configuration.properties in package.json:
// its decoded value and its byte span.
func properties(t *testing.T, pkg []byte) (props map[string]json.RawMessage, start, end int) {
	t.Helper()
	const marker = `"properties": `
	start = bytes.Index(pkg, []byte(marker))
	if start < 0 {
		t.Fatal("package.json has no contributes.configuration.properties")
	}
	start += len(marker)
	dec := json.NewDecoder(bytes.NewReader(pkg[start:]))
	if err := dec.Decode(&props); err != nil {
		t.Fatalf("package.json properties: %v", err)
	}
	return props, start, start + int(dec.InputOffset())
}

// render writes the properties in order, indented as package.json is.
func render(t *testing.T, keep map[string]json.RawMessage, gen []setting) []byte {
	var b bytes.Buffer
	b.WriteString("{")
	write := func(key string, v any) {
		if b.Len() > 1 {
			b.WriteString(",")
		}
		val, err := json.MarshalIndent(v, "        ", "  ")
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&b, "\n        %q: %s", key, val)
	}
	for _, k := range clientSettings {
		write(k, keep[k])
	}
	for _, s := range gen {
		write(s.key, s.schema)
	}
	b.WriteString("\n      }")
	return b.Bytes()
}

// TestVSCodeSettings checks that the VS Code extension contributes every
// lode setting (with its description), and nothing that is not one. Run
// with -update to rewrite them.
func TestVSCodeSettings(t *testing.T) {
	const path = "vscode/package.json"
	pkg, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	props, start, end := properties(t, pkg)
	gen := schemaSettings(reflect.TypeFor[config.Config](), "")
	want := render(t, props, gen)
	if *update {
		out := append(append(append([]byte{}, pkg[:start]...), want...), pkg[end:]...)
		if err := os.WriteFile(path, out, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	for _, k := range clientSettings {
		if _, ok := props[k]; !ok {
			t.Errorf("package.json lacks the client setting %s", k)
		}
	}
	known := map[string]bool{}
	for _, k := range clientSettings {
		known[k] = true
	}
	for _, s := range gen {
		known[s.key] = true
		raw, ok := props[s.key]
		if !ok {
			t.Errorf("package.json lacks %s", s.key)
			continue
		}
		var got map[string]any
		json.Unmarshal(raw, &got)
		if d, _ := got["markdownDescription"].(string); d != s.schema["markdownDescription"] {
			t.Errorf("%s: description %q, want %q", s.key, d, s.schema["markdownDescription"])
		}
		if got["default"] != nil && got["default"] != "" {
			t.Errorf("%s has a default (%v): it would override lode's configuration files and environment", s.key, got["default"])
		}
	}
	for k := range props {
		if !known[k] {
			t.Errorf("package.json contributes %s, which is not a lode setting", k)
		}
	}
	if t.Failed() {
		t.Log("run `go test ./editors -run TestVSCodeSettings -update` to rewrite them")
	}
}
