package check

import (
	"slices"

	"github.com/heraldhq/herald/content"
	"github.com/heraldhq/herald/content/prose"
)

// NewIndex returns an empty index for the checker's configuration: add the
// site's posts with AddPost. Index builds one from every post of a site;
// NewIndex, AddPost and RemovePost let a caller keep one up to date as the
// site moves from commit to commit, reading only the posts that changed.
func (c *Checker) NewIndex() *Index {
	return &Index{urls: map[string][]string{}, fields: map[string]int{}, vocab: prose.NewVocabulary()}
}

// AddPost adds what post contributes to idx: its URL, its front-matter keys
// and its words. It is safe to call from several goroutines at once. A post
// added must be removed (RemovePost, with the same content) before its new
// version is added.
func (c *Checker) AddPost(idx *Index, post *content.Post) {
	c.updateIndex(idx, post, 1)
}

// RemovePost undoes AddPost(idx, post): post must have the content it had
// when it was added (the same blob), or the counts drift.
func (c *Checker) RemovePost(idx *Index, post *content.Post) {
	c.updateIndex(idx, post, -1)
}

func (c *Checker) updateIndex(idx *Index, p *content.Post, delta int) {
	// The vocabulary only serves the spelling rule.
	if c.severity[RuleMisspelling] != string(content.SeverityOff) && p.Readable() {
		text := vocabularyText(p.Body())
		if delta > 0 {
			idx.vocab.AddDocument(text)
		} else {
			idx.vocab.RemoveDocument(text)
		}
	}
	idx.mu.Lock()
	defer idx.mu.Unlock()
	if p.URLPath != "" && p.Readable() && !p.Draft {
		ps := idx.urls[p.URLPath]
		i, found := slices.BinarySearch(ps, p.Path)
		switch {
		case delta > 0:
			ps = slices.Insert(ps, i, p.Path)
		case found:
			ps = slices.Delete(ps, i, i+1)
		}
		if len(ps) == 0 {
			delete(idx.urls, p.URLPath)
		} else {
			idx.urls[p.URLPath] = ps
		}
	}
	for _, f := range p.FrontMatter.Fields {
		if n := idx.fields[f.Key] + delta; n > 0 {
			idx.fields[f.Key] = n
		} else {
			delete(idx.fields, f.Key)
		}
	}
}
