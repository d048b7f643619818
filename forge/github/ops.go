package github

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"unicode/utf8"

	gh "github.com/google/go-github/v60/github"

	"github.com/heraldhq/herald/forge"
)

func (c *Client) name() string { return c.owner + "/" + c.repo }

func (c *Client) pr(n int) string { return fmt.Sprintf("%s/%s#%d", c.owner, c.repo, n) }

// Repo returns the repository's facts.
func (c *Client) Repo(ctx context.Context) (forge.Repo, error) {
	var r *gh.Repository
	err := c.call(ctx, "get repository "+c.name(), func(ctx context.Context) (resp *gh.Response, err error) {
		r, resp, err = c.gh.Repositories.Get(ctx, c.owner, c.repo)
		return resp, err
	})
	if err != nil {
		return forge.Repo{}, err
	}
	return repoFrom(r), nil
}

// repoFrom converts go-github's repository to the neutral type; nil gives
// the zero Repo.
func repoFrom(r *gh.Repository) forge.Repo {
	if r == nil {
		return forge.Repo{}
	}
	return forge.Repo{
		Owner: r.GetOwner().GetLogin(), Name: r.GetName(), DefaultBranch: r.GetDefaultBranch(),
		CloneURL: r.GetCloneURL(), HTMLURL: r.GetHTMLURL(), Private: r.GetPrivate(),
	}
}

// PullRequestFrom converts go-github's pull request, as found in webhook
// payloads and API answers, to the neutral type.
func PullRequestFrom(p *gh.PullRequest) forge.PullRequest {
	out := forge.PullRequest{
		Number:         p.GetNumber(),
		Title:          p.GetTitle(),
		HeadSHA:        p.GetHead().GetSHA(),
		HeadRef:        p.GetHead().GetRef(),
		HeadCloneURL:   p.GetHead().GetRepo().GetCloneURL(),
		BaseRef:        p.GetBase().GetRef(),
		BaseSHA:        p.GetBase().GetSHA(),
		Draft:          p.GetDraft(),
		State:          forge.PRState(p.GetState()),
		Merged:         p.GetMerged(),
		Mergeable:      p.Mergeable,
		MergeableState: forge.MergeableState(p.GetMergeableState()),
		Author:         p.GetUser().GetLogin(),
		HTMLURL:        p.GetHTMLURL(),
		UpdatedAt:      p.GetUpdatedAt().Time,
		BaseRepo:       repoFrom(p.GetBase().GetRepo()),
	}
	for _, l := range p.Labels {
		out.Labels = append(out.Labels, l.GetName())
	}
	return out
}

// ListOpenPRs returns every open pull request, newest first.
func (c *Client) ListOpenPRs(ctx context.Context) ([]forge.PullRequest, error) {
	prs, err := paginate(ctx, c.r, "list open pull requests of "+c.name(), func(ctx context.Context, lo gh.ListOptions) ([]*gh.PullRequest, *gh.Response, error) {
		return c.gh.PullRequests.List(ctx, c.owner, c.repo, &gh.PullRequestListOptions{State: "open", ListOptions: lo})
	})
	if err != nil {
		return nil, err
	}
	out := make([]forge.PullRequest, len(prs))
	for i, p := range prs {
		out[i] = PullRequestFrom(p)
	}
	return out, nil
}

// PR returns one pull request, with its mergeability as GitHub last
// computed it (nil Mergeable while unknown).
func (c *Client) PR(ctx context.Context, number int) (forge.PullRequest, error) {
	var p *gh.PullRequest
	err := c.call(ctx, "get "+c.pr(number), func(ctx context.Context) (resp *gh.Response, err error) {
		p, resp, err = c.gh.PullRequests.Get(ctx, c.owner, c.repo, number)
		return resp, err
	})
	if err != nil {
		return forge.PullRequest{}, err
	}
	return PullRequestFrom(p), nil
}

// ChangedFiles returns every file the pull request changes (GitHub lists
// at most 3,000).
func (c *Client) ChangedFiles(ctx context.Context, number int) ([]forge.ChangedFile, error) {
	files, err := paginate(ctx, c.r, "list files of "+c.pr(number), func(ctx context.Context, lo gh.ListOptions) ([]*gh.CommitFile, *gh.Response, error) {
		return c.gh.PullRequests.ListFiles(ctx, c.owner, c.repo, number, &lo)
	})
	if err != nil {
		return nil, err
	}
	out := make([]forge.ChangedFile, len(files))
	for i, f := range files {
		out[i] = forge.ChangedFile{
			Path: f.GetFilename(), PreviousPath: f.GetPreviousFilename(), Status: forge.FileStatus(f.GetStatus()),
			Additions: f.GetAdditions(), Deletions: f.GetDeletions(), Patch: f.GetPatch(),
		}
	}
	return out, nil
}

