package fakegithub

import (
	"crypto/sha1"
	"encoding/hex"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/heraldhq/herald/forge"
)

func (s *Server) routes() error {
	for _, rt := range []route{
		{method: "POST", path: "/app/installations/{installation_id}/access_tokens", opID: "apps/create-installation-access-token", appAuth: true, h: s.createToken},
		{method: "GET", path: "/app", opID: "apps/get-authenticated", appAuth: true, h: s.getApp},
		{method: "GET", path: "/user", opID: "users/get-authenticated", h: s.getUser},
		{method: "GET", path: "/app/installations", opID: "apps/list-installations", appAuth: true, h: s.listInstallations},
		{method: "GET", path: "/installation/repositories", opID: "apps/list-repos-accessible-to-installation", h: s.listInstallationRepos},
		{method: "GET", path: "/repos/{owner}/{repo}", opID: "repos/get", h: s.getRepo},
		{method: "GET", path: "/repos/{owner}/{repo}/pulls", opID: "pulls/list", h: s.listPulls},
		{method: "GET", path: "/repos/{owner}/{repo}/pulls/{pull_number}", opID: "pulls/get", h: s.getPull},
		{method: "GET", path: "/repos/{owner}/{repo}/pulls/{pull_number}/files", opID: "pulls/list-files", h: s.listFiles},
		{method: "GET", path: "/repos/{owner}/{repo}/pulls/{pull_number}/reviews", opID: "pulls/list-reviews", h: s.listReviews},
		{method: "POST", path: "/repos/{owner}/{repo}/pulls/{pull_number}/reviews", opID: "pulls/create-review", h: s.createReview},
		{method: "GET", path: "/repos/{owner}/{repo}/pulls/{pull_number}/comments", opID: "pulls/list-review-comments", h: s.listReviewComments},
		{method: "DELETE", path: "/repos/{owner}/{repo}/pulls/comments/{comment_id}", opID: "pulls/delete-review-comment", h: s.deleteReviewComment},
		{method: "PUT", path: "/repos/{owner}/{repo}/pulls/{pull_number}/merge", opID: "pulls/merge", h: s.merge},
		{method: "GET", path: "/repos/{owner}/{repo}/commits/{ref}/status", opID: "repos/get-combined-status-for-ref", h: s.combinedStatus},
		{method: "POST", path: "/repos/{owner}/{repo}/statuses/{sha}", opID: "repos/create-commit-status", h: s.createStatus},
		{method: "GET", path: "/repos/{owner}/{repo}/commits/{ref}/check-runs", opID: "checks/list-for-ref", h: s.listCheckRuns},
		{method: "POST", path: "/repos/{owner}/{repo}/check-runs", opID: "checks/create", h: s.createCheckRun},
		{method: "PATCH", path: "/repos/{owner}/{repo}/check-runs/{check_run_id}", opID: "checks/update", h: s.updateCheckRun},
		{method: "GET", path: "/repos/{owner}/{repo}/issues/{issue_number}/comments", opID: "issues/list-comments", h: s.listComments},
		{method: "POST", path: "/repos/{owner}/{repo}/issues/{issue_number}/comments", opID: "issues/create-comment", h: s.createComment},
		{method: "PATCH", path: "/repos/{owner}/{repo}/issues/comments/{comment_id}", opID: "issues/update-comment", h: s.updateComment},
		{method: "DELETE", path: "/repos/{owner}/{repo}/issues/comments/{comment_id}", opID: "issues/delete-comment", h: s.deleteComment},
		{method: "POST", path: "/repos/{owner}/{repo}/issues/comments/{comment_id}/reactions", opID: "reactions/create-for-issue-comment", h: s.createReaction},
		{method: "GET", path: "/repos/{owner}/{repo}/issues/{issue_number}/labels", opID: "issues/list-labels-on-issue", h: s.listLabels},
		{method: "POST", path: "/repos/{owner}/{repo}/issues/{issue_number}/labels", opID: "issues/add-labels", h: s.addLabels},
		{method: "DELETE", path: "/repos/{owner}/{repo}/issues/{issue_number}/labels/{name}", opID: "issues/remove-label", h: s.removeLabel},
		{method: "GET", path: "/repos/{owner}/{repo}/collaborators/{username}/permission", opID: "repos/get-collaborator-permission-level", h: s.permission},
		{method: "POST", path: "/repos/{owner}/{repo}/dispatches", opID: "repos/create-dispatch-event", h: s.repositoryDispatch},
		{method: "POST", path: "/repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches", opID: "actions/create-workflow-dispatch", h: s.workflowDispatch},
	} {
		if err := s.handle(rt); err != nil {
			return err
		}
	}
	return nil
}

// --- seeding and inspection ---

// AddRepo creates a repository.
func (s *Server) AddRepo(r Repo) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if r.DefaultBranch == "" {
		r.DefaultBranch = "main"
	}
	s.repos[strings.ToLower(r.FullName())] = &repoState{
		info: r, id: s.newID(), prs: map[int]*PR{}, permissions: map[string]string{}, labels: map[string]int64{}, merging: map[int]bool{},
	}
}

func (s *Server) repoLocked(repo string) *repoState {
	rs := s.repos[strings.ToLower(repo)]
	if rs == nil {
		s.t.Fatalf("fakegithub: no repository %s; call AddRepo first", repo)
	}
	return rs
}

// AddPR creates a pull request in repo ("owner/name") and returns its number.
func (s *Server) AddPR(repo string, pr PR) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	rs := s.repoLocked(repo)
	if pr.Number == 0 {
		pr.Number = len(rs.prs) + 1
		for rs.prs[pr.Number] != nil {
			pr.Number++
		}
	}
	if pr.State == "" {
		pr.State = "open"
	}
	if pr.MergeableState == "" {
		pr.MergeableState = "clean"
	}
	if pr.BaseRef == "" {
		pr.BaseRef = rs.info.DefaultBranch
	}
	if pr.BaseSHA == "" {
		pr.BaseSHA = randomHex(20)
	}
	if pr.HeadSHA == "" {
		pr.HeadSHA = randomHex(20)
	}
	if pr.HeadRef == "" {
		pr.HeadRef = fmt.Sprintf("pr-%d", pr.Number)
	}
	if pr.Author == "" {
		pr.Author = "octocat"
	}
	if !slices.Contains(pr.Commits, pr.HeadSHA) {
		pr.Commits = append(pr.Commits, pr.HeadSHA)
	}
	for i := range pr.Files {
		if pr.Files[i].Status == "" {
			pr.Files[i].Status = "modified"
		}
	}
	if pr.CreatedAt.IsZero() {
		pr.CreatedAt = fakeNow()
	}
	if pr.UpdatedAt.IsZero() {
		pr.UpdatedAt = pr.CreatedAt
	}
	cp := pr
	rs.prs[pr.Number] = &cp
	return pr.Number
}

