package redact

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// Secrets below are fabricated in the published formats; none is real.
func TestString(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"clean code", "x := compute(a, b)\nreturn x\n", "x := compute(a, b)\nreturn x\n"},
		{"aws access key", `id := "AKIAIOSFODNN7EXAMPLE"`, `id := "[REDACTED]"`},
		{"aws secret", `aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY`, `aws_secret_access_key = [REDACTED]`},
		{"gcp api key", `key=AIzaSyA1234567890abcdefghijklmnopqrstuv`, `key=[REDACTED]`},
		{"github token", `Authorization: token ghp_abcdefghijklmnopqrstuvwxyz0123456789`, `Authorization: token [REDACTED]`},
		{"github pat", `github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz`, `[REDACTED]`},
		{"slack token", `slack("xoxb-1234567890-abcdefghij")`, `slack("[REDACTED]")`},
		{"openai key", `client := openai.NewClient("sk-proj-abcdefghijklmnopqrstuvwxyz012345")`, `client := openai.NewClient("[REDACTED]")`},
		{"password assignment", `password = "hunter2hunter2"`, `password = "[REDACTED]"`},
		{"go short decl", `dbPassword := "s3cr3t!"`, `dbPassword := "[REDACTED]"`},
		{"json", `{"api_key": "0123abcd4567"}`, `{"api_key": "[REDACTED]"}`},
		{"yaml single quotes", `client_secret: 'abc123xyz'`, `client_secret: '[REDACTED]'`},
		{"env file", "export API_KEY=abcdef123456\nDEBUG=1\n", "export API_KEY=[REDACTED]\nDEBUG=1\n"},
		{"comparison is not an assignment", `if password == "" {`, `if password == "" {`},
		{"prose message", `err = "token expected here"`, `err = "token expected here"`},
		{"format string", `token = "%s:%s"`, `token = "%s:%s"`},
		{"private key keeps lines",
			"a\n-----BEGIN RSA PRIVATE KEY-----\nMIIEow\nIBAAK\n-----END RSA PRIVATE KEY-----\nb\n",
			"a\n[REDACTED]\n[REDACTED]\n[REDACTED]\n[REDACTED]\nb\n"},
		{"escaped private key in json",
			`"private_key": "-----BEGIN PRIVATE KEY-----\nMIIEvQ\n-----END PRIVATE KEY-----\n"`,
			`"private_key": "[REDACTED]\n"`},
		{"unterminated key block", "-----BEGIN OPENSSH PRIVATE KEY-----\nb3Bl", "[REDACTED]\n[REDACTED]"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := String(tc.in)
			if got != tc.want {
				t.Errorf("String(%q)\n got %q\nwant %q", tc.in, got, tc.want)
			}
			if strings.Count(got, "\n") != strings.Count(tc.in, "\n") {
				t.Errorf("line count changed")
			}
			if Contains(got) {
				t.Errorf("redacted text still holds a secret: %v", Find(got))
			}
		})
	}
}

// TestGoSourceUntouched checks that ordinary code is left alone: a
// redaction there would cost the model context for nothing.
func TestGoSourceUntouched(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join(runtime.GOROOT(), "src", "go", "scanner", "*.go"))
	if len(files) == 0 {
		t.Skip("no GOROOT sources")
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if ms := Find(string(data)); len(ms) > 0 {
			m := ms[0]
			t.Errorf("%s: %d matches, first %s %q", filepath.Base(f), len(ms), m.Rule, data[m.Start:m.End])
		}
	}
}

func BenchmarkString(b *testing.B) {
	data, err := os.ReadFile(filepath.Join(runtime.GOROOT(), "src", "net", "http", "request.go"))
	if err != nil {
		b.Skip(err)
	}
	s := string(data[:8192])
	b.SetBytes(int64(len(s)))
	for b.Loop() {
		String(s)
	}
}