// Reviews returns the pull request's submitted reviews, oldest first.
func (c *Client) Reviews(ctx context.Context, number int) ([]forge.Review, error) {
	rs, err := paginate(ctx, c.r, "list reviews of "+c.pr(number), func(ctx context.Context, lo gh.ListOptions) ([]*gh.PullRequestReview, *gh.Response, error) {
		return c.gh.PullRequests.ListReviews(ctx, c.owner, c.repo, number, &lo)
	})
	if err != nil {
		return nil, err
	}
	out := make([]forge.Review, len(rs))
	for i, r := range rs {
		out[i] = forge.Review{ID: r.GetID(), User: r.GetUser().GetLogin(), State: forge.ReviewState(r.GetState()),
			CommitID: r.GetCommitID(), SubmittedAt: r.GetSubmittedAt().Time}
	}
	return out, nil
}

// CombinedStatus returns the combined commit status of sha with the latest
// status of every context.
func (c *Client) CombinedStatus(ctx context.Context, sha string) (forge.CombinedStatus, error) {
	out := forge.CombinedStatus{SHA: sha}
	statuses, err := paginate(ctx, c.r, fmt.Sprintf("get combined status of %s@%s", c.name(), sha), func(ctx context.Context, lo gh.ListOptions) ([]*gh.RepoStatus, *gh.Response, error) {
		cs, resp, err := c.gh.Repositories.GetCombinedStatus(ctx, c.owner, c.repo, sha, &lo)
		if err != nil {
			return nil, resp, err
		}
		out.State = forge.StatusState(cs.GetState())
		return cs.Statuses, resp, nil
	})
	if err != nil {
		return forge.CombinedStatus{}, err
	}
	for _, s := range statuses {
		out.Statuses = append(out.Statuses, forge.Status{Context: s.GetContext(), State: forge.StatusState(s.GetState()),
			Description: s.GetDescription(), TargetURL: s.GetTargetURL()})
	}
	return out, nil
}

func checkRunFrom(r *gh.CheckRun) forge.CheckRun {
	return forge.CheckRun{ID: r.GetID(), Name: r.GetName(), HeadSHA: r.GetHeadSHA(), Status: forge.CheckStatus(r.GetStatus()),
		Conclusion: forge.CheckConclusion(r.GetConclusion()), AppSlug: r.GetApp().GetSlug(), HTMLURL: r.GetHTMLURL()}
}

// CheckRuns returns the latest check run of each name on sha.
func (c *Client) CheckRuns(ctx context.Context, sha string) ([]forge.CheckRun, error) {
	runs, err := paginate(ctx, c.r, fmt.Sprintf("list check runs of %s@%s", c.name(), sha), func(ctx context.Context, lo gh.ListOptions) ([]*gh.CheckRun, *gh.Response, error) {
		res, resp, err := c.gh.Checks.ListCheckRunsForRef(ctx, c.owner, c.repo, sha, &gh.ListCheckRunsOptions{ListOptions: lo})
		if err != nil {
			return nil, resp, err
		}
		return res.CheckRuns, resp, nil
	})
	if err != nil {
		return nil, err
	}
	out := make([]forge.CheckRun, len(runs))
	for i, r := range runs {
		out[i] = checkRunFrom(r)
	}
	return out, nil
}

func annotations(as []forge.Annotation) []*gh.CheckRunAnnotation {
	out := make([]*gh.CheckRunAnnotation, len(as))
	for i, a := range as {
		end := a.EndLine
		if end < a.StartLine {
			end = a.StartLine
		}
		out[i] = &gh.CheckRunAnnotation{Path: gh.String(a.Path), StartLine: gh.Int(a.StartLine), EndLine: gh.Int(end),
			AnnotationLevel: gh.String(string(a.Level)), Message: gh.String(a.Message), Title: optional(a.Title)}
	}
	return out
}

func output(o forge.CheckRunOptions, batch []forge.Annotation) *gh.CheckRunOutput {
	return &gh.CheckRunOutput{Title: gh.String(o.Title), Summary: gh.String(truncate(o.Summary)),
		Text: optional(truncate(o.Text)), Annotations: annotations(batch)}
}

// optional returns a pointer to s, or nil for "" so that the field is left
// out of the request.
func optional[S ~string](s S) *string {
	if s == "" {
		return nil
	}
	return gh.String(string(s))
}

