package nextedit

import (
	"context"
	"testing"
)

// TestMethodRenamed: a method renamed at its declaration is renamed at its
// calls on values in the file (self.load, this.load, a.load); a local
// variable renamed leaves a field of the same name alone.
func TestMethodRenamed(t *testing.T) {
	tests := []struct{ name, path, before, after, want string }{
		{
			name:   "Python method",
			path:   "a.py",
			before: "class A:\n    def load(self, x):\n        return x\n\n    def run(self):\n        return self.load(1)\n\n\ndef g(a):\n    return a.load(2)\n",
			after:  "class A:\n    def read(self, x):\n        return x\n\n    def run(self):\n        return self.load(1)\n\n\ndef g(a):\n    return a.load(2)\n",
			want:   "class A:\n    def read(self, x):\n        return x\n\n    def run(self):\n        return self.read(1)\n\n\ndef g(a):\n    return a.read(2)\n",
		},
		{
			name:   "Go method",
			path:   "a.go",
			before: "package a\n\nfunc (a *A) load(x int) int { return x }\n\nfunc (a *A) run() int { return a.load(1) }\n",
			after:  "package a\n\nfunc (a *A) read(x int) int { return x }\n\nfunc (a *A) run() int { return a.load(1) }\n",
			want:   "package a\n\nfunc (a *A) read(x int) int { return x }\n\nfunc (a *A) run() int { return a.read(1) }\n",
		},
		{
			name:   "JavaScript class method",
			path:   "a.js",
			before: "class A {\n  load(x) { return x }\n  run() { return this.load(1) }\n}\n",
			after:  "class A {\n  read(x) { return x }\n  run() { return this.load(1) }\n}\n",
			want:   "class A {\n  read(x) { return x }\n  run() { return this.read(1) }\n}\n",
		},
		{
			name:   "a Python function is no method",
			path:   "a.py",
			before: "def load(x):\n    return x\n\n\ndef g(a):\n    return a.load(load(2))\n",
			after:  "def read(x):\n    return x\n\n\ndef g(a):\n    return a.load(load(2))\n",
			want:   "def read(x):\n    return x\n\n\ndef g(a):\n    return a.load(read(2))\n",
		},
		{
			name:   "a Go function is no method",
			path:   "a.go",
			before: "package a\n\nfunc load(x int) int { return x }\n\nfunc run(a *A) int { return a.load(load(1)) }\n",
			after:  "package a\n\nfunc read(x int) int { return x }\n\nfunc run(a *A) int { return a.load(load(1)) }\n",
			want:   "package a\n\nfunc read(x int) int { return x }\n\nfunc run(a *A) int { return a.load(read(1)) }\n",
		},
		{
			name:   "a JavaScript call that opens its line is no method",
			path:   "a.js",
			before: "function load(x) { return x }\nfunction f(a) {\n  load(a.load)\n}\n",
			after:  "function read(x) { return x }\nfunction f(a) {\n  load(a.load)\n}\n",
			want:   "function read(x) { return x }\nfunction f(a) {\n  read(a.load)\n}\n",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, c := predict(t, tc.path, tc.before, tc.after)
			if c == nil || c.Kind != KindRename {
				t.Fatalf("change %v, want a rename", c)
			}
			if got != tc.want {
				t.Errorf("after the predicted edits:\n%s\nwant:\n%s", got, tc.want)
			}
		})
	}
}

