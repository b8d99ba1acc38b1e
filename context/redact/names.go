package redact

import (
	"math"
	"strings"
	"unicode"
)

// The names that say a value is a secret, as words of a name split at
// case changes, digits and punctuation (dbPass: db, pass; API_KEY: api,
// key). A strong word makes any value that is not code, prose or a
// placeholder a secret; "key" alone (signingKey, key) asks the value to
// look random too, since most keys in code are map keys and cache keys.
var (
	strongWords = map[string]bool{
		"password": true, "passwd": true, "pwd": true, "pass": true, "passphrase": true, "passcode": true,
		"secret": true, "secrets": true, "token": true,
		"apikey": true, "accesskey": true, "privatekey": true, "secretkey": true, "authtoken": true,
	}
	// keyWords are strong when "key" follows them (api_key, access-key).
	keyWords = map[string]bool{"api": true, "access": true, "private": true, "secret": true, "auth": true, "master": true, "encryption": true}
	// tailWords may follow the secret word without changing what the
	// value is (passwordHash, SECRET_KEY_BASE, token_value).
	tailWords = map[string]bool{
		"value": true, "val": true, "str": true, "string": true, "hash": true, "base": true, "b64": true,
		"base64": true, "hex": true, "raw": true, "plain": true, "enc": true, "encrypted": true, "bytes": true, "text": true,
	}
)

// nameTriggers wake the assignment shape: every word above, as a part of
// a line.
var nameTriggers = []string{"pass", "pwd", "secret", "token", "credential", "key"}

// nameClass says what a name makes of the value assigned to it.
type nameClass int

const (
	plainName  nameClass = iota // not a secret's name
	keyName                     // a key: secret if the value looks random
	strongName                  // a password, token or secret
)

// classify finds the secret word of name: the last word, or the last but
// tail words. Names of public keys are not secrets' names.
func classify(name string) nameClass {
	ws := words(name)
	i := len(ws) - 1
	for i > 0 && tailWords[ws[i]] {
		i--
	}
	if i < 0 {
		return plainName
	}
	w := ws[i]
	switch {
	case strongWords[w]:
		return strongName
	case w == "credential" || w == "credentials":
		return keyName // also the mode of a fetch: credentials: "same-origin"
	case w == "key" && i > 0 && keyWords[ws[i-1]]:
		return strongName
	case w == "key" && (i == 0 || ws[i-1] != "public"):
		return keyName
	case strings.HasSuffix(w, "key") && len(w) > 3 && !strings.HasPrefix(w, "public"):
		return keyName // signingkey, hmackey
	}
	return plainName
}

// words splits a name at punctuation, case changes (dbPass, APIKey) and
// digits, in lower case.
func words(name string) []string {
	var ws []string
	rs := []rune(name)
	start := 0
	flush := func(end int) {
		if end > start {
			ws = append(ws, strings.ToLower(string(rs[start:end])))
		}
		start = end
	}
	for i, r := range rs {
		switch {
		case !unicode.IsLetter(r):
			flush(i)
			start = i + 1
		case i > start && unicode.IsUpper(r) && unicode.IsLower(rs[i-1]):
			flush(i) // dbPass
		case i > start && unicode.IsUpper(r) && i+1 < len(rs) && unicode.IsLower(rs[i+1]) && unicode.IsUpper(rs[i-1]):
			flush(i) // APIKey
		}
	}
	flush(len(rs))
	return ws
}

// acceptAssignment picks the value of a name assigned a secret, in the
// groups of the assignment shape: the name quoted twice or bare (1-3), the
// operator (4), the value quoted three ways or bare (5-8).
func acceptAssignment(s string, loc []int) (int, int, bool) {
	group := func(g int) (string, int, int, bool) {
		a, b := loc[2*g], loc[2*g+1]
		if a < 0 {
			return "", 0, 0, false
		}
		return s[a:b], a, b, true
	}
	var name string
	quotedName := false
	for g := 1; g <= 3; g++ {
		if n, _, _, ok := group(g); ok {
			name, quotedName = n, g < 3
			break
		}
	}
	op, _, _, _ := group(4)
	if op == "," && !quotedName {
		return 0, 0, false // an argument list: f(token, "x")
	}
	class := classify(name)
	if class == plainName {
		return 0, 0, false
	}
	for g := 5; g <= 8; g++ {
		v, a, b, ok := group(g)
		if !ok {
			continue
		}
		quoted := g < 8
		if !quoted {
			v = strings.TrimRight(v, ")]}>")
			b = a + len(v)
		}
		if secretValue(v, class, quoted) {
			return a, b, true
		}
		return 0, 0, false
	}
	return 0, 0, false
}

// acceptProse takes a secret named in words ("the password is x2y3z4",
// "staging token 7f3c9a1e5b2d"): the value must look like one, since the
// words are common in prose; without "is", one that looks generated.
func acceptProse(s string, loc []int) (int, int, bool) {
	a, b := loc[4], loc[5] // after "is"
	said := a >= 0
	if !said {
		a, b = loc[6], loc[7]
	}
	v := strings.TrimRight(s[a:b], ".,;:)]}>")
	if !bareSecret(v) || strings.Contains(v, "://") {
		return 0, 0, false
	}
	if !said && !random(v) {
		return 0, 0, false
	}
	return a, a + len(v), true
}

// acceptPlain takes group 1 unless it is a placeholder.
func acceptPlain(s string, loc []int) (int, int, bool) {
	a, b := loc[2], loc[3]
	if placeholder(s[a:b]) {
		return 0, 0, false
	}
	return a, b, true
}

