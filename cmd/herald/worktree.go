package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
)

// workTree is what --repo PATH turned out to be when it names a clone with
// a work tree rather than a bare repository.
type workTree struct {
	// Path is the top directory of the work tree.
	Path string
	// Remote is the remote herald acts on ("origin", or the remote of the
	// current branch's upstream); empty when the clone has none.
	Remote string
	// URL is the remote's URL as git resolves it (insteadOf rules applied,
	// a relative path made absolute).
	URL string
	// AcceptsPush reports that the work tree is configured to take pushes
	// to its checked-out branch (receive.denyCurrentBranch updateInstead),
	// so herald may publish into it directly.
	AcceptsPush bool
}

// inspectWorkTree tells whether path is a Git work tree and, if so, which
// remote it was cloned from. It returns nil when path is a bare repository
// or not a local path at all (a URL); errors come from git itself.
func inspectWorkTree(ctx context.Context, path string) (*workTree, error) {
	if isRemoteURL(path) {
		return nil, nil
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, err
	}
	git := func(args ...string) (string, error) {
		cmd := exec.CommandContext(ctx, "git", append([]string{"-C", abs}, args...)...)
		var out, errb bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &errb
		if err := cmd.Run(); err != nil {
			if msg := strings.TrimSpace(errb.String()); msg != "" {
				return "", fmt.Errorf("git %s: %w: %s", strings.Join(args, " "), err, msg)
			}
			return "", fmt.Errorf("git %s: %w", strings.Join(args, " "), err)
		}
		return strings.TrimSpace(out.String()), nil
	}
	inside, err := git("rev-parse", "--is-inside-work-tree")
	if err != nil {
		if errors.Is(err, exec.ErrNotFound) {
			return nil, err
		}
		// Not a repository, or a bare one outside any work tree: the
		// caller reaches it as it is and reports what goes wrong.
		return nil, nil
	}
	if inside != "true" {
		return nil, nil // a bare repository
	}
	// Git reads a relative remote path from the top of the work tree,
	// wherever in it --repo points.
	top, err := git("rev-parse", "--show-toplevel")
	if err != nil {
		return nil, err
	}
	wt := &workTree{Path: top}
	if v, _ := git("config", "--get", "receive.denyCurrentBranch"); v == "updateInstead" {
		wt.AcceptsPush = true
	}
	// The remote of the current branch's upstream, else origin, else the
	// only remote there is.
	if branch, err := git("symbolic-ref", "--quiet", "--short", "HEAD"); err == nil && branch != "" {
		if r, err := git("config", "--get", "branch."+branch+".remote"); err == nil && r != "" && r != "." {
			wt.Remote = r
		}
	}
	if wt.Remote == "" {
		remotes, _ := git("remote")
		names := strings.Fields(remotes)
		switch {
		case slices.Contains(names, "origin"):
			wt.Remote = "origin"
		case len(names) == 1:
			wt.Remote = names[0]
		}
	}
	if wt.Remote == "" {
		return wt, nil
	}
	u, err := git("remote", "get-url", wt.Remote)
	if err != nil {
		return nil, err
	}
	if !isRemoteURL(u) && !filepath.IsAbs(u) {
		u = filepath.Join(top, u)
	}
	wt.URL = u
	return wt, nil
}

// isRemoteURL reports whether remote is a URL (scheme://... or the scp-like
// user@host:path) rather than a local path, as git reads it.
func isRemoteURL(remote string) bool {
	if strings.Contains(remote, "://") {
		return true
	}
	at, colon := strings.Index(remote, "@"), strings.Index(remote, ":")
	return at > 0 && colon > at && !strings.ContainsAny(remote[:at], `/\`)
}
