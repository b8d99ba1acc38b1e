package main

import (
	"context"
	"os"
)

func main() {
	switch os.Args[1] {
	case "context":
		os.Exit(runContext(context.Background(), os.Args[2:], os.Stdout, os.Stderr))
	case "eval":
		os.Exit(runEvalContext(context.Background(), os.Args[3:], os.Stdout, os.Stderr))
	}
}
