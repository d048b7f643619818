package bot

import (
	"context"
	"fmt"
	"time"

	"github.com/heraldhq/herald/content"
	"github.com/heraldhq/herald/content/check"
	"github.com/heraldhq/herald/gitrepo"
)

// indexMaxAge is how long the index of a repository's site may stand in for
// the index at a pull request's exact merge base. The index holds the
// vocabulary of the site's posts and their URLs, which change little from one
// commit to the next; reading all posts again for every new merge base would
// make checking a one-post pull request in a site of 10,000 posts take
// seconds instead of milliseconds.
const indexMaxAge = time.Hour

// siteIndex is the check index of a repository's site at one commit.
type siteIndex struct {
	commit gitrepo.Hash
	idx    *check.Index
	built  time.Time
}

// indexFor returns a check index for a pull request whose merge base is mb:
// the one built at mb, else the repository's latest one while it is younger
// than indexMaxAge, else a new one built at mb.
func (b *Bot) indexFor(ctx context.Context, e *env, mb gitrepo.Hash) (*check.Index, error) {
	key := e.t.Repo + "@" + mb.String()
	if si, ok := b.indexes.get(key); ok {
		return si.idx, nil
	}
	if si, ok := b.indexes.get(e.t.Repo + "@latest"); ok && time.Since(si.built) < indexMaxAge {
		return si.idx, nil
	}
	start := time.Now()
	// A merge base is a commit of the default branch, most often its tip,
	// whose site this reconcile has loaded already.
	site, ok := b.sites.get(key)
	if !ok {
		fsys, err := e.mirror.FS(ctx, mb)
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", shortSHA(mb.String()), err)
		}
		site, err = content.LoadSite(ctx, fsys)
		if err != nil {
			return nil, fmt.Errorf("load site at %s: %w", shortSHA(mb.String()), err)
		}
	}
	idx, err := check.New(site.Config).Index(ctx, site)
	if err != nil {
		return nil, fmt.Errorf("index the site at %s: %w", shortSHA(mb.String()), err)
	}
	si := &siteIndex{commit: mb, idx: idx, built: time.Now()}
	b.indexes.put(key, si)
	b.indexes.put(e.t.Repo+"@latest", si)
	e.log.Info("site indexed", "commit", mb.String(), "posts", len(site.Posts), "took", time.Since(start))
	return idx, nil
}