// SetHead moves a pull request's head to sha with the given files, as a
// push would.
func (s *Server) SetHead(repo string, pr int, sha string, files []File) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.prLocked(repo, pr)
	p.HeadSHA = sha
	p.Commits = append(p.Commits, sha)
	p.Files = files
	p.UpdatedAt = fakeNow()
	for i := range p.Files {
		if p.Files[i].Status == "" {
			p.Files[i].Status = "modified"
		}
	}
}

// SetMergeable sets what a pull request's mergeability reports.
func (s *Server) SetMergeable(repo string, pr int, mergeable *bool, state string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.prLocked(repo, pr)
	p.Mergeable, p.MergeableState = mergeable, state
}

// AddLabel puts label on a pull request, as a person would.
func (s *Server) AddLabel(repo string, pr int, label string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.prLocked(repo, pr)
	if !slices.Contains(p.Labels, label) {
		p.Labels = append(p.Labels, label)
		p.UpdatedAt = fakeNow()
	}
}

func (s *Server) prLocked(repo string, pr int) *PR {
	p := s.repoLocked(repo).prs[pr]
	if p == nil {
		s.t.Fatalf("fakegithub: no pull request %s#%d", repo, pr)
	}
	return p
}

// PR returns a copy of a pull request's current state.
func (s *Server) PR(repo string, pr int) PR {
	s.mu.Lock()
	defer s.mu.Unlock()
	p := *s.prLocked(repo, pr)
	p.Labels = slices.Clone(p.Labels)
	p.Files = slices.Clone(p.Files)
	return p
}

// AddReview adds a submitted review to a pull request.
func (s *Server) AddReview(repo string, r Review) int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	rs := s.repoLocked(repo)
	r.ID = s.newID()
	if r.SubmittedAt.IsZero() {
		r.SubmittedAt = fakeNow()
	}
	rs.reviews = append(rs.reviews, &r)
	rs.touch(r.PR)
	return r.ID
}

// Reviews returns a pull request's reviews.
func (s *Server) Reviews(repo string, pr int) []Review {
	s.mu.Lock()
	defer s.mu.Unlock()
	return matching(s.repoLocked(repo).reviews, func(r *Review) bool { return r.PR == pr })
}

// AddComment adds an issue comment and returns its ID.
func (s *Server) AddComment(repo string, c Comment) int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	rs := s.repoLocked(repo)
	c.ID = s.newID()
	if c.CreatedAt.IsZero() {
		c.CreatedAt = fakeNow()
	}
	c.UpdatedAt = c.CreatedAt
	rs.comments = append(rs.comments, &c)
	rs.touch(c.Issue)
	return c.ID
}

// Comments returns the issue comments on issue or pull request number.
func (s *Server) Comments(repo string, number int) []Comment {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := matching(s.repoLocked(repo).comments, func(c *Comment) bool { return c.Issue == number })
	for i := range out {
		out[i].Reactions = slices.Clone(out[i].Reactions)
	}
	return out
}

// AddReviewComment adds an inline review comment and returns its ID.
func (s *Server) AddReviewComment(repo string, c ReviewComment) int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	c.ID = s.newID()
	if c.CreatedAt.IsZero() {
		c.CreatedAt = fakeNow()
	}
	rs := s.repoLocked(repo)
	rs.reviewComments = append(rs.reviewComments, &c)
	rs.touch(c.PR)
	return c.ID
}

// ReviewComments returns a pull request's inline review comments.
func (s *Server) ReviewComments(repo string, pr int) []ReviewComment {
	s.mu.Lock()
	defer s.mu.Unlock()
	return matching(s.repoLocked(repo).reviewComments, func(c *ReviewComment) bool { return c.PR == pr })
}

// AddCheckRun adds a check run and returns its ID.
func (s *Server) AddCheckRun(repo string, cr CheckRun) int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	cr.ID = s.newID()
	if cr.StartedAt.IsZero() {
		cr.StartedAt = fakeNow()
	}
	rs := s.repoLocked(repo)
	rs.checkRuns = append(rs.checkRuns, &cr)
	return cr.ID
}

// CheckRuns returns the check runs on sha, oldest first.
func (s *Server) CheckRuns(repo, sha string) []CheckRun {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := matching(s.repoLocked(repo).checkRuns, func(cr *CheckRun) bool { return cr.HeadSHA == sha })
	for i := range out {
		out[i].Annotations = slices.Clone(out[i].Annotations)
	}
	return out
}

// AddStatus sets a commit status.
func (s *Server) AddStatus(repo string, st Status) {
	s.mu.Lock()
	defer s.mu.Unlock()
	st.ID = s.newID()
	if st.CreatedAt.IsZero() {
		st.CreatedAt = fakeNow()
	}
	rs := s.repoLocked(repo)
	rs.statuses = append(rs.statuses, &st)
}

// Statuses returns every status set on sha, oldest first.
func (s *Server) Statuses(repo, sha string) []Status {
	s.mu.Lock()
	defer s.mu.Unlock()
	return matching(s.repoLocked(repo).statuses, func(st *Status) bool { return st.SHA == sha })
}

// SetPermission gives user a permission level on repo: admin, maintain,
// write, triage, read or none.
func (s *Server) SetPermission(repo, user, level string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.repoLocked(repo).permissions[user] = level
}

// Merges returns the merges performed, in order.
func (s *Server) Merges() []Merge {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.merges)
}

// Dispatches returns the dispatch events created on repo.
func (s *Server) Dispatches(repo string) []Dispatch {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.repoLocked(repo).dispatches)
}

// matching returns a shallow copy of each stored item keep accepts, oldest
// first, or nil when none does. Callers clone the slices a copy shares.
func matching[T any](items []*T, keep func(*T) bool) []T {
	var out []T
	for _, it := range items {
		if keep(it) {
			out = append(out, *it)
		}
	}
	return out
}

// --- JSON shapes ---

func (s *Server) base() string { return s.srv.URL }

func (s *Server) userJSON(login string, bot bool) map[string]any {
	typ := "User"
	if bot || strings.HasSuffix(login, "[bot]") {
		typ = "Bot"
	}
	return map[string]any{
		"login":      login,
		"id":         s.userID(login),
		"node_id":    "U_" + login,
		"type":       typ,
		"site_admin": false,
		"url":        s.base() + "/users/" + login,
		"html_url":   "https://github.com/" + login,
		"avatar_url": "https://avatars.githubusercontent.com/u/" + strconv.FormatInt(s.userID(login), 10),
	}
}

func (s *Server) repoJSON(rs *repoState) map[string]any {
	full := rs.info.FullName()
	clone := rs.info.CloneURL
	if clone == "" {
		clone = s.base() + "/git/" + full + ".git"
	}
	return map[string]any{
		"id":             rs.id,
		"node_id":        "R_" + strconv.FormatInt(rs.id, 10),
		"name":           rs.info.Name,
		"full_name":      full,
		"owner":          s.userJSON(rs.info.Owner, false),
		"private":        rs.info.Private,
		"html_url":       "https://github.com/" + full,
		"url":            s.base() + "/repos/" + full,
		"clone_url":      clone,
		"default_branch": rs.info.DefaultBranch,
		"visibility":     map[bool]string{true: "private", false: "public"}[rs.info.Private],
		"fork":           false,
		"archived":       false,
		"disabled":       false,
	}
}

