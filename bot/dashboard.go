package bot

import (
	"context"
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/heraldhq/herald/content/check"
	"github.com/heraldhq/herald/publish"
	"github.com/heraldhq/herald/publish/dashboard"
)

// maxRecent is how many publications of each repository the dashboard
// lists.
const maxRecent = 10

// activity is what the dashboard shows of one repository beyond its
// schedule: what herald published, how the last reconcile went, and what
// holds each open pull request back. It lives in memory only: after a
// restart the page lists publications since then.
type activity struct {
	url, branch string
	strategy    publish.Strategy
	loc         *time.Location
	recent      []dashboard.Publication // the newest first
	last        *dashboard.Reconcile
	// prs are the open pull requests' blockers, by number.
	prs map[int]prBlockers
}

// prBlockers is what holds one pull request back, in the dashboard's words.
type prBlockers struct {
	held     bool
	blockers []string
	reasons  []string
}

// activityOf returns the repository's record, creating it; b.mu is held.
func (b *Bot) activityOf(repo string) *activity {
	if b.activity == nil {
		b.activity = map[string]*activity{}
	}
	a, ok := b.activity[repo]
	if !ok {
		a = &activity{prs: map[int]prBlockers{}}
		b.activity[repo] = a
	}
	return a
}

// noteReconcile records how a reconcile of repo went: when it started by
// the bot's clock, how long it took, and its errors one per line.
func (b *Bot) noteReconcile(repo string, start time.Time, err error) {
	r := &dashboard.Reconcile{At: start, Took: b.now().Sub(start)}
	if err != nil {
		for _, line := range strings.Split(err.Error(), "\n") {
			if line = strings.TrimSpace(line); line != "" {
				r.Errors = append(r.Errors, line)
			}
		}
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	b.activityOf(repo).last = r
}

// notePublished records what a done action published, at the bot's clock.
func (b *Bot) notePublished(e *openRepo, a publish.Action) {
	at := b.now()
	var pubs []dashboard.Publication
	switch a := a.(type) {
	case publish.Merge:
		for _, p := range a.Paths {
			pubs = append(pubs, dashboard.Publication{Title: titleIn(e, a.PR, p), Path: p, PR: a.PR, URL: prURL(e, a.PR), Due: a.Due, At: at})
		}
	case publish.CommitDraftFlip:
		pubs = append(pubs, dashboard.Publication{Title: a.Title, Path: a.Path, URL: fileURL(e, a.Path), Due: a.Due, At: at})
	case publish.TriggerRebuild:
		for _, it := range a.Items {
			if it.Cause == publish.CausePublish {
				pubs = append(pubs, dashboard.Publication{Title: it.Title, Path: it.Path, URL: fileURL(e, it.Path), Due: it.Due, At: at})
			}
		}
	}
	if len(pubs) == 0 {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	r := b.activityOf(e.t.Repo)
	slices.Reverse(pubs)
	r.recent = append(pubs, r.recent...)
	r.recent = r.recent[:min(len(r.recent), maxRecent)]
}

// noteBlockers records the repository's settings and what holds each pull
// request of state back; those whose number keep reports true are kept as
// they were (a reconcile of one pull request leaves the others alone).
func (b *Bot) noteBlockers(e *openRepo, state publish.State, keep func(pr int) bool) {
	prs := map[int]prBlockers{}
	for _, pr := range state.PRs {
		prs[pr.Number] = blockersOf(state.Config, pr)
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	r := b.activityOf(e.t.Repo)
	r.url, r.branch, r.strategy, r.loc = e.repo.HTMLURL, e.repo.DefaultBranch, state.Config.Strategy, e.site.Location()
	for n, bl := range r.prs {
		if _, ok := prs[n]; !ok && keep(n) {
			prs[n] = bl
		}
	}
	r.prs = prs
}

// blockersOf says what holds pr back, lasting blockers only, in the words
// of every surface (publish.Blocker.Said): "blocked by link-reversed,
// unknown-author", "not approved", "held".
func blockersOf(c publish.Config, pr publish.PR) prBlockers {
	var out prBlockers
	for _, bl := range publish.Blockers(c, pr) {
		if bl.Transient {
			continue
		}
		// The sentences are written for Markdown comments; the page
		// shows them as text.
		out.reasons = append(out.reasons, strings.ReplaceAll(bl.Long, "`", ""))
		if bl.Short == "on hold" {
			out.held = true
		}
		if w := bl.Said(); !slices.Contains(out.blockers, w) {
			out.blockers = append(out.blockers, w)
		}
	}
	return out
}

// noteErrors records the rule IDs of the error findings of a pull request
// just checked.
func (e *openRepo) noteErrors(pr int, findings []check.Finding) {
	var rules []string
	for _, f := range findings {
		if f.Severity == "error" {
			rules = append(rules, f.Rule)
		}
	}
	e.setErrorRules(pr, rules)
}

// summaryError is an error finding's line in the summary comment.
var summaryError = regexp.MustCompile(`(?m)^- ❌ \*\*([^*\s]+)\*\*`)

// noteSummaryErrors records the rule IDs of the error findings that the
// summary comment lists, when it speaks of head: a pull request checked
// before (by this process or another) is not checked again to know them.
func (e *openRepo) noteSummaryErrors(pr int, summary, head string) {
	if stateOf(summary)["sha"] != head {
		return
	}
	var rules []string
	for _, m := range summaryError.FindAllStringSubmatch(summary, -1) {
		rules = append(rules, m[1])
	}
	e.setErrorRules(pr, rules)
}

func (e *openRepo) setErrorRules(pr int, rules []string) {
	slices.Sort(rules)
	if e.errorRules == nil {
		e.errorRules = map[int][]string{}
	}
	e.errorRules[pr] = slices.Compact(rules)
}

// Dashboard lists what the dashboard shows of every repository reconciled;
// it implements dashboard.Source.
func (b *Bot) Dashboard(ctx context.Context) ([]dashboard.Repo, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	names := map[string]bool{}
	for n := range b.schedule {
		names[n] = true
	}
	for n := range b.activity {
		names[n] = true
	}
	var out []dashboard.Repo
	for name := range names {
		a := b.activityOf(name)
		r := dashboard.Repo{Name: name, URL: a.url, Location: a.loc, Strategy: string(a.strategy),
			Recent: slices.Clone(a.recent), Reconcile: a.last}
		for _, en := range b.schedule[name] {
			if en.Status == publish.ItemPublished {
				continue
			}
			r.Upcoming = append(r.Upcoming, a.post(en.Item))
		}
		out = append(out, r)
	}
	slices.SortFunc(out, func(x, y dashboard.Repo) int { return strings.Compare(x.Name, y.Name) })
	return out, nil
}

var _ dashboard.Source = (*Bot)(nil)

// post is the dashboard's view of one schedule item.
func (a *activity) post(it publish.Item) dashboard.Post {
	p := dashboard.Post{Title: it.Title, Path: it.Path, PR: it.PR, At: it.At, Expiry: it.Cause == publish.CauseExpiry, Reason: it.Reason}
	if it.PR != 0 {
		p.URL = joinURL(a.url, fmt.Sprintf("pull/%d", it.PR))
	} else {
		p.URL = a.fileURL(it.Path)
	}
	bl := a.prs[it.PR]
	switch {
	case it.PR != 0 && bl.held:
		p.State, p.Blockers = dashboard.Held, bl.blockers
	case it.PR != 0 && len(bl.blockers) > 0:
		p.State, p.Blockers = dashboard.Blocked, bl.blockers
	case it.Status == publish.ItemBlocked:
		p.State, p.Blockers = dashboard.Blocked, it.Blockers
	case it.Status == publish.ItemLate:
		p.State = dashboard.Late
	default:
		p.State = dashboard.Scheduled
	}
	// A pull request's item ahead of its time names one blocker (its
	// errors); the page names every lasting one, in the same sentences.
	if it.PR != 0 && len(bl.reasons) > 0 && (p.Reason == "" || slices.Contains(bl.reasons, p.Reason)) {
		p.Reason = strings.Join(bl.reasons, " ")
	}
	return p
}

func (a *activity) fileURL(path string) string {
	if a.url == "" || a.branch == "" {
		return ""
	}
	return joinURL(a.url, "blob/"+url.PathEscape(a.branch)+"/"+escapePath(path))
}

func fileURL(e *openRepo, path string) string {
	a := activity{url: e.repo.HTMLURL, branch: e.repo.DefaultBranch}
	return a.fileURL(path)
}

func prURL(e *openRepo, pr int) string { return joinURL(e.repo.HTMLURL, fmt.Sprintf("pull/%d", pr)) }

func joinURL(base, rest string) string {
	if base == "" {
		return ""
	}
	return strings.TrimSuffix(base, "/") + "/" + rest
}

func escapePath(p string) string {
	parts := strings.Split(p, "/")
	for i, s := range parts {
		parts[i] = url.PathEscape(s)
	}
	return strings.Join(parts, "/")
}

// titleIn is the title of the post at path in pull request pr, or the path.
func titleIn(e *openRepo, pr int, path string) string {
	if h := e.heads[pr]; h != nil {
		for _, p := range h.posts {
			if p.Path == path && p.Title != "" {
				return p.Title
			}
		}
	}
	return path
}
