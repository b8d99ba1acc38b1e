package nextedit

import "testing"

// TestJSMethodDeclaration: a JavaScript or TypeScript method declared in
// a class or an interface (clear() {, clear(): boolean;) is no call: a
// parameter added to one is added to its declarations of the same
// header, not to the methods of the same name with a body or another
// return type, and no call gets an optional parameter.
func TestJSMethodDeclaration(t *testing.T) {
	tests := []struct{ name, path, before, after, want string }{
		{
			name:   "an interface's optional parameter: its copy with the same header",
			path:   "index.d.ts",
			before: "interface Headers {\n  clear(): boolean;\n}\ninterface Copy {\n  clear(): boolean;\n}\ninterface Other {\n  clear(): void;\n}\nclass H {\n  clear() {\n    return true;\n  }\n}\nh.clear();\n",
			after:  "interface Headers {\n  clear(matcher?: Matcher): boolean;\n}\ninterface Copy {\n  clear(): boolean;\n}\ninterface Other {\n  clear(): void;\n}\nclass H {\n  clear() {\n    return true;\n  }\n}\nh.clear();\n",
			want:   "interface Headers {\n  clear(matcher?: Matcher): boolean;\n}\ninterface Copy {\n  clear(matcher?: Matcher): boolean;\n}\ninterface Other {\n  clear(): void;\n}\nclass H {\n  clear() {\n    return true;\n  }\n}\nh.clear();\n",
		},
		{
			name:   "a class method's parameter: its calls, not another class's method",
			path:   "a.js",
			before: "class A {\n  get(key) {\n    return 1;\n  }\n}\nclass B {\n  get(key) {\n    return 2;\n  }\n}\na.get(k);\n",
			after:  "class A {\n  get(ctx, key) {\n    return 1;\n  }\n}\nclass B {\n  get(key) {\n    return 2;\n  }\n}\na.get(k);\n",
			want:   "class A {\n  get(ctx, key) {\n    return 1;\n  }\n}\nclass B {\n  get(key) {\n    return 2;\n  }\n}\na.get(ctx, k);\n",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got, c := predict(t, tc.path, tc.before, tc.after); got != tc.want {
				kind := ""
				if c != nil {
					kind = c.Kind
				}
				t.Errorf("after the predicted edits (%s):\n%s\nwant:\n%s", kind, got, tc.want)
			}
		})
	}
}

// TestJSMethodDeclarationCopies: an interface's method declared in a
// CommonJS declaration file gains a parameter; its copy in the ES module
// declaration file (another extension) gains it too.
func TestJSMethodDeclarationCopies(t *testing.T) {
	before := "declare class Headers {\n  clear(): boolean;\n  has(name: string): boolean;\n}\n"
	after := "declare class Headers {\n  clear(matcher?: Matcher): boolean;\n  has(name: string): boolean;\n}\n"
	_, c := predict(t, "index.d.cts", before, after)
	if c == nil || !c.Reaches("index.d.cts", "index.d.ts") {
		t.Fatalf("change %+v does not reach index.d.ts", c)
	}
	other := "export class Headers {\n  clear(): boolean;\n  has(name: string): boolean;\n}\n"
	want := "export class Headers {\n  clear(matcher?: Matcher): boolean;\n  has(name: string): boolean;\n}\n"
	if got := apply(other, c.Sites("index.d.ts", other, Span{0, len(other)}, Span{-1, -1}, false)); got != want {
		t.Errorf("index.d.ts after the predicted edits:\n%s\nwant:\n%s", got, want)
	}
}