func (s *Server) labelJSON(rs *repoState, name string) map[string]any {
	id, ok := rs.labels[name]
	if !ok {
		id = s.newID()
		rs.labels[name] = id
	}
	return map[string]any{
		"id": id, "node_id": "LA_" + strconv.FormatInt(id, 10), "name": name, "color": "ededed",
		"default": false, "description": "",
		"url": s.base() + "/repos/" + rs.info.FullName() + "/labels/" + name,
	}
}

func (s *Server) prJSON(rs *repoState, p *PR) map[string]any {
	full := rs.info.FullName()
	headRepo := s.repoJSON(rs)
	if p.HeadRepo != "" && !strings.EqualFold(p.HeadRepo, full) {
		if fork := s.repos[strings.ToLower(p.HeadRepo)]; fork != nil {
			headRepo = s.repoJSON(fork)
		} else {
			owner, name, _ := strings.Cut(p.HeadRepo, "/")
			headRepo = s.repoJSON(&repoState{info: Repo{Owner: owner, Name: name, DefaultBranch: "main"}, id: s.userID("repo:" + p.HeadRepo)})
		}
		headRepo["fork"] = true
	}
	labels := []any{}
	for _, l := range p.Labels {
		labels = append(labels, s.labelJSON(rs, l))
	}
	url := s.base() + "/repos/" + full + "/pulls/" + strconv.Itoa(p.Number)
	var mergeSHA any
	if p.MergeCommitSHA != "" {
		mergeSHA = p.MergeCommitSHA
	}
	var mergedAt, closedAt any
	if p.Merged {
		mergedAt = p.UpdatedAt.Format(time.RFC3339)
	}
	if p.State == "closed" {
		closedAt = p.UpdatedAt.Format(time.RFC3339)
	}
	headOwner := headRepo["owner"].(map[string]any)["login"].(string)
	return map[string]any{
		"id":                  int64(p.Number) + rs.id*1000,
		"node_id":             fmt.Sprintf("PR_%d_%d", rs.id, p.Number),
		"number":              p.Number,
		"title":               p.Title,
		"body":                p.Body,
		"state":               p.State,
		"locked":              false,
		"draft":               p.Draft,
		"merged":              p.Merged,
		"mergeable":           p.Mergeable,
		"mergeable_state":     p.MergeableState,
		"merge_commit_sha":    mergeSHA,
		"merged_at":           mergedAt,
		"closed_at":           closedAt,
		"created_at":          p.CreatedAt.Format(time.RFC3339),
		"updated_at":          p.UpdatedAt.Format(time.RFC3339),
		"user":                s.userJSON(p.Author, false),
		"labels":              labels,
		"url":                 url,
		"html_url":            "https://github.com/" + full + "/pull/" + strconv.Itoa(p.Number),
		"diff_url":            "https://github.com/" + full + "/pull/" + strconv.Itoa(p.Number) + ".diff",
		"patch_url":           "https://github.com/" + full + "/pull/" + strconv.Itoa(p.Number) + ".patch",
		"issue_url":           s.base() + "/repos/" + full + "/issues/" + strconv.Itoa(p.Number),
		"commits_url":         url + "/commits",
		"comments_url":        s.base() + "/repos/" + full + "/issues/" + strconv.Itoa(p.Number) + "/comments",
		"statuses_url":        s.base() + "/repos/" + full + "/statuses/" + p.HeadSHA,
		"author_association":  "CONTRIBUTOR",
		"active_lock_reason":  nil,
		"assignees":           []any{},
		"requested_reviewers": []any{},
		"requested_teams":     []any{},
		"rebaseable":          nil,
		"head": map[string]any{
			"label": headOwner + ":" + p.HeadRef, "ref": p.HeadRef, "sha": p.HeadSHA,
			"user": s.userJSON(headOwner, false), "repo": headRepo,
		},
		"base": map[string]any{
			"label": rs.info.Owner + ":" + p.BaseRef, "ref": p.BaseRef, "sha": p.BaseSHA,
			"user": s.userJSON(rs.info.Owner, false), "repo": s.repoJSON(rs),
		},
		"commits":       len(p.Commits),
		"changed_files": len(p.Files),
		"additions":     sumFiles(p.Files, true),
		"deletions":     sumFiles(p.Files, false),
	}
}

func sumFiles(files []File, add bool) int {
	n := 0
	for _, f := range files {
		if add {
			n += f.Additions
		} else {
			n += f.Deletions
		}
	}
	return n
}

func (s *Server) commentJSON(rs *repoState, c *Comment) map[string]any {
	full := rs.info.FullName()
	counts := map[string]any{"total_count": len(c.Reactions), "+1": 0, "-1": 0, "laugh": 0, "confused": 0, "heart": 0, "hooray": 0, "eyes": 0, "rocket": 0}
	for _, r := range c.Reactions {
		counts[r.Content] = counts[r.Content].(int) + 1
	}
	counts["url"] = s.base() + "/repos/" + full + "/issues/comments/" + strconv.FormatInt(c.ID, 10) + "/reactions"
	return map[string]any{
		"id":                 c.ID,
		"node_id":            "IC_" + strconv.FormatInt(c.ID, 10),
		"body":               c.Body,
		"user":               s.userJSON(c.User, false),
		"url":                s.base() + "/repos/" + full + "/issues/comments/" + strconv.FormatInt(c.ID, 10),
		"html_url":           fmt.Sprintf("https://github.com/%s/pull/%d#issuecomment-%d", full, c.Issue, c.ID),
		"issue_url":          s.base() + "/repos/" + full + "/issues/" + strconv.Itoa(c.Issue),
		"created_at":         c.CreatedAt.Format(time.RFC3339),
		"updated_at":         c.UpdatedAt.Format(time.RFC3339),
		"author_association": "NONE",
		"reactions":          counts,
	}
}

