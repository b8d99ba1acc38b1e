package main

import (
	"context"
	"fmt"
	"os"

	"github.com/lode-ls/lode/context/syntax"
)

func main() {
	src, _ := os.ReadFile("/usr/local/go/src/bufio/bufio.go")
	src = src[:len(src)/2]
	t, err := syntax.Parse(context.Background(), syntax.ByName("go"), src)
	if err != nil {
		panic(err)
	}
	defer t.Close()
	defer func() { fmt.Println("recovered:", recover()) }()
	fmt.Println(len(t.Scopes(len(src))), len(t.IdentifiersNear(len(src), 8)))
}
