package redact

import (
	"bytes"
	"errors"
	"log/slog"
	"strings"
	"testing"
)

const logToken = "ghp_16C7e42F292c6912E7710c838347Ae178B4a"

func TestHandler(t *testing.T) {
	var buf bytes.Buffer
	log := slog.New(Handler(slog.NewTextHandler(&buf, nil))).With("base", "postgres://app:Pg-s3cret-9@db/app")
	log.Info("sending token "+logToken,
		"prompt", "password = \"hunter2-horse-7\"",
		"err", errors.New("model said: "+logToken),
		slog.Group("req", "header", "Authorization: Bearer abcdef0123456789abcdef"),
		"n", 3)
	out := buf.String()
	for _, s := range []string{logToken, "hunter2-horse-7", "Pg-s3cret-9", "abcdef0123456789abcdef"} {
		if strings.Contains(out, s) {
			t.Errorf("the log holds %q:\n%s", s, out)
		}
	}
	if !strings.Contains(out, "n=3") || !strings.Contains(out, Placeholder) {
		t.Errorf("the log lost its other attributes or placeholders:\n%s", out)
	}
}

func TestWriter(t *testing.T) {
	var buf bytes.Buffer
	w := NewWriter(&buf)
	for _, part := range []string{"base_url  \"https://user:", "S3cret-pw-42@host/v1\"\nmodel  x\n", "headers  [\"Authorization: Bearer ", "abcdef0123456789abcdef\"]"} {
		if _, err := w.Write([]byte(part)); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	if strings.Contains(out, "S3cret-pw-42") || strings.Contains(out, "abcdef0123456789abcdef") {
		t.Errorf("the output holds a secret:\n%s", out)
	}
	if !strings.Contains(out, "model  x\n") || strings.Count(out, "\n") != 2 {
		t.Errorf("the output lost text:\n%s", out)
	}
}