func (s *Server) reviewCommentJSON(rs *repoState, c *ReviewComment) map[string]any {
	full := rs.info.FullName()
	m := map[string]any{
		"id":                     c.ID,
		"node_id":                "PRRC_" + strconv.FormatInt(c.ID, 10),
		"pull_request_review_id": c.ReviewID,
		"path":                   c.Path,
		"line":                   c.Line,
		"original_line":          c.Line,
		"side":                   "RIGHT",
		"body":                   c.Body,
		"commit_id":              c.CommitID,
		"original_commit_id":     c.CommitID,
		"diff_hunk":              "@@",
		"user":                   s.userJSON(c.User, false),
		"url":                    s.base() + "/repos/" + full + "/pulls/comments/" + strconv.FormatInt(c.ID, 10),
		"html_url":               fmt.Sprintf("https://github.com/%s/pull/%d#discussion_r%d", full, c.PR, c.ID),
		"pull_request_url":       s.base() + "/repos/" + full + "/pulls/" + strconv.Itoa(c.PR),
		"author_association":     "NONE",
		"created_at":             c.CreatedAt.Format(time.RFC3339),
		"updated_at":             c.CreatedAt.Format(time.RFC3339),
		"_links": map[string]any{
			"self":         map[string]any{"href": s.base() + "/repos/" + full + "/pulls/comments/" + strconv.FormatInt(c.ID, 10)},
			"html":         map[string]any{"href": fmt.Sprintf("https://github.com/%s/pull/%d#discussion_r%d", full, c.PR, c.ID)},
			"pull_request": map[string]any{"href": s.base() + "/repos/" + full + "/pulls/" + strconv.Itoa(c.PR)},
		},
	}
	if c.StartLine > 0 {
		m["start_line"] = c.StartLine
		m["start_side"] = "RIGHT"
	}
	if c.InReplyTo != 0 {
		m["in_reply_to_id"] = c.InReplyTo
	}
	return m
}

func (s *Server) reviewJSON(rs *repoState, r *Review) map[string]any {
	full := rs.info.FullName()
	return map[string]any{
		"id":                 r.ID,
		"node_id":            "PRR_" + strconv.FormatInt(r.ID, 10),
		"user":               s.userJSON(r.User, false),
		"body":               r.Body,
		"state":              r.State,
		"commit_id":          r.CommitID,
		"submitted_at":       r.SubmittedAt.Format(time.RFC3339),
		"html_url":           fmt.Sprintf("https://github.com/%s/pull/%d#pullrequestreview-%d", full, r.PR, r.ID),
		"pull_request_url":   s.base() + "/repos/" + full + "/pulls/" + strconv.Itoa(r.PR),
		"author_association": "NONE",
		"_links": map[string]any{
			"html":         map[string]any{"href": fmt.Sprintf("https://github.com/%s/pull/%d#pullrequestreview-%d", full, r.PR, r.ID)},
			"pull_request": map[string]any{"href": s.base() + "/repos/" + full + "/pulls/" + strconv.Itoa(r.PR)},
		},
	}
}

func (s *Server) checkRunJSON(rs *repoState, cr *CheckRun) map[string]any {
	full := rs.info.FullName()
	var conclusion, app any
	if cr.Conclusion != "" {
		conclusion = cr.Conclusion
	}
	if cr.App != "" {
		app = map[string]any{"id": s.userID("app:" + cr.App), "slug": cr.App, "name": cr.App, "node_id": "A_" + cr.App,
			"owner": s.userJSON(rs.info.Owner, false), "created_at": "2026-01-01T00:00:00Z", "updated_at": "2026-01-01T00:00:00Z",
			"html_url": "https://github.com/apps/" + cr.App, "permissions": map[string]any{}, "events": []any{}, "description": nil, "external_url": "https://github.com/apps/" + cr.App}
	}
	var details, ext, title, summary, text any
	for _, kv := range []struct {
		dst *any
		v   string
	}{{&details, cr.DetailsURL}, {&ext, cr.ExternalID}, {&title, cr.Title}, {&summary, cr.Summary}, {&text, cr.Text}} {
		if kv.v != "" {
			*kv.dst = kv.v
		}
	}
	return map[string]any{
		"id":            cr.ID,
		"node_id":       "CR_" + strconv.FormatInt(cr.ID, 10),
		"name":          cr.Name,
		"head_sha":      cr.HeadSHA,
		"status":        cr.Status,
		"conclusion":    conclusion,
		"details_url":   details,
		"external_id":   ext,
		"url":           s.base() + "/repos/" + full + "/check-runs/" + strconv.FormatInt(cr.ID, 10),
		"html_url":      "https://github.com/" + full + "/runs/" + strconv.FormatInt(cr.ID, 10),
		"started_at":    cr.StartedAt.Format(time.RFC3339),
		"app":           app,
		"check_suite":   map[string]any{"id": rs.id},
		"pull_requests": []any{},
		"output": map[string]any{
			"title": title, "summary": summary, "text": text,
			"annotations_count": len(cr.Annotations),
			"annotations_url":   s.base() + "/repos/" + full + "/check-runs/" + strconv.FormatInt(cr.ID, 10) + "/annotations",
		},
	}
}

// --- handlers (run under s.mu) ---

func (s *Server) createToken(c *call) (int, any) {
	id := c.pathInt("installation_id")
	inst, ok := s.installations[id]
	if !ok || inst.appID != c.who.appID {
		return http.StatusNotFound, notFound()
	}
	appID := inst.appID
	tok := "ghs_" + randomHex(18)
	exp := time.Now().Add(s.opts.TokenTTL).UTC().Truncate(time.Second)
	slug := s.apps[appID].slug
	s.tokens[tok] = tokenState{login: slug + "[bot]", app: slug, installationID: id, expires: exp}
	s.tokensIssued++
	return http.StatusCreated, map[string]any{
		"token":                tok,
		"expires_at":           exp.Format(time.RFC3339),
		"permissions":          map[string]any{"checks": "write", "contents": "write", "issues": "write", "pull_requests": "write", "statuses": "write", "metadata": "read"},
		"repository_selection": "all",
	}
}

func (s *Server) getRepo(c *call) (int, any) { return http.StatusOK, s.repoJSON(c.repo) }

func (s *Server) listPulls(c *call) (int, any) {
	state := c.r.URL.Query().Get("state")
	if state == "" {
		state = "open"
	}
	nums := slices.Sorted(maps.Keys(c.repo.prs))
	slices.Reverse(nums) // newest first, as GitHub's default sort by created desc
	var items []any
	for _, n := range nums {
		p := c.repo.prs[n]
		if state == "all" || p.State == state {
			items = append(items, s.prJSON(c.repo, p))
		}
	}
	return http.StatusOK, c.paginate(items)
}

func (s *Server) pull(c *call) *PR { return c.repo.prs[int(c.pathInt("pull_number"))] }

func (s *Server) getPull(c *call) (int, any) {
	p := s.pull(c)
	if p == nil {
		return http.StatusNotFound, notFound()
	}
	return http.StatusOK, s.prJSON(c.repo, p)
}

func (s *Server) listFiles(c *call) (int, any) {
	p := s.pull(c)
	if p == nil {
		return http.StatusNotFound, notFound()
	}
	var items []any
	for _, f := range p.Files {
		m := map[string]any{
			"sha":          blobSHA(p.HeadSHA, f.Path),
			"filename":     f.Path,
			"status":       f.Status,
			"additions":    f.Additions,
			"deletions":    f.Deletions,
			"changes":      f.Additions + f.Deletions,
			"blob_url":     "https://github.com/" + c.repo.info.FullName() + "/blob/" + p.HeadSHA + "/" + f.Path,
			"raw_url":      "https://github.com/" + c.repo.info.FullName() + "/raw/" + p.HeadSHA + "/" + f.Path,
			"contents_url": s.base() + "/repos/" + c.repo.info.FullName() + "/contents/" + f.Path + "?ref=" + p.HeadSHA,
		}
		if f.Patch != "" {
			m["patch"] = f.Patch
		}
		if f.PreviousPath != "" {
			m["previous_filename"] = f.PreviousPath
		}
		items = append(items, m)
	}
	return http.StatusOK, c.paginate(items)
}

