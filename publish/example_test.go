package publish_test

import (
	"fmt"
	"time"

	"github.com/heraldhq/herald/content"
	"github.com/heraldhq/herald/forge"
	"github.com/heraldhq/herald/publish"
)

// A pull request whose post was due at 09:00 Berlin time, planned at 11:13
// after herald was down: it is approved and green, so it merges at once and
// says how late it is.
func ExamplePlan() {
	berlin, _ := time.LoadLocation("Europe/Berlin")
	prof, _ := content.ProfileByName("docusaurus")
	raw := "---\ntitle: Launch\ndate: 2026-03-02 09:00\n---\nWe launched.\n"
	post := publish.PostOf(content.ParsePost("blog/2026/03-launch/index.md", []byte(raw), prof, berlin))
	state := publish.State{
		Config: publish.Config{Location: berlin},
		PRs: []publish.PR{{
			Number: 7, HeadSHA: "abc123", CheckedSHA: "abc123", Mergeable: forge.MergeableClean,
			Reviews: []forge.Review{{User: "maintainer", State: forge.ReviewApproved, CommitID: "abc123"}},
			Posts:   []publish.Post{post},
		}},
	}
	now := time.Date(2026, 3, 2, 10, 13, 0, 0, time.UTC)
	for _, a := range publish.Plan(state, now) {
		switch a := a.(type) {
		case publish.SetStatus:
			fmt.Printf("status %s on %s: %s\n", a.State, a.SHA, a.Description)
		case publish.Merge:
			fmt.Printf("merge #%d at %s, went out late by %s\n", a.PR, a.HeadSHA, publish.Lateness(a.Late))
		}
	}
	// Output:
	// status success on abc123: Due 2026-03-02 08:00 UTC; publishing
	// merge #7 at abc123, went out late by 2h13m
}
