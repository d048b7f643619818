//go:build !unix

package gitrepo

import "os"

// tryLock takes no lock where flock does not exist: there, a data directory
// belongs to one process at a time, as the Cache documents.
func tryLock(*os.File) (bool, error) { return true, nil }

// unlock does nothing where tryLock takes no lock.
func unlock(*os.File) error { return nil }
