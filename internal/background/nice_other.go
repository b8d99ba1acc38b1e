//go:build !linux

package background

// lower does nothing where threads cannot be reniced one by one.
func lower(nice int) {}
