// Package gitrepo is herald's Git layer, built on go-git: a cache of bare
// mirrors under a data directory, reads of trees and diffs at exact
// commits, and guarded publish commits.
//
// # Mirrors
//
// NewCache(dir) keeps one bare mirror per remote URL. Cache.Open clones on
// first use (into a temporary directory renamed into place, so a crash
// never leaves a half-written mirror), and checks an existing mirror
// before use: a mirror that cannot be opened, whose packs do not match
// their indexes, or whose refs point at unreadable objects is removed and
// cloned again. The cache is disposable: deleting it loses nothing.
//
// A first clone lists the remote's refs with go-git and fetches the
// objects with the git command when git 2.32 or later is installed
// (WithGitCommand), since git's index-pack builds a large pack's index
// several times faster than go-git; without it, and for ssh remotes, go-git
// fetches them. git runs with the system and user configuration ignored,
// never prompts, and gets credentials through its environment only.
//
// Mirror.Fetch brings named refs up to date ("refs/heads/main",
// "refs/pull/12/head"); only objects the mirror lacks are transferred, and
// when nothing changed only the ref advertisement is read. Once fetches
// have left more than WithMaxPacks pack files, the mirror is repacked. All
// operations on one mirror run one at a time (waiting honours the
// context); different mirrors work in parallel. Decoded objects are kept
// in one memory-bounded cache shared by all mirrors (WithObjectCacheSize);
// Cache.Close releases open files. Processes sharing a data directory take
// a lock file per mirror to clone, fetch or record a push, and refs are
// replaced whole (temporary file, then rename, as git does), so a reader
// in another process never finds one empty or half-written.
//
// # Reading
//
// Mirror.Resolve turns a ref or hash into a commit. Mirror.FS gives the
// tree of a commit as an io/fs.FS (ReadFile, ReadDir, Stat, ReadLink;
// symlinks reported, never followed). Mirror.ReadFile, Mirror.ListTree,
// Mirror.Diff (with rename detection, reading only subtrees that differ)
// and Mirror.MergeBase cover the rest. Missing refs and commits give
// ErrNotFound, missing paths fs.ErrNotExist. With the git command, a tree
// also lists every folder below one in a single git ls-tree (ReadDirs) and
// reads many files in a single git cat-file --batch (ReadFilesMax), for
// the first walk and read of a large site; small reads stay with go-git.
//
// # Writing
//
// Mirror.Commit builds a commit in the object store without a work tree:
// whole files written (keeping their mode) or deleted, author and committer
// given by the caller. It takes file contents, not text edits: the caller
// read the file at the parent already and applies its edits itself
// (content.ApplyEdits), so the Git layer knows nothing of text.
// Mirror.CommitEmpty makes the empty commit that triggers a site rebuild.
// Mirror.Push publishes it only if the remote branch is still at the
// expected old commit: the ref update command carries that old value and
// git's receive-pack applies it atomically, so a branch that moves between
// herald's check and the update is still refused. A moved branch yields a
// *BranchMovedError matching ErrBranchMoved and changes nothing, locally
// or remotely. Pushing a commit the branch already holds succeeds, so a
// push whose answer was lost is safe to repeat. Only the objects the new
// commits add are sent.
//
// # Credentials
//
// Auth is anonymous (the zero value), Token (GitHub's x-access-token basic
// scheme), Basic, or SSHKey. Credentials are passed per Open, never kept
// in the remote URL or on disk, never on a command line (the git command
// gets them as an http.extraHeader in its environment), and never printed: errors and logs carry
// URLs through RedactURL and secrets are scrubbed from wrapped errors.
//
// # What it refuses
//
// It does not check out work trees, merge, rebase or resolve conflicts,
// fetch with a depth limit, or follow symlinks. URLs with embedded
// credentials are refused. Processes share a data directory only where
// flock exists (Unix); elsewhere it belongs to one process at a time.
package gitrepo
