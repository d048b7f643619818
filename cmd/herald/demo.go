package main

import (
	"context"
	"fmt"
	"io"
)

func runDemo(_ context.Context, _ []string, _, stderr io.Writer) int {
	fmt.Fprintln(stderr, "herald demo: not built yet")
	return exitUsage
}
