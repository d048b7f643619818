package bot

import (
	"context"
	"fmt"

	"github.com/heraldhq/herald/content/check"
	"github.com/heraldhq/herald/content/siteindex"
)

// storeOf returns the store of the repository's sites: what was read of its
// trees and the check index of the commit indexed last, kept by Git object
// id, so it is never stale and a new commit costs what it changed.
func (b *Bot) storeOf(repo string) *siteindex.Store {
	b.mu.Lock()
	defer b.mu.Unlock()
	if s, ok := b.stores.get(repo); ok {
		return s
	}
	s := siteindex.NewStore()
	b.stores.put(repo, s)
	return s
}

// siteAt loads the repository's site at commit. Every site the bot reads
// comes from here.
func (b *Bot) siteAt(ctx context.Context, e *openRepo, commit string) (*siteindex.Site, error) {
	fsys, err := e.mirror.FS(ctx, commit)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", shortSHA(commit), err)
	}
	site, err := b.storeOf(e.t.Repo).Load(ctx, fsys)
	if err != nil {
		return nil, fmt.Errorf("load site at %s: %w", shortSHA(commit), err)
	}
	return site, nil
}

// indexFor returns the check index of the site at a pull request's merge
// base mb: the repository's index moved to mb, reading only the posts that
// differ from the commit indexed before.
func (b *Bot) indexFor(ctx context.Context, e *openRepo, mb string) (*check.Index, error) {
	site, err := b.siteAt(ctx, e, mb)
	if err != nil {
		return nil, err
	}
	start := b.now()
	idx, err := b.storeOf(e.t.Repo).Index(ctx, site)
	if err != nil {
		return nil, fmt.Errorf("index the site at %s: %w", shortSHA(mb), err)
	}
	e.log.Debug("site indexed", "commit", mb, "posts", len(site.Posts), "took", b.now().Sub(start))
	return idx, nil
}
