package gitrepo

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"sort"
	"time"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/plumbing/storer"
)

// FS returns the tree of commit as a read-only file system. It implements
// fs.ReadFileFS, fs.ReadDirFS, fs.StatFS and fs.ReadLinkFS, so fs.ReadFile,
// fs.WalkDir and fs.Stat work without extra lookups. Symlinks are reported
// as such (fs.ModeSymlink) and never followed: opening one reads its
// target text, and a path through a symlinked directory does not exist.
// Submodules appear as fs.ModeIrregular entries with no content. Every
// file's modification time is the commit's committer time. Directory
// entries have an ObjectID method giving their Git object id, and so has
// the FS for its root tree: a reader that keeps what it read of a tree by
// its id reads only the folders a later commit changed.
//
// The FS stays valid after later fetches (objects are never removed).
// Each call takes the mirror's lock, so it is safe for concurrent use.
func (m *Mirror) FS(ctx context.Context, commit Hash) (fs.FS, error) {
	if err := m.lock(ctx); err != nil {
		return nil, fmt.Errorf("tree of %s: %w", commit, err)
	}
	defer m.st.release()
	c, t, err := m.treeLocked(commit)
	if err != nil {
		return nil, err
	}
	return &treeFS{st: m.st, root: t, when: c.Committer.When}, nil
}

type treeFS struct {
	st   *mirrorState
	root *object.Tree
	when time.Time
	// listed is every file and link of the tree, by path, once ReadDirs
	// has listed it from the root: lookups of files need not decode the
	// folders again. The mirror's lock guards it.
	listed map[string]object.TreeEntry
}

var (
	_ fs.ReadFileFS = (*treeFS)(nil)
	_ fs.ReadDirFS  = (*treeFS)(nil)
	_ fs.StatFS     = (*treeFS)(nil)
	_ fs.ReadLinkFS = (*treeFS)(nil)
)

// ObjectID returns the id of the root tree (see dirEntry.ObjectID).
func (t *treeFS) ObjectID() [20]byte { return t.root.Hash }

// lookup finds name; for "." it returns the root as a directory entry.
func (t *treeFS) lookup(op, name string) (object.TreeEntry, error) {
	if t.st.repo == nil {
		return object.TreeEntry{}, &fs.PathError{Op: op, Path: name, Err: fs.ErrClosed}
	}
	if !fs.ValidPath(name) {
		return object.TreeEntry{}, &fs.PathError{Op: op, Path: name, Err: fs.ErrInvalid}
	}
	if name == "." {
		return object.TreeEntry{Name: ".", Mode: filemode.Dir, Hash: t.root.Hash}, nil
	}
	if e, ok := t.listed[name]; ok {
		return e, nil
	}
	e, err := t.root.FindEntry(name)
	if errors.Is(err, object.ErrEntryNotFound) || errors.Is(err, object.ErrDirectoryNotFound) || errors.Is(err, plumbing.ErrObjectNotFound) {
		return object.TreeEntry{}, &fs.PathError{Op: op, Path: name, Err: fs.ErrNotExist}
	}
	if err != nil {
		return object.TreeEntry{}, &fs.PathError{Op: op, Path: name, Err: err}
	}
	return *e, nil
}

// lookupFile finds name, which must be a file (or a symlink, read as its
// target text).
func (t *treeFS) lookupFile(op, name string) (object.TreeEntry, error) {
	e, err := t.lookup(op, name)
	if err != nil {
		return e, err
	}
	switch e.Mode {
	case filemode.Dir:
		return e, &fs.PathError{Op: op, Path: name, Err: errors.New("is a directory")}
	case filemode.Submodule:
		return e, &fs.PathError{Op: op, Path: name, Err: errors.New("is a submodule")}
	}
	return e, nil
}

func (t *treeFS) info(name string, e object.TreeEntry) (*fileInfo, error) {
	fi := &fileInfo{name: baseName(name), mode: fileMode(e.Mode), when: t.when, hash: e.Hash}
	if e.Mode == filemode.Regular || e.Mode == filemode.Executable || e.Mode == filemode.Deprecated || e.Mode == filemode.Symlink {
		size, err := objectSize(t.st.repo.Storer, e.Hash)
		if err != nil {
			return nil, &fs.PathError{Op: "stat", Path: name, Err: err}
		}
		fi.size = size
	}
	return fi, nil
}

func (t *treeFS) readBlob(op, name string, h Hash) ([]byte, error) {
	b, err := object.GetBlob(t.st.repo.Storer, h)
	if err != nil {
		return nil, &fs.PathError{Op: op, Path: name, Err: err}
	}
	return readBlobData(op, name, b)
}

