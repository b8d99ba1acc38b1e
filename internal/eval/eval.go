// Package eval holds lode's measurements: the harnesses of `lode eval`
// (context retrieval, the embedded model) and of `lode index` (the index
// build, its comparison with a bare parse). They read real trees and
// report figures; cmd/lode parses their flags and prints their errors.
package eval

import (
	"fmt"
	"os"
	"strings"
	"time"
)

// peakRSSMB returns the process's peak resident set in MiB, from
// /proc/self/status where there is one, else 0.
func peakRSSMB() float64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for line := range strings.Lines(string(b)) {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			var kb float64
			fmt.Sscanf(strings.TrimSpace(rest), "%f", &kb)
			return kb / 1024
		}
	}
	return 0
}

// cpuTime returns the CPU time (user and system) the process has used,
// from /proc/self/stat where there is one, else -1. On a machine shared
// with other work it measures a phase better than wall time.
func cpuTime() time.Duration {
	data, err := os.ReadFile("/proc/self/stat")
	if err != nil {
		return -1
	}
	// Fields after the command name (which may hold spaces) in parentheses:
	// utime and stime are the 12th and 13th, in clock ticks (100 a second).
	s := string(data)
	fields := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
	if len(fields) < 13 {
		return -1
	}
	var ut, st int64
	if _, err := fmt.Sscan(fields[11], &ut); err != nil {
		return -1
	}
	if _, err := fmt.Sscan(fields[12], &st); err != nil {
		return -1
	}
	return time.Duration(ut+st) * 10 * time.Millisecond
}

// cpuSince returns the CPU time used since start (from cpuTime), or -1 if
// unknown.
func cpuSince(start time.Duration) time.Duration {
	if start < 0 {
		return -1
	}
	return cpuTime() - start
}

// cpuText formats a CPU time, or "" if it is unknown (negative).
func cpuText(cpu time.Duration) string {
	if cpu < 0 {
		return ""
	}
	return fmt.Sprintf(" (cpu %v)", cpu.Round(10*time.Millisecond))
}

// quantile returns the q-quantile of d, sorted, or 0 when d is empty.
func quantile(d []time.Duration, q float64) time.Duration {
	if len(d) == 0 {
		return 0
	}
	return d[min(len(d)-1, int(q*float64(len(d))))]
}
