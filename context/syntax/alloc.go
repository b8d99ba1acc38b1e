package syntax

/*
#include <stddef.h>

// Defined by the tree-sitter library that the binding compiles in.
void ts_set_allocator(void *(*new_malloc)(size_t), void *(*new_calloc)(size_t, size_t),
	void *(*new_realloc)(void *, size_t), void (*new_free)(void *));
*/
import "C"

// The binding routes every allocation of the tree-sitter library through
// Go callbacks (C calls Go, which calls C's malloc): a quarter of the CPU
// time of a parse went there. Going back to the library's own allocator
// (libc malloc and free, which the binding also uses to free what the
// library returns) removes that round trip. The binding's init, which
// installs the callbacks, runs before this one.
func init() {
	C.ts_set_allocator(nil, nil, nil, nil)
}
