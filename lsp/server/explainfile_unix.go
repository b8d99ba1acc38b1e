//go:build unix

package server

import "syscall"

// oNoFollow makes open fail on a symlink.
const oNoFollow = syscall.O_NOFOLLOW