func (s *Server) listReviews(c *call) (int, any) {
	p := s.pull(c)
	if p == nil {
		return http.StatusNotFound, notFound()
	}
	var items []any
	for _, r := range c.repo.reviews {
		if r.PR == p.Number {
			items = append(items, s.reviewJSON(c.repo, r))
		}
	}
	return http.StatusOK, c.paginate(items)
}

func (s *Server) createReview(c *call) (int, any) {
	p := s.pull(c)
	if p == nil {
		return http.StatusNotFound, notFound()
	}
	var req struct {
		CommitID string `json:"commit_id"`
		Body     string `json:"body"`
		Event    string `json:"event"`
		Comments []struct {
			Path      string `json:"path"`
			Position  *int   `json:"position"`
			Line      int    `json:"line"`
			Side      string `json:"side"`
			StartLine int    `json:"start_line"`
			StartSide string `json:"start_side"`
			Body      string `json:"body"`
		} `json:"comments"`
	}
	if err := c.decode(&req); err != nil {
		return http.StatusBadRequest, ghError("Problems parsing JSON")
	}
	commit := req.CommitID
	if commit == "" {
		commit = p.HeadSHA
	}
	if !slices.Contains(p.Commits, commit) {
		return http.StatusUnprocessableEntity, validationFailed("Unprocessable Entity", "commit_id is not part of the pull request")
	}
	if (req.Event == "REQUEST_CHANGES" || req.Event == "COMMENT") && req.Body == "" && len(req.Comments) == 0 {
		return http.StatusUnprocessableEntity, validationFailed("Unprocessable Entity", "Review body is required for this event")
	}
	if req.Event != "" && c.who.login == p.Author && (req.Event == "APPROVE" || req.Event == "REQUEST_CHANGES") {
		return http.StatusUnprocessableEntity, validationFailed("Unprocessable Entity", "Can not approve or request changes on your own pull request")
	}
	for _, rc := range req.Comments {
		if rc.Position != nil {
			continue
		}
		if rc.Side == "LEFT" {
			continue
		}
		var file *File
		for i := range p.Files {
			if p.Files[i].Path == rc.Path {
				file = &p.Files[i]
			}
		}
		if file == nil {
			return http.StatusUnprocessableEntity, validationFailed("Unprocessable Entity", "Path could not be resolved")
		}
		ranges, err := forge.DiffLines(file.Patch)
		if err != nil || !forge.InRanges(ranges, rc.Line) || (rc.StartLine > 0 && !forge.InRanges(ranges, rc.StartLine)) {
			return http.StatusUnprocessableEntity, validationFailed("Unprocessable Entity", "Pull request review thread line must be part of the diff")
		}
		if rc.StartLine > rc.Line {
			return http.StatusUnprocessableEntity, validationFailed("Unprocessable Entity", "start_line must precede line")
		}
	}
	state := map[string]string{"APPROVE": "APPROVED", "REQUEST_CHANGES": "CHANGES_REQUESTED", "COMMENT": "COMMENTED", "": "PENDING"}[req.Event]
	r := &Review{ID: s.newID(), PR: p.Number, User: c.who.login, State: state, Body: req.Body, CommitID: commit, SubmittedAt: fakeNow()}
	c.repo.reviews = append(c.repo.reviews, r)
	for _, rc := range req.Comments {
		c.repo.reviewComments = append(c.repo.reviewComments, &ReviewComment{
			ID: s.newID(), ReviewID: r.ID, PR: p.Number, Path: rc.Path, Line: rc.Line, StartLine: rc.StartLine,
			Body: rc.Body, CommitID: commit, User: c.who.login, CreatedAt: r.SubmittedAt,
		})
	}
	p.UpdatedAt = r.SubmittedAt
	return http.StatusOK, s.reviewJSON(c.repo, r)
}

func (s *Server) listReviewComments(c *call) (int, any) {
	p := s.pull(c)
	if p == nil {
		return http.StatusNotFound, notFound()
	}
	var items []any
	for _, rc := range c.repo.reviewComments {
		if rc.PR == p.Number {
			items = append(items, s.reviewCommentJSON(c.repo, rc))
		}
	}
	return http.StatusOK, c.paginate(items)
}

func (s *Server) deleteReviewComment(c *call) (int, any) {
	id := c.pathInt("comment_id")
	for i, rc := range c.repo.reviewComments {
		if rc.ID == id {
			c.repo.reviewComments = slices.Delete(c.repo.reviewComments, i, i+1)
			c.repo.touch(rc.PR)
			return http.StatusNoContent, nil
		}
	}
	return http.StatusNotFound, notFound()
}

func (s *Server) merge(c *call) (int, any) {
	p := s.pull(c)
	if p == nil {
		return http.StatusNotFound, notFound()
	}
	var req struct {
		CommitTitle   string `json:"commit_title"`
		CommitMessage string `json:"commit_message"`
		SHA           string `json:"sha"`
		MergeMethod   string `json:"merge_method"`
	}
	if err := c.decode(&req); err != nil {
		return http.StatusBadRequest, ghError("Problems parsing JSON")
	}
	if p.Merged || p.State != "open" || (p.Mergeable != nil && !*p.Mergeable) || p.MergeableState == "dirty" || p.MergeableState == "blocked" || p.Draft {
		return http.StatusMethodNotAllowed, ghError("Pull Request is not mergeable")
	}
	if req.SHA != "" && req.SHA != p.HeadSHA {
		return http.StatusConflict, ghError("Head branch was modified. Review and try the merge again.")
	}
	if c.repo.merging[p.Number] {
		// GitHub serialises merges of a pull request; the loser is refused.
		return http.StatusMethodNotAllowed, ghError("Merge already in progress")
	}
	if req.MergeMethod == "" {
		req.MergeMethod = "merge"
	}
	head := p.HeadSHA
	mergeSHA := randomHex(20)
	if hook := s.opts.OnMerge; hook != nil {
		// The hook may be slow (a real git merge) and may call back into
		// the fake, so it runs without the lock; the merging mark keeps a
		// concurrent merge of the same pull request out meanwhile.
		c.repo.merging[p.Number] = true
		name, number := c.repo.info.FullName(), p.Number
		s.mu.Unlock()
		sha, err := hook(name, number, head)
		s.mu.Lock()
		delete(c.repo.merging, number)
		if err != nil {
			return http.StatusMethodNotAllowed, ghError(err.Error())
		}
		mergeSHA = sha
	}
	p.Merged, p.State, p.MergeCommitSHA = true, "closed", mergeSHA
	p.UpdatedAt = fakeNow()
	s.merges = append(s.merges, Merge{Repo: c.repo.info.FullName(), PR: p.Number, SHA: head, Method: req.MergeMethod,
		CommitTitle: req.CommitTitle, CommitMessage: req.CommitMessage, MergeSHA: mergeSHA})
	return http.StatusOK, map[string]any{"sha": mergeSHA, "merged": true, "message": "Pull Request successfully merged"}
}

