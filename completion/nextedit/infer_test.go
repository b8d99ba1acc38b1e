package nextedit

import (
	"context"
	"sort"
	"strings"
	"testing"
)

// apply applies edits (in one text) to src.
func apply(src string, edits []Edit) string {
	sort.Slice(edits, func(i, j int) bool { return edits[i].Start > edits[j].Start })
	for _, e := range edits {
		src = src[:e.Start] + e.NewText + src[e.End:]
	}
	return src
}

// predict infers the change from before to after and applies its sites.
func predict(t *testing.T, path, before, after string) (string, *Change) {
	t.Helper()
	s, oe, ne := diffBounds(before, after)
	h := Hunk{Path: path, Start: s, Old: before[s:oe], New: after[s:ne]}
	c := Infer(context.Background(), path, "", before, after, h)
	if c == nil || c.Pending {
		return after, c // a pending change waits for other files to confirm it
	}
	return apply(after, c.Sites(path, after, c.Scope, Span{s, ne}, true)), c
}

func TestInfer(t *testing.T) {
	tests := []struct {
		name, path, before, after, want, kind string
		exported                              bool // other files may use the name
		pending                               bool // other files must confirm the change
		pkg                                   bool // only the files of the package
	}{
		{
			name:   "parameter renamed at its declaration",
			path:   "a.go",
			before: "package a\n\nfunc f(n int) int {\n\tx := n + 1\n\treturn n * x\n}\n\nfunc g(n int) int { return n }\n",
			after:  "package a\n\nfunc f(count int) int {\n\tx := n + 1\n\treturn n * x\n}\n\nfunc g(n int) int { return n }\n",
			want:   "package a\n\nfunc f(count int) int {\n\tx := count + 1\n\treturn count * x\n}\n\nfunc g(n int) int { return n }\n",
			kind:   KindRename,
		},
		{
			name:   "local renamed at one use",
			path:   "a.go",
			before: "package a\n\nfunc f() {\n\terr := g()\n\tif err != nil {\n\t\tpanic(err)\n\t}\n}\n\nfunc h() { err := g(); _ = err }\n",
			after:  "package a\n\nfunc f() {\n\tfail := g()\n\tif err != nil {\n\t\tpanic(err)\n\t}\n}\n\nfunc h() { err := g(); _ = err }\n",
			want:   "package a\n\nfunc f() {\n\tfail := g()\n\tif fail != nil {\n\t\tpanic(fail)\n\t}\n}\n\nfunc h() { err := g(); _ = err }\n",
			kind:   KindRename,
		},
		{
			// A Python local is declared by its assignment: the rename
			// stays in its function, where the new name is free though
			// another function uses it.
			name:   "Python local renamed at its assignment",
			path:   "a.py",
			before: "def f(env):\n    raw_value = env.get('A')\n    if raw_value:\n        return raw_value\n\n\ndef g(env):\n    raw_value = env.get('B')\n    rv = raw_value\n    return rv\n",
			after:  "def f(env):\n    rv = env.get('A')\n    if raw_value:\n        return raw_value\n\n\ndef g(env):\n    raw_value = env.get('B')\n    rv = raw_value\n    return rv\n",
			want:   "def f(env):\n    rv = env.get('A')\n    if rv:\n        return rv\n\n\ndef g(env):\n    raw_value = env.get('B')\n    rv = raw_value\n    return rv\n",
			kind:   KindRename,
		},
		{
			name:   "Python local renamed: another function's local of the same name stays",
			path:   "a.py",
			before: "def f():\n    value = 1\n    return value\n\n\ndef g():\n    value = 2\n    return value\n",
			after:  "def f():\n    v = 1\n    return value\n\n\ndef g():\n    value = 2\n    return value\n",
			want:   "def f():\n    v = 1\n    return v\n\n\ndef g():\n    value = 2\n    return value\n",
			kind:   KindRename,
		},
		{
			name:   "local renamed after a field it reads",
			path:   "a.js",
			before: "export function f(options) {\n  const t = options.timeout;\n  return wait(t, options.timeout);\n}\n",
			after:  "export function f(options) {\n  const timeout = options.timeout;\n  return wait(t, options.timeout);\n}\n",
			want:   "export function f(options) {\n  const timeout = options.timeout;\n  return wait(timeout, options.timeout);\n}\n",
			kind:   KindRename,
		},
		{
			name:   "Go local renamed after a field it reads",
			path:   "a.go",
			before: "package a\n\nfunc f(o *Opts) int {\n\tn := o.total\n\treturn n + o.total\n}\n",
			after:  "package a\n\nfunc f(o *Opts) int {\n\ttotal := o.total\n\treturn n + o.total\n}\n",
			want:   "package a\n\nfunc f(o *Opts) int {\n\ttotal := o.total\n\treturn total + o.total\n}\n",
			kind:   KindRename,
		},
		{
			name:   "Go variable of a var group renamed at its declaration",
			path:   "a_test.go",
			before: "package a\n\nvar (\n\tbothSetError = errors.New(\"both\")\n\tother = 1\n)\n\nfunc TestA(t *testing.T) {\n\tcheck(t, bothSetError)\n}\n",
			after:  "package a\n\nvar (\n\terrBothSet = errors.New(\"both\")\n\tother = 1\n)\n\nfunc TestA(t *testing.T) {\n\tcheck(t, bothSetError)\n}\n",
			want:   "package a\n\nvar (\n\terrBothSet = errors.New(\"both\")\n\tother = 1\n)\n\nfunc TestA(t *testing.T) {\n\tcheck(t, errBothSet)\n}\n",
			kind:   KindRename, exported: true,
		},
		{
			name:   "a use switched to a name in use is no rename",
			path:   "a.go",
			before: "package a\n\nfunc f(a, b int) int {\n\tx := a\n\treturn a + b + x\n}\n",
			after:  "package a\n\nfunc f(a, b int) int {\n\tx := b\n\treturn a + b + x\n}\n",
			want:   "package a\n\nfunc f(a, b int) int {\n\tx := b\n\treturn a + b + x\n}\n",
		},
		{
			name:   "function renamed across the file, not in strings or comments",
			path:   "a.py",
			before: "def load(p):\n    return p\n\n# load it\nx = load(1)\ny = load(2) + len('load')\n",
			after:  "def read(p):\n    return p\n\n# load it\nx = load(1)\ny = load(2) + len('load')\n",
			want:   "def read(p):\n    return p\n\n# load it\nx = read(1)\ny = read(2) + len('load')\n",
			kind:   KindRename, exported: true,
		},
		{
			name:   "argument added at one call",
			path:   "a.go",
			before: "package a\n\nfunc f() {\n\tsend(a, 1)\n\tsend(a, 2)\n\tsend(a, 1)\n\tsend(c)\n}\n",
			after:  "package a\n\nfunc f() {\n\tsend(a, 1, ctx)\n\tsend(a, 2)\n\tsend(a, 1)\n\tsend(c)\n}\n",
			want:   "package a\n\nfunc f() {\n\tsend(a, 1, ctx)\n\tsend(a, 2)\n\tsend(a, 1, ctx)\n\tsend(c)\n}\n",
			kind:   KindArgument, exported: true,
		},
		{
			name:   "argument changed at one call",
			path:   "a.js",
			before: "log(x, 'info');\nlog(x, 'info');\nlog(y, 'info');\nlog(x, 'warn');\n",
			after:  "log(x, 'debug');\nlog(x, 'info');\nlog(y, 'info');\nlog(x, 'warn');\n",
			want:   "log(x, 'debug');\nlog(x, 'debug');\nlog(y, 'info');\nlog(x, 'warn');\n",
			kind:   KindArgument, exported: true, // the same call in other files
		},
		{
			name:   "parameter added to a declaration",
			path:   "a.go",
			before: "package a\n\nfunc (s *S) Get(key string) int { return 0 }\n\nfunc g(s *S) {\n\ts.Get(\"a\")\n\ts.Get(k)\n}\n",
			after:  "package a\n\nfunc (s *S) Get(ctx context.Context, key string) int { return 0 }\n\nfunc g(s *S) {\n\ts.Get(\"a\")\n\ts.Get(k)\n}\n",
			want:   "package a\n\nfunc (s *S) Get(ctx context.Context, key string) int { return 0 }\n\nfunc g(s *S) {\n\ts.Get(ctx, \"a\")\n\ts.Get(ctx, k)\n}\n",
			kind:   KindParameter, exported: true,
		},
		{
			name:   "python parameter with a default needs no call change",
			path:   "a.py",
			before: "def get(key):\n    pass\n\nget('a')\n",
			after:  "def get(key, default=None):\n    pass\n\nget('a')\n",
			want:   "def get(key, default=None):\n    pass\n\nget('a')\n",
		},
		{
			// JavaScript checks no arity: a parameter added last is one
			// the callers may leave out.
			name:     "JavaScript parameter added last needs no call change",
			path:     "a.js",
			before:   "function check(ctx, value, filter) {\n  return 1;\n}\n\ncheck(this, v, m);\n",
			after:    "function check(ctx, value, filter, byName) {\n  return 1;\n}\n\ncheck(this, v, m);\n",
			want:     "function check(ctx, value, filter, byName) {\n  return 1;\n}\n\ncheck(this, v, m);\n",
			exported: true, // the repeated insertion tried next finds no site
		},
		{
			name:   "JavaScript parameter added before others shifts them",
			path:   "a.js",
			before: "function check(value, filter) {\n  return 1;\n}\n\ncheck(v, m);\n",
			after:  "function check(value, ctx, filter) {\n  return 1;\n}\n\ncheck(v, m);\n",
			want:   "function check(value, ctx, filter) {\n  return 1;\n}\n\ncheck(v, ctx, m);\n",
			kind:   KindParameter, exported: true,
		},
		{
			name:     "TypeScript optional parameter needs no call change",
			path:     "a.ts",
			before:   "function check(value: string, filter: string) {\n  return 1;\n}\n\ncheck(v, m);\n",
			after:    "function check(value: string, byName?: boolean, filter: string) {\n  return 1;\n}\n\ncheck(v, m);\n",
			want:     "function check(value: string, byName?: boolean, filter: string) {\n  return 1;\n}\n\ncheck(v, m);\n",
			exported: true, // the repeated insertion tried next finds no site
		},
		{
			name:   "python method parameter: self is implicit",
			path:   "a.py",
			before: "class C:\n    def get(self, key):\n        pass\n\nc.get('a')\n",
			after:  "class C:\n    def get(self, key, ttl):\n        pass\n\nc.get('a')\n",
			want:   "class C:\n    def get(self, key, ttl):\n        pass\n\nc.get('a', ttl)\n",
			kind:   KindParameter, exported: true,
		},
		{
			name:   "call wrapped at one site",
			path:   "a.go",
			before: "package a\n\nfunc f() {\n\tf.Close()\n\tg()\n\tf.Close()\n}\n",
			after:  "package a\n\nfunc f() {\n\tcheck(f.Close())\n\tg()\n\tf.Close()\n}\n",
			want:   "package a\n\nfunc f() {\n\tcheck(f.Close())\n\tg()\n\tcheck(f.Close())\n}\n",
			kind:   KindRepeat, exported: true, pkg: true, // check is the package's own
		},
		{
			name:   "field renamed at one use",
			path:   "a.go",
			before: "package a\n\ntype O struct {\n\tOpts T\n}\n\nvar a = cfg.Opts.Timeout\nvar b = cfg.Opts.Timeout * 2\n",
			after:  "package a\n\ntype O struct {\n\tOpts T\n}\n\nvar a = cfg.Limits.Timeout\nvar b = cfg.Opts.Timeout * 2\n",
			want:   "package a\n\ntype O struct {\n\tLimits T\n}\n\nvar a = cfg.Limits.Timeout\nvar b = cfg.Limits.Timeout * 2\n",
			kind:   KindRename,
		},
		{
			name:   "argument added at the same call only",
			path:   "a.go",
			before: "package a\n\nfunc f() {\n\troot.Add(a, \"b\")\n\techo.Add(a, \"b\")\n\troot.Add(a, \"f\")\n\troot.Add(a, \"b\")\n}\n",
			after:  "package a\n\nfunc f() {\n\troot.Add(a, \"b\", x)\n\techo.Add(a, \"b\")\n\troot.Add(a, \"f\")\n\troot.Add(a, \"b\")\n}\n",
			want:   "package a\n\nfunc f() {\n\troot.Add(a, \"b\", x)\n\techo.Add(a, \"b\")\n\troot.Add(a, \"f\")\n\troot.Add(a, \"b\", x)\n}\n",
			kind:   KindArgument, exported: true,
		},
		{
			name:     "a method switched at one use is no rename",
			path:     "a.go",
			before:   "package a\n\nfunc f() {\n\tassert.Contains(t, a)\n\tassert.Contains(t, b)\n}\n",
			after:    "package a\n\nfunc f() {\n\tassert.NotContains(t, a)\n\tassert.Contains(t, b)\n}\n",
			want:     "package a\n\nfunc f() {\n\tassert.NotContains(t, a)\n\tassert.Contains(t, b)\n}\n",
			exported: true, pending: true, // a rename if another file declares it
		},
		{
			name:     "a use renamed far from a declaration elsewhere",
			path:     "a.go",
			before:   "package a\n\nfunc f() {\n\tx := load(1)\n\ty := load(2)\n}\n",
			after:    "package a\n\nfunc f() {\n\tx := read(1)\n\ty := load(2)\n}\n",
			want:     "package a\n\nfunc f() {\n\tx := read(1)\n\ty := load(2)\n}\n",
			exported: true, pending: true, // a rename if another file declares it
		},
		{
			name:   "a string literal changed at one use",
			path:   "a.js",
			before: "it('should keep store', f);\nlog('should keep store');\nlog('other');\n",
			after:  "it('should persist store', f);\nlog('should keep store');\nlog('other');\n",
			want:   "it('should persist store', f);\nlog('should persist store');\nlog('other');\n",
			kind:   KindRepeat, exported: true,
		},
		{
			name:     "a short literal recurs by chance",
			path:     "a.go",
			before:   "package a\n\nvar a = f(\"id\")\nvar b = g(\"id\")\n",
			after:    "package a\n\nvar a = f(\"key\")\nvar b = g(\"id\")\n",
			want:     "package a\n\nvar a = f(\"key\")\nvar b = g(\"id\")\n",
			exported: true, // an argument change: the same call in the package
		},
		{
			name:   "an import path changed is the file's own",
			path:   "a.go",
			before: "package a\n\nimport (\n\t\"io/ioutil\"\n)\n\nvar s = \"io/ioutil\"\n",
			after:  "package a\n\nimport (\n\t\"io\"\n)\n\nvar s = \"io/ioutil\"\n",
			want:   "package a\n\nimport (\n\t\"io\"\n)\n\nvar s = \"io/ioutil\"\n",
		},
		{
			name:   "a type named at one use, not where the same tokens open a function literal",
			path:   "a.go",
			before: "package a\n\nvar v func(a int) int\nvar w func(a int) int\nvar x = func(a int) int { return a }\n",
			after:  "package a\n\nvar v Fn\nvar w func(a int) int\nvar x = func(a int) int { return a }\n",
			want:   "package a\n\nvar v Fn\nvar w Fn\nvar x = func(a int) int { return a }\n",
			kind:   KindRepeat, exported: true, pkg: true,
		},
		{
			name:   "a predeclared name replaces a type in every package",
			path:   "a.go",
			before: "package a\n\nvar v interface{}\nvar w = []interface{}{1}\n\nfunc f() interface{} { return nil }\n",
			after:  "package a\n\nvar v any\nvar w = []interface{}{1}\n\nfunc f() interface{} { return nil }\n",
			want:   "package a\n\nvar v any\nvar w = []any{1}\n\nfunc f() any { return nil }\n",
			kind:   KindRepeat, exported: true,
		},
		{
			name:   "a renamed declaration's doc comment follows",
			path:   "a.go",
			before: "package a\n\n// load reads p; see also loader.\nfunc load(p string) {}\n\nvar x = load\n",
			after:  "package a\n\n// load reads p; see also loader.\nfunc read(p string) {}\n\nvar x = load\n",
			want:   "package a\n\n// read reads p; see also loader.\nfunc read(p string) {}\n\nvar x = read\n",
			kind:   KindRename, exported: true,
		},
		{
			name:   "a setting deleted goes at its copies",
			path:   "a_test.go",
			before: "package a\n\nfunc A() {\n\tos.Setenv(\"SHELL\", \"bash\")\n\ta()\n}\n\nfunc B() {\n\tos.Setenv(\"SHELL\", \"bash\")\n\tos.Setenv(\"SHELL\", \"zsh\")\n}\n",
			after:  "package a\n\nfunc A() {\n\ta()\n}\n\nfunc B() {\n\tos.Setenv(\"SHELL\", \"bash\")\n\tos.Setenv(\"SHELL\", \"zsh\")\n}\n",
			want:   "package a\n\nfunc A() {\n\ta()\n}\n\nfunc B() {\n\tos.Setenv(\"SHELL\", \"zsh\")\n}\n",
			kind:   KindRepeat, exported: true,
		},
		{
			name:   "a step of the code deleted stays where it was",
			path:   "a.js",
			before: "function a() {\n  server.close(cb);\n}\nfunction b() {\n  server.close(cb);\n}\n",
			after:  "function a() {\n}\nfunction b() {\n  server.close(cb);\n}\n",
			want:   "function a() {\n}\nfunction b() {\n  server.close(cb);\n}\n",
		},
		{
			name:   "a literal replaced by a constant at one use",
			path:   "a_test.go",
			before: "package a\n\nvar a = []string{\"sub\", \"--generate-completion\"}\nvar b = []string{\"--generate-completion\"}\n",
			after:  "package a\n\nvar a = []string{\"sub\", completionFlag}\nvar b = []string{\"--generate-completion\"}\n",
			want:   "package a\n\nvar a = []string{\"sub\", completionFlag}\nvar b = []string{completionFlag}\n",
			kind:   KindRepeat, exported: true, pkg: true,
		},
		{
			name:   "a Python module variable renamed where it is assigned",
			path:   "conf.py",
			before: "master_doc = 'index'\nlatex = [(master_doc, 'a.tex')]\nif master_doc == 'x':\n    pass\n",
			after:  "root_doc = 'index'\nlatex = [(master_doc, 'a.tex')]\nif master_doc == 'x':\n    pass\n",
			want:   "root_doc = 'index'\nlatex = [(root_doc, 'a.tex')]\nif root_doc == 'x':\n    pass\n",
			kind:   KindRename, exported: true,
		},
		{
			name:   "a Python annotation widened to a built-in at one parameter stays in the file",
			path:   "u.py",
			before: "def f(a: t.Any | None):\n    pass\n\n\ndef g(a: t.Any | None, b: t.Any | None):\n    pass\n",
			after:  "def f(a: object):\n    pass\n\n\ndef g(a: t.Any | None, b: t.Any | None):\n    pass\n",
			want:   "def f(a: object):\n    pass\n\n\ndef g(a: object, b: t.Any | None):\n    pass\n",
			kind:   KindRepeat,
		},
		{
			name:   "a statement moved to a new name reaches other files",
			path:   "a.js",
			before: "var asyncHooks = tryRequire('async_hooks')\n",
			after:  "var AsyncLocalStorage = require('async_hooks').AsyncLocalStorage\n",
			want:   "var AsyncLocalStorage = require('async_hooks').AsyncLocalStorage\n",
			kind:   "", exported: true,
		},
		{
			name:   "a bound set for one assertion is no pattern",
			path:   "r.ts",
			before: "t.is(count, 1);\nt.is(count, 1);\n",
			after:  "t.true(count >= 0 && count < 3);\nt.is(count, 1);\n",
			want:   "t.true(count >= 0 && count < 3);\nt.is(count, 1);\n",
		},
		{
			name:   "a number tuned at one call",
			path:   "r.ts",
			before: "await delay(600);\nawait delay(600);\n",
			after:  "await delay(300);\nawait delay(600);\n",
			want:   "await delay(300);\nawait delay(600);\n",
		},
		{
			name:   "an import line is the file's own",
			path:   "r.ts",
			before: "import ky from '../source/index.js';\nimport ky from '../source/index.js';\n",
			after:  "import ky, {TimeoutError} from '../source/index.js';\nimport ky from '../source/index.js';\n",
			want:   "import ky, {TimeoutError} from '../source/index.js';\nimport ky from '../source/index.js';\n",
		},
		{
			name:   "a line of keywords and constants is everywhere",
			path:   "c.py",
			before: "def f(\n    a,\n) -> None:\n    pass\ndef g(\n    b,\n) -> None:\n    pass\n",
			after:  "def f(\n    a,\n) -> bool | None:\n    pass\ndef g(\n    b,\n) -> None:\n    pass\n",
			want:   "def f(\n    a,\n) -> bool | None:\n    pass\ndef g(\n    b,\n) -> None:\n    pass\n",
		},
		{
			name:   "a string that names a parameter is renamed with it",
			path:   "t.py",
			before: "@p((\"args\", \"expect\"), [])\ndef t(args, expect):\n    pass\n@p((\"args\", \"expect\"), [])\ndef u(args, expect):\n    pass\n",
			after:  "@p((\"args\", \"expected\"), [])\ndef t(args, expect):\n    pass\n@p((\"args\", \"expect\"), [])\ndef u(args, expect):\n    pass\n",
			want:   "@p((\"args\", \"expected\"), [])\ndef t(args, expect):\n    pass\n@p((\"args\", \"expect\"), [])\ndef u(args, expect):\n    pass\n",
		},
		{
			name:     "a Python docstring is one token",
			path:     "d.py",
			before:   "def f():\n    \"\"\"\n    Returns ``None`` if unset.\n    \"\"\"\n\ndef g():\n    \"\"\"\n    Or ``None`` here.\n    \"\"\"\n",
			after:    "def f():\n    \"\"\"\n    Returns `None` if unset.\n    \"\"\"\n\ndef g():\n    \"\"\"\n    Or ``None`` here.\n    \"\"\"\n",
			want:     "def f():\n    \"\"\"\n    Returns `None` if unset.\n    \"\"\"\n\ndef g():\n    \"\"\"\n    Or ``None`` here.\n    \"\"\"\n",
			exported: true, // the docstring changed whole: the same docstring elsewhere
		},
		{
			name:   "an argument wrapped at one call, wherever it stands in the others",
			path:   "z.go",
			before: "package a\n\nvar a = fmt.Sprintf(x, m, o, f.Usage, e)\nvar b = fmt.Sprintf(x, o, f.Usage, e)\nvar c = fmt.Println(f.Usage)\n",
			after:  "package a\n\nvar a = fmt.Sprintf(x, m, o, quote(f.Usage), e)\nvar b = fmt.Sprintf(x, o, f.Usage, e)\nvar c = fmt.Println(f.Usage)\n",
			want:   "package a\n\nvar a = fmt.Sprintf(x, m, o, quote(f.Usage), e)\nvar b = fmt.Sprintf(x, o, quote(f.Usage), e)\nvar c = fmt.Println(f.Usage)\n",
			kind:   KindArgument, exported: true,
		},
		{
			name:   "a copied line fixed at one copy",
			path:   "a_test.go",
			before: "package a\n\nfunc TestA(t *testing.T) {\n\tout, err := run()\n\tif out != \"\" {\n\t\tt.Errorf(\"unexpected output: %v\", err)\n\t}\n\tif err != nil {\n\t\tt.Errorf(\"unexpected error: %v\", err)\n\t}\n\tif out != \"\" {\n\t\tt.Errorf(\"unexpected output: %v\", err)\n\t}\n}\n",
			after:  "package a\n\nfunc TestA(t *testing.T) {\n\tout, err := run()\n\tif out != \"\" {\n\t\tt.Errorf(\"unexpected output: %v\", out)\n\t}\n\tif err != nil {\n\t\tt.Errorf(\"unexpected error: %v\", err)\n\t}\n\tif out != \"\" {\n\t\tt.Errorf(\"unexpected output: %v\", err)\n\t}\n}\n",
			want:   "package a\n\nfunc TestA(t *testing.T) {\n\tout, err := run()\n\tif out != \"\" {\n\t\tt.Errorf(\"unexpected output: %v\", out)\n\t}\n\tif err != nil {\n\t\tt.Errorf(\"unexpected error: %v\", err)\n\t}\n\tif out != \"\" {\n\t\tt.Errorf(\"unexpected output: %v\", out)\n\t}\n}\n",
			kind:   KindRepeat,
		},
		{
			name:   "a copied line that opens a block is no copy",
			path:   "a.js",
			before: "route.get(function(req, res, next) {\n  throw new Error('not me at all');\n});\nroute.get(function(req, res, next) {\n  next();\n});\n",
			after:  "route.get(function() {\n  throw new Error('not me at all');\n});\nroute.get(function(req, res, next) {\n  next();\n});\n",
			want:   "route.get(function() {\n  throw new Error('not me at all');\n});\nroute.get(function(req, res, next) {\n  next();\n});\n",
		},
		{
			name:   "a keyword argument added at one call of a module's functions",
			path:   "a.py",
			before: "def h(x, s):\n    a = hashlib.md5(x).hexdigest()\n    b = hashlib.sha1(x).hexdigest()\n    c = hashlib.sha1(s).hexdigest()\n    d = other.sha1(x)\n",
			after:  "def h(x, s):\n    a = hashlib.md5(x, usedforsecurity=False).hexdigest()\n    b = hashlib.sha1(x).hexdigest()\n    c = hashlib.sha1(s).hexdigest()\n    d = other.sha1(x)\n",
			want:   "def h(x, s):\n    a = hashlib.md5(x, usedforsecurity=False).hexdigest()\n    b = hashlib.sha1(x, usedforsecurity=False).hexdigest()\n    c = hashlib.sha1(s).hexdigest()\n    d = other.sha1(x)\n",
			kind:   KindArgument, exported: true,
		},
		{
			name:   "a positional argument added at one call is that function's",
			path:   "a.py",
			before: "def h(x):\n    a = hashlib.md5(x)\n    b = hashlib.sha1(x)\n",
			after:  "def h(x):\n    a = hashlib.md5(x, y)\n    b = hashlib.sha1(x)\n",
			want:   "def h(x):\n    a = hashlib.md5(x, y)\n    b = hashlib.sha1(x)\n",
			kind:   "", exported: true,
		},
		{
			name:   "white space only",
			path:   "a.go",
			before: "package a\n\nvar a = 1\n",
			after:  "package a\n\nvar a =  1\n",
			want:   "package a\n\nvar a =  1\n",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, c := predict(t, tc.path, tc.before, tc.after)
			if got != tc.want {
				t.Errorf("after the predicted edits:\n%s\nwant:\n%s", got, tc.want)
			}
			kind := ""
			if c != nil && got != tc.after {
				kind = c.Kind
			}
			if kind != tc.kind {
				t.Errorf("kind %q, want %q", kind, tc.kind)
			}
			if c != nil && c.Exported != tc.exported {
				t.Errorf("exported %v, want %v", c.Exported, tc.exported)
			}
			if c != nil && c.Package != tc.pkg && kind == KindRepeat {
				t.Errorf("package %v, want %v", c.Package, tc.pkg)
			}
			if c != nil && c.Pending != tc.pending {
				t.Errorf("pending %v, want %v", c.Pending, tc.pending)
			}
		})
	}
}