// readBlobData reads the content of b, the blob at name.
func readBlobData(op, name string, b *object.Blob) ([]byte, error) {
	r, err := b.Reader()
	if err != nil {
		return nil, &fs.PathError{Op: op, Path: name, Err: err}
	}
	defer r.Close()
	// bytes.Buffer.ReadFrom wants MinRead bytes free before each read:
	// without them the buffer is allocated twice.
	buf := bytes.NewBuffer(make([]byte, 0, b.Size+bytes.MinRead))
	if _, err := io.Copy(buf, r); err != nil {
		return nil, &fs.PathError{Op: op, Path: name, Err: err}
	}
	return buf.Bytes(), nil
}

func (t *treeFS) readFileLocked(op, name string) ([]byte, error) {
	e, err := t.lookupFile(op, name)
	if err != nil {
		return nil, err
	}
	return t.readBlob(op, name, e.Hash)
}

// Open opens name: a directory gives an fs.ReadDirFile, anything else a
// file holding the blob (a symlink's target text, nothing for a submodule).
func (t *treeFS) Open(name string) (fs.File, error) {
	t.st.acquireNoCtx()
	defer t.st.release()
	e, err := t.lookup("open", name)
	if err != nil {
		return nil, err
	}
	fi, err := t.info(name, e)
	if err != nil {
		return nil, err
	}
	switch e.Mode {
	case filemode.Dir:
		entries, err := t.readDirLocked(name, e.Hash)
		if err != nil {
			return nil, err
		}
		return &dirFile{info: fi, entries: entries}, nil
	case filemode.Submodule:
		return &file{info: fi, r: bytes.NewReader(nil)}, nil
	}
	b, err := t.readBlob("open", name, e.Hash)
	if err != nil {
		return nil, err
	}
	return &file{info: fi, r: bytes.NewReader(b)}, nil
}

// ReadFileMax reads the file name when it holds at most max bytes; when it
// holds more it reads nothing and returns its size with nil data. It is a
// Stat and a ReadFile in one lookup: the size of a packed object costs
// go-git nearly as much as the object (a delta is inflated to find it),
// and a large object is not inflated to find that it is too large (go-git
// reads objects over 16 KiB lazily). A directory or submodule fails as in
// ReadFile; a symlink gives its target text.
func (t *treeFS) ReadFileMax(name string, max int64) ([]byte, int64, error) {
	t.st.acquireNoCtx()
	e, err := t.lookupFile("readfile", name)
	if err != nil {
		t.st.release()
		return nil, 0, err
	}
	if sp := t.st.takeSpare(); sp != nil {
		// Read beside the lock's next holder (spare.go).
		t.st.release()
		data, size, err := readSpare(sp, "readfile", name, e.Hash, max)
		t.st.putSpare(sp)
		if err == nil {
			return data, size, nil
		}
		t.st.acquireNoCtx() // the spare missed it: read it as below
		if t.st.repo == nil {
			t.st.release()
			return nil, 0, &fs.PathError{Op: "readfile", Path: name, Err: fs.ErrClosed}
		}
	}
	defer t.st.release()
	b, err := object.GetBlob(t.st.repo.Storer, e.Hash)
	if err != nil {
		return nil, 0, &fs.PathError{Op: "readfile", Path: name, Err: err}
	}
	if b.Size > max {
		return nil, b.Size, nil
	}
	data, err := readBlobData("readfile", name, b)
	return data, b.Size, err
}

// ReadFile reads the whole file name.
func (t *treeFS) ReadFile(name string) ([]byte, error) {
	t.st.acquireNoCtx()
	defer t.st.release()
	return t.readFileLocked("readfile", name)
}

// ReadDir lists the directory name, sorted by file name.
func (t *treeFS) ReadDir(name string) ([]fs.DirEntry, error) {
	t.st.acquireNoCtx()
	defer t.st.release()
	e, err := t.lookup("readdir", name)
	if err != nil {
		return nil, err
	}
	if e.Mode != filemode.Dir {
		return nil, &fs.PathError{Op: "readdir", Path: name, Err: errors.New("not a directory")}
	}
	return t.readDirLocked(name, e.Hash)
}

func (t *treeFS) readDirLocked(name string, h Hash) ([]fs.DirEntry, error) {
	tree, err := object.GetTree(t.st.repo.Storer, h)
	if err != nil {
		return nil, &fs.PathError{Op: "readdir", Path: name, Err: err}
	}
	out := make([]fs.DirEntry, 0, len(tree.Entries))
	for _, e := range tree.Entries {
		p := e.Name
		if name != "." {
			p = name + "/" + e.Name
		}
		out = append(out, &dirEntry{fsys: t, path: p, entry: e})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name() < out[j].Name() })
	return out, nil
}

