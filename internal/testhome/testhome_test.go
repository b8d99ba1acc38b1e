package testhome

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestTelemetryOff: the go command run under the folders made here
// reports its telemetry off, and leaves nothing in them but the mode.
func TestTelemetryOff(t *testing.T) {
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("no go command")
	}
	for name, env := range map[string]func() (string, []string){
		"ConfigDir": func() (string, []string) { d := ConfigDir(t); return d, []string{"XDG_CONFIG_HOME=" + d} },
		"Home": func() (string, []string) {
			h := Home(t)
			return filepath.Join(h, ".config"), []string{"HOME=" + h, "XDG_CONFIG_HOME="}
		},
	} {
		t.Run(name, func(t *testing.T) {
			dir, vars := env()
			cmd := exec.Command("go", "env", "GOTELEMETRY")
			cmd.Env = append(os.Environ(), vars...)
			out, err := cmd.Output()
			if err != nil {
				t.Fatal(err)
			}
			if got := strings.TrimSpace(string(out)); got != "off" {
				t.Errorf("GOTELEMETRY = %q, want off", got)
			}
			entries, err := os.ReadDir(filepath.Join(dir, "go", "telemetry"))
			if err != nil {
				t.Fatal(err)
			}
			if len(entries) != 1 || entries[0].Name() != "mode" {
				t.Errorf("the telemetry folder holds %v, want the mode alone", entries)
			}
		})
	}
}
