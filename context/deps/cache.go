package deps

import (
	"bytes"
	"encoding/gob"
	"errors"
	"fmt"
	"hash/crc32"
	"os"
	"path/filepath"
	"strings"

	"github.com/lode-ls/lode/context/index"
	"github.com/lode-ls/lode/context/syntax"
	"github.com/lode-ls/lode/internal/store"
)

// cacheVersion changes whenever what a saved package holds changes: a
// file of another version is read as missing and written again.
const cacheVersion = 1

// savedPackage is one package's surface as saved.
type savedPackage struct {
	Version int
	Dir     string
	Decls   map[string][]index.Symbol
	Imports map[string][]syntax.Import
	Embeds  map[string][]savedEmbed
}

type savedEmbed struct{ Expr, File string }

// errCacheVersion is a saved package of another format.
var errCacheVersion = errors.New("saved by another version of lode")

// releasedGo returns the version of the Go at goroot when it is a
// release (its VERSION file says "go1.N.M"), else "": a development
// tree changes under the same name.
func releasedGo(goroot string) string {
	data, err := os.ReadFile(filepath.Join(goroot, "VERSION"))
	if err != nil {
		return ""
	}
	v, _, _ := strings.Cut(string(data), "\n")
	if v = strings.TrimSpace(v); !strings.HasPrefix(v, "go1.") || strings.ContainsAny(v, " +") {
		return ""
	}
	return v
}

// cacheFile returns where the surface of the package in dir, of module,
// is saved: only a package that cannot change has a file (a module
// version in the module cache, the standard library of a released Go);
// "" otherwise.
func (s *Surface) cacheFile(dir, module string) string {
	if s.cacheDir == "" {
		return ""
	}
	var key string
	switch module {
	case "vendor", "":
		return ""
	case "std":
		if s.goVersion == "" {
			return ""
		}
		rel, err := filepath.Rel(filepath.Join(s.goroot, "src"), dir)
		if err != nil || strings.HasPrefix(rel, "..") {
			return ""
		}
		key = s.goVersion + "/" + filepath.ToSlash(rel)
	default:
		rel, err := filepath.Rel(s.modcache, dir)
		if err != nil || strings.HasPrefix(rel, "..") || !strings.Contains(rel, "@") {
			return "" // a local replacement: it changes
		}
		key = filepath.ToSlash(rel)
	}
	name := strings.Map(func(r rune) rune {
		if r == '-' || r == '.' || r == '@' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' {
			return r
		}
		return '_'
	}, key)
	if len(name) > 100 {
		name = name[len(name)-100:]
	}
	return filepath.Join(s.cacheDir, fmt.Sprintf("%s-%08x.gob", name, crc32.ChecksumIEEE([]byte(key))))
}

// load fills p from its saved file; false when there is none or it
// cannot be used (which is reported, and the file written again).
func (s *Surface) load(file string, p *pkg) bool {
	data, err := os.ReadFile(file)
	if err != nil {
		s.report.Load("dependency declarations", file, err) // a missing file is no problem
		return false
	}
	var sp savedPackage
	err = gob.NewDecoder(bytes.NewReader(data)).Decode(&sp)
	switch {
	case err != nil:
	case sp.Version != cacheVersion:
		return false // another version's: written again, not a fault
	case sp.Dir != p.dir:
		err = fmt.Errorf("it holds %s, not %s", sp.Dir, p.dir)
	}
	if err != nil {
		s.report.Load("dependency declarations", file, err)
		return false
	}
	p.decls, p.imports = sp.Decls, sp.Imports
	p.embeds = make(map[string][]embedded, len(sp.Embeds))
	for t, es := range sp.Embeds {
		for _, e := range es {
			p.embeds[t] = append(p.embeds[t], embedded{expr: e.Expr, file: e.File})
		}
	}
	return true
}

// save writes p to its file.
func (s *Surface) save(file string, p *pkg) {
	sp := savedPackage{Version: cacheVersion, Dir: p.dir, Decls: p.decls, Imports: p.imports,
		Embeds: make(map[string][]savedEmbed, len(p.embeds))}
	for t, es := range p.embeds {
		for _, e := range es {
			sp.Embeds[t] = append(sp.Embeds[t], savedEmbed{Expr: e.expr, File: e.file})
		}
	}
	var b bytes.Buffer
	err := gob.NewEncoder(&b).Encode(&sp)
	if err == nil {
		err = store.WriteFile(file, b.Bytes())
	}
	s.report.Save("dependency declarations", file, err)
}

// Stats returns how many packages were read from saved files, and how
// many were parsed.
func (s *Surface) Stats() (loaded, parsed int) {
	return int(s.loaded.Load()), int(s.parsed.Load())
}
