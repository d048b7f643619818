package content

import (
	"os"
	"path/filepath"
)

// FindSiteRoot finds the site a file on disk belongs to: the nearest folder
// above it holding .git or ConfigFile, else the nearest holding a site
// generator's marker (docusaurus.config.js, hugo.toml, _config.yml), else
// the file's folder. It returns that folder and the file's slash path
// inside it.
func FindSiteRoot(file string) (root, rel string, err error) {
	abs, err := filepath.Abs(file)
	if err != nil {
		return "", "", err
	}
	root = filepath.Dir(abs)
	site := ""
	for dir := root; ; {
		if exists(filepath.Join(dir, ".git")) || exists(filepath.Join(dir, ConfigFile)) {
			site = dir
			break
		}
		if site == "" && HasSiteMarker(os.DirFS(dir)) {
			site = dir // a site outside any repository; keep looking for one
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			break
		}
		dir = parent
	}
	if site != "" {
		root = site
	}
	rel, err = filepath.Rel(root, abs)
	if err != nil {
		return "", "", err
	}
	return root, filepath.ToSlash(rel), nil
}

// RepoPrefix returns the slash path of the folder dir inside the Git work
// tree that holds it: "" when dir is the top of the work tree or in none.
// Tools that read paths from the top of the repository (SARIF, GitHub
// annotations) want it before a path relative to dir.
func RepoPrefix(dir string) string {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return ""
	}
	for d := abs; ; {
		if exists(filepath.Join(d, ".git")) {
			rel, err := filepath.Rel(d, abs)
			if err != nil || rel == "." {
				return ""
			}
			return filepath.ToSlash(rel)
		}
		parent := filepath.Dir(d)
		if parent == d {
			return ""
		}
		d = parent
	}
}

// exists reports whether name exists, without following a symbolic link.
func exists(name string) bool {
	_, err := os.Lstat(name)
	return err == nil
}
