package gitrepo

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"sort"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/utils/merkletrie"
)

// ErrNoMergeBase means two commits share no history.
var ErrNoMergeBase = errors.New("no merge base")

// commitLocked reads a commit; called with the lock held.
func (m *Mirror) commitLockedByHash(h Hash) (*object.Commit, error) {
	c, err := object.GetCommit(m.st.repo.Storer, h)
	if errors.Is(err, plumbing.ErrObjectNotFound) {
		return nil, fmt.Errorf("commit %s: %w", h, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("commit %s: %w", h, err)
	}
	return c, nil
}

func (m *Mirror) treeLocked(commit Hash) (*object.Commit, *object.Tree, error) {
	c, err := m.commitLockedByHash(commit)
	if err != nil {
		return nil, nil, err
	}
	t, err := c.Tree()
	if err != nil {
		return nil, nil, fmt.Errorf("tree of %s: %w", commit, err)
	}
	return c, t, nil
}

// ReadFile returns the content of the file at path (slash-separated, from
// the repository root) in commit. A missing path gives an error wrapping
// fs.ErrNotExist; a directory or submodule is an error too. A symlink's
// content is its target.
func (m *Mirror) ReadFile(ctx context.Context, commit Hash, path string) ([]byte, error) {
	if err := m.lock(ctx); err != nil {
		return nil, fmt.Errorf("read %s at %s: %w", path, commit, err)
	}
	defer m.st.release()
	c, t, err := m.treeLocked(commit)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	fsys := &treeFS{st: m.st, root: t, when: c.Committer.When}
	b, err := fsys.readFileLocked("read", path)
	if err != nil {
		return nil, fmt.Errorf("commit %s: %w", commit, err)
	}
	return b, nil
}

// TreeEntry is one file (not a directory) in a tree listing.
type TreeEntry struct {
	// Path is slash-separated from the repository root.
	Path string
	// Mode is 0644 or 0755 for files, fs.ModeSymlink for symlinks and
	// fs.ModeIrregular for submodules.
	Mode fs.FileMode
	// Hash is the blob (or, for a submodule, commit) the entry names.
	Hash Hash
}

// ListTree returns every file, symlink and submodule in commit's tree,
// sorted by path. Directories are implied by the paths.
func (m *Mirror) ListTree(ctx context.Context, commit Hash) ([]TreeEntry, error) {
	if err := m.lock(ctx); err != nil {
		return nil, fmt.Errorf("list tree of %s: %w", commit, err)
	}
	defer m.st.release()
	_, t, err := m.treeLocked(commit)
	if err != nil {
		return nil, fmt.Errorf("list tree: %w", err)
	}
	w := object.NewTreeWalker(t, true, nil)
	defer w.Close()
	var out []TreeEntry
	for {
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("list tree of %s: %w", commit, err)
		}
		name, e, err := w.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("list tree of %s: %w", commit, err)
		}
		if e.Mode == filemode.Dir {
			continue
		}
		out = append(out, TreeEntry{Path: name, Mode: fileMode(e.Mode), Hash: e.Hash})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out, nil
}

// Op is what happened to a path between two commits.
type Op int

// The operations a Change can carry.
const (
	// Added is a path present only in head.
	Added Op = iota + 1
	// Modified is a path present in both whose content or mode changed.
	Modified
	// Renamed is a path moved (maybe also changed) from From to To.
	Renamed
	// Deleted is a path present only in base.
	Deleted
)

// String returns the lower-case name of the operation.
func (o Op) String() string {
	switch o {
	case Added:
		return "added"
	case Modified:
		return "modified"
	case Renamed:
		return "renamed"
	case Deleted:
		return "deleted"
	}
	return fmt.Sprintf("Op(%d)", int(o))
}

// Change is one path that differs between two commits. From is empty for
// Added, To is empty for Deleted, and both are equal for Modified.
type Change struct {
	Op       Op
	From, To string
	// Moved reports a Renamed file whose content is byte for byte the same:
	// a pure move, told from the blob names without reading either file.
	Moved bool
}

// Diff returns the files that differ from base to head, with renames
// detected as git does by default (exact, or at least 60% similar),
// sorted by the path in head (or in base for deletions). Pass the merge
// base as base to see what a pull request changes.
func (m *Mirror) Diff(ctx context.Context, base, head Hash) ([]Change, error) {
	if err := m.lock(ctx); err != nil {
		return nil, fmt.Errorf("diff %s..%s: %w", base, head, err)
	}
	defer m.st.release()
	_, bt, err := m.treeLocked(base)
	if err != nil {
		return nil, fmt.Errorf("diff: base %w", err)
	}
	_, ht, err := m.treeLocked(head)
	if err != nil {
		return nil, fmt.Errorf("diff: head %w", err)
	}
	var changes object.Changes
	if err := diffTrees(ctx, bt, ht, "", &changes); err != nil {
		return nil, fmt.Errorf("diff %s..%s: %w", base, head, err)
	}
	changes, err = object.DetectRenames(changes, object.DefaultDiffTreeOptions)
	if err != nil {
		return nil, fmt.Errorf("diff %s..%s: detect renames: %w", base, head, err)
	}
	out := make([]Change, 0, len(changes))
	for _, c := range changes {
		action, err := c.Action()
		if err != nil {
			return nil, fmt.Errorf("diff %s..%s: %w", base, head, err)
		}
		switch {
		case action == merkletrie.Insert:
			out = append(out, Change{Op: Added, To: c.To.Name})
		case action == merkletrie.Delete:
			out = append(out, Change{Op: Deleted, From: c.From.Name})
		case c.From.Name != c.To.Name:
			out = append(out, Change{Op: Renamed, From: c.From.Name, To: c.To.Name, Moved: c.From.TreeEntry.Hash == c.To.TreeEntry.Hash})
		default:
			out = append(out, Change{Op: Modified, From: c.From.Name, To: c.To.Name})
		}
	}
	key := func(c Change) string {
		if c.To != "" {
			return c.To
		}
		return c.From
	}
	sort.Slice(out, func(i, j int) bool { return key(out[i]) < key(out[j]) })
	return out, nil
}

