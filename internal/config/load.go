package config

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"

	"github.com/BurntSushi/toml"
)

// WorkspaceFile is the name of the configuration file read from the root of
// the workspace.
const WorkspaceFile = ".lode.toml"

// Sources of a setting, as Config.Source reports them; files are named by
// their path.
const (
	SourceDefault = "default"
	SourceEditor  = "editor settings"
)

// Inputs names the layers Load reads. Precedence, lowest first: defaults,
// UserFile, WorkspaceRoot/.lode.toml, the environment, Editor.
type Inputs struct {
	// UserFile is the user's configuration file: "" means UserFile(), "-"
	// means none. A missing file is not an error.
	UserFile string
	// WorkspaceRoot is the directory whose .lode.toml is read; "" means none.
	WorkspaceRoot string
	// Getenv reads the environment; nil means os.Getenv.
	Getenv func(string) string
	// Editor holds the editor's settings: a JSON object with the TOML keys,
	// sections nested ({"completion": {"enabled": false}}). An object whose
	// only key is "lode" is unwrapped. Nil or null means none.
	Editor []byte
}

// Problem is a setting, or a whole file, that could not be applied. The
// value from the layers below stays in force.
type Problem struct {
	Source string // where the bad value came from
	Key    string // dotted key; empty when a whole file could not be read
	Msg    string
}

func (p Problem) Error() string {
	if p.Key == "" {
		return fmt.Sprintf("config: %s: %s", p.Source, p.Msg)
	}
	return fmt.Sprintf("config: %s: setting %q: %s", p.Source, p.Key, p.Msg)
}

// UserFile returns the path of the user's configuration file:
// $XDG_CONFIG_HOME/lode/config.toml, by default ~/.config/lode/config.toml.
func UserFile() string {
	if dir := os.Getenv("XDG_CONFIG_HOME"); filepath.IsAbs(dir) {
		return filepath.Join(dir, "lode", "config.toml")
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return ""
	}
	return filepath.Join(home, ".config", "lode", "config.toml")
}

// Default returns the configuration made of the defaults alone.
func Default() *Config {
	c := &Config{sources: make(map[string]string)}
	applyDefaults(reflect.ValueOf(c).Elem())
	return c
}

// Load resolves the configuration from in. It always returns a usable
// Config; every value that could not be applied is reported as a Problem
// and leaves the value below it in force.
func Load(in Inputs) (*Config, []Problem) {
	c := Default()
	l := &loader{cfg: c}
	getenv := in.Getenv
	if getenv == nil {
		getenv = os.Getenv
	}
	user := in.UserFile
	if user == "" {
		user = UserFile()
	}
	if user != "-" && user != "" {
		l.user = user
		l.file(user)
	}
	if in.WorkspaceRoot != "" {
		l.file(filepath.Join(in.WorkspaceRoot, WorkspaceFile))
	}
	l.env(getenv)
	if len(bytes.TrimSpace(in.Editor)) > 0 {
		l.editor(in.Editor)
	}
	l.openAIFallbacks(getenv)
	return c, l.problems
}

type loader struct {
	cfg      *Config
	problems []Problem
	user     string // the user's file: the only source of settings tagged user
}

func (l *loader) problem(source, key, format string, args ...any) {
	l.problems = append(l.problems, Problem{Source: source, Key: key, Msg: fmt.Sprintf(format, args...)})
}

func (l *loader) file(path string) {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return
	}
	if err != nil {
		l.problem(path, "", "%v", err)
		return
	}
	var tree map[string]any
	if _, err := toml.Decode(string(data), &tree); err != nil {
		l.problem(path, "", "not valid TOML, file ignored: %v", err)
		return
	}
	l.apply(reflect.ValueOf(l.cfg).Elem(), tree, "", path)
}

func (l *loader) env(getenv func(string) string) {
	for _, name := range slices.Sorted(maps.Keys(envVars)) {
		if v := getenv(envVars[name]); v != "" {
			l.apply(reflect.ValueOf(l.cfg).Elem(), map[string]any{name: v}, "", "environment "+envVars[name])
		}
	}
}

// openAIFallbacks applies OPENAI_API_KEY and OPENAI_BASE_URL when the
// provider is openai and no layer set the key or URL.
func (l *loader) openAIFallbacks(getenv func(string) string) {
	if l.cfg.Provider != "openai" {
		return
	}
	for _, fb := range []struct{ key, env string }{{"api_key", "OPENAI_API_KEY"}, {"base_url", "OPENAI_BASE_URL"}} {
		if l.cfg.sources[fb.key] != "" {
			continue
		}
		if v := getenv(fb.env); v != "" {
			l.apply(reflect.ValueOf(l.cfg).Elem(), map[string]any{fb.key: v}, "", "environment "+fb.env)
		}
	}
}

