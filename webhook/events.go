package webhook

import (
	"cmp"
	"strings"

	"github.com/google/go-github/v60/github"
)

// Small views over go-github's event types; almost every event has them.
type (
	repoEvent         interface{ GetRepo() *github.Repository }
	installationEvent interface{ GetInstallation() *github.Installation }
	actionEvent       interface{ GetAction() string }
)

// requestsFor turns one parsed delivery into the reconcile requests it asks
// for. It returns no request, and a reason for the log and the answer, when
// the event names no repository or is not about anything herald reconciles.
func requestsFor(event, deliveryID string, payload any) ([]Request, string) {
	base := Request{Event: event, DeliveryID: deliveryID, Payload: payload}
	if e, ok := payload.(actionEvent); ok {
		base.Action = e.GetAction()
	}
	if e, ok := payload.(installationEvent); ok {
		base.InstallationID = e.GetInstallation().GetID()
	}

	switch e := payload.(type) {
	case *github.InstallationEvent:
		switch base.Action {
		case "created", "new_permissions_accepted", "unsuspend":
			return perRepo(base, e.Repositories), "installation has no repositories"
		}
		return nil, "installation " + base.Action + " needs no reconcile"
	case *github.InstallationRepositoriesEvent:
		if base.Action == "added" {
			return perRepo(base, e.RepositoriesAdded), "no repositories added"
		}
		return nil, "repositories " + base.Action + " need no reconcile"
	case *github.IssuesEvent:
		return nil, "the event is about an issue, not a pull request"
	case *github.IssueCommentEvent:
		if !e.GetIssue().IsPullRequest() {
			return nil, "the comment is on an issue, not a pull request"
		}
		return withRepo(base, e.GetRepo(), e.GetIssue().GetNumber())
	case *github.PullRequestEvent:
		return withRepo(base, e.GetRepo(), prNumber(e))
	case *github.PullRequestTargetEvent:
		return withRepo(base, e.GetRepo(), prNumber(e))
	case *github.PullRequestReviewEvent:
		return withRepo(base, e.GetRepo(), e.GetPullRequest().GetNumber())
	case *github.PullRequestReviewCommentEvent:
		return withRepo(base, e.GetRepo(), e.GetPullRequest().GetNumber())
	case *github.PullRequestReviewThreadEvent:
		return withRepo(base, e.GetRepo(), e.GetPullRequest().GetNumber())
	case *github.PushEvent:
		repo := e.GetRepo()
		name := fullName(repo.GetFullName(), repo.GetOwner().GetLogin(), repo.GetName())
		if name == "" {
			return nil, "the event names no repository"
		}
		base.Repo = name
		return []Request{base}, ""
	case *github.CheckSuiteEvent:
		var prs []*github.PullRequest
		if e.CheckSuite != nil {
			prs = e.CheckSuite.PullRequests
		}
		return withPRs(base, e.GetRepo(), prs)
	case *github.CheckRunEvent:
		var prs []*github.PullRequest
		if e.CheckRun != nil {
			prs = e.CheckRun.PullRequests
		}
		return withPRs(base, e.GetRepo(), prs)
	case repoEvent:
		return withRepo(base, e.GetRepo(), 0)
	}
	return nil, "the event names no repository"
}

// prNumber is the event's pull request number: the top-level "number", or
// the pull request's own when that is missing.
func prNumber(e interface {
	GetNumber() int
	GetPullRequest() *github.PullRequest
}) int {
	return cmp.Or(e.GetNumber(), e.GetPullRequest().GetNumber())
}

// repoName returns "owner/name" for r, or "" when the payload lacks it.
func repoName(r *github.Repository) string {
	return fullName(r.GetFullName(), r.GetOwner().GetLogin(), r.GetName())
}

// fullName returns full when it is "owner/name", else owner/name when both
// are set, else "".
func fullName(full, owner, name string) string {
	if o, n, ok := strings.Cut(full, "/"); ok && o != "" && n != "" && !strings.Contains(n, "/") {
		return full
	}
	if owner == "" || name == "" || strings.Contains(owner, "/") || strings.Contains(name, "/") {
		return ""
	}
	return owner + "/" + name
}

func withRepo(base Request, repo *github.Repository, pr int) ([]Request, string) {
	base.Repo = repoName(repo)
	if base.Repo == "" {
		return nil, "the event names no repository"
	}
	base.PR = pr
	return []Request{base}, ""
}

// withPRs asks for each pull request of the event's own repository, or for
// the whole repository when the event lists none (a check suite on a branch
// without a pull request, or on a fork's pull request, which GitHub leaves out).
func withPRs(base Request, repo *github.Repository, prs []*github.PullRequest) ([]Request, string) {
	name := repoName(repo)
	if name == "" {
		return nil, "the event names no repository"
	}
	var out []Request
	seen := map[int]bool{}
	for _, pr := range prs {
		n := pr.GetNumber()
		if n == 0 || seen[n] {
			continue
		}
		if id := pr.GetBase().GetRepo().GetID(); id != 0 && repo.GetID() != 0 && id != repo.GetID() {
			continue // a pull request into another repository
		}
		seen[n] = true
		r := base
		r.Repo, r.PR = name, n
		out = append(out, r)
	}
	if len(out) == 0 {
		return withRepo(base, repo, 0)
	}
	return out, ""
}

func perRepo(base Request, repos []*github.Repository) []Request {
	var out []Request
	for _, repo := range repos {
		if name := repoName(repo); name != "" {
			r := base
			r.Repo = name
			out = append(out, r)
		}
	}
	return out
}
