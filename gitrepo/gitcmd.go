package gitrepo

import (
	"archive/tar"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"slices"
	"strings"
)

// This file reaches repositories on disk that a person names (herald check
// --diff, a --repo that is a clone) through the git command rather than
// go-git: people name revisions as git reads them (HEAD~1, origin/main, a
// short hash), and a clone's remotes follow the user's git configuration
// (insteadOf rules, relative paths). Errors from a missing git command wrap
// exec.ErrNotFound.

// runGit runs git in dir and returns its standard output; an error carries
// git's standard error.
func runGit(ctx context.Context, dir string, args ...string) ([]byte, error) {
	cmd := exec.CommandContext(ctx, "git", append([]string{"-C", dir}, args...)...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		if msg := strings.TrimSpace(errb.String()); msg != "" {
			return nil, fmt.Errorf("git %s: %w: %s", strings.Join(args, " "), err, msg)
		}
		return nil, fmt.Errorf("git %s: %w", strings.Join(args, " "), err)
	}
	return out.Bytes(), nil
}

// Range is the head of a range of commits of a repository on disk, with
// the files the range changed; Close removes the files.
type Range struct {
	// Files is the tree of the range's head commit.
	Files fs.FS
	// Changed are the files added or modified in the range; Moved the
	// files only renamed there, with the same content. Paths are slash
	// paths from the folder the range was read in.
	Changed, Moved []string
	dir            string
}

// Close removes the files of the head commit.
func (r *Range) Close() error { return os.RemoveAll(r.dir) }

// ReadRange reads the head commit of spec (BASE..HEAD, or BASE...HEAD
// from their merge base) of the repository holding the folder dir into a
// temporary folder with git archive, and lists the files changed between
// BASE (or the merge base) and HEAD. When dir is a folder inside the
// repository, Files holds that folder only and the paths are within it.
func ReadRange(ctx context.Context, dir, spec string) (*Range, error) {
	base, head, ok := strings.Cut(spec, "...")
	mergeBase := ok
	if !ok {
		base, head, ok = strings.Cut(spec, "..")
	}
	if !ok || base == "" || head == "" || strings.HasPrefix(base, "-") || strings.HasPrefix(head, "-") {
		return nil, fmt.Errorf("want BASE..HEAD or BASE...HEAD, got %q", spec)
	}
	for _, rev := range []string{base, head} {
		if _, err := runGit(ctx, dir, "rev-parse", "--verify", "--quiet", rev+"^{commit}"); err != nil {
			return nil, fmt.Errorf("%s is not a commit of %s", rev, dir)
		}
	}
	from := base
	if mergeBase {
		out, err := runGit(ctx, dir, "merge-base", base, head)
		if err != nil {
			return nil, err
		}
		from = strings.TrimSpace(string(out))
	}
	changed, moved, err := changedFiles(ctx, dir, from, head)
	if err != nil {
		return nil, err
	}
	prefix, err := runGit(ctx, dir, "rev-parse", "--show-prefix")
	if err != nil {
		return nil, err
	}
	archive, err := runGit(ctx, dir, "archive", "--format=tar", head)
	if err != nil {
		return nil, err
	}
	tmp, err := os.MkdirTemp("", "herald-check-*")
	if err != nil {
		return nil, err
	}
	r := &Range{Files: os.DirFS(tmp), dir: tmp}
	if err := untar(tmp, bytes.NewReader(archive)); err != nil {
		r.Close()
		return nil, err
	}
	// git archive holds the folder dir only, while git diff names paths
	// from the repository's top.
	sub := strings.TrimSuffix(strings.TrimSpace(string(prefix)), "/")
	r.Changed, r.Moved = within(sub, changed), within(sub, moved)
	return r, nil
}

// within returns the paths inside the folder sub ("" for all), relative to
// it.
func within(sub string, paths []string) []string {
	if sub == "" {
		return paths
	}
	var out []string
	for _, p := range paths {
		if rel, ok := strings.CutPrefix(p, sub+"/"); ok {
			out = append(out, rel)
		}
	}
	return out
}