// TestMemberRenamed: a field or property renamed where its type declares
// it is renamed where its values name it (and at a Go literal's keys), not
// at a variable or parameter of the same name.
func TestMemberRenamed(t *testing.T) {
	tests := []struct{ name, path, before, after, want string }{
		{
			name:   "Go struct field",
			path:   "a.go",
			before: "package a\n\ntype T struct {\n\tcount int\n}\n\nfunc (t *T) inc() { t.count++; x := T{count: 1}; count := 2; _ = count }\n",
			after:  "package a\n\ntype T struct {\n\ttotal int\n}\n\nfunc (t *T) inc() { t.count++; x := T{count: 1}; count := 2; _ = count }\n",
			want:   "package a\n\ntype T struct {\n\ttotal int\n}\n\nfunc (t *T) inc() { t.total++; x := T{total: 1}; count := 2; _ = count }\n",
		},
		{
			name:   "TypeScript interface property",
			path:   "a.ts",
			before: "interface A {\n  count: number;\n}\nfunction f(a: A, count) { return a.count + count }\n",
			after:  "interface A {\n  total: number;\n}\nfunction f(a: A, count) { return a.count + count }\n",
			want:   "interface A {\n  total: number;\n}\nfunction f(a: A, count) { return a.total + count }\n",
		},
		{
			name:   "TypeScript class property",
			path:   "a.ts",
			before: "export class A {\n  private count = 0;\n  inc() { this.count++; return this.count }\n}\n",
			after:  "export class A {\n  private total = 0;\n  inc() { this.count++; return this.count }\n}\n",
			want:   "export class A {\n  private total = 0;\n  inc() { this.total++; return this.total }\n}\n",
		},
		{
			name:   "Python class attribute",
			path:   "a.py",
			before: "@dataclass\nclass A:\n    count: int = 0\n\n    def inc(self, count):\n        self.count += count\n",
			after:  "@dataclass\nclass A:\n    total: int = 0\n\n    def inc(self, count):\n        self.count += count\n",
			want:   "@dataclass\nclass A:\n    total: int = 0\n\n    def inc(self, count):\n        self.total += count\n",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, c := predict(t, tc.path, tc.before, tc.after)
			if c == nil || c.Kind != KindRename || c.Pending {
				t.Fatalf("change %v, want a rename that needs no other file", c)
			}
			if got != tc.want {
				t.Errorf("after the predicted edits:\n%s\nwant:\n%s", got, tc.want)
			}
		})
	}
}

// TestBoundRenamed: a name an import or a with clause binds, changed, is
// a pending rename (the other files may confirm it), and otherwise the
// file's uses switch with it.
func TestBoundRenamed(t *testing.T) {
	tests := []struct {
		name, path, before, after, want string
		local                           bool // a local of a function: no other file to confirm
	}{
		{
			name:   "JavaScript import",
			path:   "a.js",
			before: "import { parse } from './p';\n\nexport function f(x) {\n  return parse(x);\n}\n",
			after:  "import { parseUrl } from './p';\n\nexport function f(x) {\n  return parse(x);\n}\n",
			want:   "import { parseUrl } from './p';\n\nexport function f(x) {\n  return parseUrl(x);\n}\n",
		},
		{
			name:   "Python from import",
			path:   "a.py",
			before: "from .p import load, parse\n\n\ndef f(x):\n    return parse(x)\n",
			after:  "from .p import load, parse_url\n\n\ndef f(x):\n    return parse(x)\n",
			want:   "from .p import load, parse_url\n\n\ndef f(x):\n    return parse_url(x)\n",
		},
		{
			name:   "Python with clause in a function",
			path:   "a.py",
			before: "def load(p):\n    with open(p) as fh:\n        return fh.read()\n\n\ndef g(fh):\n    return fh\n",
			after:  "def load(p):\n    with open(p) as f:\n        return fh.read()\n\n\ndef g(fh):\n    return fh\n",
			want:   "def load(p):\n    with open(p) as f:\n        return f.read()\n\n\ndef g(fh):\n    return fh\n",
			local:  true,
		},
		{
			name:   "Python with clause",
			path:   "a.py",
			before: "with open(p) as fh:\n    data = fh.read()\n",
			after:  "with open(p) as f:\n    data = fh.read()\n",
			want:   "with open(p) as f:\n    data = f.read()\n",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, oe, ne := diffBounds(tc.before, tc.after)
			c := Infer(context.Background(), tc.path, "", tc.before, tc.after, Hunk{Path: tc.path, Start: s, Old: tc.before[s:oe], New: tc.after[s:ne]})
			if tc.local {
				if c == nil || c.Pending || c.Kind != KindRename {
					t.Fatalf("change %v, want a rename in the function", c)
				}
				if got := apply(tc.after, c.Sites(tc.path, tc.after, c.Scope, Span{s, ne}, true)); got != tc.want {
					t.Errorf("after the predicted edits:\n%s\nwant:\n%s", got, tc.want)
				}
				return
			}
			if c == nil || !c.Pending || c.Otherwise == nil || c.Otherwise.Kind != KindRename {
				t.Fatalf("change %v, want a pending rename with a rename in the file otherwise", c)
			}
			if o := c.Otherwise; o.Exported || o.Elsewhere(0) {
				t.Error("otherwise: other files proposed")
			}
			if got := apply(tc.after, c.Otherwise.Sites(tc.path, tc.after, c.Otherwise.Scope, Span{s, ne}, true)); got != tc.want {
				t.Errorf("after the predicted edits:\n%s\nwant:\n%s", got, tc.want)
			}
		})
	}
	// A module imported by its name and switched is another module.
	if src := "import platform\n"; boundAt("a.py", lex(src, commentsOf("a.py")), 1) {
		t.Error("boundAt: a module imported by its name")
	}
	if src := "import numpy as np\n"; !boundAt("a.py", lex(src, commentsOf("a.py")), 3) {
		t.Error("boundAt: a module's alias, want true")
	}
	// A call's arguments bind nothing, nor does an except clause (a
	// function may hold many, each its own).
	if src := "try:\n    f()\nexcept ValueError as e:\n    g(e)\n"; boundAt("a.py", lex(src, commentsOf("a.py")), 9) {
		t.Error("boundAt: an except clause")
	}
	if boundAt("a.js", lex("f(a, b);\n", commentsOf("a.js")), 4) {
		t.Error("boundAt: an argument of a call")
	}
}

