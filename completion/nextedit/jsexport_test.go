package nextedit

import "testing"

// TestJSModuleName: a JavaScript or TypeScript module's name renamed at
// its declaration reaches other files only when the module exports it by
// that name (or when the file is a script, whose names are global, or
// the rename fixes a misspelling).
func TestJSModuleName(t *testing.T) {
	tests := []struct {
		name, path, before, after string
		exported                  bool
	}{
		{"default export", "index.d.ts", "declare const Axios: AxiosStatic;\n\nexport default Axios;\n", "declare const axios: AxiosStatic;\n\nexport default Axios;\n", false},
		{"CommonJS local", "a.js", "var utils = require('./utils');\nvar helper = 1;\nutils.f(helper);\n", "var utils = require('./utils');\nvar assist = 1;\nutils.f(helper);\n", false},
		{"exported declaration", "a.ts", "export const helper = 1;\nf(helper);\n", "export const assist = 1;\nf(helper);\n", true},
		{"export clause", "a.ts", "const helper = 1;\nexport { helper };\n", "const assist = 1;\nexport { helper };\n", true},
		{"exports property", "a.js", "function helper() {}\nexports.helper = helper;\n", "function assist() {}\nexports.helper = helper;\n", true},
		{"module.exports object", "a.js", "function helper() {}\nmodule.exports = { helper, other };\n", "function assist() {}\nmodule.exports = { helper, other };\n", true},
		{"object literal", "a.js", "const helper = 1;\nconst o = { helper };\nmodule.exports = o;\n", "const assist = 1;\nconst o = { helper };\nmodule.exports = o;\n", false},
		{"nested in the exported object", "a.js", "function helper() {}\nmodule.exports = { api: { helper } };\n", "function assist() {}\nmodule.exports = { api: { helper } };\n", false},
		{"script", "a.js", "var helper = 1;\nf(helper);\n", "var assist = 1;\nf(helper);\n", true},
		{"misspelling", "a.js", "var setPrototyeOf = require('setprototypeof');\nsetPrototyeOf(a, b);\n", "var setPrototypeOf = require('setprototypeof');\nsetPrototyeOf(a, b);\n", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, c := predict(t, tc.path, tc.before, tc.after)
			if c == nil || c.Kind != KindRename {
				t.Fatalf("change %+v, want a rename", c)
			}
			if c.Exported != tc.exported {
				t.Errorf("exported %v, want %v", c.Exported, tc.exported)
			}
		})
	}
}
