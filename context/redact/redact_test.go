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

// TestWindow redacts parts of a document as a prompt's windows are cut
// from it: a key whose BEGIN line is above the window, a secret cut by the
// window's edge, a secret the cursor splits between prefix and suffix.
func TestWindow(t *testing.T) {
	key := "-----BEGIN RSA PRIVATE KEY-----\n" +
		"MIIEowIBAAKCAQEAv3k9Zq8Yt2Lr5Wx7Pn4Hs6Jd1Kf0Mb2Nc8Qa5Rz3Te9Ug7A\n" +
		"Vy1Xi4Ow6Pl2Kj8Hg5Fd3Sa0Zx7Cv9Bn1Mq4We6Rt2Yu8Io3Pa5Sd7Fg9Hj1B\n" +
		"Qz8Wx2\n" +
		"-----END RSA PRIVATE KEY-----\n"
	doc := "package main\n\nconst key = `" + key + "`\n\nvar token = \"ghp_16C7e42F292c6912E7710c838347Ae178B4a\"\n"
	lines := strings.SplitAfter(doc, "\n")
	// Every window that starts after the BEGIN line.
	begin := strings.Index(doc, "MIIE")
	for start := begin; start < len(doc); start++ {
		for _, end := range []int{start + 1, start + 30, len(doc)} {
			end = min(end, len(doc))
			w := Window(doc, start, end)
			for _, s := range []string{"MIIEowIBAAKCAQEA", "Vy1Xi4Ow6Pl2", "Qz8Wx2", "ghp_16C7e42F", "7Ae178B4a"} {
				if strings.Contains(w, s) {
					t.Fatalf("Window(%d, %d) = %q keeps %q", start, end, w, s)
				}
			}
			if strings.Count(w, "\n") != strings.Count(doc[start:end], "\n") {
				t.Fatalf("Window(%d, %d) = %q changed the line count", start, end, w)
			}
		}
	}
	// The cursor in the middle of a token.
	cur := strings.Index(doc, "92c6912")
	prefix, suffix := Window(doc, 0, cur), Window(doc, cur, len(doc))
	if strings.Contains(prefix, "ghp_16C7") || strings.Contains(suffix, "92c6912E") {
		t.Errorf("a token split by the cursor leaks:\nprefix %q\nsuffix %q", prefix, suffix)
	}
	if !strings.HasSuffix(prefix, "var token = \""+Placeholder) || !strings.HasPrefix(suffix, Placeholder+"\"\n") {
		t.Errorf("the split token is not replaced in place:\nprefix %q\nsuffix %q", prefix, suffix)
	}
	// Clean text comes back as it is.
	if w := Window(doc, 0, len(lines[0])); w != lines[0] {
		t.Errorf("Window of a clean line = %q", w)
	}
}

func TestMask(t *testing.T) {
	src := []byte("a := 1\npassword := \"hunter2-horse\"\nb := 2\n")
	got := Mask(src)
	if len(got) != len(src) || strings.Contains(string(got), "hunter2") {
		t.Fatalf("Mask = %q", got)
	}
	if string(got) != "a := 1\npassword := \"             \"\nb := 2\n" {
		t.Errorf("Mask = %q", got)
	}
	clean := []byte("x := 1\n")
	if g := Mask(clean); &g[0] != &clean[0] {
		t.Errorf("Mask copied a clean text")
	}
}

// BenchmarkFindPackage finds the secrets of a whole package of ordinary
// code, as the index and the embedded model do for every file they learn.
func BenchmarkFindPackage(b *testing.B) {
	files, _ := filepath.Glob(filepath.Join(runtime.GOROOT(), "src", "net", "http", "*.go"))
	var src []byte
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			b.Skip(err)
		}
		src = append(src, data...)
	}
	if len(src) == 0 {
		b.Skip("no GOROOT sources")
	}
	b.SetBytes(int64(len(src)))
	for b.Loop() {
		FindBytes(src)
	}
}

// FuzzWindow checks that redaction never fails on any text and window, and
// keeps the window's lines.
func FuzzWindow(f *testing.F) {
	f.Add("password := \"hunter2-horse\"\n-----BEGIN RSA PRIVATE KEY-----\nMIIE\n", 3, 40)
	f.Add("postgres://u:p4ss@h/db token is 7f3c9a1e5b2d8f4a6c0e", 0, 100)
	f.Fuzz(func(t *testing.T, doc string, start, end int) {
		w := Window(doc, start, end)
		start, end = max(0, min(start, len(doc))), max(0, min(end, len(doc)))
		if start < end && strings.Count(w, "\n") != strings.Count(doc[start:end], "\n") {
			t.Errorf("Window(%q, %d, %d) = %q changed the line count", doc, start, end, w)
		}
		if s := String(doc); strings.Count(s, "\n") != strings.Count(doc, "\n") {
			t.Errorf("String(%q) = %q changed the line count", doc, s)
		}
		Mask([]byte(doc))
	})
}
