// Package ngram is lode's embedded code model: a nested cache n-gram
// language model over code tokens (Hellendoorn & Devanbu, "Are deep neural
// networks the best choice for modeling source code?", FSE 2017), trained
// on the workspace as lode indexes it. It needs no network, no GPU and no
// configuration, and answers in about a millisecond.
//
// Tokens are the leaves of the tree-sitter syntax tree, in the language's
// own lexical units: string and character literals whole, comments
// dropped, and a newline token wherever a line breaks between two tokens
// (blank lines are not kept). The gaps between tokens on a line are
// learned too (space or not, per pair of tokens), so generated code is
// spaced like the project's; a request counts the gaps before its cursor
// as well, so that pairs the model has not learned (or everything, while
// it has learned nothing yet) are spaced like the document.
//
// Counts are kept per language in a trie of n-grams with interned token
// ids and hashed (parent, token) children; Learn adds a file's counts,
// replacing those of its previous version, and Forget removes them. A
// prediction mixes four levels: the project (everything learned in the
// language, n-grams up to 6 tokens by default), the directory of the
// document, the document as last learned, and a cache of the tokens just
// before the cursor (these three, small and repetitive, up to 10 tokens).
// A cold start counts the project level in bulk (see Model.Flush): sorting
// the token streams once costs a fifth of counting them one n-gram at a
// time. Each level smooths its own estimate by interpolated Witten-Bell
// down to a uniform distribution over the vocabulary, and the levels are
// mixed by the confidence of their longest matching context (Witten-Bell's
// weight times the squared context length), so the level that has seen the
// longest match leads; the document's own two levels weigh six times more.
//
// Out-of-vocabulary policy: every token no level has seen is the unknown
// token, a class the project level learns like any other token: where a
// learned file uses a name or literal first that no other learned file
// holds, the project level counts the unknown token instead (keywords and
// punctuation are never new). The levels' mixture for the unknown token is
// the chance that the next token is new: high after "func", low after
// "fmt.", and low wherever the document's own levels know what follows.
// The unknown token is never proposed. An identifier typed in the document
// joins the vocabulary of the cache level at once, and of the other levels
// once the file is learned.
//
// The main type is Model, which implements llm.Model (rest-of-line
// completion with a confidence cut-off), llm.FIMer, llm.Predictor (ranked
// next words for completion items) and llm.Namer. Package ngram depends on
// completion/llm, context/syntax and the tree-sitter binding only.
package ngram
