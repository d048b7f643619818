package gitrepo

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"sort"
	"strings"
	"time"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/format/packfile"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/plumbing/protocol/packp"
	"github.com/go-git/go-git/v5/plumbing/protocol/packp/capability"
	"github.com/go-git/go-git/v5/plumbing/revlist"
	"github.com/go-git/go-git/v5/plumbing/storer"
	"github.com/go-git/go-git/v5/plumbing/transport"
	"github.com/go-git/go-git/v5/plumbing/transport/client"
)

// Signature is a commit author or committer identity.
type Signature struct {
	Name, Email string
}

// CommitRequest describes a commit built on Parent without a work tree.
//
// Files are whole contents, not edits: whoever changes a file has read it
// already, at Parent, and applies its own edits (content.ApplyEdits), so
// the Git layer needs no notion of a text edit and reads no blob twice.
type CommitRequest struct {
	// Parent is the commit the new one builds on; it must be in the mirror.
	Parent Hash
	// Files maps a path to content written whole: created with mode 0644
	// when missing, replaced (keeping the mode) when present.
	Files map[string][]byte
	// Delete lists files to remove; a directory left empty disappears.
	Delete []string
	// Message is the commit message; a final newline is added if missing.
	Message string
	// Author and Committer are the identities recorded in the commit.
	Author, Committer Signature
	// Time is the author and committer time; zero means the cache's clock.
	Time time.Time
	// AllowEmpty permits a commit whose tree equals Parent's. Without it,
	// a request that changes nothing is an error.
	AllowEmpty bool
}

// Commit writes a commit to the mirror's object store (no work tree, no
// ref changes) and returns its hash; Push publishes it. Invalid requests
// (unknown parent, a path both written and deleted, a path outside the
// tree, a write over a directory) change nothing and get an error naming
// the path. Written objects no ref points at are
// harmless and never pushed unless pushed explicitly.
func (m *Mirror) Commit(ctx context.Context, req CommitRequest) (Hash, error) {
	if err := validateIdentity("author", req.Author); err != nil {
		return Hash{}, fmt.Errorf("commit: %w", err)
	}
	if err := validateIdentity("committer", req.Committer); err != nil {
		return Hash{}, fmt.Errorf("commit: %w", err)
	}
	if strings.TrimSpace(req.Message) == "" {
		return Hash{}, errors.New("commit: message is empty")
	}
	if req.Parent.IsZero() {
		return Hash{}, errors.New("commit: parent is not set")
	}
	if err := m.lock(ctx); err != nil {
		return Hash{}, fmt.Errorf("commit on %s: %w", req.Parent, err)
	}
	defer m.st.release()
	h, err := m.writeCommitLocked(req)
	if err != nil {
		return Hash{}, fmt.Errorf("commit on %s: %w", req.Parent, err)
	}
	return h, nil
}

// CommitEmpty writes a commit on parent with parent's tree, the usual way
// to make a static site rebuild. It is Commit with AllowEmpty.
func (m *Mirror) CommitEmpty(ctx context.Context, parent Hash, message string, author, committer Signature, when time.Time) (Hash, error) {
	return m.Commit(ctx, CommitRequest{
		Parent: parent, Message: message, Author: author, Committer: committer, Time: when, AllowEmpty: true,
	})
}

func validateIdentity(role string, s Signature) error {
	if strings.TrimSpace(s.Name) == "" || strings.TrimSpace(s.Email) == "" {
		return fmt.Errorf("%s needs a name and an email", role)
	}
	if strings.ContainsAny(s.Name+s.Email, "<>\n\x00") {
		return fmt.Errorf("%s %q <%s> contains <, >, a newline or NUL", role, s.Name, s.Email)
	}
	return nil
}

func validPath(p string) error {
	if !fs.ValidPath(p) || p == "." {
		return fmt.Errorf("path %q is not a clean slash-separated path inside the repository", p)
	}
	for _, part := range strings.Split(p, "/") {
		if strings.EqualFold(part, ".git") {
			return fmt.Errorf("path %q is inside .git", p)
		}
	}
	return nil
}

// newEntry is a pending change to one path: a blob with a mode, or a
// deletion when del is set.
type newEntry struct {
	hash Hash
	mode filemode.FileMode
	del  bool
}