const truncated = "\n\n… (truncated: too long for a check run)"

// truncate cuts s to fit forge.MaxCheckRunText characters, with a note.
func truncate(s string) string {
	if utf8.RuneCountInString(s) <= forge.MaxCheckRunText {
		return s
	}
	r := []rune(s)
	return string(r[:forge.MaxCheckRunText-utf8.RuneCountInString(truncated)]) + truncated
}

func batches(as []forge.Annotation) [][]forge.Annotation {
	out := [][]forge.Annotation{nil}
	for len(as) > 0 {
		n := min(len(as), forge.MaxAnnotationsPerRequest)
		if out[len(out)-1] == nil {
			out[len(out)-1] = as[:n]
		} else {
			out = append(out, as[:n])
		}
		as = as[n:]
	}
	return out
}

// CreateCheckRun creates a check run on opts.HeadSHA. Annotations past the
// first 50 are sent in follow-up updates of 50 each.
func (c *Client) CreateCheckRun(ctx context.Context, opts forge.CheckRunOptions) (forge.CheckRun, error) {
	if opts.Name == "" || opts.HeadSHA == "" {
		return forge.CheckRun{}, fmt.Errorf("create check run on %s: name and head SHA are required", c.name())
	}
	bs := batches(opts.Annotations)
	req := gh.CreateCheckRunOptions{Name: opts.Name, HeadSHA: opts.HeadSHA, Output: output(opts, bs[0]),
		DetailsURL: optional(opts.DetailsURL), ExternalID: optional(opts.ExternalID),
		Status: optional(opts.Status), Conclusion: optional(opts.Conclusion)}
	var run *gh.CheckRun
	err := c.call(ctx, fmt.Sprintf("create check run %q on %s@%s", opts.Name, c.name(), opts.HeadSHA), func(ctx context.Context) (resp *gh.Response, err error) {
		run, resp, err = c.gh.Checks.CreateCheckRun(ctx, c.owner, c.repo, req)
		return resp, err
	})
	if err != nil {
		return forge.CheckRun{}, err
	}
	for _, b := range bs[1:] {
		if run, err = c.updateCheckRun(ctx, run.GetID(), opts, b, false); err != nil {
			return checkRunFrom(run), err
		}
	}
	return checkRunFrom(run), nil
}

// UpdateCheckRun replaces a check run's output and state. opts.Name is
// required (GitHub's update always carries the name). GitHub appends
// annotations to the ones the run has, so pass only new ones; they are sent
// 50 per request.
func (c *Client) UpdateCheckRun(ctx context.Context, id int64, opts forge.CheckRunOptions) (forge.CheckRun, error) {
	if opts.Name == "" {
		return forge.CheckRun{}, fmt.Errorf("update check run %d on %s: name is required", id, c.name())
	}
	var run *gh.CheckRun
	for i, b := range batches(opts.Annotations) {
		var err error
		if run, err = c.updateCheckRun(ctx, id, opts, b, i == 0); err != nil {
			return forge.CheckRun{}, err
		}
	}
	return checkRunFrom(run), nil
}

func (c *Client) updateCheckRun(ctx context.Context, id int64, opts forge.CheckRunOptions, batch []forge.Annotation, full bool) (*gh.CheckRun, error) {
	req := gh.UpdateCheckRunOptions{Name: opts.Name, Output: output(opts, batch)}
	if full {
		req.DetailsURL, req.ExternalID = optional(opts.DetailsURL), optional(opts.ExternalID)
		req.Status, req.Conclusion = optional(opts.Status), optional(opts.Conclusion)
	}
	var run *gh.CheckRun
	err := c.call(ctx, fmt.Sprintf("update check run %d on %s", id, c.name()), func(ctx context.Context) (resp *gh.Response, err error) {
		run, resp, err = c.gh.Checks.UpdateCheckRun(ctx, c.owner, c.repo, id, req)
		return resp, err
	})
	return run, err
}

// CommentFrom converts go-github's issue comment, as found in issue_comment
// webhook payloads and API answers, to the neutral type.
func CommentFrom(c *gh.IssueComment) forge.Comment {
	return forge.Comment{ID: c.GetID(), Body: c.GetBody(), User: c.GetUser().GetLogin(), HTMLURL: c.GetHTMLURL(),
		CreatedAt: c.GetCreatedAt().Time, UpdatedAt: c.GetUpdatedAt().Time}
}