func TestLexSkipsCommentsAndStrings(t *testing.T) {
	var got []string
	for _, tk := range lex("a /* b */ \"c // d\" // e\nf # g", commentsOf("x.go")) {
		got = append(got, tk.text)
	}
	if s := strings.Join(got, "|"); s != `a|"c // d"|f|#|g` {
		t.Errorf("tokens %s", s)
	}
}

// FuzzInfer checks that no edit of any text makes Infer or Sites panic,
// and that every site lies in the text.
func FuzzInfer(f *testing.F) {
	f.Add("package a\n\nfunc f(x int) { g(x, 1) }\n", 14, 1, "yy")
	f.Add("a(b, c)\na(b, c)\n", 6, 0, ", d")
	f.Add("x.Close()\nx.Close()\n", 0, 9, "")
	f.Add("def f(self, k):\n  f(1)\n", 13, 0, ", v")
	f.Fuzz(func(t *testing.T, before string, start, n int, repl string) {
		if start < 0 || n < 0 || start+n > len(before) {
			return
		}
		after := before[:start] + repl + before[start+n:]
		h := Hunk{Path: "a.go", Start: start, Old: before[start : start+n], New: repl}
		for _, path := range []string{"a.go", "a.py"} {
			c := Infer(context.Background(), path, "", before, after, h)
			if c == nil {
				continue
			}
			for _, e := range c.Sites(path, after, c.Scope, Span{start, start + len(repl)}, true) {
				if e.Start < 0 || e.Start > e.End || e.End > len(after) {
					t.Fatalf("site %+v outside the text (%d bytes)", e, len(after))
				}
			}
		}
	})
}

