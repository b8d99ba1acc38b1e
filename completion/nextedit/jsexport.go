package nextedit

// jsModule reports whether toks, JavaScript or TypeScript, are a module's:
// they import or export (import, export, require, module.exports,
// exports.name). A script's top-level names are global instead.
func jsModule(toks []token) bool {
	for k, t := range toks {
		switch t.text {
		case "import", "export":
			if k == 0 || toks[k-1].text != "." {
				return true
			}
		case "require":
			if k+1 < len(toks) && toks[k+1].text == "(" {
				return true
			}
		case "exports":
			if k+1 < len(toks) && toks[k+1].text == "." || k > 1 && toks[k-1].text == "." && toks[k-2].text == "module" {
				return true
			}
		}
	}
	return false
}

// jsExports reports whether the module of toks exports name by that name:
// export before its declaration (export const name, export declare
// function name), in an export clause (export { name }), as a property of
// exports (exports.name, module.exports.name) or in the object
// module.exports is set to (module.exports = { name }). A default export
// is imported under any name.
func jsExports(toks []token, name string) bool {
	var open []int // the brackets open at toks[k], innermost last: one pass, however many uses
	for k, t := range toks {
		switch t.text {
		case "(", "[", "{":
			open = append(open, k)
			continue
		case ")", "]", "}":
			if len(open) > 0 {
				open = open[:len(open)-1]
			}
			continue
		}
		if t.class != classIdent || t.text != name || k == 0 {
			continue
		}
		switch j := k - 1; {
		case toks[j].text == "." && j > 0 && toks[j-1].text == "exports":
			return true
		case jsDeclKeyword[toks[j].text]:
			for j >= 0 && (jsDeclKeyword[toks[j].text] || toks[j].text == "declare") {
				j--
			}
			if j >= 0 && toks[j].text == "export" {
				return true
			}
		}
		if len(open) == 0 {
			continue
		}
		// Directly in braces: export { name }, module.exports = { name }.
		if j := open[len(open)-1]; toks[j].text == "{" && j > 0 {
			switch toks[j-1].text {
			case "export":
				return true
			case "=":
				if j >= 4 && toks[j-2].text == "exports" && toks[j-3].text == "." && toks[j-4].text == "module" {
					return true
				}
			}
		}
	}
	return false
}

// jsDeclKeyword are the words that declare a JavaScript or TypeScript
// name, and may stand between export and it.
var jsDeclKeyword = map[string]bool{
	"const": true, "let": true, "var": true, "function": true, "class": true, "interface": true, "type": true,
	"enum": true, "abstract": true, "async": true, "namespace": true, "*": true,
}