// IssueComments returns every conversation comment on the pull request or
// issue, oldest first.
func (c *Client) IssueComments(ctx context.Context, number int) ([]forge.Comment, error) {
	cs, err := paginate(ctx, c.r, "list comments of "+c.pr(number), func(ctx context.Context, lo gh.ListOptions) ([]*gh.IssueComment, *gh.Response, error) {
		return c.gh.Issues.ListComments(ctx, c.owner, c.repo, number, &gh.IssueListCommentsOptions{ListOptions: lo})
	})
	if err != nil {
		return nil, err
	}
	out := make([]forge.Comment, len(cs))
	for i, x := range cs {
		out[i] = CommentFrom(x)
	}
	return out, nil
}

// UpsertComment makes the pull request's conversation hold exactly one
// comment for key with body: it finds herald's earlier comment by its hidden
// marker and author (see Login) and edits it when the text differs, or posts it when there is none.
// A body past 65,536 characters is split into marked parts; parts no longer
// needed, and duplicates left by a crash or a concurrent replica, are
// deleted. It returns the comments as they now stand, in part order.
func (c *Client) UpsertComment(ctx context.Context, number int, key, body string) ([]forge.Comment, error) {
	if !forge.ValidKey(key) {
		return nil, fmt.Errorf("upsert comment on %s: invalid marker key %q", c.pr(number), key)
	}
	existing, err := c.IssueComments(ctx, number)
	if err != nil {
		return nil, err
	}
	return c.UpsertCommentOver(ctx, number, existing, key, body)
}

// UpsertCommentOver is UpsertComment over the conversation as the caller
// read it (IssueComments) in the same pass, so it is not read again: a
// reconcile that read the comments to find its own passes them down. A
// comment posted by someone else since is not seen; a second copy of one of
// herald's so left is tidied by the next reconcile, as after a crash.
func (c *Client) UpsertCommentOver(ctx context.Context, number int, existing []forge.Comment, key, body string) ([]forge.Comment, error) {
	if !forge.ValidKey(key) {
		return nil, fmt.Errorf("upsert comment on %s: invalid marker key %q", c.pr(number), key)
	}
	me, err := c.Login(ctx)
	if err != nil {
		return nil, err
	}
	byPart := map[int]forge.Comment{}
	var extra []forge.Comment
	for _, cm := range existing {
		k, part, ok := forge.ParseMarker(cm.Body)
		if !ok || k != key || !strings.HasPrefix(cm.Body, forge.Marker(key, part)) || cm.User != me {
			continue // not herald's, even if someone copied the marker
		}
		if _, dup := byPart[part]; dup {
			extra = append(extra, cm)
			continue
		}
		byPart[part] = cm
	}
	parts := forge.SplitComment(key, body)
	out := make([]forge.Comment, 0, len(parts))
	for i, text := range parts {
		old, ok := byPart[i+1]
		delete(byPart, i+1)
		if ok && old.Body == text {
			out = append(out, old)
			continue
		}
		var ic *gh.IssueComment
		var err error
		if ok {
			ic, err = c.editComment(ctx, number, old.ID, text)
		} else {
			ic, err = c.postComment(ctx, number, text)
		}
		if err != nil {
			return out, err
		}
		out = append(out, CommentFrom(ic))
	}
	for _, cm := range byPart {
		extra = append(extra, cm)
	}
	for _, cm := range extra {
		if err := c.DeleteComment(ctx, cm.ID); err != nil && !isNotFound(err) {
			return out, err
		}
	}
	return out, nil
}

// editComment replaces the body of comment id on pull request number.
func (c *Client) editComment(ctx context.Context, number int, id int64, body string) (*gh.IssueComment, error) {
	var ic *gh.IssueComment
	err := c.call(ctx, fmt.Sprintf("edit comment %d on %s", id, c.pr(number)), func(ctx context.Context) (resp *gh.Response, err error) {
		ic, resp, err = c.gh.Issues.EditComment(ctx, c.owner, c.repo, id, &gh.IssueComment{Body: gh.String(body)})
		return resp, err
	})
	return ic, err
}

// postComment posts body on pull request number once, even when an attempt
// is retried after the comment was posted but the answer was lost.
func (c *Client) postComment(ctx context.Context, number int, body string) (*gh.IssueComment, error) {
	var ic *gh.IssueComment
	attempt := 0
	err := c.call(ctx, "post comment on "+c.pr(number), func(ctx context.Context) (resp *gh.Response, err error) {
		attempt++
		if attempt > 1 {
			// An earlier attempt may have posted the comment and lost the
			// answer: look before posting again.
			var found *gh.IssueComment
			if found, resp, err = c.findComment(ctx, number, body); err != nil || found != nil {
				ic = found
				return resp, err
			}
		}
		ic, resp, err = c.gh.Issues.CreateComment(ctx, c.owner, c.repo, number, &gh.IssueComment{Body: gh.String(body)})
		return resp, err
	})
	return ic, err
}

