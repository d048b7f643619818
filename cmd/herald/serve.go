package main

import (
	"context"
	"fmt"
	"io"
)

func runServe(_ context.Context, _ []string, _, stderr io.Writer) int {
	fmt.Fprintln(stderr, "herald serve: not built yet")
	return exitUsage
}
