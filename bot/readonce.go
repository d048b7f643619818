package bot

import (
	"context"
	"slices"
	"strings"
	"sync"

	"github.com/heraldhq/herald/forge"
)

// overReads is what a forge offers to write over what the caller read in
// the same pass instead of reading it again first (*github.Client does):
// a comment upsert over the conversation, a status over the commit's
// statuses. (A review goes over the pull request and its diff as read by
// the one function that posts it, suggest, with CreateReviewOn.)
type overReads interface {
	UpsertCommentOver(ctx context.Context, number int, existing []forge.Comment, key, body string) ([]forge.Comment, error)
	SetStatusOver(ctx context.Context, sha string, cur forge.CombinedStatus, st forge.Status) (bool, error)
	// Login is the account the writes are made as: the comments of
	// its own that an upsert edits or deletes.
	Login(ctx context.Context) (string, error)
}

// readOnce is the pull requests of one reconcile: each pull request's
// conversation and each head's commit statuses are read from the forge
// once and kept for the rest of the reconcile, since several steps read
// them (the conversation: the tidying of doubled comments, the summary, the
// commands, the note of a publication; the statuses: the check of a head,
// herald's status in token mode, the schedule status), and herald's writes
// go over what was read (overReads) and keep it up to date. It is owned by
// the reconcile (openRepo) and dropped with it: what can change on the
// forge is never kept from one reconcile to the next (the client's ETag
// cache makes reading it again cheap there).
//
// The pull request and its diff are not kept: each is read once by the
// step that needs it, and the publisher reads the pull request again after
// a refused merge to see what became of it. Review comments are always
// read: herald reads them again after posting suggestions to see a second
// replica's copies.
type readOnce struct {
	PullRequests
	over overReads // nil when the forge has no such writes

	mu       sync.Mutex
	comments map[int][]forge.Comment
	statuses map[string]forge.CombinedStatus
}

func newReadOnce(p PullRequests) *readOnce {
	r := &readOnce{PullRequests: p, comments: map[int][]forge.Comment{}, statuses: map[string]forge.CombinedStatus{}}
	r.over, _ = p.(overReads)
	return r
}

// IssueComments returns the pull request's conversation, read once and
// kept up to date with herald's own writes.
func (r *readOnce) IssueComments(ctx context.Context, number int) ([]forge.Comment, error) {
	r.mu.Lock()
	cs, ok := r.comments[number]
	r.mu.Unlock()
	if ok {
		return slices.Clone(cs), nil
	}
	cs, err := r.PullRequests.IssueComments(ctx, number)
	if err != nil {
		return nil, err
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.comments[number] = slices.Clone(cs)
	return cs, nil
}

// UpsertComment upserts herald's comment over the conversation as read,
// when it was, and puts what now stands for key in its place.
func (r *readOnce) UpsertComment(ctx context.Context, number int, key, body string) ([]forge.Comment, error) {
	r.mu.Lock()
	existing, read := r.comments[number]
	r.mu.Unlock()
	if !read || r.over == nil {
		r.forgetComments(number)
		return r.PullRequests.UpsertComment(ctx, number, key, body)
	}
	me, err := r.over.Login(ctx)
	if err != nil {
		return nil, err
	}
	out, err := r.over.UpsertCommentOver(ctx, number, slices.Clone(existing), key, body)
	if err != nil {
		// Part of it may be written: what stands is read again if needed.
		r.forgetComments(number)
		return out, err
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	// The upsert leaves exactly out for key among the comments of its
	// account (the others it edited or deleted), told by the forge's test.
	edited := map[int64]bool{}
	for _, c := range out {
		edited[c.ID] = true
	}
	kept := slices.DeleteFunc(slices.Clone(existing), func(c forge.Comment) bool {
		k, part, ok := forge.ParseMarker(c.Body)
		return edited[c.ID] || ok && k == key && strings.HasPrefix(c.Body, forge.Marker(key, part)) && c.User == me
	})
	r.comments[number] = append(kept, out...)
	return out, nil
}

func (r *readOnce) forgetComments(number int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	delete(r.comments, number)
}

// CombinedStatus returns the commit statuses of sha, read once and kept up
// to date with herald's own.
func (r *readOnce) CombinedStatus(ctx context.Context, sha string) (forge.CombinedStatus, error) {
	r.mu.Lock()
	cs, ok := r.statuses[sha]
	r.mu.Unlock()
	if ok {
		cs.Statuses = slices.Clone(cs.Statuses)
		return cs, nil
	}
	cs, err := r.PullRequests.CombinedStatus(ctx, sha)
	if err != nil {
		return cs, err
	}
	keep := cs
	keep.Statuses = slices.Clone(cs.Statuses)
	r.mu.Lock()
	defer r.mu.Unlock()
	r.statuses[sha] = keep
	return cs, nil
}

// SetStatus sets the status over the statuses of sha as read, when they
// were, and records it there.
func (r *readOnce) SetStatus(ctx context.Context, sha string, st forge.Status) (bool, error) {
	r.mu.Lock()
	cur, read := r.statuses[sha]
	r.mu.Unlock()
	if !read || r.over == nil {
		r.forgetStatuses(sha)
		return r.PullRequests.SetStatus(ctx, sha, st)
	}
	cur.Statuses = slices.Clone(cur.Statuses)
	wrote, err := r.over.SetStatusOver(ctx, sha, cur, st)
	if err != nil {
		r.forgetStatuses(sha)
		return wrote, err
	}
	if wrote {
		// The combined state is the forge's to work out; only the
		// statuses are read from what is kept.
		if i := slices.IndexFunc(cur.Statuses, func(s forge.Status) bool { return s.Context == st.Context }); i >= 0 {
			cur.Statuses[i] = st
		} else {
			cur.Statuses = append([]forge.Status{st}, cur.Statuses...)
		}
		r.mu.Lock()
		r.statuses[sha] = cur
		r.mu.Unlock()
	}
	return wrote, nil
}

func (r *readOnce) forgetStatuses(sha string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	delete(r.statuses, sha)
}
