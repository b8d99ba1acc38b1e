package redact

import "regexp"

// shape is one kind of secret in the catalogue. A shape's regexp runs only
// on the lines where one of its trigger words (lower case) occurs, ignoring
// case, which keeps clean text cheap. The secret is the match's first
// non-empty group, or the whole match when it has none; accept, when set,
// picks the secret out of a match itself, or rejects the match.
//
// Every shape has examples in redacttest/catalogue.txt, which the tests of
// this package and the end-to-end test of the lode binary plant in
// documents: a shape without an example fails the tests.
type shape struct {
	name    string
	trigger []string
	re      *regexp.Regexp
	accept  func(s string, loc []int) (start, end int, ok bool)
	// block marks the shape whose match may span lines: its regexp runs
	// from the triggering line to the end of the text.
	block bool
}

// Names of the shapes that lines and assignments are checked by in code
// rather than by a regexp alone.
const (
	keyBlock = "private key block"
	keyLines = "private key lines"
)

// proseWords name a secret in a sentence.
const proseWords = `passw(?:or)?d|passphrase|pwd|pass(?:code)?|secret|token|api[ _\-]?key`

// noQuote is a character class of what an unquoted value may not hold.
const noQuote = "[^\\s\"'`]"

// catalogue lists every shape, the specific token formats first: where two
// matches overlap, the one that starts first wins, then the longer.
var catalogue = []shape{
	{name: keyBlock, trigger: []string{"private key"}, block: true, re: regexp.MustCompile(
		`-----BEGIN[A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----[\s\S]*?(?:-----END[A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----|\z)`)},
	// keyLines (base64 lines of a key whose BEGIN line is elsewhere) is
	// found by Find itself, line by line; it has no regexp.
	{name: keyLines},

	// Cloud providers.
	{name: "aws access key id", trigger: []string{"akia", "asia", "abia", "acca"}, re: regexp.MustCompile(
		`\b(?:AKIA|ASIA|ABIA|ACCA)[0-9A-Z]{16}\b`)},
	{name: "aws secret access key", trigger: []string{"aws"}, re: regexp.MustCompile(
		`(?i)aws[a-z0-9_.-]*(?:secret|key)[a-z0-9_.-]*["']?\s*(?:=|:=|:|=>)\s*["']?([A-Za-z0-9/+=]{40})(?:[^A-Za-z0-9/+=]|$)`)},
	{name: "gcp api key", trigger: []string{"aiza"}, re: regexp.MustCompile(`\bAIza[0-9A-Za-z_\-]{35}`)},
	{name: "gcp oauth token", trigger: []string{"ya29."}, re: regexp.MustCompile(`\bya29\.[0-9A-Za-z_\-]{20,}`)},
	{name: "google oauth client secret", trigger: []string{"gocspx-"}, re: regexp.MustCompile(`\bGOCSPX-[0-9A-Za-z_\-]{20,}`)},
	{name: "azure account key", trigger: []string{"accountkey", "sharedaccesskey"}, re: regexp.MustCompile(
		`(?i)\b(?:AccountKey|SharedAccessKey)\s*=\s*([A-Za-z0-9+/]{20,}={0,2})`)},
	{name: "azure sas signature", trigger: []string{"sig="}, re: regexp.MustCompile(
		`[?&;]sig=([A-Za-z0-9%+/]{20,}(?:%3D|=)*)`)},
	{name: "digitalocean token", trigger: []string{"dop_v1_", "doo_v1_", "dor_v1_"}, re: regexp.MustCompile(`\bdo[opr]_v1_[a-f0-9]{64}\b`)},
	{name: "databricks token", trigger: []string{"dapi"}, re: regexp.MustCompile(`\bdapi[a-f0-9]{32}(?:-\d)?\b`)},
	{name: "vault token", trigger: []string{"hvs.", "hvb."}, re: regexp.MustCompile(`\bhv[sb]\.[A-Za-z0-9_\-]{24,}`)},

	// Code hosts and package registries.
	{name: "github token", trigger: []string{"ghp_", "gho_", "ghu_", "ghs_", "ghr_"}, re: regexp.MustCompile(
		`\bgh[pousr]_[A-Za-z0-9]{36,}`)},
	{name: "github fine-grained token", trigger: []string{"github_pat_"}, re: regexp.MustCompile(`\bgithub_pat_[A-Za-z0-9_]{22,}`)},
	{name: "gitlab token", trigger: []string{"glpat-", "gldt-", "glptt-", "glrt-", "gloas-", "glcbt-"}, re: regexp.MustCompile(
		`\bgl(?:pat|dt|ptt|rt|oas|cbt)-[0-9A-Za-z_\-]{20,}`)},
	{name: "npm token", trigger: []string{"npm_"}, re: regexp.MustCompile(`\bnpm_[A-Za-z0-9]{36}\b`)},
	{name: "pypi token", trigger: []string{"pypi-"}, re: regexp.MustCompile(`\bpypi-AgE[A-Za-z0-9_\-]{50,}`)},
	{name: "docker hub token", trigger: []string{"dckr_pat_"}, re: regexp.MustCompile(`\bdckr_pat_[A-Za-z0-9_\-]{20,}`)},
	{name: "shopify token", trigger: []string{"shpat_", "shpca_", "shppa_", "shpss_"}, re: regexp.MustCompile(
		`\bshp(?:at|ca|pa|ss)_[a-fA-F0-9]{32}\b`)},

	// Machine-learning hubs and model providers.
	{name: "hugging face token", trigger: []string{"hf_"}, re: regexp.MustCompile(`\bhf_[A-Za-z0-9]{30,}`)},
	{name: "openai or anthropic key", trigger: []string{"sk-"}, re: regexp.MustCompile(
		`\bsk-(?:proj-|ant-(?:api|admin)\d\d-|svcacct-|admin-|live-)?[A-Za-z0-9_\-]{20,}`)},
	{name: "replicate token", trigger: []string{"r8_"}, re: regexp.MustCompile(`\br8_[A-Za-z0-9]{37}\b`)},
	{name: "groq key", trigger: []string{"gsk_"}, re: regexp.MustCompile(`\bgsk_[A-Za-z0-9]{48,}\b`)},

	// Payment, mail and chat services.
	{name: "stripe key", trigger: []string{"_live_", "_test_"}, re: regexp.MustCompile(`\b[rs]k_(?:live|test)_[A-Za-z0-9]{16,}`)},
	{name: "sendgrid key", trigger: []string{"sg."}, re: regexp.MustCompile(`\bSG\.[A-Za-z0-9_\-]{16,32}\.[A-Za-z0-9_\-]{16,64}`)},
	{name: "mailgun key", trigger: []string{"key-"}, re: regexp.MustCompile(`\bkey-[0-9a-f]{32}\b`)},
	{name: "twilio key", trigger: []string{"sk"}, re: regexp.MustCompile(`\bSK[0-9a-f]{32}\b`)},
	{name: "slack token", trigger: []string{"xox"}, re: regexp.MustCompile(`\bxox[abposre]-[A-Za-z0-9-]{10,}`)},
	{name: "slack webhook", trigger: []string{"hooks.slack.com"}, re: regexp.MustCompile(
		`https://hooks\.slack\.com/services/[A-Za-z0-9_/]+`)},
	{name: "discord webhook", trigger: []string{"discord"}, re: regexp.MustCompile(
		`https://(?:ptb\.|canary\.)?discord(?:app)?\.com/api/webhooks/\d+/([A-Za-z0-9_\-]{20,})`)},
	{name: "telegram bot token", trigger: []string{":aa"}, re: regexp.MustCompile(`\b\d{8,10}:(AA[A-Za-z0-9_\-]{33})`)},
	{name: "linear key", trigger: []string{"lin_api_"}, re: regexp.MustCompile(`\blin_api_[A-Za-z0-9]{40}\b`)},

	// Generic formats.
	{name: "age secret key", trigger: []string{"age-secret-key-"}, re: regexp.MustCompile(`\bAGE-SECRET-KEY-1[0-9A-Z]{58}\b`)},
	{name: "jwt", trigger: []string{"eyj"}, re: regexp.MustCompile(
		`\beyJ[A-Za-z0-9_\-]{8,}\.eyJ[A-Za-z0-9_\-]{8,}\.[A-Za-z0-9_\-]{8,}`)},
	{name: "url credentials", trigger: []string{"://"}, accept: acceptPlain, re: regexp.MustCompile(
		`\b[A-Za-z][A-Za-z0-9+.\-]*://[^\s:/?#@"'` + "`" + `]*:([^\s/?#@"'` + "`" + `]+)@`)},
	{name: "authorization header", trigger: []string{"authorization"}, re: regexp.MustCompile(
		`(?i)\bauthorization["']?\s*[:=,]\s*["']?(?:bearer|basic|token|bot|digest|apikey)\s+([A-Za-z0-9._~+/\-]{8,}=*)`)},
	{name: "bearer token", trigger: []string{"bearer"}, accept: acceptTokenish, re: regexp.MustCompile(
		`(?i)\bbearer\s+([A-Za-z0-9._~+/\-]{16,}=*)`)},

	// Values assigned to names that say they are secrets (see names.go).
	{name: "secret assignment", trigger: nameTriggers, accept: acceptAssignment, re: regexp.MustCompile(
		`(?:"([A-Za-z_][\w.\-]*)"|'([A-Za-z_][\w.\-]*)'|\b([A-Za-z_][\w.\-]*))\s*(:=|=>|===?|!==?|=|:|,)[ \t]*` +
			"(?:\"([^\"\\n]*)\"|'([^'\\n]*)'|`([^`\\n]*)`|([^\\s\"'`,;]+))")},
	{name: "secret in prose", trigger: []string{"pass", "pwd", "secret", "token", "api"}, accept: acceptProse, re: regexp.MustCompile(
		`(?i)\b(?:` + proseWords + `)(?:\s+(?:for|of|on|to)(?:\s+[\w.\-@]+){1,4}?)?\s+(is|was|are)\s+["'` + "`" + `]?(` + noQuote + `+)` +
			`|\b(?:passw(?:or)?d|passwd|passphrase|pwd|secret|token|api[ _\-]?key)\s+["'` + "`" + `]?(` + noQuote + `+)`)},
}

// byName finds a shape of the catalogue.
func byName(name string) *shape {
	for i := range catalogue {
		if catalogue[i].name == name {
			return &catalogue[i]
		}
	}
	return nil
}
