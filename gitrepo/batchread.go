package gitrepo

import (
	"bufio"
	"bytes"
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os/exec"
	"path"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"
)

// This file reads many files and folders of a tree in one pass. The first
// reconcile of a large site lists every folder and reads every post (local
// mode's drafts, a rebuild's schedule), and go-git decoding ten thousand
// trees and inflating the delta chains of ten thousand blobs one by one
// took longer than the clone: git's own `ls-tree -r` and `cat-file --batch`
// do it in their own process, beside herald's parsing. Small reads stay
// with go-git, where starting a process would cost more than it saves.

// minBatchRead is the fewest files ReadFilesMax reads with the git
// command; below it starting git costs more than it saves.
const minBatchRead = 64

// ReadFilesMax reads the files names with one `git cat-file --batch`
// process and calls fn with each one's index in names, its data and its
// size, in the order of names and one at a time. As ReadFileMax does, it
// gives the size and no data for a file over max bytes. It stops at fn's
// first error, or the first name that is not a file, and returns it.
//
// It returns errors.ErrUnsupported, having read nothing, when a pass would
// not pay: without the git command, or for fewer than minBatchRead files
// (the caller reads them one by one, on several cores). When git fails to
// read the mirror midway, go-git reads the rest.
func (t *treeFS) ReadFilesMax(ctx context.Context, names []string, max int64, fn func(i int, data []byte, size int64) error) error {
	git := t.st.cache.git(ctx).path
	if git == "" || len(names) < minBatchRead || t.st.noBatch.Load() {
		return errors.ErrUnsupported
	}
	t.st.acquireNoCtx()
	hashes := make([]Hash, len(names))
	for i, name := range names {
		e, err := t.lookupFile("readfile", name)
		if err != nil {
			t.st.release()
			return err
		}
		hashes[i] = e.Hash
	}
	t.st.release()
	start := time.Now()
	done := 0 // the files given to fn
	err := catFiles(ctx, git, t.st.dir, hashes, max, func(i int, data []byte, size int64) error {
		done++
		return fn(i, data, size)
	})
	var unusable *catFileError
	if !errors.As(err, &unusable) {
		if err == nil {
			t.st.cache.log.Debug("files read with git cat-file", "mirror", t.st.dir, "files", done, "took", time.Since(start))
		}
		return err
	}
	// git could not read the mirror (an old repository format, a file it
	// cannot open): go-git reads the rest, as it would have. When it read
	// nothing, it is not asked again for this mirror, so the line is said
	// once, not at every reconcile.
	if done == 0 {
		t.st.noBatch.Store(true)
	}
	t.st.cache.log.Warn("reading files with go-git: git cat-file failed", "mirror", t.st.dir, "read", done, "error", err)
	for i := done; i < len(names); i++ {
		if err := ctx.Err(); err != nil {
			return err
		}
		data, size, err := t.ReadFileMax(names[i], max)
		if err != nil {
			return err
		}
		if err := fn(i, data, size); err != nil {
			return err
		}
	}
	return nil
}

// mirrorGit returns the git command git running args in the mirror at
// dir, and the end of its standard error.
func mirrorGit(ctx context.Context, git, dir string, args ...string) (*exec.Cmd, *tailBuffer) {
	cmd := exec.CommandContext(ctx, git, append([]string{"-C", dir}, args...)...)
	// The mirror is herald's own: git's check of its owner (safe.directory)
	// has nothing to guard here, and would refuse a data directory another
	// user made.
	cmd.Env = gitEnv([][2]string{{"safe.directory", dir}})
	stderr := &tailBuffer{max: 4 << 10}
	cmd.Stderr = stderr
	return cmd, stderr
}

// catFileError is git cat-file failing on its own account, not fn's or the
// context's.
type catFileError struct{ err error }

func (e *catFileError) Error() string { return "git cat-file: " + e.err.Error() }
func (e *catFileError) Unwrap() error { return e.err }

