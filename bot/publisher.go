package bot

import (
	"github.com/heraldhq/herald/publish"
	"github.com/heraldhq/herald/publish/adapter"
)

// publisher builds the guarded publisher for one reconcile of e.
func (b *Bot) publisher(e *openRepo) *publish.Publisher {
	rb := e.site.Config.Publish.Rebuild
	opts := []publish.Option{
		publish.WithDefaultBranch(e.mirror.Branch(e.repo.DefaultBranch), e.repo.DefaultBranch),
		publish.WithRecords(e.mirror.Branch(publish.RecordRef)),
		publish.WithSite(e.site.Profile, e.site.Location()),
		publish.WithTrigger(publish.RebuildTrigger{Workflow: rb.Workflow, Ref: rb.Ref, EventType: rb.EventType, HookURL: rb.URL}),
		publish.WithDryRun(b.dryRun),
		publish.WithPublisherClock(b.now),
		publish.WithPublisherLogger(e.baseLog),
	}
	if e.prs != nil {
		fa := adapter.NewForge(e.prs)
		opts = append(opts, publish.WithPullRequests(fa), publish.WithDispatcher(fa))
	}
	return publish.NewPublisher(e.t.Repo, opts...)
}
