package ngram

import (
	"syscall"
	"time"
)

// threadCPU returns the CPU time of the calling OS thread (the caller locks
// it), so that request latencies can be read apart from the waiting a
// loaded machine adds.
func threadCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(1 /* RUSAGE_THREAD */, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