// changedFiles lists the files added or changed between the commits from
// and head, and apart those only moved. Exact renames (R100) are moves; any
// other rename counts as an added file, as without rename detection.
func changedFiles(ctx context.Context, dir, from, head string) (changed, moved []string, err error) {
	out, err := runGit(ctx, dir, "diff", "--name-status", "-z", "-M100%", "--diff-filter=ACMRT", from, head, "--")
	if err != nil {
		return nil, nil, err
	}
	fields := strings.Split(strings.TrimSuffix(string(out), "\x00"), "\x00")
	for i := 0; i < len(fields); i++ {
		status := fields[i]
		switch {
		case status == "":
		case strings.HasPrefix(status, "R") || strings.HasPrefix(status, "C"):
			if i+2 >= len(fields) {
				return nil, nil, fmt.Errorf("git diff: a rename without its two paths")
			}
			if status == "R100" {
				moved = append(moved, fields[i+2])
			} else {
				changed = append(changed, fields[i+2])
			}
			i += 2
		default:
			if i+1 >= len(fields) {
				return nil, nil, fmt.Errorf("git diff: status %q without a path", status)
			}
			changed = append(changed, fields[i+1])
			i++
		}
	}
	return changed, moved, nil
}

// untar extracts a git archive into dir. Symbolic links are recreated as
// they are; the site loader refuses to follow those leaving the tree.
func untar(dir string, r io.Reader) error {
	tr := tar.NewReader(r)
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("read archive: %w", err)
		}
		name := path.Clean(h.Name)
		if !fs.ValidPath(name) {
			return fmt.Errorf("archive entry %q leaves the tree", h.Name)
		}
		if err := extract(filepath.Join(dir, filepath.FromSlash(name)), h, tr); err != nil {
			return err
		}
	}
}

// extract writes one archive entry at target.
func extract(target string, h *tar.Header, r io.Reader) error {
	switch h.Typeflag {
	case tar.TypeDir:
		return os.MkdirAll(target, 0o755)
	case tar.TypeReg:
		if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
			return err
		}
		f, err := os.OpenFile(target, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o644)
		if err != nil {
			return err
		}
		if _, err := io.Copy(f, r); err != nil {
			f.Close()
			return err
		}
		return f.Close()
	case tar.TypeSymlink:
		if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
			return err
		}
		return os.Symlink(h.Linkname, target)
	}
	return nil
}

// WorkTree is a clone with a work tree, as InspectWorkTree found it.
type WorkTree struct {
	// Path is the top directory of the work tree.
	Path string
	// Remote is the remote it was cloned from ("origin", or the remote of
	// the current branch's upstream); empty when the clone has none.
	Remote string
	// URL is the remote's URL as git resolves it (insteadOf rules applied,
	// a relative path made absolute).
	URL string
	// AcceptsPush reports that the work tree is configured to take pushes
	// to its checked-out branch (receive.denyCurrentBranch updateInstead).
	AcceptsPush bool
}

// InspectWorkTree tells whether path is a Git work tree and, if so, which
// remote it was cloned from. It returns nil when path is a bare
// repository, no repository, or not a local path at all (a URL); errors
// come from git itself.
func InspectWorkTree(ctx context.Context, path string) (*WorkTree, error) {
	if IsRemoteURL(path) {
		return nil, nil
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, err
	}
	git := func(args ...string) (string, error) {
		out, err := runGit(ctx, abs, args...)
		return strings.TrimSpace(string(out)), err
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
	// wherever in it path points.
	top, err := git("rev-parse", "--show-toplevel")
	if err != nil {
		return nil, err
	}
	wt := &WorkTree{Path: top}
	if v, _ := git("config", "--get", "receive.denyCurrentBranch"); v == "updateInstead" {
		wt.AcceptsPush = true
	}
	if wt.Remote = upstreamRemote(git); wt.Remote == "" {
		return wt, nil
	}
	u, err := git("remote", "get-url", wt.Remote)
	if err != nil {
		return nil, err
	}
	if !IsRemoteURL(u) && !filepath.IsAbs(u) {
		u = filepath.Join(top, u)
	}
	wt.URL = u
	return wt, nil
}

// upstreamRemote names the remote of the current branch's upstream, else
// origin, else the only remote there is; "" when none is.
func upstreamRemote(git func(args ...string) (string, error)) string {
	if branch, err := git("symbolic-ref", "--quiet", "--short", "HEAD"); err == nil && branch != "" {
		if r, err := git("config", "--get", "branch."+branch+".remote"); err == nil && r != "" && r != "." {
			return r
		}
	}
	remotes, _ := git("remote")
	names := strings.Fields(remotes)
	switch {
	case slices.Contains(names, "origin"):
		return "origin"
	case len(names) == 1:
		return names[0]
	}
	return ""
}

// IsRemoteURL reports whether remote is a URL (scheme://... or the
// scp-like user@host:path) rather than a local path, as git reads it.
func IsRemoteURL(remote string) bool {
	if strings.Contains(remote, "://") {
		return true
	}
	at, colon := strings.Index(remote, "@"), strings.Index(remote, ":")
	return at > 0 && colon > at && !strings.ContainsAny(remote[:at], `/\`)
}
