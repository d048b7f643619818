package main

import (
	"context"
	"fmt"
	"io"
)

func runPublish(_ context.Context, _ []string, _, stderr io.Writer) int {
	fmt.Fprintln(stderr, "herald publish: not built yet")
	return exitUsage
}