func (m *Mirror) writeCommitLocked(req CommitRequest) (Hash, error) {
	s := m.st.repo.Storer
	parent, err := m.commitLockedByHash(req.Parent)
	if err != nil {
		return Hash{}, err
	}
	root, err := parent.Tree()
	if err != nil {
		return Hash{}, fmt.Errorf("tree of %s: %w", req.Parent, err)
	}

	changes := map[string]newEntry{}
	seen := func(p string) error {
		if err := validPath(p); err != nil {
			return err
		}
		if _, dup := changes[p]; dup {
			return fmt.Errorf("%s: more than one change (write or delete) names it", p)
		}
		return nil
	}
	for _, p := range sortedKeys(req.Files) {
		if err := seen(p); err != nil {
			return Hash{}, err
		}
		mode := filemode.Regular
		if e, err := root.FindEntry(p); err == nil {
			if !e.Mode.IsFile() || e.Mode == filemode.Symlink {
				return Hash{}, fmt.Errorf("write %s: a directory, symlink or submodule is there", p)
			}
			mode = e.Mode
		}
		h, err := writeBlob(s, req.Files[p])
		if err != nil {
			return Hash{}, fmt.Errorf("write %s: %w", p, err)
		}
		changes[p] = newEntry{hash: h, mode: mode}
	}
	for _, p := range req.Delete {
		if err := seen(p); err != nil {
			return Hash{}, err
		}
		e, err := root.FindEntry(p)
		if err != nil {
			return Hash{}, fmt.Errorf("delete %s: the file does not exist at %s", p, req.Parent)
		}
		if e.Mode == filemode.Dir {
			return Hash{}, fmt.Errorf("delete %s: is a directory; list its files", p)
		}
		changes[p] = newEntry{del: true}
	}

	treeHash, err := buildTree(s, root, changes)
	if err != nil {
		return Hash{}, err
	}
	if treeHash == root.Hash && !req.AllowEmpty {
		return Hash{}, errors.New("the changes leave the tree as it is; nothing to commit")
	}
	when := req.Time
	if when.IsZero() {
		when = m.st.cache.now()
	}
	msg := req.Message
	if !strings.HasSuffix(msg, "\n") {
		msg += "\n"
	}
	c := &object.Commit{
		Author:       object.Signature{Name: req.Author.Name, Email: req.Author.Email, When: when},
		Committer:    object.Signature{Name: req.Committer.Name, Email: req.Committer.Email, When: when},
		Message:      msg,
		TreeHash:     treeHash,
		ParentHashes: []plumbing.Hash{req.Parent},
	}
	obj := s.NewEncodedObject()
	if err := c.Encode(obj); err != nil {
		return Hash{}, fmt.Errorf("encode commit: %w", err)
	}
	h, err := s.SetEncodedObject(obj)
	if err != nil {
		return Hash{}, fmt.Errorf("store commit: %w", err)
	}
	return h, nil
}

func writeBlob(s storer.EncodedObjectStorer, content []byte) (Hash, error) {
	obj := s.NewEncodedObject()
	obj.SetType(plumbing.BlobObject)
	obj.SetSize(int64(len(content)))
	w, err := obj.Writer()
	if err != nil {
		return Hash{}, err
	}
	if _, err := w.Write(content); err != nil {
		return Hash{}, err
	}
	if err := w.Close(); err != nil {
		return Hash{}, err
	}
	return s.SetEncodedObject(obj)
}