// TestChangeReach checks where a change's sites may lie beyond the edited
// file, and when they are proposed.
func TestChangeReach(t *testing.T) {
	ctx := context.Background()
	infer := func(path, before, after string) *Change {
		t.Helper()
		s, oe, ne := diffBounds(before, after)
		c := Infer(ctx, path, "", before, after, Hunk{Path: path, Start: s, Old: before[s:oe], New: after[s:ne]})
		if c == nil {
			t.Fatalf("no change inferred from %q to %q", before, after)
		}
		return c
	}
	lit := infer("a.js", "log('should keep the store');\n", "log('should persist the store');\n")
	if lit.Name != "should" || !lit.Reaches("t/a.js", "u/b.js") || lit.Reaches("a.js", "a.py") {
		t.Errorf("literal change: name %q, reaches other JS files %v, Python %v", lit.Name, lit.Reaches("t/a.js", "u/b.js"), lit.Reaches("a.js", "a.py"))
	}
	if !lit.Elsewhere(0) || lit.Elsewhere(1) {
		t.Errorf("a repeated change goes to other files only once the edited one holds no site: %v %v", lit.Elsewhere(0), lit.Elsewhere(1))
	}
	if konst := infer("a.go", "package a\n\nvar f = \"--generate-completion\"\n", "package a\n\nvar f = completionFlag\n"); !konst.Elsewhere(2) {
		t.Error("a literal replaced by a name (a constant introduced) goes to other files with the edited one's sites")
	}
	if spell := infer("a.go", "package a\n\nvar v interface{}\n", "package a\n\nvar v any\n"); spell.Name != "" || !spell.Elsewhere(3) {
		t.Errorf("a change of the language's spelling (name %q) goes to other files with the edited one's sites", spell.Name)
	}
	wrap := infer("a.go", "package a\n\nvar e = os.Exit\n", "package a\n\nvar e = OsExiter\n")
	if !wrap.Package || wrap.Reaches("a.go", "scripts/b.go") || !wrap.Reaches("a.go", "b.go") {
		t.Errorf("a change to a package's own name: package %v", wrap.Package)
	}
	full := Span{0, 1 << 20}
	if n := len(wrap.Sites("b.go", "package a\n\nvar f = os.Exit\n", full, Span{-1, -1}, false)); n != 1 {
		t.Errorf("%d sites in the same package, want 1", n)
	}
	if n := len(wrap.Sites("b_test.go", "package a_test\n\nvar f = os.Exit\n", full, Span{-1, -1}, false)); n != 0 {
		t.Errorf("%d sites in the external test package, want 0", n)
	}
	ren := infer("a.go", "package a\n\nfunc f() { load(1) }\n", "package a\n\nfunc f() { read(1) }\n")
	if !ren.Pending || ren.New != "read" || !ren.Elsewhere(5) {
		t.Fatalf("rename at a use: pending %v, new %q", ren.Pending, ren.New)
	}
	if !ren.Declares("b.go", "package a\n\nfunc load(n int) {}\n") || ren.Declares("c.go", "package a\n\nvar x = load(2)\n") {
		t.Error("Declares: want true for the file that declares load, false for one that uses it")
	}
}