// findComment looks for a comment with exactly body, without retries of
// its own (it runs inside a retried call).
func (c *Client) findComment(ctx context.Context, number int, body string) (*gh.IssueComment, *gh.Response, error) {
	opts := &gh.IssueListCommentsOptions{ListOptions: gh.ListOptions{PerPage: 100}}
	for {
		cs, resp, err := c.gh.Issues.ListComments(ctx, c.owner, c.repo, number, opts)
		if err != nil {
			return nil, resp, err
		}
		for _, x := range cs {
			if x.GetBody() == body {
				return x, resp, nil
			}
		}
		if resp.NextPage == 0 {
			return nil, resp, nil
		}
		opts.Page = resp.NextPage
	}
}

// findReview looks for review comments matching every draft on commit, as
// left by an earlier attempt whose answer was lost, and returns their
// review's ID, or zero.
func (c *Client) findReview(ctx context.Context, number int, commit string, drafts []*gh.DraftReviewComment) (int64, *gh.Response, error) {
	opts := &gh.PullRequestListCommentsOptions{ListOptions: gh.ListOptions{PerPage: 100}}
	var all []*gh.PullRequestComment
	var resp *gh.Response
	for {
		cs, r, err := c.gh.PullRequests.ListComments(ctx, c.owner, c.repo, number, opts)
		if err != nil {
			return 0, r, err
		}
		all, resp = append(all, cs...), r
		if r.NextPage == 0 {
			break
		}
		opts.Page = r.NextPage
	}
	var review int64
	for _, d := range drafts {
		i := slices.IndexFunc(all, func(x *gh.PullRequestComment) bool {
			return x.GetPath() == d.GetPath() && x.GetLine() == d.GetLine() && x.GetBody() == d.GetBody() &&
				(commit == "" || x.GetCommitID() == commit)
		})
		if i < 0 {
			return 0, resp, nil
		}
		review = all[i].GetPullRequestReviewID()
	}
	return review, resp, nil
}

// DeleteComment deletes a conversation comment.
func (c *Client) DeleteComment(ctx context.Context, id int64) error {
	return c.call(ctx, fmt.Sprintf("delete comment %d on %s", id, c.name()), func(ctx context.Context) (*gh.Response, error) {
		return c.gh.Issues.DeleteComment(ctx, c.owner, c.repo, id)
	})
}

// CreateReview submits a review with inline comments. If r.CommitID is set
// and is no longer the head, nothing is posted and the error matches
// forge.ErrHeadMoved. Comments whose lines are not in the pull request's
// diff at the head (GitHub refuses those) are left out and returned in
// Skipped; if none remain and the request has no body, nothing is posted.
func (c *Client) CreateReview(ctx context.Context, number int, r forge.ReviewRequest) (forge.ReviewResult, error) {
	pr := forge.PullRequest{Number: number}
	if r.CommitID != "" {
		// The diff below is the head's: comments checked against it are only
		// right for the head, and suggestions on an older commit would be
		// outdated at once.
		var err error
		if pr, err = c.PR(ctx, number); err != nil {
			return forge.ReviewResult{}, err
		}
	}
	files, err := c.ChangedFiles(ctx, number)
	if err != nil {
		return forge.ReviewResult{}, err
	}
	return c.CreateReviewOn(ctx, pr, files, r)
}

