package check

import (
	"fmt"
	"os"
	"path/filepath"
)

// FileFix is what FixFiles did to one file.
type FileFix struct {
	// Path is the file's slash path under the folder.
	Path string
	// Applied are the findings whose fixes were written.
	Applied []Finding
	// NotRegular reports a path that is not a regular file (a symbolic
	// link, a folder): nothing was written there.
	NotRegular bool
}

// FixFiles writes the safe fixes of findings (see ApplyFixes) into the
// files under the folder root, the one place herald writes a post on disk
// (herald check --fix). Each file is written beside itself and renamed into
// place, so a crash never leaves half a post. It returns what it did to
// each file holding a fix, in the order of findings, up to the first error.
func FixFiles(root string, findings []Finding) ([]FileFix, error) {
	byPath := map[string][]Finding{}
	var order []string
	for _, f := range findings {
		if f.Fix == nil {
			continue
		}
		if _, ok := byPath[f.Path]; !ok {
			order = append(order, f.Path)
		}
		byPath[f.Path] = append(byPath[f.Path], f)
	}
	var out []FileFix
	for _, p := range order {
		ff, err := fixFile(root, p, byPath[p])
		if err != nil {
			return out, err
		}
		if ff.NotRegular || len(ff.Applied) > 0 {
			out = append(out, ff)
		}
	}
	return out, nil
}

// fixFile applies the fixes of findings to the file p under root.
func fixFile(root, p string, findings []Finding) (FileFix, error) {
	name := filepath.Join(root, filepath.FromSlash(p))
	fi, err := os.Lstat(name)
	if err != nil {
		return FileFix{}, err
	}
	if !fi.Mode().IsRegular() {
		return FileFix{Path: p, NotRegular: true}, nil
	}
	src, err := os.ReadFile(name)
	if err != nil {
		return FileFix{}, err
	}
	fixed, applied := ApplyFixes(src, findings)
	if len(applied) == 0 {
		return FileFix{Path: p}, nil
	}
	if err := replaceFile(name, p, fixed, fi.Mode().Perm()); err != nil {
		return FileFix{}, err
	}
	return FileFix{Path: p, Applied: applied}, nil
}

// replaceFile writes data next to the file name and renames it into place.
func replaceFile(name, p string, data []byte, perm os.FileMode) error {
	tmp, err := os.CreateTemp(filepath.Dir(name), ".herald-fix-*")
	if err != nil {
		return err
	}
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return fmt.Errorf("write %s: %w", p, err)
	}
	if err := tmp.Close(); err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("write %s: %w", p, err)
	}
	if err := os.Chmod(tmp.Name(), perm); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	if err := os.Rename(tmp.Name(), name); err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("replace %s: %w", p, err)
	}
	return nil
}