// acceptTokenish takes group 1 when it looks like a token, not a word:
// it holds a digit, or is long.
func acceptTokenish(s string, loc []int) (int, int, bool) {
	a, b := loc[2], loc[3]
	v := s[a:b]
	if placeholder(v) || !(strings.ContainsAny(v, "0123456789") || len(v) >= 32) {
		return 0, 0, false
	}
	return a, b, true
}

// secretValue reports whether v, assigned to a name of the class, looks
// like a secret rather than code, prose, a format or a placeholder.
func secretValue(v string, class nameClass, quoted bool) bool {
	if placeholder(v) {
		return false
	}
	if !quoted && !bareSecret(v) {
		return false
	}
	if class == keyName {
		return random(v)
	}
	// Not prose, as in error messages, nor a tiny value, nor a name that
	// holds the secret's word (encodeUserPassword: "encodeUserPassword").
	if len(v) < 4 || strings.ContainsAny(v, " \t") && !strings.ContainsAny(v, "0123456789") {
		return false
	}
	if len(v) <= 5 && strings.IndexFunc(v, func(r rune) bool { return !unicode.IsLetter(r) }) < 0 {
		return false // a word such as "true" or "none", not a password worth the context
	}
	return !(identifier(v) && namesSecret(v)) && !strings.HasPrefix(v, `\`)
}

// bareSecret reports whether an unquoted value may be a secret. Most are
// code (a variable, a call, a field, a number): only a value with letters
// and digits or symbols, not shaped like code, is taken.
func bareSecret(v string) bool {
	switch {
	case len(v) < 6, !mixed(v), codeLike(v), number(v):
		return false
	case identifier(v) && (namesSecret(v) || strings.Contains(strings.ToLower(v), "key")):
		return false // encryptionKey1024: a name
	}
	return true
}

// number reports a decimal or hexadecimal number.
func number(v string) bool {
	if h, ok := strings.CutPrefix(strings.ToLower(v), "0x"); ok {
		return strings.Trim(h, "0123456789abcdef_") == ""
	}
	return strings.Trim(v, "0123456789_.") == ""
}

// placeholder reports a value that stands for a secret without being one:
// already redacted, a template, a format, an environment reference.
func placeholder(v string) bool {
	switch {
	case v == "", strings.Contains(v, Placeholder), strings.Contains(v, "${"), strings.Contains(v, "{{"),
		strings.Contains(v, "%s"), strings.Contains(v, "%v"), strings.Contains(v, "%("), strings.Contains(v, "%d"):
		return true
	case strings.HasPrefix(v, "$"), strings.HasPrefix(v, "<") && strings.HasSuffix(v, ">"),
		strings.HasPrefix(v, "{") && strings.HasSuffix(v, "}"):
		return true
	}
	first := []rune(v)[0]
	return strings.Trim(v, string(first)) == "" // xxxx, ****
}

// mixed reports whether v holds a letter and a digit or a symbol other
// than the separators of names and paths.
func mixed(v string) bool {
	letter, other := false, false
	for _, r := range v {
		switch {
		case unicode.IsLetter(r):
			letter = true
		case unicode.IsDigit(r) || strings.ContainsRune("!@#$%^&=~?", r):
			other = true
		}
	}
	return letter && other
}

// codeLike reports a bare value that reads as code: a call, an index, a
// selector (cfg.Password), an operator.
func codeLike(v string) bool {
	if strings.ContainsAny(v, "()[]{}<>*|") || strings.HasPrefix(v, "-") || strings.HasPrefix(v, "&") {
		return true
	}
	// a.b.c of identifiers
	for _, part := range strings.Split(v, ".") {
		if part == "" || !identifier(part) {
			return false
		}
	}
	return strings.Contains(v, ".")
}

func identifier(s string) bool {
	for i, r := range s {
		if !(r == '_' || unicode.IsLetter(r) || i > 0 && unicode.IsDigit(r)) {
			return false
		}
	}
	return s != ""
}

// random reports whether v looks generated rather than written: long
// enough, without spaces, of several kinds of characters and high
// entropy. Map keys, cache keys and key names are not.
func random(v string) bool {
	if len(v) < 12 || strings.ContainsAny(v, " \t") {
		return false
	}
	var lower, upper, digits int
	for _, r := range v {
		switch {
		case unicode.IsLower(r):
			lower++
		case unicode.IsUpper(r):
			upper++
		case unicode.IsDigit(r):
			digits++
		}
	}
	if !(digits >= 3 || lower > 0 && upper > 0 && digits > 0) {
		return false
	}
	if ws := words(v); identifier(v) && len(ws) >= 2 && len(strings.Join(ws, "")) >= 4*len(ws) {
		return false // a name of whole words: encryptionKey1024
	}
	return entropy(v) >= 3.0
}

// entropy returns the Shannon entropy of v's bytes, in bits a byte.
func entropy(v string) float64 {
	var n [256]int
	for i := 0; i < len(v); i++ {
		n[v[i]]++
	}
	h := 0.0
	for _, c := range n {
		if c > 0 {
			p := float64(c) / float64(len(v))
			h -= p * math.Log2(p)
		}
	}
	return h
}

// namesSecret reports whether one of the words of v is a strong word or
// "key".
func namesSecret(v string) bool {
	for _, w := range words(v) {
		if strongWords[w] || w == "key" {
			return true
		}
	}
	return false
}
