package main

import (
	"fmt"
	"go/ast"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"encoding/json"
	"bytes"
)

func main() {
	cmd := exec.Command("go", "list", "-e", "-export", "-deps", "-json=ImportPath,Export,Dir,GoFiles,ImportMap", "./bufio")
	cmd.Dir = "/usr/local/go/src"
	out, err := cmd.Output()
	fmt.Println(err)
	exports := map[string]string{}
	var target struct{ Dir string; GoFiles []string }
	dec := json.NewDecoder(bytes.NewReader(out))
	for dec.More() {
		var p struct{ ImportPath, Export, Dir string; GoFiles []string }
		dec.Decode(&p)
		exports[p.ImportPath] = p.Export
		if p.ImportPath == "bufio" { target.Dir, target.GoFiles = p.Dir, p.GoFiles }
	}
	fset := token.NewFileSet()
	var files []*ast.File
	for _, f := range target.GoFiles {
		af, _ := parser.ParseFile(fset, filepath.Join(target.Dir, f), nil, 0)
		files = append(files, af)
	}
	conf := types.Config{Importer: importer.ForCompiler(fset, "gc", func(path string) (io.ReadCloser, error) { return os.Open(exports[path]) })}
	info := &types.Info{Uses: map[*ast.Ident]types.Object{}}
	_, err = conf.Check("bufio", fset, files, info)
	fmt.Println(err)
	n := 0
	for id, obj := range info.Uses {
		if fn, ok := obj.(*types.Func); ok && n < 8 {
			fmt.Println(id.Name, fset.Position(fn.Pos()))
			n++
		}
	}
}
