package gitrepo_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"testing"

	"github.com/heraldhq/herald/gitrepo"
)

// The test binary doubles as a publisher process for
// TestPushRaceProcesses: with publisherEnv set it publishes one file and
// exits instead of running tests.
const publisherEnv = "GITREPO_TEST_PUBLISHER"

func TestMain(m *testing.M) {
	if os.Getenv(publisherEnv) != "" {
		os.Exit(runPublisher())
	}
	code := m.Run()
	removeBenchRepo()
	os.Exit(code)
}

// runPublisher reads its remote, file and data directory from the
// environment, prints "ready" once its commit is built, waits for a line
// on stdin, pushes, and prints its publishResult as JSON.
func runPublisher() int {
	ctx := context.Background()
	c, err := gitrepo.NewCache(os.Getenv("PUBLISHER_DATA"), gitrepo.WithLogger(slog.New(slog.DiscardHandler)))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	m, err := c.Open(ctx, os.Getenv("PUBLISHER_REMOTE"), gitrepo.Anonymous())
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	in := bufio.NewReader(os.Stdin)
	res := publish(ctx, m, os.Getenv("PUBLISHER_FILE"), func() {
		fmt.Println("ready")
		_, _ = in.ReadString('\n')
	})
	if err := json.NewEncoder(os.Stdout).Encode(res); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	return 0
}