// editorIgnored are keys an editor's settings section holds for the client
// itself (VS Code's "lode.trace.server"); they are not lode settings.
var editorIgnored = []string{"trace"}

func (l *loader) editor(data []byte) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var raw any
	if err := dec.Decode(&raw); err != nil {
		l.problem(SourceEditor, "", "not a JSON object, ignored: %v", err)
		return
	}
	if raw == nil {
		return
	}
	tree, ok := fromJSON(raw).(map[string]any)
	if !ok {
		l.problem(SourceEditor, "", "want an object, got %s", describe(fromJSON(raw)))
		return
	}
	if inner, ok := tree["lode"].(map[string]any); ok && len(tree) == 1 {
		tree = inner
	}
	for _, k := range editorIgnored {
		delete(tree, k)
	}
	l.apply(reflect.ValueOf(l.cfg).Elem(), tree, "", SourceEditor)
}

// fromJSON turns json.Number into jsonNumber, recursively.
func fromJSON(v any) any {
	switch x := v.(type) {
	case json.Number:
		return jsonNumber(x)
	case map[string]any:
		for k, e := range x {
			x[k] = fromJSON(e)
		}
	case []any:
		for i, e := range x {
			x[i] = fromJSON(e)
		}
	}
	return v
}

// apply stores tree into the struct v, whose keys start with prefix.
func (l *loader) apply(v reflect.Value, tree map[string]any, prefix, source string) {
	t := v.Type()
	for _, key := range slices.Sorted(maps.Keys(tree)) {
		raw := tree[key]
		idx := fieldIndex(t, key)
		if idx < 0 {
			l.problem(source, prefix+key, "unknown setting%s", suggest(t, key))
			continue
		}
		sf, fv := t.Field(idx), v.Field(idx)
		full := prefix + key
		switch {
		case sf.Type.Kind() == reflect.Struct && sf.Type != durationType:
			sub, ok := raw.(map[string]any)
			if !ok {
				l.problem(source, full, "want a table of settings, got %s", describe(raw))
				continue
			}
			l.apply(fv, sub, full+".", source)
		case sf.Type.Kind() == reflect.Map && sf.Type.Elem().Kind() == reflect.Struct:
			l.applyMap(fv, raw, full, source)
		case sf.Tag.Get("user") == "true" && (source != l.user || l.user == ""):
			// A repository's .lode.toml or a client must not widen what
			// the user allowed.
			l.problem(source, full, "only the user settings file may set it; ignored")
		default:
			nv := reflect.New(sf.Type).Elem()
			if err := setValue(nv, raw, sf.Tag.Get("enum")); err != nil {
				if sf.Tag.Get("secret") == "true" {
					err = fmt.Errorf("want a %s", typeName(sf.Type)) // never echo a secret
				}
				l.problem(source, full, "%v; keeping %s", err, l.cfg.display(full, fv, sf))
				continue
			}
			fv.Set(nv)
			l.cfg.sources[full] = source
		}
	}
}

// applyMap stores a table of named sections ([models.NAME]) into the map m.
func (l *loader) applyMap(m reflect.Value, raw any, key, source string) {
	tables, ok := raw.(map[string]any)
	if !ok {
		l.problem(source, key, "want a table of named entries, got %s", describe(raw))
		return
	}
	if m.IsNil() {
		m.Set(reflect.MakeMap(m.Type()))
	}
	for _, name := range slices.Sorted(maps.Keys(tables)) {
		sub, ok := tables[name].(map[string]any)
		if !ok {
			l.problem(source, key+"."+name, "want a table of settings, got %s", describe(tables[name]))
			continue
		}
		elem := reflect.New(m.Type().Elem()).Elem()
		if old := m.MapIndex(reflect.ValueOf(name)); old.IsValid() {
			elem.Set(old)
		} else {
			applyDefaults(elem)
		}
		l.apply(elem, sub, key+"."+name+".", source)
		m.SetMapIndex(reflect.ValueOf(name), elem)
	}
}

func fieldIndex(t reflect.Type, key string) int {
	for i := range t.NumField() {
		if tomlName(t.Field(i)) == key {
			return i
		}
	}
	return -1
}

// suggest names a setting of t that differs from key only in case or
// separators, the usual mistake ("baseUrl" for "base_url").
func suggest(t reflect.Type, key string) string {
	norm := func(s string) string {
		return strings.ToLower(strings.NewReplacer("_", "", "-", "").Replace(s))
	}
	for i := range t.NumField() {
		if name := tomlName(t.Field(i)); name != "" && norm(name) == norm(key) {
			return fmt.Sprintf(" (did you mean %q?)", name)
		}
	}
	return ""
}
