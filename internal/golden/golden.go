// Package golden compares what a test got with the sections of a golden
// file in txtar format, and rewrites those sections when the test binary
// runs with -update. Only tests import it.
package golden

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/tools/txtar"
)

var update = flag.Bool("update", false, "rewrite the golden files' sections with what the tests got")

// Run runs test on each golden file that pattern matches (a filepath.Glob
// pattern, such as "testdata/*.txtar"), parsed, as a subtest named by the
// file without its extension. Matching no file at all fails t: a moved
// testdata folder must not pass unnoticed.
func Run(t *testing.T, pattern string, test func(t *testing.T, file string, ar *txtar.Archive)) {
	t.Helper()
	files, err := filepath.Glob(pattern)
	if err != nil || len(files) == 0 {
		t.Fatalf("no golden files match %s: %v", pattern, err)
	}
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".txtar"), func(t *testing.T) {
			ar, err := txtar.ParseFile(file)
			if err != nil {
				t.Fatal(err)
			}
			test(t, file, ar)
		})
	}
}

// Settings returns the "key: value" lines of ar's comment, trimmed.
func Settings(ar *txtar.Archive) map[string]string {
	settings := map[string]string{}
	for _, line := range strings.Split(string(ar.Comment), "\n") {
		if k, v, ok := strings.Cut(line, ":"); ok {
			settings[strings.TrimSpace(k)] = strings.TrimSpace(v)
		}
	}
	return settings
}

// Section returns the text of ar's file named name, or "".
func Section(ar *txtar.Archive, name string) string {
	for _, f := range ar.Files {
		if f.Name == name {
			return string(f.Data)
		}
	}
	return ""
}

// Check reports, for each name in sections, how got[name] differs from
// the section of ar (read from file). With -update it rewrites those
// sections of file instead (in place, a missing one at the end), keeping
// the others.
func Check(t testing.TB, file string, ar *txtar.Archive, got map[string]string, sections ...string) {
	t.Helper()
	if *update {
		write(t, file, ar, got, sections)
		return
	}
	for _, name := range sections {
		if diff := cmp.Diff(Section(ar, name), got[name]); diff != "" {
			t.Errorf("%s: %s differs (-golden +got):\n%s", file, name, diff)
		}
	}
}

func write(t testing.TB, file string, ar *txtar.Archive, got map[string]string, sections []string) {
	for _, name := range sections {
		found := false
		for i := range ar.Files {
			if ar.Files[i].Name == name {
				ar.Files[i].Data, found = []byte(got[name]), true
			}
		}
		if !found {
			ar.Files = append(ar.Files, txtar.File{Name: name, Data: []byte(got[name])})
		}
	}
	data := txtar.Format(ar)
	if old, err := os.ReadFile(file); err == nil && bytes.Equal(old, data) {
		return
	}
	if err := os.WriteFile(file, data, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("updated %s", file)
}