// catFiles reads the blobs hashes of the repository in dir with git
// cat-file --batch and calls fn with each in turn: its index, its data (nil
// when over max bytes) and its size. (git could look the paths up itself,
// as "<tree>:<path>", but it reads the trees again for each one: several
// times slower than go-git's lookups, whose trees stay decoded.)
func catFiles(ctx context.Context, git, dir string, hashes []Hash, max int64, fn func(i int, data []byte, size int64) error) error {
	run, cancel := context.WithCancel(ctx)
	defer cancel()
	// --buffer: git writes its answers in large blocks, not one per file.
	cmd, stderr := mirrorGit(run, git, dir, "cat-file", "--batch", "--buffer")
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return &catFileError{err}
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return &catFileError{err}
	}
	if err := cmd.Start(); err != nil {
		return &catFileError{err}
	}
	// The writer feeds git the ids while the reader below takes its
	// answers; a pipe's buffer would not hold ten thousand of either.
	var writer sync.WaitGroup
	writer.Go(func() {
		// A failed write is git gone: the reader below says why.
		defer stdin.Close()
		w := bufio.NewWriterSize(stdin, 64<<10)
		for _, h := range hashes {
			if _, err := w.WriteString(h.String() + "\n"); err != nil {
				return
			}
		}
		_ = w.Flush()
	})
	readErr := readBatch(bufio.NewReaderSize(stdout, 64<<10), hashes, max, fn)
	if readErr != nil {
		cancel() // stop git; what it still writes is not wanted
	}
	writer.Wait()
	waitErr := cmd.Wait()
	switch {
	case ctx.Err() != nil && (readErr != nil || waitErr != nil):
		return context.Cause(ctx)
	case readErr != nil:
		var bad *batchError
		if errors.As(readErr, &bad) || errors.Is(readErr, io.ErrUnexpectedEOF) || errors.Is(readErr, io.EOF) {
			if msg := strings.TrimSpace(stderr.String()); msg != "" {
				readErr = fmt.Errorf("%w: %s", readErr, msg)
			}
			return &catFileError{readErr}
		}
		return readErr // fn's, or the context's
	case waitErr != nil:
		return &catFileError{fmt.Errorf("%w: %s", waitErr, strings.TrimSpace(stderr.String()))}
	}
	return nil
}

// batchError is an answer of git cat-file --batch herald cannot use.
type batchError struct{ msg string }

func (e *batchError) Error() string { return e.msg }

// readBatch reads the answers of git cat-file --batch to hashes:
// "<id> blob <size>\n<data>\n" each, or "<id> missing\n".
func readBatch(r *bufio.Reader, hashes []Hash, max int64, fn func(i int, data []byte, size int64) error) error {
	for i, h := range hashes {
		line, err := r.ReadString('\n')
		if err != nil {
			return err
		}
		fields := strings.Fields(line)
		if len(fields) != 3 || fields[0] != h.String() || fields[1] != "blob" {
			// A blob missing, which go-git then says as it would.
			return &batchError{fmt.Sprintf("answered %q for %s", strings.TrimSpace(line), h)}
		}
		size, err := strconv.ParseInt(fields[2], 10, 64)
		if err != nil || size < 0 {
			return &batchError{fmt.Sprintf("answered size %q for %s", fields[2], h)}
		}
		var data []byte
		if size > max {
			if _, err := r.Discard(int(size)); err != nil {
				return err
			}
		} else {
			data = make([]byte, size)
			if _, err := io.ReadFull(r, data); err != nil {
				return err
			}
		}
		if b, err := r.ReadByte(); err != nil || b != '\n' {
			return &batchError{fmt.Sprintf("no newline after %s", h)}
		}
		if err := fn(i, data, size); err != nil {
			return err
		}
	}
	return nil
}

