package webhook

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/google/go-github/v60/github"
)

func TestRequestsFor(t *testing.T) {
	repo := &github.Repository{ID: github.Int64(7), FullName: github.String("o/r")}
	other := &github.Repository{ID: github.Int64(8), FullName: github.String("fork/r")}
	prIn := func(n int, base *github.Repository) *github.PullRequest {
		return &github.PullRequest{Number: github.Int(n), Base: &github.PullRequestBranch{Repo: base}}
	}
	tests := []struct {
		name    string
		event   string
		payload any
		want    []Request
		why     string
	}{
		{"check suite with its pull requests, another repository's left out", "check_suite",
			&github.CheckSuiteEvent{Action: github.String("completed"), Repo: repo, CheckSuite: &github.CheckSuite{
				PullRequests: []*github.PullRequest{prIn(3, repo), prIn(3, repo), prIn(4, nil), prIn(5, other)}}},
			[]Request{{Repo: "o/r", PR: 3, Event: "check_suite", Action: "completed"}, {Repo: "o/r", PR: 4, Event: "check_suite", Action: "completed"}}, ""},
		{"check run only on another repository's pull request", "check_run",
			&github.CheckRunEvent{Action: github.String("completed"), Repo: repo, CheckRun: &github.CheckRun{
				PullRequests: []*github.PullRequest{prIn(5, other)}}},
			[]Request{{Repo: "o/r", Event: "check_run", Action: "completed"}}, ""},
		{"repository named by owner and name only", "status",
			&github.StatusEvent{Repo: &github.Repository{Name: github.String("r"), Owner: &github.User{Login: github.String("o")}},
				Installation: &github.Installation{ID: github.Int64(42)}},
			[]Request{{Repo: "o/r", Event: "status", InstallationID: 42}}, ""},
		{"push named by owner and name only", "push",
			&github.PushEvent{Repo: &github.PushEventRepository{Name: github.String("r"), Owner: &github.User{Login: github.String("o")}}},
			[]Request{{Repo: "o/r", Event: "push"}}, ""},
		{"full name that is not owner/name", "installation",
			&github.InstallationEvent{Action: github.String("created"), Repositories: []*github.Repository{
				{FullName: github.String("0")}, {FullName: github.String("a/b/c")}, {FullName: github.String("/r")}, repo}},
			[]Request{{Repo: "o/r", Event: "installation", Action: "created"}}, ""},
		{"push without repository", "push", &github.PushEvent{}, nil, "the event names no repository"},
		{"review comment", "pull_request_review_comment",
			&github.PullRequestReviewCommentEvent{Action: github.String("created"), Repo: repo, PullRequest: prIn(9, repo)},
			[]Request{{Repo: "o/r", PR: 9, Event: "pull_request_review_comment", Action: "created"}}, ""},
		{"issue", "issues", &github.IssuesEvent{Action: github.String("opened"), Repo: repo}, nil,
			"the event is about an issue, not a pull request"},
		{"repositories removed", "installation_repositories",
			&github.InstallationRepositoriesEvent{Action: github.String("removed"), RepositoriesRemoved: []*github.Repository{repo}}, nil,
			"repositories removed need no reconcile"},
		{"installation with no repository", "installation",
			&github.InstallationEvent{Action: github.String("created")}, nil, "installation has no repositories"},
		{"event with no repository at all", "github_app_authorization",
			&github.GitHubAppAuthorizationEvent{Action: github.String("revoked")}, nil, "the event names no repository"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, why := requestsFor(tt.event, "", tt.payload)
			if diff := cmp.Diff(tt.want, got, cmpopts.IgnoreFields(Request{}, "Payload")); diff != "" {
				t.Errorf("requests (-want +got):\n%s", diff)
			}
			if why != tt.why && len(got) == 0 {
				t.Errorf("reason = %q, want %q", why, tt.why)
			}
		})
	}
}
