// Package content reads a content repository the way a site generator
// would: posts with their front matter (YAML or TOML, with the line and
// column of every key and value), the site profile (Docusaurus, Hugo,
// Jekyll), the repository configuration .herald.yml, and the author and
// tag registries.
//
// It works over an io/fs.FS, so the same code reads a working tree
// (os.DirFS) or a Git commit. It never follows a symbolic link that leaves
// the root of that file system.
//
// Problems in a post or in the configuration are values (Post.Problems,
// Site.ConfigProblems) for the author to fix, never Go errors: LoadSite
// fails only on I/O errors. The package refuses to guess: a date that does
// not name one instant is an error, not a best effort. It knows nothing of
// Git, forges or the rules of content/check, and imports nothing of herald.
//
// Edit and ApplyEdits are herald's one text edit and its one applier: a
// check's fix, a draft flip, a new date and an inline suggestion are all
// byte-range Edits of a file, applied keeping every other byte.
package content
