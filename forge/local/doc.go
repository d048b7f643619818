// Package local is the forge of a plain Git repository: a path on disk or a
// URL (https, ssh, file) with no forge behind it, for herald's local mode.
//
// It answers what herald asks of every forge: the repository's facts (owner
// "local", the name taken from the path, the default branch from the
// remote's HEAD, the path or URL itself as the clone URL) and its open pull
// requests, of which there are none. Everything the default branch's flows
// need beyond that (draft flips by commit, empty-commit rebuilds, build
// hooks) goes through Git and HTTP, not through the forge.
//
// It refuses to invent what a plain repository does not have: no pull
// requests, reviews, statuses or comments, and no credentials (a remote
// that needs them is reached with the credentials git itself is given).
package local
