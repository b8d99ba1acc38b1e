package nextedit

import "testing"

// TestDeclarationNotRepeated: a change that declares a variable the old
// tokens did not is made once, where it is: its other sites would
// declare it again.
func TestDeclarationNotRepeated(t *testing.T) {
	tests := []struct{ name, path, before, after string }{
		{
			name:   "JavaScript",
			path:   "defaults.js",
			before: "module.exports = {\n  a: 1,\n};\nfunction f() {\n  module.exports = {b: 2};\n}\n",
			after:  "var defaults = {\n  a: 1,\n};\nfunction f() {\n  module.exports = {b: 2};\n}\n",
		},
		{
			name:   "Go",
			path:   "a.go",
			before: "package a\n\nfunc f() {\n\tm.config = load(x)\n\tm.config = load(x)\n}\n",
			after:  "package a\n\nfunc f() {\n\tconfig := load(x)\n\tm.config = load(x)\n}\n",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got, c := predict(t, tc.path, tc.before, tc.after); got != tc.after {
				t.Errorf("a %s change predicted:\n%s", c.Kind, got)
			}
		})
	}
}

// TestDeclarationReplacedRepeats: a declaration replaced by another (a
// setup line copied through test files) repeats at its copies.
func TestDeclarationReplacedRepeats(t *testing.T) {
	before := "var asyncHooks = tryRequire('async_hooks')\nvar asyncHooks = tryRequire('async_hooks')\n"
	after := "var AsyncLocalStorage = require('async_hooks').AsyncLocalStorage\nvar asyncHooks = tryRequire('async_hooks')\n"
	want := "var AsyncLocalStorage = require('async_hooks').AsyncLocalStorage\nvar AsyncLocalStorage = require('async_hooks').AsyncLocalStorage\n"
	if got, _ := predict(t, "a.js", before, after); got != want {
		t.Errorf("after the predicted edits:\n%s\nwant:\n%s", got, want)
	}
}
