package wire

import "testing"

func TestBaseURL(t *testing.T) {
	tests := []struct {
		raw, fallback, want string
		bad                 bool
	}{
		{raw: "", fallback: "http://localhost:11434", want: "http://localhost:11434"},
		{raw: "https://api.example.com/v1/", want: "https://api.example.com/v1"},
		{raw: "http://127.0.0.1:8080//", want: "http://127.0.0.1:8080"},
		{raw: "localhost:11434", bad: true},
		{raw: "ftp://example.com", bad: true},
	}
	for _, tc := range tests {
		got, err := BaseURL(tc.raw, tc.fallback)
		if (err != nil) != tc.bad || got != tc.want {
			t.Errorf("BaseURL(%q, %q) = %q, %v; want %q (error: %v)", tc.raw, tc.fallback, got, err, tc.want, tc.bad)
		}
	}
}
