package completion

import (
	"github.com/lode-ls/lode/context/redact"
	"github.com/lode-ls/lode/context/workspace"
)

// secretFile reports whether the document at path is a secret file by its
// name (workspace.IsSecretFile, the rule retrieval follows), and the
// reason Result.Skipped gives: nothing of it becomes a prompt, open or
// not, and the user is told why.
func secretFile(path string) (string, bool) {
	if !workspace.IsSecretFile(path) {
		return "", false
	}
	return redact.SecretFileError(path).Error(), true
}

// redactWindow returns doc[start:end] with its secrets redacted, found in
// the whole document (a key whose BEGIN line is above the window, a token
// the cursor splits). A Redact option sees the window alone.
func (e *Engine) redactWindow(doc string, start, end int) string {
	if e.redact != nil {
		return e.redact(doc[start:end])
	}
	return redact.Window(doc, start, end)
}