// ReadDirs lists the folder dir and every folder below it with one `git
// ls-tree -r -t` process, and returns each folder's entries, by path, as
// ReadDir returns them: a first walk of a large site's trees, which go-git
// decodes one by one, in a fraction of the time. It returns
// errors.ErrUnsupported, having read nothing, without the git command.
func (t *treeFS) ReadDirs(ctx context.Context, dir string) (map[string][]fs.DirEntry, error) {
	git := t.st.cache.git(ctx).path
	if git == "" {
		return nil, errors.ErrUnsupported
	}
	t.st.acquireNoCtx()
	e, err := t.lookup("readdir", dir)
	t.st.release()
	if err != nil {
		return nil, err
	}
	if e.Mode != filemode.Dir {
		return nil, &fs.PathError{Op: "readdir", Path: dir, Err: errors.New("not a directory")}
	}
	cmd, stderr := mirrorGit(ctx, git, t.st.dir, "ls-tree", "-r", "-t", "-z", "--full-tree", e.Hash.String())
	out, err := cmd.Output()
	if err != nil {
		if ctx.Err() != nil {
			return nil, context.Cause(ctx)
		}
		return nil, &fs.PathError{Op: "readdir", Path: dir, Err: fmt.Errorf("git ls-tree: %w: %s", err, strings.TrimSpace(stderr.String()))}
	}
	dirs := map[string][]fs.DirEntry{dir: {}}
	var files map[string]object.TreeEntry
	if dir == "." {
		files = map[string]object.TreeEntry{}
	}
	for len(out) > 0 {
		rec, rest, ok := bytes.Cut(out, []byte{0})
		if !ok {
			return nil, &fs.PathError{Op: "readdir", Path: dir, Err: errors.New("git ls-tree: unterminated entry")}
		}
		out = rest
		// "<mode> SP <type> SP <object> TAB <path>"
		tab := bytes.IndexByte(rec, '\t')
		sp1 := bytes.IndexByte(rec, ' ')
		sp2 := bytes.LastIndexByte(rec[:max(tab, 0)], ' ')
		if tab < 0 || sp1 < 0 || sp2 <= sp1 {
			return nil, &fs.PathError{Op: "readdir", Path: dir, Err: fmt.Errorf("git ls-tree: entry %q", rec)}
		}
		p := string(rec[tab+1:])
		mode, err := filemode.New(string(rec[:sp1]))
		if err != nil {
			return nil, &fs.PathError{Op: "readdir", Path: dir, Err: fmt.Errorf("git ls-tree: mode of %s: %w", p, err)}
		}
		var h Hash
		if n, err := hex.Decode(h[:], rec[sp2+1:tab]); err != nil || n != len(h) || tab-sp2-1 != 2*len(h) {
			return nil, &fs.PathError{Op: "readdir", Path: dir, Err: fmt.Errorf("git ls-tree: object of %s: %q", p, rec[sp2+1:tab])}
		}
		if dir != "." {
			p = dir + "/" + p
		}
		parent, entry := path.Dir(p), object.TreeEntry{Name: path.Base(p), Mode: mode, Hash: h}
		dirs[parent] = append(dirs[parent], &dirEntry{fsys: t, path: p, entry: entry})
		switch {
		case mode == filemode.Dir:
			if _, ok := dirs[p]; !ok {
				dirs[p] = []fs.DirEntry{}
			}
		case files != nil:
			files[p] = entry
		}
	}
	if files != nil {
		t.st.acquireNoCtx()
		t.listed = files
		t.st.release()
	}
	// git lists a tree's entries in its own order, where a folder sorts as
	// if its name ended in a slash: ReadDir's is by name alone.
	byName := func(a, b fs.DirEntry) int { return strings.Compare(a.Name(), b.Name()) }
	for _, des := range dirs {
		if !slices.IsSortedFunc(des, byName) {
			slices.SortFunc(des, byName)
		}
	}
	return dirs, nil
}
