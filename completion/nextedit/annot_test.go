package nextedit

import "testing"

// TestSameAnnotation: a type changed in the annotation of a parameter,
// a variable or a field repeats at the annotations of the same name, not
// at every annotation that spells the type.
func TestSameAnnotation(t *testing.T) {
	tests := []struct {
		name, path, before, after, want string
	}{
		{
			name:   "Python parameter",
			path:   "app.py",
			before: "class A:\n    def add(self, rule: str, view_func: t.Optional[t.Callable] = None):\n        pass\n\n    def route(self, view_func: t.Optional[t.Callable] = None):\n        pass\n\n    def ensure(self, func: t.Callable) -> t.Callable:\n        return func\n",
			after:  "class A:\n    def add(self, rule: str, view_func: t.Optional[ft.ViewCallable] = None):\n        pass\n\n    def route(self, view_func: t.Optional[t.Callable] = None):\n        pass\n\n    def ensure(self, func: t.Callable) -> t.Callable:\n        return func\n",
			want:   "class A:\n    def add(self, rule: str, view_func: t.Optional[ft.ViewCallable] = None):\n        pass\n\n    def route(self, view_func: t.Optional[ft.ViewCallable] = None):\n        pass\n\n    def ensure(self, func: t.Callable) -> t.Callable:\n        return func\n",
		},
		{
			name:   "Python class variable, a typing member switched",
			path:   "views.py",
			before: "class View:\n    decorators: t.ClassVar[t.List[t.Callable]] = []\n\n\nclass Other:\n    decorators: t.ClassVar[t.List[t.Callable]] = []\n    names: t.List[str] = []\n\n\ndef f(x: t.List[str]) -> t.List[str]:\n    return x\n",
			after:  "class View:\n    decorators: t.ClassVar[t.Collection[t.Callable]] = []\n\n\nclass Other:\n    decorators: t.ClassVar[t.List[t.Callable]] = []\n    names: t.List[str] = []\n\n\ndef f(x: t.List[str]) -> t.List[str]:\n    return x\n",
			want:   "class View:\n    decorators: t.ClassVar[t.Collection[t.Callable]] = []\n\n\nclass Other:\n    decorators: t.ClassVar[t.Collection[t.Callable]] = []\n    names: t.List[str] = []\n\n\ndef f(x: t.List[str]) -> t.List[str]:\n    return x\n",
		},
		{
			name:   "TypeScript optional parameter",
			path:   "index.ts",
			before: "export function a(url: Input, options?: axios.Options): void {}\nexport function b(options?: axios.Options): void {}\nexport function c(defaults: axios.Options): void {}\n",
			after:  "export function a(url: Input, options?: axios.RawOptions): void {}\nexport function b(options?: axios.Options): void {}\nexport function c(defaults: axios.Options): void {}\n",
			want:   "export function a(url: Input, options?: axios.RawOptions): void {}\nexport function b(options?: axios.RawOptions): void {}\nexport function c(defaults: axios.Options): void {}\n",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, c := predict(t, tc.path, tc.before, tc.after)
			if c != nil && c.Pending && c.Otherwise != nil {
				s, _, ne := diffBounds(tc.before, tc.after)
				c = c.Otherwise
				got = apply(tc.after, c.Sites(tc.path, tc.after, c.Scope, Span{s, ne}, true))
			}
			if c == nil {
				t.Fatal("no change inferred")
			}
			if got != tc.want {
				t.Errorf("after the predicted edits:\n%s\nwant:\n%s", got, tc.want)
			}
		})
	}
}

// TestAnnotatedName: the name an annotation belongs to, and colons that
// annotate nothing.
func TestAnnotatedName(t *testing.T) {
	tests := []struct{ path, src, at, want string }{
		{"a.py", "def f(self, x: t.Dict[str, Target]): pass\n", "Target", "x"},
		{"a.py", "    self.handlers: t.List[Handler] = []\n", "Handler", "handlers"},
		{"a.py", "f(lambda x: Target)\n", "Target", ""},
		{"a.py", "if x: Target()\n", "Target", ""},
		{"a.py", "d = {x: Target}\n", "Target", ""},
		{"a.py", "def f(x) -> Target: pass\n", "Target", ""},
		{"a.py", "def f(x: int = Target): pass\n", "Target", ""},
		{"a.ts", "function f(config?: axios.Config<D>): void {}\n", "Config", "config"},
		{"a.js", "function f(config) { return {config: Target} }\n", "Target", ""},
		{"a.py", "handlers: t.List[Handler] = []\n", "Handler", "handlers"}, // the file's first token
		{"a.ts", "?: Target\n", "Target", ""},                               // no name before the colon
		{"a.ts", ": Target\n", "Target", ""},
	}
	for _, tc := range tests {
		toks := lex(tc.src, commentsOf(tc.path))
		k := 0
		for k < len(toks) && toks[k].text != tc.at {
			k++
		}
		if got := annotatedName(tc.path, tc.src, toks, k); got != tc.want {
			t.Errorf("annotatedName(%q at %s) = %q, want %q", tc.src, tc.at, got, tc.want)
		}
	}
}

// TestSignatureTypeIsNoParameter: a type named in a function's header
// (a Go parameter's type, a TypeScript or Python annotation) is no
// parameter of the function: renamed there, it is renamed beyond the
// function; a parameter renamed stays in it.
func TestSignatureTypeIsNoParameter(t *testing.T) {
	tests := []struct{ name, path, before, after, want string }{
		{
			name:   "Go parameter's type",
			path:   "a.go",
			before: "package a\n\ntype Handler func()\n\nfunc f(h Handler) { use(h) }\n\nfunc g() Handler { return nil }\n",
			after:  "package a\n\ntype Handler func()\n\nfunc f(h Router) { use(h) }\n\nfunc g() Handler { return nil }\n",
			want:   "package a\n\ntype Router func()\n\nfunc f(h Router) { use(h) }\n\nfunc g() Router { return nil }\n",
		},
		{
			name:   "TypeScript annotation",
			path:   "a.ts",
			before: "type Opts = {};\nfunction f(o?: Opts): void {}\nfunction g(o: Opts): void {}\n",
			after:  "type Opts = {};\nfunction f(o?: Options): void {}\nfunction g(o: Opts): void {}\n",
			want:   "type Options = {};\nfunction f(o?: Options): void {}\nfunction g(o: Options): void {}\n",
		},
		{
			name:   "Python parameter",
			path:   "a.py",
			before: "def f(n: Count):\n    return n\n\n\ndef g(n):\n    return n\n",
			after:  "def f(k: Count):\n    return n\n\n\ndef g(n):\n    return n\n",
			want:   "def f(k: Count):\n    return k\n\n\ndef g(n):\n    return n\n",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got, c := predict(t, tc.path, tc.before, tc.after); got != tc.want {
				t.Errorf("after the predicted edits (%+v):\n%s\nwant:\n%s", c, got, tc.want)
			}
		})
	}
}
