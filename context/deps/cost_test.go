package deps

import (
	"context"
	"flag"
	"fmt"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"
)

var costRoot = flag.String("depscost", "", "a Go workspace whose imports TestSurfaceCost reads")

// TestSurfaceCost reads the surface of every package the Go files of a
// workspace import and reports the time and the heap it holds. It
// measures; it asserts nothing but that something was read.
func TestSurfaceCost(t *testing.T) {
	if *costRoot == "" {
		t.Skip("measures only with -depscost=DIR")
	}
	seen := map[string]bool{}
	var paths []string
	filepath.WalkDir(*costRoot, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() && (d.Name() == "testdata" || d.Name() == "vendor" || strings.HasPrefix(d.Name(), ".")) && p != *costRoot {
			if d != nil && d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(p, ".go") {
			return nil
		}
		f, err := parser.ParseFile(token.NewFileSet(), p, nil, parser.ImportsOnly)
		if err != nil {
			return nil
		}
		for _, imp := range f.Imports {
			if ip, err := strconv.Unquote(imp.Path.Value); err == nil && !seen[ip] {
				seen[ip] = true
				paths = append(paths, ip)
			}
		}
		return nil
	})
	// Read from the saved surfaces of an earlier run (what a second start
	// of the server does), then cold, then the cold read kept in memory.
	cache := t.TempDir()
	for _, pass := range []string{"cold, saving", "from the saved files"} {
		start := time.Now()
		s := New(*costRoot, Options{CacheDir: cache})
		s.PreloadPaths(context.Background(), paths)
		took := time.Since(start)
		loaded, parsed := s.Stats()
		s.Close()
		fmt.Printf("%s: %d packages loaded, %d parsed, in %s\n", pass, loaded, parsed, took.Round(time.Millisecond))
	}
	runtime.GC()
	var before runtime.MemStats
	runtime.ReadMemStats(&before)
	start := time.Now()
	s := New(*costRoot, Options{})
	defer s.Close()
	s.PreloadPaths(context.Background(), paths)
	took := time.Since(start)
	runtime.GC()
	var after runtime.MemStats
	runtime.ReadMemStats(&after)
	found, decls := 0, 0
	for _, p := range paths {
		if d, _ := s.Dir(p); d != "" {
			found++
		}
	}
	s.mu.Lock()
	for _, p := range s.pkgs {
		for _, syms := range p.decls {
			decls += len(syms)
		}
	}
	s.mu.Unlock()
	if decls == 0 {
		t.Fatal("nothing read")
	}
	fmt.Printf("%d imported packages (%d outside the workspace found), %d packages read with those their declarations name, %d declarations, read in %s, heap +%.1f MB (counted %.1f MB)\n",
		len(paths), found, len(s.Packages()), decls, took.Round(time.Millisecond), float64(after.HeapAlloc-before.HeapAlloc)/(1<<20), float64(s.Bytes())/(1<<20))
}
