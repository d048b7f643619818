package gitrepo

import (
	"errors"
	"path/filepath"
	"strings"

	"github.com/go-git/go-billy/v5"
)

// refUpdatePrefix names the temporary files refFS writes a ref into before
// renaming it into place. They live at the top of the mirror, not under
// refs/: go-git reads every file under refs/ as a ref.
const refUpdatePrefix = "ref-update-"

// refFS is a mirror's file system as go-git sees it, with one change: a ref
// file (HEAD, refs/...) is replaced whole, written to a temporary file and
// renamed over the old one, as git itself updates refs. Another process
// sharing the data directory that reads the ref meanwhile (a fetch
// comparing refs, a Resolve) sees the old value or the new one.
//
// go-git writes a ref in place on a file system that can open a file for
// reading and writing: it truncates the file, then writes the new value,
// and a reader in between finds the file empty ("ref file is empty", or
// the branch missing). refFS reports that it cannot, so go-git writes each
// ref with Create, which refFS makes a replacement. go-git then checks a
// fetch's expected old value before Create rather than under a lock on the
// ref file; every ref update of a mirror holds the mirror's lock and its
// lock file, which serialise those checks instead.
//
// A process stopped between writing the temporary file and renaming it
// leaves a ref-update-* file of one line at the top of the mirror; nothing
// reads it.
type refFS struct{ billy.Filesystem }

var _ billy.Capable = refFS{}

// Capabilities reports the wrapped file system's, less reading and writing
// one open file.
func (f refFS) Capabilities() billy.Capability {
	return billy.Capabilities(f.Filesystem) &^ billy.ReadAndWriteCapability
}

// Create opens a temporary file for a ref, put in place on Close; other
// files are created as the wrapped file system does.
func (f refFS) Create(name string) (billy.File, error) {
	if !isRefFile(name) {
		return f.Filesystem.Create(name)
	}
	tmp, err := f.TempFile("", refUpdatePrefix)
	if err != nil {
		return nil, err
	}
	return &refFile{File: tmp, fs: f.Filesystem, name: name}, nil
}

// isRefFile reports whether name, relative to the mirror, is a ref that
// go-git writes as a file of its own.
func isRefFile(name string) bool {
	name = filepath.ToSlash(filepath.Clean(name))
	return name == "HEAD" || strings.HasPrefix(name, "refs/")
}

// refFile is a ref's new content on its way into place.
type refFile struct {
	billy.File
	fs   billy.Filesystem
	name string
}

// Close closes the temporary file and renames it over the ref, or removes
// it when that fails, leaving the ref as it was.
func (r *refFile) Close() error {
	err := r.File.Close()
	if err == nil {
		err = r.fs.Rename(r.File.Name(), r.name)
	}
	if err != nil {
		return errors.Join(err, r.fs.Remove(r.File.Name()))
	}
	return nil
}
