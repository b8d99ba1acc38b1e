// Package syntax is lode's tree-sitter layer: the language registry, pooled
// parsers, incremental reparsing, and the structural questions the rest of
// lode asks of a file (errors, leaves, enclosing scopes, identifiers,
// definitions, imports).
//
// The main types are Language, Tree, Leaf, Scope, Definition and Import.
// Parse and (*Tree).Reparse produce Trees; every Tree must be closed exactly
// once with Close (extra calls are no-ops). A Tree is never modified after it
// is returned, so it may be read from several goroutines at once.
//
// Package syntax depends on context/text and the tree-sitter binding and
// grammar modules only.
package syntax

import (
	"path/filepath"
	"strings"
	"sync"

	tree_sitter "github.com/tree-sitter/go-tree-sitter"
	tree_sitter_c "github.com/tree-sitter/tree-sitter-c/bindings/go"
	tree_sitter_cpp "github.com/tree-sitter/tree-sitter-cpp/bindings/go"
	tree_sitter_go "github.com/tree-sitter/tree-sitter-go/bindings/go"
	tree_sitter_java "github.com/tree-sitter/tree-sitter-java/bindings/go"
	tree_sitter_javascript "github.com/tree-sitter/tree-sitter-javascript/bindings/go"
	tree_sitter_python "github.com/tree-sitter/tree-sitter-python/bindings/go"
	tree_sitter_rust "github.com/tree-sitter/tree-sitter-rust/bindings/go"
	tree_sitter_typescript "github.com/tree-sitter/tree-sitter-typescript/bindings/go"
)

// Language is one grammar lode can parse. Languages are created once by the
// package and compared by pointer.
type Language struct {
	// Name is lode's name for the language: "go", "python", "javascript",
	// "typescript", "tsx", "rust", "java", "c", "cpp".
	Name string
	// IDs are the LSP language identifiers that select this language.
	IDs []string
	// Extensions are the file name extensions (with the dot) that select
	// this language when no language identifier is known.
	Extensions []string
	// LineComment is the line comment prefix ("//" or "#").
	LineComment string

	ts   *tree_sitter.Language
	pool *parserPool

	kindOnce sync.Once
	kinds    []kindInfo        // by node kind id
	fields   map[string]uint16 // field ids by name
	atomic   []byte            // by node kind id: 1 for kinds Leaves does not split
}

func (l *Language) String() string { return l.Name }

// TS returns the tree-sitter language, for callers that build their own
// queries. It is shared: do not modify it.
func (l *Language) TS() *tree_sitter.Language { return l.ts }

var (
	langGo = &Language{Name: "go", IDs: []string{"go"}, Extensions: []string{".go"}, LineComment: "//",
		ts: tree_sitter.NewLanguage(tree_sitter_go.Language())}
	langPython = &Language{Name: "python", IDs: []string{"python"}, Extensions: []string{".py", ".pyi", ".pyw"}, LineComment: "#",
		ts: tree_sitter.NewLanguage(tree_sitter_python.Language())}
	langJavaScript = &Language{Name: "javascript", IDs: []string{"javascript", "javascriptreact", "jsx"},
		Extensions: []string{".js", ".mjs", ".cjs", ".jsx"}, LineComment: "//",
		ts: tree_sitter.NewLanguage(tree_sitter_javascript.Language())}
	langTypeScript = &Language{Name: "typescript", IDs: []string{"typescript"}, Extensions: []string{".ts", ".mts", ".cts"}, LineComment: "//",
		ts: tree_sitter.NewLanguage(tree_sitter_typescript.LanguageTypescript())}
	langTSX = &Language{Name: "tsx", IDs: []string{"typescriptreact", "tsx"}, Extensions: []string{".tsx"}, LineComment: "//",
		ts: tree_sitter.NewLanguage(tree_sitter_typescript.LanguageTSX())}
	langRust = &Language{Name: "rust", IDs: []string{"rust"}, Extensions: []string{".rs"}, LineComment: "//",
		ts: tree_sitter.NewLanguage(tree_sitter_rust.Language())}
	langJava = &Language{Name: "java", IDs: []string{"java"}, Extensions: []string{".java"}, LineComment: "//",
		ts: tree_sitter.NewLanguage(tree_sitter_java.Language())}
	langC = &Language{Name: "c", IDs: []string{"c"}, Extensions: []string{".c", ".h"}, LineComment: "//",
		ts: tree_sitter.NewLanguage(tree_sitter_c.Language())}
	langCPP = &Language{Name: "cpp", IDs: []string{"cpp", "c++", "cuda-cpp"},
		Extensions: []string{".cc", ".cpp", ".cxx", ".c++", ".hh", ".hpp", ".hxx", ".h++", ".ipp", ".inl"}, LineComment: "//",
		ts: tree_sitter.NewLanguage(tree_sitter_cpp.Language())}

	languages = []*Language{langGo, langPython, langJavaScript, langTypeScript, langTSX, langRust, langJava, langC, langCPP}

	byID  = map[string]*Language{}
	byExt = map[string]*Language{}
)

func init() {
	for _, l := range languages {
		l.pool = newParserPool(l)
		for _, id := range l.IDs {
			byID[id] = l
		}
		for _, ext := range l.Extensions {
			byExt[ext] = l
		}
	}
}

// Languages returns every supported language, in a fixed order.
func Languages() []*Language {
	return append([]*Language(nil), languages...)
}

// ByName returns the language called name (see Language.Name; LSP language
// identifiers are accepted too), or nil.
func ByName(name string) *Language {
	name = strings.ToLower(name)
	for _, l := range languages {
		if l.Name == name {
			return l
		}
	}
	return byID[name]
}

// Detect returns the language of a document from its LSP language
// identifier, or from the extension of path when languageID is empty or
// unknown. It returns nil for plain text: such files still get lexical
// context, just no syntax.
func Detect(languageID, path string) *Language {
	if languageID != "" {
		if l := byID[strings.ToLower(languageID)]; l != nil {
			return l
		}
	}
	return byExt[strings.ToLower(filepath.Ext(path))]
}
