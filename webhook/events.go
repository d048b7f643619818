package webhook

import (
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"
)

// payload is the part of a delivery's JSON that herald reads: the target of
// the reconcile and the few facts the reconciler takes as hints. Everything
// else in the body (a pull_request payload is about 28 KB, most of it URLs
// and nested users and repositories) is skipped by the decoder and never
// built into values. The field types are GitHub's, so a payload whose read
// fields have the wrong type is refused as before.
type payload struct {
	Action string `json:"action"`
	Number int    `json:"number"`
	// Zen is a ping's greeting.
	Zen string `json:"zen"`
	// SHA and Context are a status event's commit and status context.
	SHA     string `json:"sha"`
	Context string `json:"context"`
	// After is a push's new tip.
	After        string    `json:"after"`
	Repository   *wireRepo `json:"repository"`
	Installation *struct {
		ID int64 `json:"id"`
	} `json:"installation"`
	Sender      *wireUser  `json:"sender"`
	PullRequest *wirePR    `json:"pull_request"`
	Issue       *wireIssue `json:"issue"`
	CheckRun    *wireCheck `json:"check_run"`
	CheckSuite  *wireCheck `json:"check_suite"`
	// Repositories and RepositoriesAdded are an installation's.
	Repositories      []*wireRepo `json:"repositories"`
	RepositoriesAdded []*wireRepo `json:"repositories_added"`
}

type wireUser struct {
	Login string `json:"login"`
}

type wireRepo struct {
	ID       int64     `json:"id"`
	FullName string    `json:"full_name"`
	Name     string    `json:"name"`
	Owner    *wireUser `json:"owner"`
}

type wirePR struct {
	Number int `json:"number"`
	Head   *struct {
		SHA string `json:"sha"`
	} `json:"head"`
	Base *struct {
		Repo *struct {
			ID int64 `json:"id"`
		} `json:"repo"`
	} `json:"base"`
}

type wireIssue struct {
	Number int `json:"number"`
	// PullRequest is present when the issue is a pull request.
	PullRequest *struct{} `json:"pull_request"`
}

type wireCheck struct {
	Name    string `json:"name"`
	HeadSHA string `json:"head_sha"`
	App     *struct {
		Slug string `json:"slug"`
	} `json:"app"`
	PullRequests []*wirePR `json:"pull_requests"`
}

// decodePayload reads the fields herald uses from a delivery's JSON.
func decodePayload(name string, body []byte) (*payload, error) {
	p := new(payload)
	if err := json.Unmarshal(body, p); err != nil {
		return nil, fmt.Errorf("%w: %s payload: %s", errBadPayload, name, decodeProblem(err))
	}
	return p, nil
}

// decodeProblem words a decode error in JSON's terms: the sender knows the
// payload's fields, not the Go types herald reads them into.
func decodeProblem(err error) string {
	var te *json.UnmarshalTypeError
	if !errors.As(err, &te) {
		return err.Error()
	}
	if te.Field == "" {
		return fmt.Sprintf("json: the payload is %s %s, want an object", article(te.Value), te.Value)
	}
	return fmt.Sprintf("json: cannot unmarshal %s into Go struct field .%s of type %s", te.Value, te.Field, jsonType(te.Type))
}

// jsonType names t as the JSON it is read from: a number type by its Go
// name (the range matters), anything else by its JSON kind.
func jsonType(t reflect.Type) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.Slice, reflect.Array:
		return "array"
	case reflect.Struct, reflect.Map:
		return "object"
	}
	return t.Kind().String()
}

func article(word string) string {
	if word != "" && strings.ContainsRune("aeiou", rune(word[0])) {
		return "an"
	}
	return "a"
}

