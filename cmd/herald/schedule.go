package main

import (
	"context"
	"fmt"
	"io"
)

func runSchedule(_ context.Context, _ []string, _, stderr io.Writer) int {
	fmt.Fprintln(stderr, "herald schedule: not built yet")
	return exitUsage
}