// CreateReviewOn is CreateReview on the pull request pr and its diff files
// as the caller read them (PR, ChangedFiles) in the same pass, so neither is
// read again: a reconcile that read them to decide on its suggestions
// passes them down. The head is pr's: r.CommitID other than pr.HeadSHA is
// refused with ErrHeadMoved; a push after pr was read is the next
// reconcile's (its webhook triggers one).
func (c *Client) CreateReviewOn(ctx context.Context, pr forge.PullRequest, files []forge.ChangedFile, r forge.ReviewRequest) (forge.ReviewResult, error) {
	number := pr.Number
	if r.CommitID != "" && pr.HeadSHA != r.CommitID {
		return forge.ReviewResult{}, fmt.Errorf("review %s at %s: %w (head is now %s)", c.pr(number), r.CommitID, forge.ErrHeadMoved, pr.HeadSHA)
	}
	lines := map[string][]forge.LineRange{}
	for _, f := range files {
		rs, err := forge.DiffLines(f.Patch)
		if err != nil {
			return forge.ReviewResult{}, fmt.Errorf("review %s: diff of %s: %w", c.pr(number), f.Path, err)
		}
		lines[f.Path] = rs
	}
	var res forge.ReviewResult
	var drafts []*gh.DraftReviewComment
	for _, rc := range r.Comments {
		rs := lines[rc.Path]
		if !forge.InRanges(rs, rc.Line) || (rc.StartLine > 0 && (rc.StartLine > rc.Line || !forge.InRanges(rs, rc.StartLine))) {
			res.Skipped = append(res.Skipped, rc)
			continue
		}
		d := &gh.DraftReviewComment{Path: gh.String(rc.Path), Line: gh.Int(rc.Line), Side: gh.String("RIGHT"), Body: gh.String(rc.Body)}
		if rc.StartLine > 0 && rc.StartLine < rc.Line {
			d.StartLine, d.StartSide = gh.Int(rc.StartLine), gh.String("RIGHT")
		}
		drafts = append(drafts, d)
		res.Posted = append(res.Posted, rc)
	}
	if len(drafts) == 0 && r.Body == "" {
		return res, nil
	}
	event := r.Event
	if event == "" {
		event = forge.ReviewEventComment
	}
	req := &gh.PullRequestReviewRequest{CommitID: optional(r.CommitID), Body: optional(r.Body),
		Event: gh.String(string(event)), Comments: drafts}
	attempt := 0
	err := c.call(ctx, "create review on "+c.pr(number), func(ctx context.Context) (resp *gh.Response, err error) {
		attempt++
		if attempt > 1 && len(drafts) > 0 {
			// An earlier attempt may have posted the review and lost the
			// answer: look before posting again.
			var id int64
			if id, resp, err = c.findReview(ctx, number, r.CommitID, drafts); err != nil || id != 0 {
				res.ID = id
				return resp, err
			}
		}
		var rev *gh.PullRequestReview
		rev, resp, err = c.gh.PullRequests.CreateReview(ctx, c.owner, c.repo, number, req)
		if err == nil {
			res.ID = rev.GetID()
		}
		return resp, err
	})
	if err != nil {
		return forge.ReviewResult{Skipped: res.Skipped}, err
	}
	return res, nil
}

// ReviewComments returns every inline review comment on the pull request.
func (c *Client) ReviewComments(ctx context.Context, number int) ([]forge.ReviewComment, error) {
	cs, err := paginate(ctx, c.r, "list review comments of "+c.pr(number), func(ctx context.Context, lo gh.ListOptions) ([]*gh.PullRequestComment, *gh.Response, error) {
		return c.gh.PullRequests.ListComments(ctx, c.owner, c.repo, number, &gh.PullRequestListCommentsOptions{ListOptions: lo})
	})
	if err != nil {
		return nil, err
	}
	out := make([]forge.ReviewComment, len(cs))
	for i, x := range cs {
		out[i] = forge.ReviewComment{ID: x.GetID(), Path: x.GetPath(), Line: x.GetLine(), StartLine: x.GetStartLine(), Body: x.GetBody(),
			CommitID: x.GetCommitID(), InReplyTo: x.GetInReplyTo(), User: x.GetUser().GetLogin(), HTMLURL: x.GetHTMLURL()}
	}
	return out, nil
}

// DeleteReviewComment deletes an inline review comment; one already gone is
// not an error.
func (c *Client) DeleteReviewComment(ctx context.Context, id int64) error {
	err := c.call(ctx, fmt.Sprintf("delete review comment %d on %s", id, c.name()), func(ctx context.Context) (*gh.Response, error) {
		return c.gh.PullRequests.DeleteComment(ctx, c.owner, c.repo, id)
	})
	if isNotFound(err) {
		return nil
	}
	return err
}

func isNotFound(err error) bool {
	return errors.Is(err, forge.ErrNotFound)
}

// Labels returns the label names on the pull request or issue.
func (c *Client) Labels(ctx context.Context, number int) ([]string, error) {
	ls, err := paginate(ctx, c.r, "list labels of "+c.pr(number), func(ctx context.Context, lo gh.ListOptions) ([]*gh.Label, *gh.Response, error) {
		return c.gh.Issues.ListLabelsByIssue(ctx, c.owner, c.repo, number, &lo)
	})
	if err != nil {
		return nil, err
	}
	out := make([]string, len(ls))
	for i, l := range ls {
		out[i] = l.GetName()
	}
	return out, nil
}

// AddLabels adds the labels the pull request lacks and returns those it
// added; it sends nothing when all are there.
func (c *Client) AddLabels(ctx context.Context, number int, labels ...string) ([]string, error) {
	have, err := c.Labels(ctx, number)
	if err != nil {
		return nil, err
	}
	return c.AddLabelsOver(ctx, number, have, labels...)
}