// requestsFor turns one decoded delivery of the known event name into the
// reconcile requests it asks for. It returns no request, and a reason for
// the log and the answer, when the event names no repository or is not about
// anything herald reconciles.
func requestsFor(event, deliveryID string, p *payload) ([]Request, string) {
	base := Request{Event: event, DeliveryID: deliveryID, Action: p.Action, Sender: p.Sender.login()}
	if p.Installation != nil {
		base.InstallationID = p.Installation.ID
	}

	switch event {
	case "installation":
		switch base.Action {
		case "created", "new_permissions_accepted", "unsuspend":
			return perRepo(base, p.Repositories), "installation has no repositories"
		}
		return nil, "installation " + base.Action + " needs no reconcile"
	case "installation_repositories":
		if base.Action == "added" {
			return perRepo(base, p.RepositoriesAdded), "no repositories added"
		}
		return nil, "repositories " + base.Action + " need no reconcile"
	case "issues":
		return nil, "the event is about an issue, not a pull request"
	case "issue_comment":
		if p.Issue == nil || p.Issue.PullRequest == nil {
			return nil, "the comment is on an issue, not a pull request"
		}
		return withRepo(base, p.Repository, p.Issue.Number)
	case "pull_request", "pull_request_target":
		base.HeadSHA = p.PullRequest.headSHA()
		return withRepo(base, p.Repository, cmp.Or(p.Number, p.PullRequest.number()))
	case "pull_request_review", "pull_request_review_comment", "pull_request_review_thread":
		base.HeadSHA = p.PullRequest.headSHA()
		return withRepo(base, p.Repository, p.PullRequest.number())
	case "push":
		base.HeadSHA = p.After
		return withRepo(base, p.Repository, 0)
	case "check_suite", "check_run":
		c := p.CheckRun
		if event == "check_suite" {
			c = p.CheckSuite
		}
		var prs []*wirePR
		if c != nil {
			base.CheckName, base.HeadSHA, prs = c.Name, c.HeadSHA, c.PullRequests
			if c.App != nil {
				base.CheckApp = c.App.Slug
			}
		}
		return withPRs(base, p.Repository, prs)
	case "status":
		base.HeadSHA, base.StatusContext = p.SHA, p.Context
	}
	if !aboutRepository(event) {
		return nil, "the event names no repository"
	}
	return withRepo(base, p.Repository, 0)
}

func (u *wireUser) login() string {
	if u == nil {
		return ""
	}
	return u.Login
}

func (pr *wirePR) number() int {
	if pr == nil {
		return 0
	}
	return pr.Number
}

func (pr *wirePR) headSHA() string {
	if pr == nil || pr.Head == nil {
		return ""
	}
	return pr.Head.SHA
}

func (pr *wirePR) baseRepoID() int64 {
	if pr == nil || pr.Base == nil || pr.Base.Repo == nil {
		return 0
	}
	return pr.Base.Repo.ID
}

// repoName returns "owner/name" for r, or "" when the payload lacks it.
func repoName(r *wireRepo) string {
	if r == nil {
		return ""
	}
	return fullName(r.FullName, r.Owner.login(), r.Name)
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

func withRepo(base Request, repo *wireRepo, pr int) ([]Request, string) {
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
func withPRs(base Request, repo *wireRepo, prs []*wirePR) ([]Request, string) {
	name := repoName(repo)
	if name == "" {
		return nil, "the event names no repository"
	}
	var out []Request
	seen := map[int]bool{}
	for _, pr := range prs {
		n := pr.number()
		if n == 0 || seen[n] {
			continue
		}
		if id := pr.baseRepoID(); id != 0 && repo.ID != 0 && id != repo.ID {
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

func perRepo(base Request, repos []*wireRepo) []Request {
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

// knownEvent reports whether GitHub documents the X-GitHub-Event name, as
// the metrics label it: the receiver answers the others 202 without
// reading them, and counts them as "other" so that the label stays bounded
// whatever a sender puts in the header. The list is go-github v60's, from
// when the receiver decoded with it.
func knownEvent(name string) bool {
	switch name {
	case "branch_protection_rule", "check_run", "check_suite", "code_scanning_alert", "commit_comment",
		"content_reference", "create", "delete", "dependabot_alert", "deploy_key", "deployment",
		"deployment_status", "deployment_protection_rule", "discussion", "discussion_comment", "fork",
		"github_app_authorization", "gollum", "installation", "installation_repositories",
		"installation_target", "issue_comment", "issues", "label", "marketplace_purchase", "member",
		"membership", "merge_group", "meta", "milestone", "organization", "org_block", "package",
		"page_build", "personal_access_token_request", "ping", "project", "project_card",
		"project_column", "projects_v2", "projects_v2_item", "public", "pull_request",
		"pull_request_review", "pull_request_review_comment", "pull_request_review_thread",
		"pull_request_target", "push", "repository", "repository_dispatch", "repository_import",
		"repository_vulnerability_alert", "release", "secret_scanning_alert", "security_advisory",
		"security_and_analysis", "star", "status", "team", "team_add", "user", "watch",
		"workflow_dispatch", "workflow_job", "workflow_run":
		return true
	}
	return false
}

// aboutRepository reports whether a known event that herald does not read
// further asks for a reconcile of the repository it names. The events
// listed here are about an organisation, an App or a user, and the
// repository some of them carry is incidental.
func aboutRepository(name string) bool {
	switch name {
	case "github_app_authorization", "installation_target", "marketplace_purchase", "membership",
		"org_block", "organization", "personal_access_token_request", "projects_v2", "projects_v2_item",
		"repository_vulnerability_alert", "security_advisory", "security_and_analysis", "user":
		return false
	}
	return true
}
