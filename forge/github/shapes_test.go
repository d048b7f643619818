package github_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	gh "github.com/google/go-github/v60/github"

	"github.com/heraldhq/herald/forge"
	"github.com/heraldhq/herald/forge/github"
	"github.com/heraldhq/herald/internal/fakegithub"
)

// TestWebhookAndAPIAgree decodes the pull request of real webhook payloads
// and the same pull request answered by the fake, and checks herald sees the
// same facts in both.
func TestWebhookAndAPIAgree(t *testing.T) {
	for _, name := range []string{"opened.json", "synchronize.json", "labeled.json", "closed.json"} {
		t.Run(name, func(t *testing.T) {
			raw, err := os.ReadFile(filepath.Join("..", "..", "testdata", "github", "webhooks", "pull_request", name))
			if err != nil {
				t.Fatal(err)
			}
			var ev gh.PullRequestEvent
			if err := json.Unmarshal(raw, &ev); err != nil {
				t.Fatal(err)
			}
			fromHook := github.PullRequestFrom(ev.GetPullRequest())

			fake := fakegithub.New(t, fakegithub.Options{})
			fake.AddToken(token, "herald-bot")
			owner, repoName := ev.GetRepo().GetOwner().GetLogin(), ev.GetRepo().GetName()
			fake.AddRepo(fakegithub.Repo{Owner: owner, Name: repoName, DefaultBranch: ev.GetRepo().GetDefaultBranch()})
			fake.AddPR(owner+"/"+repoName, fakegithub.PR{
				Number: fromHook.Number, Title: fromHook.Title, Author: fromHook.Author,
				HeadRef: fromHook.HeadRef, HeadSHA: fromHook.HeadSHA, BaseRef: fromHook.BaseRef, BaseSHA: fromHook.BaseSHA,
				Draft: fromHook.Draft, State: string(fromHook.State), Merged: fromHook.Merged,
				Mergeable: fromHook.Mergeable, MergeableState: string(fromHook.MergeableState), Labels: fromHook.Labels,
			})
			c, err := github.NewTokenClient(token, owner, repoName, options(fake, &syncBuffer{}))
			if err != nil {
				t.Fatal(err)
			}
			fromAPI, err := c.PR(context.Background(), fromHook.Number)
			if err != nil {
				t.Fatal(err)
			}
			// URLs name the fake's host and times its clock; everything else
			// must agree.
			ignore := cmpopts.IgnoreFields(forge.PullRequest{}, "HeadCloneURL", "HTMLURL", "UpdatedAt", "BaseRepo.CloneURL", "BaseRepo.HTMLURL", "BaseRepo.Private")
			if diff := cmp.Diff(fromHook, fromAPI, ignore); diff != "" {
				t.Errorf("webhook (-) and API (+) disagree:\n%s", diff)
			}
			if fromHook.HeadCloneURL == "" || fromAPI.HeadCloneURL == "" {
				t.Errorf("clone URL missing: webhook %q, API %q", fromHook.HeadCloneURL, fromAPI.HeadCloneURL)
			}
		})
	}
}

func TestCommentFromWebhook(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("..", "..", "testdata", "github", "webhooks", "issue_comment", "created.json"))
	if err != nil {
		t.Fatal(err)
	}
	var ev gh.IssueCommentEvent
	if err := json.Unmarshal(raw, &ev); err != nil {
		t.Fatal(err)
	}
	got := github.CommentFrom(ev.GetComment())
	if got.ID == 0 || got.Body == "" || got.User == "" || got.HTMLURL == "" || got.CreatedAt.IsZero() {
		t.Errorf("CommentFrom(webhook) = %+v; want every field set", got)
	}
}