// TestSwitched: a field or constant of another package's value switched
// to another at one use switches at its other uses, in other files too,
// once no file confirms a rename; a method chosen for one call, or a switch to a name the file
// already used, is a choice made there.
func TestSwitched(t *testing.T) {
	tests := []struct {
		name, path, before, after, want string
	}{
		{
			name:   "a field of another package's value",
			path:   "a.js",
			before: "if (!trust(this.connection.remoteAddress)) {}\nreq.connection.encrypted = true;\nreq.connection(1);\nf(connection);\n",
			after:  "if (!trust(this.socket.remoteAddress)) {}\nreq.connection.encrypted = true;\nreq.connection(1);\nf(connection);\n",
			want:   "if (!trust(this.socket.remoteAddress)) {}\nreq.socket.encrypted = true;\nreq.connection(1);\nf(connection);\n",
		},
		{
			name:   "a constant of another package",
			path:   "a.go",
			before: "package a\n\nvar a = http.StatusServiceUnavailable\nvar b = http.StatusServiceUnavailable\n",
			after:  "package a\n\nvar a = http.StatusTooManyRequests\nvar b = http.StatusServiceUnavailable\n",
			want:   "package a\n\nvar a = http.StatusTooManyRequests\nvar b = http.StatusTooManyRequests\n",
		},
		{
			name:   "a method chosen for one call",
			path:   "a.go",
			before: "package a\n\nfunc f() {\n\tt.Fatalf(\"x\")\n\tt.Fatalf(\"y %d\", 1)\n}\n",
			after:  "package a\n\nfunc f() {\n\tt.Fatal(\"x\")\n\tt.Fatalf(\"y %d\", 1)\n}\n",
		},
		{
			name:   "a switch to a member the file already used",
			path:   "a.go",
			before: "package a\n\nvar a = http.StatusServiceUnavailable\nvar b = http.StatusServiceUnavailable\nvar c = http.StatusTooManyRequests\n",
			after:  "package a\n\nvar a = http.StatusTooManyRequests\nvar b = http.StatusServiceUnavailable\nvar c = http.StatusTooManyRequests\n",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, oe, ne := diffBounds(tc.before, tc.after)
			c := Infer(context.Background(), tc.path, "", tc.before, tc.after, Hunk{Path: tc.path, Start: s, Old: tc.before[s:oe], New: tc.after[s:ne]})
			if c != nil && c.Pending {
				c = c.Otherwise
			}
			if tc.want == "" {
				if c != nil {
					t.Errorf("inferred a %s change, want none", c.Kind)
				}
				return
			}
			if c == nil {
				t.Fatal("no change inferred")
			}
			if got := apply(tc.after, c.Sites(tc.path, tc.after, c.Scope, Span{s, ne}, true)); got != tc.want {
				t.Errorf("after the predicted edits:\n%s\nwant:\n%s", got, tc.want)
			}
			if !c.Exported || !c.Elsewhere(1) {
				t.Errorf("other files: exported %v, with the edited file's sites %v", c.Exported, c.Elsewhere(1))
			}
		})
	}
}