// Stat describes name without following a symlink.
func (t *treeFS) Stat(name string) (fs.FileInfo, error) {
	t.st.acquireNoCtx()
	defer t.st.release()
	e, err := t.lookup("stat", name)
	if err != nil {
		return nil, err
	}
	return t.info(name, e)
}

// Lstat is Stat: symlinks are never followed.
func (t *treeFS) Lstat(name string) (fs.FileInfo, error) { return t.Stat(name) }

// ReadLink returns a symlink's target.
func (t *treeFS) ReadLink(name string) (string, error) {
	t.st.acquireNoCtx()
	defer t.st.release()
	e, err := t.lookup("readlink", name)
	if err != nil {
		return "", err
	}
	if e.Mode != filemode.Symlink {
		return "", &fs.PathError{Op: "readlink", Path: name, Err: fs.ErrInvalid}
	}
	b, err := t.readBlob("readlink", name, e.Hash)
	return string(b), err
}

// objectSize reads an object's size from the pack or object header when
// the storage can, without inflating the object.
func objectSize(s storer.EncodedObjectStorer, h Hash) (int64, error) {
	if sz, ok := s.(interface {
		EncodedObjectSize(plumbing.Hash) (int64, error)
	}); ok {
		if n, err := sz.EncodedObjectSize(h); err == nil {
			return n, nil
		}
	}
	obj, err := s.EncodedObject(plumbing.BlobObject, h)
	if err != nil {
		return 0, err
	}
	return obj.Size(), nil
}

func baseName(name string) string {
	for i := len(name) - 1; i >= 0; i-- {
		if name[i] == '/' {
			return name[i+1:]
		}
	}
	return name
}

// dirEntry describes a tree entry without reading its object; Info reads
// the size on demand.
type dirEntry struct {
	fsys  *treeFS
	path  string
	entry object.TreeEntry
}

func (d *dirEntry) Name() string      { return d.entry.Name }
func (d *dirEntry) IsDir() bool       { return d.entry.Mode == filemode.Dir }
func (d *dirEntry) Type() fs.FileMode { return fileMode(d.entry.Mode).Type() }

// Info returns the entry's FileInfo, reading the object's size.
func (d *dirEntry) Info() (fs.FileInfo, error) {
	d.fsys.st.acquireNoCtx()
	defer d.fsys.st.release()
	if d.fsys.st.repo == nil {
		return nil, &fs.PathError{Op: "stat", Path: d.path, Err: fs.ErrClosed}
	}
	return d.fsys.info(d.path, d.entry)
}

func (d *dirEntry) String() string { return fs.FormatDirEntry(d) }

// ObjectID returns the Git object id of the entry: the tree of a folder,
// the blob of a file or link. Equal ids mean equal content, so a reader can
// skip a folder whose tree it has read before.
func (d *dirEntry) ObjectID() [20]byte { return d.entry.Hash }

type fileInfo struct {
	name string
	size int64
	mode fs.FileMode
	when time.Time
	hash Hash
}

func (f *fileInfo) Name() string       { return f.name }
func (f *fileInfo) Size() int64        { return f.size }
func (f *fileInfo) Mode() fs.FileMode  { return f.mode }
func (f *fileInfo) ModTime() time.Time { return f.when }
func (f *fileInfo) IsDir() bool        { return f.mode.IsDir() }

// Sys returns the object's Hash.
func (f *fileInfo) Sys() any { return f.hash }

type file struct {
	info *fileInfo
	r    *bytes.Reader
}

func (f *file) Stat() (fs.FileInfo, error) { return f.info, nil }
func (f *file) Read(p []byte) (int, error) { return f.r.Read(p) }
func (f *file) Close() error               { return nil }

// Seek and ReadAt let callers such as http.FileServer use the file.
func (f *file) Seek(off int64, whence int) (int64, error) { return f.r.Seek(off, whence) }
func (f *file) ReadAt(p []byte, off int64) (int, error)   { return f.r.ReadAt(p, off) }

type dirFile struct {
	info    *fileInfo
	entries []fs.DirEntry
	off     int
}

func (d *dirFile) Stat() (fs.FileInfo, error) { return d.info, nil }
func (d *dirFile) Read([]byte) (int, error) {
	return 0, &fs.PathError{Op: "read", Path: d.info.name, Err: errors.New("is a directory")}
}
func (d *dirFile) Close() error { return nil }

func (d *dirFile) ReadDir(n int) ([]fs.DirEntry, error) {
	rest := d.entries[d.off:]
	if n <= 0 {
		d.off = len(d.entries)
		return rest, nil
	}
	if len(rest) == 0 {
		return nil, io.EOF
	}
	if n > len(rest) {
		n = len(rest)
	}
	d.off += n
	return rest[:n], nil
}