// TestSignatureParam: a parameter of a method an interface declares,
// renamed, is renamed in the interface's other methods, nowhere else (a
// field or another function's parameter of the same name stays).
func TestSignatureParam(t *testing.T) {
	tests := []struct{ name, path, before, after, want string }{
		{
			name:   "Go interface",
			path:   "a.go",
			before: "package a\n\ntype Router interface {\n\tGet(pattern string, handler Handler)\n\tPost(pattern string, handler Handler)\n}\n\ntype Mux struct {\n\thandler Handler\n}\n\nfunc (m *Mux) Get(pattern string, handler Handler) { m.handler = handler }\n",
			after:  "package a\n\ntype Router interface {\n\tGet(pattern string, h Handler)\n\tPost(pattern string, handler Handler)\n}\n\ntype Mux struct {\n\thandler Handler\n}\n\nfunc (m *Mux) Get(pattern string, handler Handler) { m.handler = handler }\n",
			want:   "package a\n\ntype Router interface {\n\tGet(pattern string, h Handler)\n\tPost(pattern string, h Handler)\n}\n\ntype Mux struct {\n\thandler Handler\n}\n\nfunc (m *Mux) Get(pattern string, handler Handler) { m.handler = handler }\n",
		},
		{
			name:   "TypeScript interface",
			path:   "a.ts",
			before: "interface Client {\n  get(url: string, options?: Options): Promise<R>;\n  post(url: string, options?: Options): Promise<R>;\n}\nfunction get(url: string) { return fetch(url); }\n",
			after:  "interface Client {\n  get(input: string, options?: Options): Promise<R>;\n  post(url: string, options?: Options): Promise<R>;\n}\nfunction get(url: string) { return fetch(url); }\n",
			want:   "interface Client {\n  get(input: string, options?: Options): Promise<R>;\n  post(input: string, options?: Options): Promise<R>;\n}\nfunction get(url: string) { return fetch(url); }\n",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, c := predict(t, tc.path, tc.before, tc.after)
			if c == nil || c.Kind != KindRename || c.Pending || c.Exported {
				t.Fatalf("change %v, want a rename in the interface", c)
			}
			if got != tc.want {
				t.Errorf("after the predicted edits:\n%s\nwant:\n%s", got, tc.want)
			}
		})
	}
}