// TestMisspelling: a word fixed in a string literal is fixed in every
// literal that holds it, at once in other files; a word changed
// otherwise is no misspelling.
func TestMisspelling(t *testing.T) {
	for _, tc := range []struct{ old, cur, wrong string }{
		{"'should presist store'", "'should persist store'", "presist"},
		{`"it occured twice"`, `"it occurred twice"`, "occured"},
		{`"a seperate line"`, `"a separate line"`, "seperate"},
		{`"the ressult here"`, `"the result here"`, "ressult"},
		{"'should update store'", "'should updated store'", ""}, // a tense
		{"'should be true'", "'should be false'", ""},
		{"'should get value'", "'should set value'", ""}, // a short word
		{"'should presist store'", "'must persist store'", ""},
	} {
		if wrong, _ := misspelling(tc.old, tc.cur); wrong != tc.wrong {
			t.Errorf("misspelling(%s, %s) = %q, want %q", tc.old, tc.cur, wrong, tc.wrong)
		}
	}
	before := "it('should presist store', f);\nit('should presist store when inflated', g);\nit('presist', h);\n"
	after := "it('should persist store', f);\nit('should presist store when inflated', g);\nit('presist', h);\n"
	want := "it('should persist store', f);\nit('should persist store when inflated', g);\nit('persist', h);\n"
	got, c := predict(t, "a.js", before, after)
	if got != want {
		t.Errorf("after the predicted edits:\n%s\nwant:\n%s", got, want)
	}
	if c == nil || !c.Elsewhere(2) {
		t.Error("a misspelling fixed goes to other files with the edited one's sites")
	}
}

