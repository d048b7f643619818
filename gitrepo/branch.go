package gitrepo

import (
	"context"
	"io/fs"
)

// BranchReader reads one branch of a remote's mirror as the mirror last
// fetched it, naming commits as strings: for code that holds no Hash, such
// as the check of local mode's default branch. Set Branch before use.
type BranchReader struct {
	Cache  *Cache
	Remote string
	Auth   Auth
	// Branch is the branch's short name, such as "main".
	Branch string
}

// Tip returns the commit at the branch's tip in the mirror.
func (b *BranchReader) Tip(ctx context.Context) (string, error) {
	m, err := b.Cache.Open(ctx, b.Remote, b.Auth)
	if err != nil {
		return "", err
	}
	h, err := m.Resolve(ctx, "refs/heads/"+b.Branch)
	if err != nil {
		return "", err
	}
	return h.String(), nil
}

// FS returns the files at commit.
func (b *BranchReader) FS(ctx context.Context, commit string) (fs.FS, error) {
	h, err := ParseHash(commit)
	if err != nil {
		return nil, err
	}
	m, err := b.Cache.Open(ctx, b.Remote, b.Auth)
	if err != nil {
		return nil, err
	}
	return m.FS(ctx, h)
}
