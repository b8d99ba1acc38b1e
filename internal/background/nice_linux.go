package background

import (
	"runtime"
	"syscall"
)

// lower runs the calling goroutine, for the rest of its life, on a thread
// of its own at nice, so that the kernel gives a request's threads the CPU
// first. The goroutine stays locked to the thread: when it ends, the
// thread ends with it, and no other goroutine ever runs at that priority.
func lower(nice int) {
	runtime.LockOSThread()
	tid := syscall.Gettid()
	// The kernel's getpriority answers 20 - nice; a thread already
	// lower (a process started with nice) stays so.
	if p, err := syscall.Getpriority(syscall.PRIO_PROCESS, tid); err == nil && 20-p < nice {
		syscall.Setpriority(syscall.PRIO_PROCESS, tid, nice)
	}
}