// buildTree applies changes (paths relative to tree; tree may be nil for
// a new directory) and stores the resulting trees, returning the new
// tree's hash. Directories left empty are dropped, as git does.
func buildTree(s storer.EncodedObjectStorer, tree *object.Tree, changes map[string]newEntry) (Hash, error) {
	entries := map[string]object.TreeEntry{}
	if tree != nil {
		for _, e := range tree.Entries {
			entries[e.Name] = e
		}
	}
	sub := map[string]map[string]newEntry{}
	for p, c := range changes {
		dir, rest, nested := strings.Cut(p, "/")
		if nested {
			if sub[dir] == nil {
				sub[dir] = map[string]newEntry{}
			}
			sub[dir][rest] = c
			continue
		}
		if c.del {
			delete(entries, p)
			continue
		}
		if e, ok := entries[p]; ok && e.Mode == filemode.Dir {
			return Hash{}, fmt.Errorf("write %s: a directory is there", p)
		}
		entries[p] = object.TreeEntry{Name: p, Mode: c.mode, Hash: c.hash}
	}
	for dir, ch := range sub {
		var subtree *object.Tree
		if e, ok := entries[dir]; ok {
			if e.Mode != filemode.Dir {
				return Hash{}, fmt.Errorf("write under %s: a file is there, not a directory", dir)
			}
			t, err := object.GetTree(s, e.Hash)
			if err != nil {
				return Hash{}, fmt.Errorf("read tree %s: %w", dir, err)
			}
			subtree = t
		}
		h, err := buildTree(s, subtree, ch)
		if err != nil {
			return Hash{}, prefixPathErr(dir, err)
		}
		if h.String() == emptyTree {
			delete(entries, dir)
			continue
		}
		entries[dir] = object.TreeEntry{Name: dir, Mode: filemode.Dir, Hash: h}
	}
	if tree != nil && len(changes) == 0 {
		return tree.Hash, nil
	}
	list := make([]object.TreeEntry, 0, len(entries))
	for _, e := range entries {
		list = append(list, e)
	}
	// Git orders entries by name, comparing a directory as if its name
	// ended with "/".
	key := func(e object.TreeEntry) string {
		if e.Mode == filemode.Dir {
			return e.Name + "/"
		}
		return e.Name
	}
	sort.Slice(list, func(i, j int) bool { return key(list[i]) < key(list[j]) })
	t := &object.Tree{Entries: list}
	obj := s.NewEncodedObject()
	if err := t.Encode(obj); err != nil {
		return Hash{}, fmt.Errorf("encode tree: %w", err)
	}
	return s.SetEncodedObject(obj)
}

// emptyTree is the hash of the tree with no entries.
const emptyTree = "4b825dc642cb6eb9a060e54bf8d69288fbee4904"

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func prefixPathErr(dir string, err error) error {
	return fmt.Errorf("in %s/: %w", dir, err)
}

// BranchMovedError reports a guarded push whose branch was not where the
// caller expected. It matches ErrBranchMoved with errors.Is.
type BranchMovedError struct {
	// Branch is the full ref name, e.g. refs/heads/main.
	Branch string
	// Expected is the value the push required (zero: must not exist).
	Expected Hash
	// Actual is the value seen on the remote (zero: does not exist).
	Actual Hash
}

func (e *BranchMovedError) Error() string {
	show := func(h Hash) string {
		if h.IsZero() {
			return "absent"
		}
		return h.String()
	}
	return fmt.Sprintf("%s: remote is at %s, expected %s: %v", e.Branch, show(e.Actual), show(e.Expected), ErrBranchMoved)
}

// Is makes errors.Is(err, ErrBranchMoved) true.
func (e *BranchMovedError) Is(target error) bool { return target == ErrBranchMoved }

// Push sets the remote branch to newCommit only if it is still at
// expectedOld (the zero Hash: only if it does not exist). The condition is
// checked by the server itself, atomically, from the old value in the ref
// update command; git's receive-pack refuses the update when the branch
// moved in between. A moved branch gives a *BranchMovedError (errors.Is
// ErrBranchMoved) and leaves both the remote and the mirror unchanged:
// fetch, rebuild the commit on the new tip and push again.
//
// Pushing a commit the branch already points at succeeds, so a push whose
// answer was lost can be retried. On success the mirror's branch is set to
// newCommit. branch is a branch name ("main") or a full ref name.
func (m *Mirror) Push(ctx context.Context, branch string, newCommit, expectedOld Hash) error {
	ref := plumbing.ReferenceName(branch)
	if !strings.HasPrefix(branch, "refs/") {
		ref = plumbing.NewBranchReferenceName(branch)
	}
	// Besides branches, herald's own records live under refs/herald/.
	if err := ref.Validate(); err != nil || (!ref.IsBranch() && !strings.HasPrefix(ref.String(), "refs/herald/")) {
		return fmt.Errorf("push %q: not a branch name", branch)
	}
	if newCommit.IsZero() {
		return fmt.Errorf("push %s: no commit given", ref)
	}
	auth, err := m.auth.method(m.st.remote)
	if err != nil {
		return fmt.Errorf("push %s: %w", ref, err)
	}
	if err := m.lock(ctx); err != nil {
		return fmt.Errorf("push %s to %s: %w", ref, m.st.remote, err)
	}
	defer m.st.release()
	log := m.st.cache.log.With("remote", m.st.remote, "branch", ref.Short(), "commit", newCommit.String())
	err = m.pushLocked(ctx, auth, ref, newCommit, expectedOld)
	if err != nil {
		log.Info("push refused", "error", err)
		return fmt.Errorf("push %s to %s: %w", ref, m.st.remote, err)
	}
	// Recording the pushed commit rewrites a ref file, which a fetch of
	// another process sharing the data directory may be reading: it takes
	// the lock file as fetches do, or that fetch can read the file empty.
	unlockProcess, err := m.st.lockProcess(ctx)
	if err != nil {
		return fmt.Errorf("push %s: landed, but recording it in the mirror failed: %w", ref, err)
	}
	err = m.st.repo.Storer.SetReference(plumbing.NewHashReference(ref, newCommit))
	unlockProcess()
	if err != nil {
		return fmt.Errorf("push %s: landed, but recording it in the mirror failed: %w", ref, err)
	}
	log.Info("pushed", "old", expectedOld.String())
	return nil
}