// touch records that something on pull request n changed now, as GitHub's
// updated_at does for pushes, comments, reviews, labels and merges (not for
// statuses, check runs or mergeability).
func (rs *repoState) touch(n int) {
	if p := rs.prs[n]; p != nil {
		p.UpdatedAt = fakeNow()
	}
}

// fakeNow is the time the fake stamps on what changes: GitHub's timestamps
// have whole seconds.
func fakeNow() time.Time { return time.Now().UTC().Truncate(time.Second) }

// blobSHA is a stable stand-in for a changed file's blob SHA, so that a list
// of files reads the same (and has the same ETag) until the head moves.
func blobSHA(head, path string) string {
	sum := sha1.Sum([]byte(head + "\x00" + path))
	return hex.EncodeToString(sum[:])
}

func latestStatuses(rs *repoState, sha string) []*Status {
	var out []*Status
	seen := map[string]int{}
	for _, st := range rs.statuses {
		if st.SHA != sha {
			continue
		}
		if i, ok := seen[st.Context]; ok {
			out[i] = st
			continue
		}
		seen[st.Context] = len(out)
		out = append(out, st)
	}
	return out
}

func (s *Server) resolveRef(rs *repoState, ref string) string {
	for _, p := range rs.prs {
		if p.HeadRef == ref {
			return p.HeadSHA
		}
	}
	return ref
}

func (s *Server) combinedStatus(c *call) (int, any) {
	sha := s.resolveRef(c.repo, c.path("ref"))
	latest := latestStatuses(c.repo, sha)
	state := "success"
	if len(latest) == 0 {
		state = "pending"
	}
	var items []any
	for _, st := range latest {
		switch st.State {
		case "failure", "error":
			state = "failure"
		case "pending":
			if state != "failure" {
				state = "pending"
			}
		}
		items = append(items, s.statusJSON(c.repo, st))
	}
	items = c.paginate(items)
	full := c.repo.info.FullName()
	return http.StatusOK, map[string]any{
		"state": state, "sha": sha, "total_count": len(latest), "statuses": items,
		"repository": s.repoJSON(c.repo),
		"commit_url": s.base() + "/repos/" + full + "/commits/" + sha,
		"url":        s.base() + "/repos/" + full + "/commits/" + sha + "/status",
	}
}

func (s *Server) statusJSON(rs *repoState, st *Status) map[string]any {
	var desc, target any
	if st.Description != "" {
		desc = st.Description
	}
	if st.TargetURL != "" {
		target = st.TargetURL
	}
	at := st.CreatedAt.Format(time.RFC3339)
	return map[string]any{
		"id": st.ID, "node_id": "SC_" + strconv.FormatInt(st.ID, 10), "state": st.State, "context": st.Context,
		"description": desc, "target_url": target, "creator": s.userJSON(st.Creator, false),
		"url":        s.base() + "/repos/" + rs.info.FullName() + "/statuses/" + st.SHA,
		"avatar_url": nil, "created_at": at, "updated_at": at,
	}
}

func (s *Server) createStatus(c *call) (int, any) {
	var req struct {
		State       string `json:"state"`
		TargetURL   string `json:"target_url"`
		Description string `json:"description"`
		Context     string `json:"context"`
	}
	if err := c.decode(&req); err != nil {
		return http.StatusBadRequest, ghError("Problems parsing JSON")
	}
	if req.Context == "" {
		req.Context = "default"
	}
	st := &Status{ID: s.newID(), SHA: c.path("sha"), Context: req.Context, State: req.State, Description: req.Description, TargetURL: req.TargetURL, Creator: c.who.login, CreatedAt: fakeNow()}
	c.repo.statuses = append(c.repo.statuses, st)
	return http.StatusCreated, s.statusJSON(c.repo, st)
}

func (s *Server) listCheckRuns(c *call) (int, any) {
	sha := s.resolveRef(c.repo, c.path("ref"))
	name := c.r.URL.Query().Get("check_name")
	var runs []*CheckRun
	for _, cr := range c.repo.checkRuns {
		if cr.HeadSHA == sha && (name == "" || cr.Name == name) {
			runs = append(runs, cr)
		}
	}
	if c.r.URL.Query().Get("filter") != "all" {
		// "latest" (the default): the most recent run of each name.
		latest := map[string]int{}
		var kept []*CheckRun
		for _, cr := range runs {
			if i, ok := latest[cr.Name]; ok {
				kept[i] = cr
				continue
			}
			latest[cr.Name] = len(kept)
			kept = append(kept, cr)
		}
		runs = kept
	}
	var items []any
	for _, cr := range runs {
		items = append(items, s.checkRunJSON(c.repo, cr))
	}
	return http.StatusOK, map[string]any{"total_count": len(items), "check_runs": c.paginate(items)}
}

type checkRunRequest struct {
	Name       string  `json:"name"`
	HeadSHA    string  `json:"head_sha"`
	Status     string  `json:"status"`
	Conclusion string  `json:"conclusion"`
	DetailsURL *string `json:"details_url"`
	ExternalID *string `json:"external_id"`
	Output     *struct {
		Title       string  `json:"title"`
		Summary     string  `json:"summary"`
		Text        *string `json:"text"`
		Annotations []struct {
			Path            string `json:"path"`
			StartLine       int    `json:"start_line"`
			EndLine         int    `json:"end_line"`
			AnnotationLevel string `json:"annotation_level"`
			Title           string `json:"title"`
			Message         string `json:"message"`
		} `json:"annotations"`
	} `json:"output"`
}

func (s *Server) applyCheckRun(cr *CheckRun, req checkRunRequest) (int, any) {
	if req.Output != nil && len(req.Output.Annotations) > forge.MaxAnnotationsPerRequest {
		return http.StatusUnprocessableEntity, validationFailed("Invalid request.\n\nOnly 50 annotations are allowed per request.")
	}
	if o := req.Output; o != nil {
		for _, f := range []struct {
			name, v string
		}{{"summary", o.Summary}, {"text", deref(o.Text)}} {
			if n := len([]rune(f.v)); n > forge.MaxCheckRunText {
				return http.StatusUnprocessableEntity, validationFailed(fmt.Sprintf("Invalid request.\n\nOnly %d characters are allowed in output.%s; %d were supplied.", forge.MaxCheckRunText, f.name, n))
			}
		}
	}
	if req.Status == "completed" && req.Conclusion == "" {
		return http.StatusUnprocessableEntity, validationFailed("Invalid request.\n\nNo subschema in \"anyOf\" matched.\n\"conclusion\" wasn't supplied.")
	}
	if req.Conclusion != "" {
		cr.Conclusion, cr.Status = req.Conclusion, "completed"
	}
	if req.Status != "" {
		cr.Status = req.Status
	}
	if req.DetailsURL != nil {
		cr.DetailsURL = *req.DetailsURL
	}
	if req.ExternalID != nil {
		cr.ExternalID = *req.ExternalID
	}
	if o := req.Output; o != nil {
		cr.Title, cr.Summary = o.Title, o.Summary
		if o.Text != nil {
			cr.Text = *o.Text
		}
		for _, a := range o.Annotations {
			cr.Annotations = append(cr.Annotations, Annotation{Path: a.Path, StartLine: a.StartLine, EndLine: a.EndLine, Level: a.AnnotationLevel, Title: a.Title, Message: a.Message})
		}
	}
	cr.Requests++
	return 0, nil
}

