package config

import (
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"
)

// field is one setting of the schema, found by reflection over the struct
// tags of Config.
type field struct {
	key     string // dotted TOML key; map entries use NAME
	doc     string
	def     string
	enum    []string
	secret  bool
	user    bool // only the user's file may set it
	typ     reflect.Type
	env     string // environment variable that sets it, if any
	section bool   // a table (struct or map of structs), not a leaf
}

// envVars are the environment variables that set top-level settings. The
// OPENAI_* fallbacks are applied by Load when the provider is openai.
var envVars = map[string]string{
	"provider": "LODE_PROVIDER",
	"base_url": "LODE_BASE_URL",
	"model":    "LODE_MODEL",
	"api_key":  "LODE_API_KEY",
}

// schema lists every setting of Config in declaration order.
func schema() []field {
	var out []field
	walkType(reflect.TypeOf(Config{}), "", &out)
	return out
}

func walkType(t reflect.Type, prefix string, out *[]field) {
	for i := range t.NumField() {
		sf := t.Field(i)
		name := tomlName(sf)
		if name == "" {
			continue
		}
		f := field{
			key:    prefix + name,
			doc:    sf.Tag.Get("doc"),
			def:    sf.Tag.Get("default"),
			secret: sf.Tag.Get("secret") == "true",
			user:   sf.Tag.Get("user") == "true",
			typ:    sf.Type,
		}
		if e := sf.Tag.Get("enum"); e != "" {
			f.enum = strings.Split(e, ",")
		}
		if prefix == "" {
			f.env = envVars[name]
		}
		switch {
		case sf.Type.Kind() == reflect.Struct && sf.Type != durationType:
			f.section = true
			*out = append(*out, f)
			walkType(sf.Type, f.key+".", out)
		case sf.Type.Kind() == reflect.Map && sf.Type.Elem().Kind() == reflect.Struct:
			f.section = true
			*out = append(*out, f)
			walkType(sf.Type.Elem(), f.key+".NAME.", out)
		default:
			*out = append(*out, f)
		}
	}
}

// tomlName returns the setting name of a struct field, "" for fields that
// are not settings (unexported or tagged "-").
func tomlName(sf reflect.StructField) string {
	if !sf.IsExported() {
		return ""
	}
	name, _, _ := strings.Cut(sf.Tag.Get("toml"), ",")
	if name == "-" {
		return ""
	}
	if name == "" {
		name = strings.ToLower(sf.Name)
	}
	return name
}

var durationType = reflect.TypeOf(time.Duration(0))

// applyDefaults sets every field of v (a struct) from its default tag.
func applyDefaults(v reflect.Value) {
	t := v.Type()
	for i := range t.NumField() {
		sf := t.Field(i)
		if tomlName(sf) == "" {
			continue
		}
		fv := v.Field(i)
		if sf.Type.Kind() == reflect.Struct && sf.Type != durationType {
			applyDefaults(fv)
			continue
		}
		if def, ok := sf.Tag.Lookup("default"); ok {
			if err := setValue(fv, def, ""); err != nil {
				panic(fmt.Sprintf("config: bad default of %s: %v", sf.Name, err))
			}
		}
	}
}