func (m *Mirror) pushLocked(ctx context.Context, auth transport.AuthMethod, ref plumbing.ReferenceName, newCommit, expectedOld Hash) error {
	s := m.st.repo.Storer
	if _, err := m.commitLockedByHash(newCommit); err != nil {
		return err
	}
	ep, err := transport.NewEndpoint(m.st.remote)
	if err != nil {
		return err
	}
	cl, err := client.NewClient(ep)
	if err != nil {
		return err
	}
	remoteValue := func(ctx context.Context) (Hash, error) {
		sess, err := cl.NewReceivePackSession(ep, auth)
		if err != nil {
			return Hash{}, m.red.wrap(err)
		}
		defer sess.Close()
		ar, err := sess.AdvertisedReferencesContext(ctx)
		if err != nil {
			return Hash{}, fmt.Errorf("read remote refs: %w", m.red.wrap(err))
		}
		return advertised(ar, ref)
	}

	sess, err := cl.NewReceivePackSession(ep, auth)
	if err != nil {
		return m.red.wrap(err)
	}
	defer sess.Close()
	ar, err := sess.AdvertisedReferencesContext(ctx)
	if err != nil && !errors.Is(err, transport.ErrEmptyRemoteRepository) {
		return fmt.Errorf("read remote refs: %w", explain(ctx, m.red.wrap(err)))
	}
	current := Hash{}
	if ar != nil {
		if current, err = advertised(ar, ref); err != nil {
			return err
		}
	}
	if current == newCommit {
		return nil
	}
	if current != expectedOld {
		return &BranchMovedError{Branch: ref.String(), Expected: expectedOld, Actual: current}
	}

	// Objects to send: what the new commits add over commits the remote
	// advertised.
	remoteHas := map[plumbing.Hash]bool{}
	if !expectedOld.IsZero() {
		remoteHas[expectedOld] = true
	}
	if ar != nil {
		if refs, err := ar.AllReferences(); err == nil {
			if iter, err := refs.IterReferences(); err == nil {
				_ = iter.ForEach(func(r *plumbing.Reference) error {
					if r.Type() == plumbing.HashReference {
						remoteHas[r.Hash()] = true
					}
					return nil
				})
			}
		}
	}
	hashes, err := objectsToSend(s, newCommit, remoteHas)
	if err != nil {
		return fmt.Errorf("list objects to send: %w", err)
	}
	var caps *capability.List
	if ar != nil {
		caps = ar.Capabilities
	} else {
		caps = capability.NewList()
	}
	req := packp.NewReferenceUpdateRequestFromCapabilities(caps)
	req.Commands = []*packp.Command{{Name: ref, Old: expectedOld, New: newCommit}}

	cfg, err := m.st.repo.Config()
	if err != nil {
		return err
	}
	rd, wr := io.Pipe()
	req.Packfile = rd
	done := make(chan error, 1)
	go func() {
		enc := packfile.NewEncoder(wr, s, !caps.Supports(capability.OFSDelta))
		if _, err := enc.Encode(hashes, cfg.Pack.Window); err != nil {
			done <- wr.CloseWithError(err)
			return
		}
		done <- wr.Close()
	}()
	rs, perr := sess.ReceivePack(ctx, req)
	if perr != nil {
		perr = explain(ctx, perr)
	}
	_ = rd.Close()
	encErr := <-done
	if perr == nil && rs != nil {
		perr = rs.Error()
	}
	if perr == nil && encErr != nil {
		perr = encErr
	}
	if perr == nil {
		return nil
	}
	// The server refused or the exchange failed: look at where the branch
	// is now to tell a lost race from another failure.
	now, err := remoteValue(ctx)
	if err != nil {
		return fmt.Errorf("%w (then: %v)", m.red.wrap(perr), err)
	}
	switch now {
	case newCommit:
		return nil
	case expectedOld:
		return m.red.wrap(perr)
	}
	return &BranchMovedError{Branch: ref.String(), Expected: expectedOld, Actual: now}
}

