package github

import (
	"context"
	"fmt"
	"net/http"

	gh "github.com/google/go-github/v60/github"

	"github.com/heraldhq/herald/forge"
)

// Installation is one installation of the App on a user or organisation.
type Installation struct {
	// ID is the installation ID that App.Client takes.
	ID int64
	// Account is the login of the user or organisation.
	Account string
	// Suspended reports an installation suspended by its owner.
	Suspended bool
}

// Installations lists every installation of the App, for a start-up
// resync.
func (a *App) Installations(ctx context.Context) ([]Installation, error) {
	list, err := paginate(ctx, a.r, fmt.Sprintf("list installations of app %d", a.id), func(ctx context.Context, lo gh.ListOptions) ([]*gh.Installation, *gh.Response, error) {
		return a.gh.Apps.ListInstallations(ctx, &lo)
	})
	if err != nil {
		return nil, err
	}
	out := make([]Installation, len(list))
	for i, in := range list {
		out[i] = Installation{ID: in.GetID(), Account: in.GetAccount().GetLogin(), Suspended: in.SuspendedAt != nil}
	}
	return out, nil
}

// Repositories lists the repositories an installation can access.
func (a *App) Repositories(ctx context.Context, installationID int64) ([]forge.Repo, error) {
	g := gh.NewClient(&http.Client{Transport: a.installation(installationID).rt})
	g.BaseURL = a.gh.BaseURL
	g.UserAgent = a.gh.UserAgent
	list, err := paginate(ctx, a.r, fmt.Sprintf("list repositories of installation %d", installationID), func(ctx context.Context, lo gh.ListOptions) ([]*gh.Repository, *gh.Response, error) {
		res, resp, err := g.Apps.ListRepos(ctx, &lo)
		if err != nil {
			return nil, resp, err
		}
		return res.Repositories, resp, nil
	})
	if err != nil {
		return nil, err
	}
	out := make([]forge.Repo, len(list))
	for i, r := range list {
		out[i] = forge.Repo{Owner: r.GetOwner().GetLogin(), Name: r.GetName(), DefaultBranch: r.GetDefaultBranch(),
			CloneURL: r.GetCloneURL(), HTMLURL: r.GetHTMLURL(), Private: r.GetPrivate()}
	}
	return out, nil
}
