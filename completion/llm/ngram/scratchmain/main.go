package main

import (
	"context"
	"os"
)

func main() {
	c := runEvalNgram(context.Background(), os.Args[1:], os.Stdout, os.Stderr)
	profStop()
	os.Exit(c)
}
