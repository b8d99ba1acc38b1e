package syntax

/*
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

// Declarations of the tree-sitter library (api.h of v0.25) that the binding
// compiles in; the binding's headers are not on this package's path.
typedef struct TSTree TSTree;
typedef struct { uint32_t context[4]; const void *id; const TSTree *tree; } TSNode;
typedef struct { const void *tree; const void *id; uint32_t context[3]; } TSTreeCursor;

void ts_set_allocator(void *(*new_malloc)(size_t), void *(*new_calloc)(size_t, size_t),
	void *(*new_realloc)(void *, size_t), void (*new_free)(void *));
uint16_t ts_node_symbol(TSNode);
uint32_t ts_node_start_byte(TSNode);
uint32_t ts_node_end_byte(TSNode);
uint32_t ts_node_child_count(TSNode);
TSTreeCursor ts_tree_cursor_new(TSNode);
void ts_tree_cursor_delete(TSTreeCursor *);
TSNode ts_tree_cursor_current_node(const TSTreeCursor *);
bool ts_tree_cursor_goto_first_child(TSTreeCursor *);
bool ts_tree_cursor_goto_next_sibling(TSTreeCursor *);
bool ts_tree_cursor_goto_parent(TSTreeCursor *);

typedef struct { uint32_t start, end; uint16_t symbol; } lode_leaf;

// lode_leaves collects the leaves of the tree under *root that overlap
// [from, to), as (*Tree).Leaves defines them, into a malloc'ed array that
// the caller frees. atomic[symbol] is 1 for kinds that are one leaf
// whatever their children.
static lode_leaf *lode_leaves(const TSNode *root, const uint8_t *atomic, uint32_t nsym,
		uint32_t from, uint32_t to, size_t *count) {
	size_t n = 0, cap = 1024;
	lode_leaf *out = malloc(cap * sizeof *out);
	TSTreeCursor c = ts_tree_cursor_new(*root);
	for (;;) {
		TSNode node = ts_tree_cursor_current_node(&c);
		uint32_t s = ts_node_start_byte(node), e = ts_node_end_byte(node);
		if (s >= to && s > from) {
			break;
		}
		if (e > from && e > s) {
			// A node is a leaf when it is atomic or has no child to go to;
			// otherwise the cursor is now on its first child.
			uint16_t sym = ts_node_symbol(node);
			if (!(sym < nsym && atomic[sym]) && ts_tree_cursor_goto_first_child(&c)) {
				continue;
			}
			if (n == cap) {
				cap *= 2;
				out = realloc(out, cap * sizeof *out);
			}
			out[n].start = s;
			out[n].end = e;
			out[n].symbol = sym;
			n++;
		}
		bool done = false;
		while (!ts_tree_cursor_goto_next_sibling(&c)) {
			if (!ts_tree_cursor_goto_parent(&c)) {
				done = true;
				break;
			}
		}
		if (done) {
			break;
		}
	}
	ts_tree_cursor_delete(&c);
	*count = n;
	return out;
}
*/
import "C"

import (
	"unsafe"

	tree_sitter "github.com/tree-sitter/go-tree-sitter"
)

// The binding routes every allocation of the tree-sitter library through
// Go callbacks (C calls Go, which calls C's malloc): a quarter of the CPU
// time of a parse went there. Going back to the library's own allocator
// (libc malloc and free, which the binding also uses to free what the
// library returns) removes that round trip. The binding's init, which
// installs the callbacks, runs before this one.
func init() {
	C.ts_set_allocator(nil, nil, nil, nil)
}

// A tree_sitter.Node is the library's TSNode and nothing else: the leaf
// walk hands it to C as such.
var _ [unsafe.Sizeof(tree_sitter.Node{}) - unsafe.Sizeof(C.TSNode{})]struct{}
var _ [unsafe.Sizeof(C.TSNode{}) - unsafe.Sizeof(tree_sitter.Node{})]struct{}

// leaves calls fn with the leaves of t that overlap [start, end), walked
// in one call into C (a walk in Go makes several calls per node), until
// fn returns false. Nothing is allocated in Go: a file's leaves, handed out
// one by one, do not become garbage.
func (t *Tree) leaves(start, end int, fn func(Leaf) bool) {
	l := t.lang
	l.kindTable()
	root := t.ts.RootNode()
	var count C.size_t
	raw := C.lode_leaves((*C.TSNode)(unsafe.Pointer(root)), (*C.uint8_t)(unsafe.Pointer(&l.atomic[0])),
		C.uint32_t(len(l.atomic)), C.uint32_t(max(0, start)), C.uint32_t(max(0, end)), &count)
	defer C.free(unsafe.Pointer(raw))
	for _, x := range unsafe.Slice(raw, int(count)) {
		k := l.kindOf(uint16(x.symbol))
		if !fn(Leaf{Kind: k.name, Class: k.class, Start: int(x.start), End: int(x.end)}) {
			return
		}
	}
}
