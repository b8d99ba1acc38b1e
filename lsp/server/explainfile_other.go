//go:build !unix

package server

// oNoFollow is 0 where open has no such flag; O_EXCL alone never follows a
// symlink.
const oNoFollow = 0