// AddLabelsOver is AddLabels over the labels the caller read in the same
// pass (with the pull request), so they are not read again. GitHub adds a
// label the pull request has already without a second copy, so one added
// by someone since is no harm.
func (c *Client) AddLabelsOver(ctx context.Context, number int, have []string, labels ...string) ([]string, error) {
	var missing []string
	for _, l := range labels {
		if !slices.Contains(have, l) && !slices.Contains(missing, l) {
			missing = append(missing, l)
		}
	}
	if len(missing) == 0 {
		return nil, nil
	}
	err := c.call(ctx, fmt.Sprintf("add labels %q to %s", missing, c.pr(number)), func(ctx context.Context) (*gh.Response, error) {
		// go-github sends a bare array, which the REST description no
		// longer documents; send the documented object form.
		req, err := c.gh.NewRequest("POST", fmt.Sprintf("repos/%s/%s/issues/%d/labels", url.PathEscape(c.owner), url.PathEscape(c.repo), number),
			map[string][]string{"labels": missing})
		if err != nil {
			return nil, err
		}
		return c.gh.Do(ctx, req, nil)
	})
	if err != nil {
		return nil, err
	}
	return missing, nil
}

// RemoveLabel removes label if the pull request has it and reports whether
// it did.
func (c *Client) RemoveLabel(ctx context.Context, number int, label string) (bool, error) {
	have, err := c.Labels(ctx, number)
	if err != nil {
		return false, err
	}
	if !slices.Contains(have, label) {
		return false, nil
	}
	err = c.call(ctx, fmt.Sprintf("remove label %q from %s", label, c.pr(number)), func(ctx context.Context) (*gh.Response, error) {
		return c.gh.Issues.RemoveLabelForIssue(ctx, c.owner, c.repo, number, url.PathEscape(label))
	})
	if isNotFound(err) {
		return false, nil
	}
	return err == nil, err
}

// SetStatus sets a commit status on sha unless the latest status of its
// context already says the same, and reports whether it wrote one.
func (c *Client) SetStatus(ctx context.Context, sha string, st forge.Status) (bool, error) {
	if st.Context == "" {
		return false, fmt.Errorf("set status on %s@%s: context is required", c.name(), sha)
	}
	cur, err := c.CombinedStatus(ctx, sha)
	if err != nil {
		return false, err
	}
	return c.SetStatusOver(ctx, sha, cur, st)
}

// SetStatusOver is SetStatus over the statuses of sha as the caller read
// them (CombinedStatus) in the same pass, so they are not read again.
func (c *Client) SetStatusOver(ctx context.Context, sha string, cur forge.CombinedStatus, st forge.Status) (bool, error) {
	if st.Context == "" {
		return false, fmt.Errorf("set status on %s@%s: context is required", c.name(), sha)
	}
	for _, s := range cur.Statuses {
		if s.Context == st.Context {
			if s == st {
				return false, nil
			}
			break
		}
	}
	rs := &gh.RepoStatus{State: gh.String(string(st.State)), Context: gh.String(st.Context),
		Description: optional(st.Description), TargetURL: optional(st.TargetURL)}
	err := c.call(ctx, fmt.Sprintf("set status %q on %s@%s", st.Context, c.name(), sha), func(ctx context.Context) (*gh.Response, error) {
		_, resp, err := c.gh.Repositories.CreateStatus(ctx, c.owner, c.repo, sha, rs)
		return resp, err
	})
	return err == nil, err
}

// Permission returns user's permission level on the repository, using
// GitHub's role name (so maintain and triage are told apart) when given.
func (c *Client) Permission(ctx context.Context, user string) (forge.Permission, error) {
	var body struct {
		Permission string `json:"permission"`
		RoleName   string `json:"role_name"`
	}
	err := c.call(ctx, fmt.Sprintf("get permission of %s on %s", user, c.name()), func(ctx context.Context) (*gh.Response, error) {
		req, err := c.gh.NewRequest("GET", fmt.Sprintf("repos/%s/%s/collaborators/%s/permission", url.PathEscape(c.owner), url.PathEscape(c.repo), url.PathEscape(user)), nil)
		if err != nil {
			return nil, err
		}
		return c.gh.Do(ctx, req, &body)
	})
	if isNotFound(err) {
		return forge.PermissionNone, nil
	}
	if err != nil {
		return forge.PermissionNone, err
	}
	if p, perr := forge.ParsePermission(body.RoleName); perr == nil && body.RoleName != "" {
		return p, nil
	}
	p, err := forge.ParsePermission(body.Permission)
	if err != nil {
		return forge.PermissionNone, fmt.Errorf("permission of %s on %s: %w", user, c.name(), err)
	}
	return p, nil
}