// setValue stores raw (a TOML or JSON decoded value, or a string from the
// environment or a tag) into v, converting and validating it.
func setValue(v reflect.Value, raw any, enum string) error {
	switch v.Kind() {
	case reflect.String:
		s, ok := raw.(string)
		if !ok {
			return fmt.Errorf("want a string, got %s", describe(raw))
		}
		if enum != "" {
			// Enumerated names are matched without regard to case
			// ("DeepSeek", "INFO") and stored as the schema spells them.
			i := slices.IndexFunc(strings.Split(enum, ","), func(e string) bool { return strings.EqualFold(e, s) })
			if i < 0 {
				return fmt.Errorf("%q is not one of %s", s, strings.ReplaceAll(enum, ",", ", "))
			}
			s = strings.Split(enum, ",")[i]
		}
		v.SetString(s)
	case reflect.Bool:
		b, err := toBool(raw)
		if err != nil {
			return err
		}
		v.SetBool(b)
	case reflect.Int, reflect.Int32, reflect.Int64:
		if v.Type() == durationType {
			s, ok := raw.(string)
			if !ok {
				return fmt.Errorf("want a duration such as \"300ms\", got %s", describe(raw))
			}
			d, err := time.ParseDuration(s)
			if err != nil || d < 0 {
				return fmt.Errorf("want a duration such as \"300ms\", got %q", s)
			}
			v.SetInt(int64(d))
			return nil
		}
		n, err := toInt(raw)
		if err != nil {
			return err
		}
		if v.OverflowInt(n) {
			return fmt.Errorf("%d is out of range", n)
		}
		v.SetInt(n)
	case reflect.Float32, reflect.Float64:
		f, err := toFloat(raw)
		if err != nil {
			return err
		}
		v.SetFloat(f)
	case reflect.Slice:
		if v.Type().Elem().Kind() != reflect.String {
			return fmt.Errorf("unsupported setting type %s", v.Type())
		}
		list, err := toStrings(raw)
		if err != nil {
			return err
		}
		v.Set(reflect.ValueOf(list))
	default:
		return fmt.Errorf("unsupported setting type %s", v.Type())
	}
	return nil
}

func toBool(raw any) (bool, error) {
	switch x := raw.(type) {
	case bool:
		return x, nil
	case string:
		if b, err := strconv.ParseBool(x); err == nil {
			return b, nil
		}
	}
	return false, fmt.Errorf("want true or false, got %s", describe(raw))
}

func toInt(raw any) (int64, error) {
	switch x := raw.(type) {
	case int64:
		return x, nil
	case float64:
		if x == float64(int64(x)) {
			return int64(x), nil
		}
	case jsonNumber:
		if n, err := strconv.ParseInt(string(x), 10, 64); err == nil {
			return n, nil
		}
	case string:
		if n, err := strconv.ParseInt(strings.TrimSpace(x), 10, 64); err == nil {
			return n, nil
		}
	}
	return 0, fmt.Errorf("want an integer, got %s", describe(raw))
}

func toFloat(raw any) (float64, error) {
	switch x := raw.(type) {
	case int64:
		return float64(x), nil
	case float64:
		return x, nil
	case jsonNumber:
		if f, err := strconv.ParseFloat(string(x), 64); err == nil {
			return f, nil
		}
	case string:
		if f, err := strconv.ParseFloat(strings.TrimSpace(x), 64); err == nil {
			return f, nil
		}
	}
	return 0, fmt.Errorf("want a number, got %s", describe(raw))
}

func toStrings(raw any) ([]string, error) {
	switch x := raw.(type) {
	case string: // from a tag or the environment: comma separated
		if x == "" {
			return []string{}, nil
		}
		parts := strings.Split(x, ",")
		for i := range parts {
			parts[i] = strings.TrimSpace(parts[i])
		}
		return parts, nil
	case []any:
		out := make([]string, len(x))
		for i, e := range x {
			s, ok := e.(string)
			if !ok {
				return nil, fmt.Errorf("want a list of strings, element %d is %s", i, describe(e))
			}
			out[i] = s
		}
		return out, nil
	}
	return nil, fmt.Errorf("want a list of strings, got %s", describe(raw))
}

// jsonNumber is a number decoded from JSON, kept as its text.
type jsonNumber string

func describe(raw any) string {
	switch x := raw.(type) {
	case string:
		return fmt.Sprintf("the string %q", clip(x))
	case bool:
		return fmt.Sprintf("the boolean %v", x)
	case int64, float64, jsonNumber:
		return fmt.Sprintf("the number %v", x)
	case []any:
		return "a list"
	case map[string]any:
		return "a table"
	case nil:
		return "null"
	}
	return fmt.Sprintf("a %T", raw)
}

func clip(s string) string {
	if len(s) > 60 {
		return s[:60] + "…"
	}
	return s
}
