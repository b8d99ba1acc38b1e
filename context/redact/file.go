package redact

import (
	"errors"
	"fmt"
	"path/filepath"
)

// ErrSecretFile reports a document that is a secret file by its name
// (.env, id_rsa, *.pem and the like, as context/workspace.IsSecretFile
// says): nothing of it is sent to a model, open or not. Callers tell the
// user so rather than answering nothing.
var ErrSecretFile = errors.New("is a secret file (keys, passwords): lode sends nothing of it to a model")

// SecretFileError returns ErrSecretFile for the file at path, naming it.
func SecretFileError(path string) error {
	return fmt.Errorf("%s %w", filepath.Base(path), ErrSecretFile)
}