// AddReaction adds a reaction to a conversation comment; adding one that
// is there already is not an error.
func (c *Client) AddReaction(ctx context.Context, commentID int64, r forge.Reaction) error {
	return c.call(ctx, fmt.Sprintf("react %s to comment %d on %s", r, commentID, c.name()), func(ctx context.Context) (*gh.Response, error) {
		_, resp, err := c.gh.Reactions.CreateIssueCommentReaction(ctx, c.owner, c.repo, commentID, string(r))
		return resp, err
	})
}

// Merge merges the pull request if its head is still opts.SHA. It returns
// an error matching forge.ErrHeadMoved when the head moved and
// forge.ErrNotMergeable when GitHub refuses the merge.
func (c *Client) Merge(ctx context.Context, number int, opts forge.MergeOptions) (forge.MergeResult, error) {
	if opts.SHA == "" {
		return forge.MergeResult{}, fmt.Errorf("merge %s: the expected head SHA is required", c.pr(number))
	}
	method := opts.Method
	if method == "" {
		method = forge.MergeCommit
	}
	var res *gh.PullRequestMergeResult
	attempt := 0
	err := c.call(ctx, fmt.Sprintf("merge %s at %s", c.pr(number), opts.SHA), func(ctx context.Context) (resp *gh.Response, err error) {
		attempt++
		if attempt > 1 {
			// An earlier attempt may have merged and lost the answer; a
			// second merge would be refused as not mergeable.
			var p *gh.PullRequest
			if p, resp, err = c.gh.PullRequests.Get(ctx, c.owner, c.repo, number); err != nil {
				return resp, err
			}
			if p.GetMerged() && p.GetHead().GetSHA() == opts.SHA {
				res = &gh.PullRequestMergeResult{SHA: p.MergeCommitSHA, Merged: gh.Bool(true), Message: gh.String("Pull Request successfully merged")}
				return resp, nil
			}
		}
		res, resp, err = c.gh.PullRequests.Merge(ctx, c.owner, c.repo, number, opts.CommitMessage,
			&gh.PullRequestOptions{CommitTitle: opts.CommitTitle, SHA: opts.SHA, MergeMethod: string(method)})
		return resp, err
	})
	if err != nil {
		if errors.Is(err, forge.ErrConflict) {
			return forge.MergeResult{}, fmt.Errorf("%w: %w", forge.ErrHeadMoved, err)
		}
		return forge.MergeResult{}, err
	}
	return forge.MergeResult{SHA: res.GetSHA(), Merged: res.GetMerged(), Message: res.GetMessage()}, nil
}

// RepositoryDispatch sends a repository_dispatch event, for a deploy
// workflow to rebuild the site.
func (c *Client) RepositoryDispatch(ctx context.Context, eventType string, payload map[string]any) error {
	req := gh.DispatchRequestOptions{EventType: eventType}
	if payload != nil {
		b, err := json.Marshal(payload)
		if err != nil {
			return fmt.Errorf("repository dispatch %q on %s: %w", eventType, c.name(), err)
		}
		raw := json.RawMessage(b)
		req.ClientPayload = &raw
	}
	return c.call(ctx, fmt.Sprintf("repository dispatch %q on %s", eventType, c.name()), func(ctx context.Context) (*gh.Response, error) {
		_, resp, err := c.gh.Repositories.Dispatch(ctx, c.owner, c.repo, req)
		return resp, err
	})
}

// WorkflowDispatch runs a workflow (by file name such as "deploy.yml", or
// ID) on ref with inputs.
func (c *Client) WorkflowDispatch(ctx context.Context, workflow, ref string, inputs map[string]any) error {
	return c.call(ctx, fmt.Sprintf("dispatch workflow %s on %s@%s", workflow, c.name(), ref), func(ctx context.Context) (*gh.Response, error) {
		return c.gh.Actions.CreateWorkflowDispatchEventByFileName(ctx, c.owner, c.repo, workflow, gh.CreateWorkflowDispatchEventRequest{Ref: ref, Inputs: inputs})
	})
}

// GitCredentials returns credentials for git over HTTPS: user
// "x-access-token" and the installation token (fresh) or the plain token.
func (c *Client) GitCredentials(ctx context.Context) (forge.GitCredentials, error) {
	return c.creds(ctx)
}
