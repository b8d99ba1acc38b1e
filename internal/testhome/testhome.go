// Package testhome makes the user folders of a test: an empty
// configuration folder (no user config.toml of lode's) or a home folder
// holding one.
//
// The folders it makes are where the go command keeps its telemetry, and
// lode runs the go command (the dependency surface asks it where GOROOT
// and the module cache are). With telemetry in its default local mode the
// go command leaves a detached child process that writes into the
// folder after go itself has exited, racing the test's removal of its
// temporary folders ("TempDir RemoveAll cleanup: directory not empty").
// The folders made here hold the go command's telemetry mode set to off,
// which makes it write nothing and start no child.
//
// Package testhome depends on the standard library only; only tests
// import it.
package testhome

import (
	"os"
	"path/filepath"
	"testing"
)

// ConfigDir returns a new empty user configuration folder, for
// XDG_CONFIG_HOME, removed when the test ends.
func ConfigDir(t testing.TB) string {
	t.Helper()
	dir := t.TempDir()
	TelemetryOff(t, dir)
	return dir
}

// Home returns a new home folder, for HOME, whose default configuration
// folder (~/.config) is empty but for the go command's telemetry mode;
// it is removed when the test ends.
func Home(t testing.TB) string {
	t.Helper()
	home := t.TempDir()
	TelemetryOff(t, filepath.Join(home, ".config"))
	return home
}

// TelemetryOff sets the go command's telemetry mode to off in the user
// configuration folder dir, for folders a test makes itself.
func TelemetryOff(t testing.TB, dir string) {
	t.Helper()
	tel := filepath.Join(dir, "go", "telemetry")
	if err := os.MkdirAll(tel, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(tel, "mode"), []byte("off\n"), 0o644); err != nil {
		t.Fatal(err)
	}
}
