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

// With openerEnv set, the test binary is an opener process for
// TestSharedDataDirProcesses instead.
const openerEnv = "GITREPO_TEST_OPENER"

func TestMain(m *testing.M) {
	if os.Getenv(publisherEnv) != "" {
		os.Exit(runPublisher())
	}
	if os.Getenv(openerEnv) != "" {
		os.Exit(runOpener())
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

// openerResult is what an opener process prints.
type openerResult struct {
	Head  string `json:"head"`
	Error string `json:"error,omitempty"`
}

// runOpener prints "ready", waits for a line on stdin, then opens the
// mirror of OPENER_REMOTE in the data directory OPENER_DATA (cloning it when
// absent), fetches its branches, and prints the openerResult as JSON, as
// herald publish --due does at its start.
func runOpener() int {
	ctx := context.Background()
	fmt.Println("ready")
	_, _ = bufio.NewReader(os.Stdin).ReadString('\n')
	res := openerResult{}
	c, err := gitrepo.NewCache(os.Getenv("OPENER_DATA"), gitrepo.WithLogger(slog.New(slog.DiscardHandler)))
	if err == nil {
		var m *gitrepo.Mirror
		if m, err = c.Open(ctx, os.Getenv("OPENER_REMOTE"), gitrepo.Anonymous()); err == nil {
			if err = m.Fetch(ctx); err == nil {
				var h gitrepo.Hash
				if h, err = m.Resolve(ctx, "refs/heads/main"); err == nil {
					res.Head = h.String()
				}
			}
		}
		_ = c.Close()
	}
	if err != nil {
		res.Error = err.Error()
	}
	if err := json.NewEncoder(os.Stdout).Encode(res); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	return 0
}