func (s *Server) createCheckRun(c *call) (int, any) {
	if c.who.app == "" {
		return http.StatusForbidden, ghError("You must authenticate via a GitHub App.")
	}
	var req checkRunRequest
	if err := c.decode(&req); err != nil {
		return http.StatusBadRequest, ghError("Problems parsing JSON")
	}
	cr := &CheckRun{ID: s.newID(), Name: req.Name, HeadSHA: req.HeadSHA, Status: "queued", App: c.who.app, StartedAt: fakeNow()}
	if code, body := s.applyCheckRun(cr, req); code != 0 {
		return code, body
	}
	c.repo.checkRuns = append(c.repo.checkRuns, cr)
	return http.StatusCreated, s.checkRunJSON(c.repo, cr)
}

func (s *Server) updateCheckRun(c *call) (int, any) {
	if c.who.app == "" {
		return http.StatusForbidden, ghError("You must authenticate via a GitHub App.")
	}
	id := c.pathInt("check_run_id")
	var cr *CheckRun
	for _, x := range c.repo.checkRuns {
		if x.ID == id {
			cr = x
		}
	}
	if cr == nil {
		return http.StatusNotFound, notFound()
	}
	if cr.App != c.who.app {
		return http.StatusForbidden, ghError("Invalid app_id `other` - check run can only be modified by the GitHub App that created it.")
	}
	var req checkRunRequest
	if err := c.decode(&req); err != nil {
		return http.StatusBadRequest, ghError("Problems parsing JSON")
	}
	next := *cr
	next.Annotations = slices.Clone(cr.Annotations)
	if code, body := s.applyCheckRun(&next, req); code != 0 {
		return code, body
	}
	if req.Name != "" {
		next.Name = req.Name
	}
	*cr = next
	return http.StatusOK, s.checkRunJSON(c.repo, cr)
}

func (s *Server) listComments(c *call) (int, any) {
	n := int(c.pathInt("issue_number"))
	if c.repo.prs[n] == nil {
		return http.StatusNotFound, notFound()
	}
	var items []any
	for _, cm := range c.repo.comments {
		if cm.Issue == n {
			items = append(items, s.commentJSON(c.repo, cm))
		}
	}
	return http.StatusOK, c.paginate(items)
}

func checkBody(body string) (int, any) {
	if body == "" {
		return http.StatusUnprocessableEntity, fieldInvalid("IssueComment", "body", "missing_field", "body is missing")
	}
	if len([]rune(body)) > forge.MaxCommentLength {
		return http.StatusUnprocessableEntity, fieldInvalid("IssueComment", "body", "custom", "body is too long (maximum is 65536 characters)")
	}
	return 0, nil
}

func (s *Server) createComment(c *call) (int, any) {
	n := int(c.pathInt("issue_number"))
	if c.repo.prs[n] == nil {
		return http.StatusNotFound, notFound()
	}
	var req struct {
		Body string `json:"body"`
	}
	if err := c.decode(&req); err != nil {
		return http.StatusBadRequest, ghError("Problems parsing JSON")
	}
	if code, body := checkBody(req.Body); code != 0 {
		return code, body
	}
	now := fakeNow()
	cm := &Comment{ID: s.newID(), Issue: n, User: c.who.login, Body: req.Body, CreatedAt: now, UpdatedAt: now}
	c.repo.comments = append(c.repo.comments, cm)
	c.repo.touch(n)
	c.hdr.Set("Location", s.base()+"/repos/"+c.repo.info.FullName()+"/issues/comments/"+strconv.FormatInt(cm.ID, 10))
	return http.StatusCreated, s.commentJSON(c.repo, cm)
}

func (s *Server) findComment(c *call) *Comment {
	id := c.pathInt("comment_id")
	for _, cm := range c.repo.comments {
		if cm.ID == id {
			return cm
		}
	}
	return nil
}

func (s *Server) updateComment(c *call) (int, any) {
	cm := s.findComment(c)
	if cm == nil {
		return http.StatusNotFound, notFound()
	}
	var req struct {
		Body string `json:"body"`
	}
	if err := c.decode(&req); err != nil {
		return http.StatusBadRequest, ghError("Problems parsing JSON")
	}
	if code, body := checkBody(req.Body); code != 0 {
		return code, body
	}
	if cm.User != c.who.login {
		return http.StatusForbidden, ghError("Must have admin rights to Repository.")
	}
	cm.Body, cm.UpdatedAt = req.Body, fakeNow()
	cm.Edits++
	c.repo.touch(cm.Issue)
	return http.StatusOK, s.commentJSON(c.repo, cm)
}

func (s *Server) deleteComment(c *call) (int, any) {
	id := c.pathInt("comment_id")
	for i, cm := range c.repo.comments {
		if cm.ID == id {
			c.repo.comments = slices.Delete(c.repo.comments, i, i+1)
			c.repo.touch(cm.Issue)
			return http.StatusNoContent, nil
		}
	}
	return http.StatusNotFound, notFound()
}

func (s *Server) createReaction(c *call) (int, any) {
	cm := s.findComment(c)
	if cm == nil {
		return http.StatusNotFound, notFound()
	}
	var req struct {
		Content string `json:"content"`
	}
	if err := c.decode(&req); err != nil {
		return http.StatusBadRequest, ghError("Problems parsing JSON")
	}
	for _, r := range cm.Reactions {
		if r.User == c.who.login && r.Content == req.Content {
			return http.StatusOK, s.reactionJSON(r)
		}
	}
	r := Reaction{ID: s.newID(), User: c.who.login, Content: req.Content}
	cm.Reactions = append(cm.Reactions, r)
	return http.StatusCreated, s.reactionJSON(r)
}

func (s *Server) reactionJSON(r Reaction) map[string]any {
	return map[string]any{"id": r.ID, "node_id": "REA_" + strconv.FormatInt(r.ID, 10), "user": s.userJSON(r.User, false),
		"content": r.Content, "created_at": time.Now().UTC().Format(time.RFC3339)}
}

func (s *Server) labelsOf(c *call) (*PR, []any) {
	p := c.repo.prs[int(c.pathInt("issue_number"))]
	if p == nil {
		return nil, nil
	}
	items := []any{}
	for _, l := range p.Labels {
		items = append(items, s.labelJSON(c.repo, l))
	}
	return p, items
}