// TestPythonModuleVariable: a Python module declares its variables by
// assigning or annotating them at column 0; a rename begun where another
// module imports one is confirmed by the module that declares it.
func TestPythonModuleVariable(t *testing.T) {
	before := "from .globals import _cv_req\n\n\ndef f():\n    return _cv_req.get(None)\n"
	after := "from .globals import _cv_request\n\n\ndef f():\n    return _cv_req.get(None)\n"
	s, oe, ne := diffBounds(before, after)
	c := Infer(context.Background(), "app.py", "", before, after, Hunk{Path: "app.py", Start: s, Old: before[s:oe], New: after[s:ne]})
	if c == nil || !c.Pending || c.Name != "_cv_req" {
		t.Fatalf("a rename begun at an import: %+v, want a pending rename of _cv_req", c)
	}
	for _, decl := range []string{
		"from contextvars import ContextVar\n\n_cv_req: ContextVar[\"RequestContext\"] = ContextVar(\"flask.request_ctx\")\n",
		"_cv_req = ContextVar(\"flask.request_ctx\")\n",
		"_cv_req: ContextVar[\"RequestContext\"]\n",
	} {
		if !c.Declares("globals.py", decl) {
			t.Errorf("Declares(%q) = false, want true", decl)
		}
	}
	for _, use := range []string{
		"from .globals import _cv_req\n\nctx = _cv_req.get(None)\n",
		"def g():\n    _cv_req = 1\n    return _cv_req\n",
		"if _cv_req == 1:\n    pass\n",
		"f(_cv_req, x=1)\n",
	} {
		if c.Declares("ctx.py", use) {
			t.Errorf("Declares(%q) = true, want false", use)
		}
	}
}
