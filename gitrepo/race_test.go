package gitrepo_test

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"io"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/heraldhq/herald/gitrepo"
	"github.com/heraldhq/herald/internal/gittest"
)

// TestPushRaceProcesses runs two publisher processes (this test binary in
// publisher mode), each with its own data directory, that build a commit
// on the same tip and push when told to at the same moment.
func TestPushRaceProcesses(t *testing.T) {
	t.Parallel()
	srv := gittest.NewServer(t)
	repo := srv.NewRepo("site", map[string]string{"a.md": "draft: true\n", "b.md": "draft: true\n"})
	base := repo.Ref("refs/heads/main")

	type proc struct {
		cmd   *exec.Cmd
		stdin io.WriteCloser
		out   *bufio.Reader
	}
	var procs []proc
	for _, file := range []string{"a.md", "b.md"} {
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(),
			publisherEnv+"=1",
			"PUBLISHER_REMOTE="+repo.URL,
			"PUBLISHER_FILE="+file,
			"PUBLISHER_DATA="+t.TempDir(),
		)
		cmd.Stderr = os.Stderr
		stdin, err := cmd.StdinPipe()
		if err != nil {
			t.Fatal(err)
		}
		stdout, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
		procs = append(procs, proc{cmd: cmd, stdin: stdin, out: bufio.NewReader(stdout)})
	}
	// Both have read the same tip and built their commit.
	for i, p := range procs {
		line, err := p.out.ReadString('\n')
		if err != nil || line != "ready\n" {
			t.Fatalf("publisher %d: %q, %v", i, line, err)
		}
	}
	for _, p := range procs {
		if _, err := io.WriteString(p.stdin, "go\n"); err != nil {
			t.Fatal(err)
		}
	}
	results := make([]publishResult, len(procs))
	for i, p := range procs {
		if err := json.NewDecoder(p.out).Decode(&results[i]); err != nil {
			t.Fatalf("publisher %d result: %v", i, err)
		}
		if err := p.cmd.Wait(); err != nil {
			t.Fatalf("publisher %d: %v", i, err)
		}
	}
	checkRace(t, repo, base, results)
}

// TestPushIsCheckedByServer holds a push inside the server after herald
// has seen the branch at the expected commit, moves the branch, then lets
// the push through: the server itself must refuse it.
func TestPushIsCheckedByServer(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	srv := gittest.NewServer(t)
	repo := srv.NewRepo("site", map[string]string{"post.md": "draft: true\n"})
	m := open(t, newCache(t), repo.URL)
	tip := resolve(t, m, "main")
	commit, err := m.Commit(ctx, gitrepo.CommitRequest{
		Parent: tip, Files: map[string][]byte{"post.md": []byte("draft: false\n")},
		Message: "publish: post", Author: bot, Committer: bot,
	})
	if err != nil {
		t.Fatal(err)
	}
	arrived := make(chan struct{}, 1)
	release := make(chan struct{})
	srv.InjectFault(gittest.Fault{Kind: gittest.Block, Match: "/git-receive-pack", Times: 1, Arrived: arrived, Release: release})
	done := make(chan error, 1)
	go func() { done <- m.Push(ctx, "main", commit, tip) }()
	<-arrived
	moved := repo.Commit("refs/heads/main", map[string]string{"other.md": "x\n"})
	close(release)
	err = <-done
	if !errors.Is(err, gitrepo.ErrBranchMoved) {
		t.Fatalf("Push = %v, want ErrBranchMoved", err)
	}
	if !strings.Contains(err.Error(), "remote is at "+moved) {
		t.Errorf("error = %q, want it to name %s", err, moved)
	}
	if got := repo.Ref("refs/heads/main"); got != moved {
		t.Errorf("remote main = %s, want %s", got, moved)
	}
	if got := resolve(t, m, "main"); got != tip {
		t.Errorf("mirror main = %s, want untouched %s", got, tip)
	}
}

// TestSharedDataDirProcesses starts opener processes (this test binary in
// opener mode) together on one fresh data directory, as overlapping cron
// runs of herald publish --due do: each must clone or reuse the mirror and
// fetch, and none may fail. Each round starts from an empty directory.
func TestSharedDataDirProcesses(t *testing.T) {
	t.Parallel()
	srv := gittest.NewServer(t)
	repo := srv.NewRepo("site", map[string]string{"a.md": "draft: true\n"})
	want := repo.Ref("refs/heads/main")
	const rounds, procs = 4, 3
	for round := range rounds {
		data := t.TempDir()
		type proc struct {
			cmd   *exec.Cmd
			stdin io.WriteCloser
			out   *bufio.Reader
		}
		var ps []proc
		for range procs {
			cmd := exec.Command(os.Args[0], "-test.run=^$")
			cmd.Env = append(os.Environ(), openerEnv+"=1", "OPENER_REMOTE="+repo.URL, "OPENER_DATA="+data)
			cmd.Stderr = os.Stderr
			stdin, err := cmd.StdinPipe()
			if err != nil {
				t.Fatal(err)
			}
			stdout, err := cmd.StdoutPipe()
			if err != nil {
				t.Fatal(err)
			}
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			p := proc{cmd, stdin, bufio.NewReader(stdout)}
			if line, err := p.out.ReadString('\n'); err != nil || line != "ready\n" {
				t.Fatalf("opener said %q, %v", line, err)
			}
			ps = append(ps, p)
		}
		for _, p := range ps { // all at once
			io.WriteString(p.stdin, "go\n")
		}
		for i, p := range ps {
			var res struct {
				Head  string `json:"head"`
				Error string `json:"error"`
			}
			err := json.NewDecoder(p.out).Decode(&res)
			p.stdin.Close()
			if werr := p.cmd.Wait(); werr != nil && err == nil {
				err = werr
			}
			if err != nil || res.Error != "" || res.Head != want {
				t.Errorf("round %d, process %d: head %q, error %q (%v); want head %s and no error", round, i, res.Head, res.Error, err, want)
			}
		}
		entries, _ := os.ReadDir(data)
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		if len(names) != 2 || names[0] != ".locks" {
			t.Errorf("round %d: data directory holds %v, want the lock files and one mirror", round, names)
		}
	}
}