func (s *Server) listLabels(c *call) (int, any) {
	p, items := s.labelsOf(c)
	if p == nil {
		return http.StatusNotFound, notFound()
	}
	return http.StatusOK, c.paginate(items)
}

func (s *Server) addLabels(c *call) (int, any) {
	p := c.repo.prs[int(c.pathInt("issue_number"))]
	if p == nil {
		return http.StatusNotFound, notFound()
	}
	var req struct {
		Labels []string `json:"labels"`
	}
	if err := c.decode(&req); err != nil {
		// GitHub also accepts a bare array of names.
		if err2 := c.decode(&req.Labels); err2 != nil {
			return http.StatusBadRequest, ghError("Problems parsing JSON")
		}
	}
	for _, l := range req.Labels {
		if !slices.Contains(p.Labels, l) {
			p.Labels = append(p.Labels, l)
			p.UpdatedAt = fakeNow()
		}
	}
	_, items := s.labelsOf(c)
	return http.StatusOK, items
}

func (s *Server) removeLabel(c *call) (int, any) {
	p := c.repo.prs[int(c.pathInt("issue_number"))]
	if p == nil {
		return http.StatusNotFound, notFound()
	}
	name := c.path("name")
	i := slices.Index(p.Labels, name)
	if i < 0 {
		return http.StatusNotFound, ghError("Label does not exist")
	}
	p.Labels = slices.Delete(p.Labels, i, i+1)
	p.UpdatedAt = fakeNow()
	_, items := s.labelsOf(c)
	return http.StatusOK, items
}

func (s *Server) permission(c *call) (int, any) {
	user := c.path("username")
	role, ok := c.repo.permissions[user]
	if !ok {
		if strings.EqualFold(user, c.repo.info.Owner) {
			role = "admin"
		} else {
			return http.StatusNotFound, ghError(user + " is not a user")
		}
	}
	legacy := map[string]string{"admin": "admin", "maintain": "write", "write": "write", "triage": "read", "read": "read", "none": "none"}[role]
	u := s.userJSON(user, false)
	u["permissions"] = map[string]any{"admin": role == "admin", "maintain": role == "admin" || role == "maintain",
		"push": legacy == "admin" || legacy == "write", "triage": legacy != "none", "pull": legacy != "none"}
	u["role_name"] = role
	return http.StatusOK, map[string]any{"permission": legacy, "role_name": role, "user": u}
}

func (s *Server) repositoryDispatch(c *call) (int, any) {
	var req struct {
		EventType     string         `json:"event_type"`
		ClientPayload map[string]any `json:"client_payload"`
	}
	if err := c.decode(&req); err != nil {
		return http.StatusBadRequest, ghError("Problems parsing JSON")
	}
	c.repo.dispatches = append(c.repo.dispatches, Dispatch{Kind: "repository", EventType: req.EventType, Payload: req.ClientPayload})
	return http.StatusNoContent, nil
}

func (s *Server) workflowDispatch(c *call) (int, any) {
	var req struct {
		Ref    string         `json:"ref"`
		Inputs map[string]any `json:"inputs"`
	}
	if err := c.decode(&req); err != nil {
		return http.StatusBadRequest, ghError("Problems parsing JSON")
	}
	c.repo.dispatches = append(c.repo.dispatches, Dispatch{Kind: "workflow", Workflow: c.path("workflow_id"), Ref: req.Ref, Payload: req.Inputs})
	return http.StatusNoContent, nil
}

func (s *Server) listInstallations(c *call) (int, any) {
	var ids []int64
	for id, in := range s.installations {
		if in.appID == c.who.appID {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	var items []any
	for _, id := range ids {
		in := s.installations[id]
		items = append(items, map[string]any{
			"id":                   id,
			"account":              s.userJSON(in.account, false),
			"app_id":               in.appID,
			"app_slug":             s.apps[in.appID].slug,
			"target_id":            s.userID(in.account),
			"target_type":          "Organization",
			"repository_selection": map[bool]string{true: "all", false: "selected"}[len(in.repos) == 0],
			"access_tokens_url":    s.base() + "/app/installations/" + strconv.FormatInt(id, 10) + "/access_tokens",
			"repositories_url":     s.base() + "/installation/repositories",
			"html_url":             "https://github.com/settings/installations/" + strconv.FormatInt(id, 10),
			"permissions":          map[string]any{"checks": "write", "contents": "write", "issues": "write", "pull_requests": "write", "statuses": "write", "metadata": "read"},
			"events":               []any{"pull_request", "push", "issue_comment"},
			"created_at":           "2026-01-01T00:00:00Z",
			"updated_at":           "2026-01-01T00:00:00Z",
			"single_file_name":     nil,
			"suspended_at":         nil,
			"suspended_by":         nil,
		})
	}
	return http.StatusOK, c.paginate(items)
}

func (s *Server) listInstallationRepos(c *call) (int, any) {
	inst, ok := s.installations[c.who.installationID]
	if !ok {
		return http.StatusForbidden, ghError("This endpoint requires an installation access token")
	}
	var items []any
	for _, key := range slices.Sorted(maps.Keys(s.repos)) {
		rs := s.repos[key]
		if len(inst.repos) == 0 && strings.EqualFold(rs.info.Owner, inst.account) || slices.ContainsFunc(inst.repos, func(r string) bool { return strings.EqualFold(r, rs.info.FullName()) }) {
			items = append(items, s.repoJSON(rs))
		}
	}
	total := len(items)
	return http.StatusOK, map[string]any{"total_count": total, "repositories": c.paginate(items),
		"repository_selection": map[bool]string{true: "all", false: "selected"}[len(inst.repos) == 0]}
}

func (s *Server) getApp(c *call) (int, any) {
	slug := s.apps[c.who.appID].slug
	return http.StatusOK, map[string]any{
		"id": c.who.appID, "slug": slug, "name": slug, "node_id": "A_" + slug,
		"owner": s.userJSON("acme", false), "description": nil, "external_url": "https://github.com/apps/" + slug,
		"html_url": "https://github.com/apps/" + slug, "created_at": "2026-01-01T00:00:00Z", "updated_at": "2026-01-01T00:00:00Z",
		"permissions": map[string]any{"checks": "write", "contents": "write", "issues": "write", "pull_requests": "write", "statuses": "write", "metadata": "read"},
		"events":      []any{"pull_request", "push", "issue_comment"},
	}
}

func (s *Server) getUser(c *call) (int, any) {
	if c.who.installationID != 0 {
		return http.StatusForbidden, ghError("Resource not accessible by integration")
	}
	u := s.userJSON(c.who.login, false)
	u["user_view_type"] = "private"
	for _, k := range []string{"name", "company", "blog", "location", "email", "hireable", "bio", "twitter_username"} {
		u[k] = nil
	}
	return http.StatusOK, u
}

func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}
