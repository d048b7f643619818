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
// a review over the pull request and its diff, a comment upsert over the
// conversation, a status over the commit's statuses.
type overReads interface {
	CreateReviewOn(ctx context.Context, pr forge.PullRequest, files []forge.ChangedFile, r forge.ReviewRequest) (forge.ReviewResult, error)
	UpsertCommentOver(ctx context.Context, number int, existing []forge.Comment, key, body string) ([]forge.Comment, error)
	SetStatusOver(ctx context.Context, sha string, cur forge.CombinedStatus, st forge.Status) (bool, error)
	// Login is the account the writes are made as: the comments of
	// its own that an upsert edits or deletes.
	Login(ctx context.Context) (string, error)
}

// readOnce is the pull requests of one reconcile: each pull request's diff,
// conversation and each head's commit statuses are read from the forge once
// and kept for the rest of the reconcile, and herald's writes go over what
// was read (overReads) and keep it up to date. It is owned by the reconcile
// (openRepo) and dropped with it: what can change on the forge is never
// kept from one reconcile to the next (the client's ETag cache makes
// reading it again cheap there).
//
// The pull request itself is remembered as the reconcile read it (PR,
// ListOpenPRs) for the review's head, but each PR call still reads it: the
// publisher reads it again after a refused merge to see what became of it.
// Review comments are always read: herald reads them again after posting
// suggestions to see a second replica's copies.
type readOnce struct {
	PullRequests
	over overReads // nil when the forge has no such writes

	mu       sync.Mutex
	prs      map[int]forge.PullRequest
	files    map[int][]forge.ChangedFile
	comments map[int][]forge.Comment
	statuses map[string]forge.CombinedStatus
}

func newReadOnce(p PullRequests) *readOnce {
	r := &readOnce{PullRequests: p, prs: map[int]forge.PullRequest{}, files: map[int][]forge.ChangedFile{},
		comments: map[int][]forge.Comment{}, statuses: map[string]forge.CombinedStatus{}}
	r.over, _ = p.(overReads)
	return r
}

// ListOpenPRs lists the open pull requests and remembers each one's head.
func (r *readOnce) ListOpenPRs(ctx context.Context) ([]forge.PullRequest, error) {
	prs, err := r.PullRequests.ListOpenPRs(ctx)
	if err != nil {
		return nil, err
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, p := range prs {
		r.prs[p.Number] = p
	}
	return prs, nil
}

// PR reads the pull request and remembers it.
func (r *readOnce) PR(ctx context.Context, number int) (forge.PullRequest, error) {
	p, err := r.PullRequests.PR(ctx, number)
	if err != nil {
		return p, err
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.prs[number] = p
	return p, nil
}

// ChangedFiles returns the pull request's diff, read once.
func (r *readOnce) ChangedFiles(ctx context.Context, number int) ([]forge.ChangedFile, error) {
	r.mu.Lock()
	fs, ok := r.files[number]
	r.mu.Unlock()
	if ok {
		return slices.Clone(fs), nil
	}
	fs, err := r.PullRequests.ChangedFiles(ctx, number)
	if err != nil {
		return nil, err
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.files[number] = slices.Clone(fs)
	return fs, nil
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

// CreateReview posts the review over the pull request and its diff as
// read, when both were.
func (r *readOnce) CreateReview(ctx context.Context, number int, rv forge.ReviewRequest) (forge.ReviewResult, error) {
	r.mu.Lock()
	p, readPR := r.prs[number]
	files, readFiles := r.files[number]
	r.mu.Unlock()
	if !readPR || !readFiles || r.over == nil {
		return r.PullRequests.CreateReview(ctx, number, rv)
	}
	return r.over.CreateReviewOn(ctx, p, slices.Clone(files), rv)
}
