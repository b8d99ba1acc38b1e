package config

import (
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strings"
	"time"
)

// Setting is one resolved setting, for display (lode doctor, lode config).
type Setting struct {
	Key    string `json:"key"`    // dotted key, for example "completion.enabled"
	Value  string `json:"value"`  // formatted value; a secret shows only whether it is set
	Source string `json:"source"` // SourceDefault, a file path, "environment NAME" or SourceEditor
	Doc    string `json:"-"`
	Secret bool   `json:"-"`
}

// Source returns where the setting key got its value: SourceDefault, the
// path of a file, "environment NAME" or SourceEditor.
func (c *Config) Source(key string) string {
	if s := c.sources[key]; s != "" {
		return s
	}
	return SourceDefault
}

// Sources returns the settings that some layer other than the defaults set,
// by dotted key.
func (c *Config) Sources() map[string]string {
	return maps.Clone(c.sources)
}

// Settings lists every setting with its value and source, in schema order;
// entries of named sections ([models.NAME]) are listed by name. Secret
// values are never included, only whether they are set.
func (c *Config) Settings() []Setting {
	var out []Setting
	c.settings(reflect.ValueOf(c).Elem(), "", &out)
	return out
}

func (c *Config) settings(v reflect.Value, prefix string, out *[]Setting) {
	t := v.Type()
	for i := range t.NumField() {
		sf := t.Field(i)
		name := tomlName(sf)
		if name == "" {
			continue
		}
		key, fv := prefix+name, v.Field(i)
		switch {
		case sf.Type.Kind() == reflect.Struct && sf.Type != durationType:
			c.settings(fv, key+".", out)
		case sf.Type.Kind() == reflect.Map && sf.Type.Elem().Kind() == reflect.Struct:
			keys := fv.MapKeys()
			slices.SortFunc(keys, func(a, b reflect.Value) int { return strings.Compare(a.String(), b.String()) })
			for _, k := range keys {
				c.settings(fv.MapIndex(k), key+"."+k.String()+".", out)
			}
		default:
			*out = append(*out, Setting{
				Key:    key,
				Value:  c.display(key, fv, sf),
				Source: c.Source(key),
				Doc:    sf.Tag.Get("doc"),
				Secret: sf.Tag.Get("secret") == "true",
			})
		}
	}
}

// display formats a setting's value for people; secrets are hidden.
func (c *Config) display(key string, v reflect.Value, sf reflect.StructField) string {
	if sf.Tag.Get("secret") == "true" {
		if v.IsZero() {
			return "(not set)"
		}
		return "(set)"
	}
	return formatValue(v)
}

func formatValue(v reflect.Value) string {
	switch {
	case v.Type() == durationType:
		return time.Duration(v.Int()).String()
	case v.Kind() == reflect.String:
		return fmt.Sprintf("%q", v.String())
	case v.Kind() == reflect.Slice:
		parts := make([]string, v.Len())
		for i := range parts {
			parts[i] = fmt.Sprintf("%q", v.Index(i).String())
		}
		return "[" + strings.Join(parts, ", ") + "]"
	}
	return fmt.Sprint(v.Interface())
}

// String lists the settings one per line as "key = value  # source", for
// logs. Secrets are hidden.
func (c *Config) String() string {
	var b strings.Builder
	for _, s := range c.Settings() {
		fmt.Fprintf(&b, "%s = %s  # %s\n", s.Key, s.Value, s.Source)
	}
	return b.String()
}