// maxChain is how many new commits objectsToSend walks before it falls
// back to a full object walk.
const maxChain = 100

// objectsToSend lists the objects the remote lacks to accept tip, given
// commits it has. For a linear chain of new commits on top of one the
// remote has (the publish case), it compares each commit's tree with its
// parent's and takes only what differs, which costs what the change
// costs, not what the repository costs. Other shapes use a full walk.
func objectsToSend(s storer.EncodedObjectStorer, tip Hash, remoteHas map[Hash]bool) ([]Hash, error) {
	var chain []*object.Commit
	h := tip
	for range maxChain {
		if remoteHas[h] {
			break
		}
		c, err := object.GetCommit(s, h)
		if err != nil {
			return nil, err
		}
		if len(c.ParentHashes) != 1 {
			return fullWalk(s, tip, remoteHas)
		}
		chain = append(chain, c)
		h = c.ParentHashes[0]
	}
	if !remoteHas[h] {
		return fullWalk(s, tip, remoteHas)
	}
	base, err := object.GetCommit(s, h)
	if err != nil {
		return fullWalk(s, tip, remoteHas)
	}
	out := map[Hash]bool{}
	prevTree := base.TreeHash
	for i := len(chain) - 1; i >= 0; i-- {
		c := chain[i]
		out[c.Hash] = true
		if err := newTreeObjects(s, c.TreeHash, prevTree, out); err != nil {
			return nil, err
		}
		prevTree = c.TreeHash
	}
	list := make([]Hash, 0, len(out))
	for h := range out {
		list = append(list, h)
	}
	return list, nil
}

// newTreeObjects adds to out the trees and blobs of tree newT that are not
// in oldT (zero: no old tree) at the same path.
func newTreeObjects(s storer.EncodedObjectStorer, newT, oldT Hash, out map[Hash]bool) error {
	if newT == oldT {
		return nil
	}
	out[newT] = true
	nt, err := object.GetTree(s, newT)
	if err != nil {
		return err
	}
	old := map[string]object.TreeEntry{}
	if !oldT.IsZero() {
		ot, err := object.GetTree(s, oldT)
		if err != nil {
			return err
		}
		for _, e := range ot.Entries {
			old[e.Name] = e
		}
	}
	for _, e := range nt.Entries {
		o, ok := old[e.Name]
		if ok && o.Hash == e.Hash {
			continue
		}
		switch e.Mode {
		case filemode.Dir:
			var prev Hash
			if ok && o.Mode == filemode.Dir {
				prev = o.Hash
			}
			if err := newTreeObjects(s, e.Hash, prev, out); err != nil {
				return err
			}
		case filemode.Submodule:
			// A submodule's commit lives in another repository.
		default:
			out[e.Hash] = true
		}
	}
	return nil
}

func fullWalk(s storer.EncodedObjectStorer, tip Hash, remoteHas map[Hash]bool) ([]Hash, error) {
	var haves []plumbing.Hash
	for h := range remoteHas {
		if _, err := s.EncodedObject(plumbing.CommitObject, h); err == nil {
			haves = append(haves, h)
		}
	}
	return revlist.Objects(s, []plumbing.Hash{tip}, haves)
}

func advertised(ar *packp.AdvRefs, ref plumbing.ReferenceName) (Hash, error) {
	refs, err := ar.AllReferences()
	if err != nil {
		return Hash{}, fmt.Errorf("read remote refs: %w", err)
	}
	r, err := refs.Reference(ref)
	if errors.Is(err, plumbing.ErrReferenceNotFound) {
		return Hash{}, nil
	}
	if err != nil {
		return Hash{}, err
	}
	return r.Hash(), nil
}
