package workspace

import (
	"os"
	"path/filepath"
	"strings"
)

// Options say which files the workspace reads.
type Options struct {
	// MaxFileSize is the largest file read, in bytes; 0 means 1 MiB.
	MaxFileSize int64
	// Vendored includes vendored code (vendor/, third_party/) when true.
	Vendored bool
}

const defaultMaxFileSize = 1 << 20

func (o Options) maxFileSize() int64 {
	if o.MaxFileSize > 0 {
		return o.MaxFileSize
	}
	return defaultMaxFileSize
}

// excludedDirs are never scanned: version control, dependencies and caches.
var excludedDirs = map[string]bool{
	".git": true, ".hg": true, ".svn": true, ".jj": true,
	"node_modules": true, "bower_components": true,
	"__pycache__": true, ".venv": true, "venv": true, ".tox": true, ".nox": true,
	".mypy_cache": true, ".pytest_cache": true, ".ruff_cache": true,
	".gradle": true, ".next": true, ".nuxt": true, ".svelte-kit": true,
	".terraform": true, ".cache": true, ".idea": true, ".vs": true,
	".direnv": true, ".eggs": true, ".cargo": true, ".stack-work": true,
	".ssh": true, ".gnupg": true, ".aws": true,
}

// buildDirs are build outputs when the parent directory holds one of the
// project files that produce them; elsewhere they may be source (Go's
// go/build, for one).
var buildDirs = map[string][]string{
	"target": {"Cargo.toml", "pom.xml", "build.sbt"},
	"build":  {"build.gradle", "build.gradle.kts", "CMakeLists.txt", "setup.py", "pyproject.toml", "package.json", "meson.build"},
	"dist":   {"package.json", "setup.py", "pyproject.toml"},
	"out":    {"package.json", "build.gradle", "build.gradle.kts", "tsconfig.json"},
	"bin":    {"build.gradle", "build.gradle.kts", ".classpath"},
	"obj":    {"Directory.Build.props"},
}

var vendorDirs = map[string]bool{"vendor": true, "third_party": true, "third-party": true}

// binaryExts are skipped without reading them.
var binaryExts = map[string]bool{
	".png": true, ".jpg": true, ".jpeg": true, ".gif": true, ".bmp": true, ".ico": true, ".webp": true,
	".pdf": true, ".zip": true, ".gz": true, ".tgz": true, ".bz2": true, ".xz": true, ".zst": true, ".7z": true, ".tar": true, ".jar": true,
	".so": true, ".dylib": true, ".dll": true, ".exe": true, ".o": true, ".a": true, ".obj": true, ".lib": true, ".class": true, ".pyc": true, ".wasm": true,
	".woff": true, ".woff2": true, ".ttf": true, ".otf": true, ".mp3": true, ".mp4": true, ".wav": true, ".mov": true, ".sqlite": true, ".db": true,
}

// IsSecretFile reports whether path names a file that holds secrets by
// its nature (keys, certificates' private parts, environment files,
// credential stores). Such files are never read, open or not.
func IsSecretFile(path string) bool {
	base := strings.ToLower(filepath.Base(path))
	switch base {
	case ".netrc", "_netrc", ".npmrc", ".pypirc", ".git-credentials", ".htpasswd", ".pgpass",
		"credentials", "credentials.json", "credentials.yaml", "credentials.yml", "credentials.xml",
		"secrets.json", "secrets.yaml", "secrets.yml", "secrets.toml", ".secrets",
		"id_rsa", "id_dsa", "id_ecdsa", "id_ed25519", "known_hosts", "authorized_keys",
		".dockercfg", "terraform.tfstate", "terraform.tfstate.backup":
		return true
	}
	switch {
	case base == ".env" || strings.HasPrefix(base, ".env.") || strings.HasSuffix(base, ".env"):
		return true
	case strings.HasPrefix(base, "id_rsa") || strings.HasPrefix(base, "id_dsa") ||
		strings.HasPrefix(base, "id_ecdsa") || strings.HasPrefix(base, "id_ed25519"):
		return true
	case strings.HasPrefix(base, "service-account") && strings.HasSuffix(base, ".json"):
		return true
	}
	switch filepath.Ext(base) {
	case ".pem", ".key", ".p12", ".pfx", ".jks", ".keystore", ".kdbx", ".asc", ".gpg", ".tfvars", ".ovpn", ".ppk":
		return true
	}
	dir := filepath.Base(filepath.Dir(path))
	return (dir == ".aws" && (base == "config" || base == "credentials")) || (dir == ".docker" && base == "config.json")
}

// excludedDir reports whether the directory dir is skipped whatever the
// ignore files say.
func (w *Workspace) excludedDir(dir string) bool {
	name := filepath.Base(dir)
	if excludedDirs[name] || (!w.options().Vendored && vendorDirs[name]) {
		return true
	}
	if strings.HasPrefix(name, "bazel-") {
		return true
	}
	for _, marker := range buildDirs[name] {
		if _, err := os.Stat(filepath.Join(filepath.Dir(dir), marker)); err == nil {
			return true
		}
	}
	return false
}

// excludedFile reports whether the file at path is skipped by name.
func excludedFile(path string) bool {
	return IsSecretFile(path) || binaryExts[strings.ToLower(filepath.Ext(path))]
}

// isBinary reports whether content looks binary: a NUL byte early on.
func isBinary(data []byte) bool {
	return strings.IndexByte(string(data[:min(len(data), 8000)]), 0) >= 0
}