// diffTrees appends the file changes from tree a to tree b (either may be
// nil) under prefix. Unlike go-git's DiffTree it reads a subtree only when
// its hash differs, so its cost follows the change, not the repository.
func diffTrees(ctx context.Context, a, b *object.Tree, prefix string, out *object.Changes) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	var ae, be []object.TreeEntry
	if a != nil {
		ae = a.Entries
	}
	if b != nil {
		be = b.Entries
	}
	am := make(map[string]object.TreeEntry, len(ae))
	for _, e := range ae {
		am[e.Name] = e
	}
	bm := make(map[string]object.TreeEntry, len(be))
	for _, e := range be {
		bm[e.Name] = e
	}
	sub := func(t *object.Tree, e object.TreeEntry) (*object.Tree, error) {
		if t == nil || e.Mode != filemode.Dir {
			return nil, nil
		}
		return t.Tree(e.Name)
	}
	entry := func(t *object.Tree, e object.TreeEntry) object.ChangeEntry {
		return object.ChangeEntry{Name: prefix + e.Name, Tree: t, TreeEntry: e}
	}
	visit := func(name string) error {
		ea, inA := am[name]
		eb, inB := bm[name]
		if inA && inB && ea.Hash == eb.Hash && ea.Mode == eb.Mode {
			return nil
		}
		aDir := inA && ea.Mode == filemode.Dir
		bDir := inB && eb.Mode == filemode.Dir
		if aDir || bDir {
			var sa, sb *object.Tree
			var err error
			if aDir {
				if sa, err = sub(a, ea); err != nil {
					return err
				}
			}
			if bDir {
				if sb, err = sub(b, eb); err != nil {
					return err
				}
			}
			if err := diffTrees(ctx, sa, sb, prefix+name+"/", out); err != nil {
				return err
			}
		}
		fileA := inA && !aDir
		fileB := inB && !bDir
		switch {
		case fileA && fileB:
			*out = append(*out, &object.Change{From: entry(a, ea), To: entry(b, eb)})
		case fileA:
			*out = append(*out, &object.Change{From: entry(a, ea)})
		case fileB:
			*out = append(*out, &object.Change{To: entry(b, eb)})
		}
		return nil
	}
	for _, e := range ae {
		if err := visit(e.Name); err != nil {
			return err
		}
	}
	for _, e := range be {
		if _, ok := am[e.Name]; !ok {
			if err := visit(e.Name); err != nil {
				return err
			}
		}
	}
	return nil
}

// MergeBase returns the best common ancestor of a and b. When there are
// several (criss-cross merges), the most recently committed one is
// returned. Commits without shared history give ErrNoMergeBase.
func (m *Mirror) MergeBase(ctx context.Context, a, b Hash) (Hash, error) {
	if err := m.lock(ctx); err != nil {
		return Hash{}, fmt.Errorf("merge base of %s and %s: %w", a, b, err)
	}
	defer m.st.release()
	ca, err := m.commitLockedByHash(a)
	if err != nil {
		return Hash{}, fmt.Errorf("merge base: %w", err)
	}
	cb, err := m.commitLockedByHash(b)
	if err != nil {
		return Hash{}, fmt.Errorf("merge base: %w", err)
	}
	bases, err := ca.MergeBase(cb)
	if err != nil {
		return Hash{}, fmt.Errorf("merge base of %s and %s: %w", a, b, err)
	}
	if len(bases) == 0 {
		return Hash{}, fmt.Errorf("merge base of %s and %s: %w", a, b, ErrNoMergeBase)
	}
	sort.Slice(bases, func(i, j int) bool {
		ti, tj := bases[i].Committer.When, bases[j].Committer.When
		if !ti.Equal(tj) {
			return ti.After(tj)
		}
		return bases[i].Hash.String() < bases[j].Hash.String()
	})
	return bases[0].Hash, nil
}

func fileMode(m filemode.FileMode) fs.FileMode {
	switch m {
	case filemode.Dir:
		return fs.ModeDir | 0o755
	case filemode.Executable:
		return 0o755
	case filemode.Symlink:
		return fs.ModeSymlink | 0o777
	case filemode.Submodule:
		return fs.ModeIrregular
	}
	return 0o644
}
