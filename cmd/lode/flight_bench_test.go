package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime/pprof"
	"runtime/trace"
	"strings"
	"sync"
	"testing"
	"time"
)

// slowTraces returns a function that writes the last seconds of the
// process's execution trace to LODE_BENCH_TRACES (a folder) when a
// request took over LODE_BENCH_SLOW (a duration, default 50ms), at most
// 8 times (only requests of kind LODE_BENCH_KIND, "first" or "edit", when
// set), with CPU samples: how the tail of a benchmark is diagnosed (go
// tool trace, or its -pprof=sched on the file). Unset, it does nothing.
func slowTraces(b *testing.B) func(kind string, d time.Duration) {
	dir := os.Getenv("LODE_BENCH_TRACES")
	if dir == "" {
		return func(string, time.Duration) {}
	}
	slow := 50 * time.Millisecond
	if v, err := time.ParseDuration(os.Getenv("LODE_BENCH_SLOW")); err == nil {
		slow = v
	}
	fr := trace.NewFlightRecorder(trace.FlightRecorderConfig{MinAge: 2 * time.Second})
	if err := fr.Start(); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(fr.Stop)
	// With the CPU profiler on, the trace holds its samples (the profile
	// itself is not kept).
	if err := pprof.StartCPUProfile(io.Discard); err == nil {
		b.Cleanup(pprof.StopCPUProfile)
	}
	only := os.Getenv("LODE_BENCH_KIND") // "": every kind
	var mu sync.Mutex                    // it may be called from several goroutines
	n := 0
	return func(kind string, d time.Duration) {
		mu.Lock()
		defer mu.Unlock()
		if d < slow || n >= 8 || (only != "" && kind != only) {
			return
		}
		n++
		name := strings.ReplaceAll(b.Name(), "/", "_")
		f, err := os.Create(filepath.Join(dir, fmt.Sprintf("%s-%s-%d-%dms.trace", name, kind, n, d.Milliseconds())))
		if err != nil {
			b.Error(err)
			return
		}
		defer f.Close()
		if _, err := fr.WriteTo(f); err != nil {
			b.Log(err)
		}
	}
}
