package nextedit

import "testing"

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
