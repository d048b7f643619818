package publish

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/heraldhq/herald/forge"
)

// maxStatusDescription is GitHub's limit on a commit status description.
const maxStatusDescription = 140

// withDefaults returns c with every zero field replaced by its default.
func (c Config) withDefaults() Config {
	if c.Strategy == "" {
		c.Strategy = StrategyMerge
	}
	if c.MergeMethod == "" {
		c.MergeMethod = forge.MergeCommit
	}
	if c.ApprovalsRequired == 0 {
		c.ApprovalsRequired = DefaultApprovalsRequired
	}
	if c.ApprovalsRequired < 0 {
		c.ApprovalsRequired = 0
	}
	if c.HoldLabel == "" {
		c.HoldLabel = DefaultHoldLabel
	}
	if c.Location == nil {
		c.Location = time.UTC
	}
	if c.LateSlack <= 0 {
		c.LateSlack = DefaultLateSlack
	}
	if c.CatchUp <= 0 {
		c.CatchUp = DefaultCatchUp
	}
	if c.Retry <= 0 {
		c.Retry = DefaultRetry
	}
	if c.Strategy == StrategyRebuild && c.Trigger == TriggerNone {
		c.Trigger = TriggerEmptyCommit
	}
	return c
}

// Plan returns the actions that bring the repository described by s to where
// it should be at now. It is pure: no I/O, no clock, and the same input always
// gives the same actions in the same order (pull requests by number, posts by
// path, a Wake last).
func Plan(s State, now time.Time) []Action {
	p := planner{c: s.Config.withDefaults(), now: now}
	p.run(s)
	return p.acts
}

// run makes Plan's decisions on s. Every decision about a publication is
// also recorded as an Item when the planner lists (Upcoming), so the
// schedule people read and the actions herald takes come from the same
// case analysis.
func (p *planner) run(s State) {
	c := p.c
	posts := sortedPosts(s.Posts)
	switch c.Strategy {
	case StrategyMerge:
		prs := slices.Clone(s.PRs)
		slices.SortFunc(prs, func(a, b PR) int { return a.Number - b.Number })
		for _, pr := range prs {
			p.pr(pr)
		}
	case StrategyDraft:
		p.drafts(posts)
	case StrategyRebuild:
	default:
		p.add(Blocked{Reasons: []string{fmt.Sprintf("unknown publish strategy %q (want merge, draft or rebuild); nothing is published", c.Strategy)}})
	}
	if c.Strategy != StrategyRebuild {
		p.published(posts)
	}
	p.rebuild(posts, s.Done.LastRebuild)
	if !p.wake.IsZero() {
		p.add(Wake{At: p.wake})
	}
}

type planner struct {
	c    Config
	now  time.Time
	acts []Action
	wake time.Time
	// list makes the planner record items (Upcoming); Plan leaves it off.
	list  bool
	items []Item
}

// add records actions; when listing, only the items count.
func (p *planner) add(a ...Action) {
	if !p.list {
		p.acts = append(p.acts, a...)
	}
}

// item records one publication's place on the schedule when listing.
func (p *planner) item(it Item) {
	if !p.list {
		return
	}
	it.Strategy = p.c.Strategy
	if it.Cause == "" {
		it.Cause = CausePublish
	}
	p.items = append(p.items, it)
}

// wakeAt records t as a candidate for the next Wake.
func (p *planner) wakeAt(t time.Time) {
	if p.wake.IsZero() || t.Before(p.wake) {
		p.wake = t
	}
}

// late reports how late something due at due is, or zero within the slack.
func (p *planner) late(due time.Time) time.Duration {
	if d := p.now.Sub(due); d > p.c.LateSlack {
		return d
	}
	return 0
}

func sortedPosts(posts []Post) []Post {
	out := slices.Clone(posts)
	slices.SortFunc(out, func(a, b Post) int { return strings.Compare(a.Path, b.Path) })
	return out
}

// blocker is one reason a due pull request cannot be merged.
type blocker struct {
	// short is used in the status description.
	short string
	// long is used in the comment and the Blocked action.
	long string
	// transient blockers clear by themselves shortly: they are not commented
	// on and do not set the blocked label; Plan asks to wake up soon instead.
	transient bool
	// rules are the rule IDs of the error findings, for herald's errors,
	// and errors their number.
	rules  []string
	errors int
}

// said names b in the words of every surface (see Said).
func (b blocker) said() string { return said(b.short, b.rules, b.errors) }

// saidAll names bs in those words, each once.
func saidAll(bs []blocker) []string {
	var out []string
	for _, b := range bs {
		if w := b.said(); !slices.Contains(out, w) {
			out = append(out, w)
		}
	}
	return out
}

// prDue is the schedule of one pull request: the time it goes live (the
// latest of its dated posts), its dated paths, and the posts whose date is
// broken.
type prDue struct {
	at       time.Time
	paths    []string
	dated    []Post
	problems []Post
}

func scheduleOf(posts []Post) prDue {
	var d prDue
	for _, post := range sortedPosts(posts) {
		switch {
		case post.DateProblem != "":
			d.problems = append(d.problems, post)
		case post.Draft || post.PublishAt.IsZero():
			continue
		default:
			d.paths = append(d.paths, post.Path)
			d.dated = append(d.dated, post)
			if post.PublishAt.After(d.at) {
				d.at = post.PublishAt
			}
		}
	}
	return d
}

func hasLabel(pr PR, label string) bool { return slices.Contains(pr.Labels, label) }

func (p *planner) setLabel(pr PR, label string) {
	if !hasLabel(pr, label) {
		p.add(SetLabel{PR: pr.Number, Label: label})
	}
}

func (p *planner) removeLabel(pr PR, label string) {
	if hasLabel(pr, label) {
		p.add(RemoveLabel{PR: pr.Number, Label: label})
	}
}

func (p *planner) setStatus(pr PR, state forge.StatusState, desc string) {
	desc = truncate(desc, maxStatusDescription)
	if pr.Status.State == state && pr.Status.Description == desc {
		return
	}
	p.add(SetStatus{PR: pr.Number, SHA: pr.HeadSHA, Context: StatusContext, State: state, Description: desc})
}

func (p *planner) comment(pr PR, key, body string) {
	for _, c := range pr.Comments {
		if c.Key == key && c.Body == body {
			return
		}
	}
	p.add(Comment{PR: pr.Number, Key: key, Body: body})
}

// pr plans one open pull request under StrategyMerge.
func (p *planner) pr(pr PR) {
	d := scheduleOf(pr.Posts)
	switch {
	case len(d.problems) > 0:
		p.dateProblems(pr, d)
		return
	case len(d.paths) == 0:
		// Nothing scheduled (any more): undo what herald set.
		p.removeLabel(pr, LabelScheduled)
		p.removeLabel(pr, LabelBlocked)
		if pr.Status.State == forge.StatusPending {
			p.setStatus(pr, forge.StatusSuccess, "No scheduled post")
		}
		return
	case p.now.Before(d.at):
		p.setLabel(pr, LabelScheduled)
		p.removeLabel(pr, LabelBlocked)
		p.setStatus(pr, forge.StatusPending, "Scheduled for "+formatUTC(d.at))
		p.wakeAt(d.at)
		// Errors hold it back whatever the time: the schedule says so
		// now, and the blocker comment says it once it is due.
		if rules, n := prErrors(pr); n > 0 {
			b := errorsBlocker(rules, n)
			p.itemsOf(pr, d, ItemBlocked, b.long, b.rules, []string{b.said()})
			return
		}
		p.itemsOf(pr, d, ItemScheduled, "", nil, nil)
		return
	}

	blockers := p.blockers(pr)
	if len(blockers) == 0 {
		p.removeLabel(pr, LabelBlocked)
		p.setStatus(pr, forge.StatusSuccess, "Due "+formatUTC(d.at)+"; publishing")
		p.add(Merge{PR: pr.Number, HeadSHA: pr.HeadSHA, Method: p.c.MergeMethod, Paths: d.paths, Due: d.at, Late: p.late(d.at)})
		p.itemsOf(pr, d, ItemLate, "", nil, nil)
		return
	}

	p.setLabel(pr, LabelScheduled)
	var longs, lasting, rules, ruleSet []string
	for _, b := range blockers {
		if b.short == "herald errors" {
			rules, _ = prErrors(pr)
			ruleSet = b.rules
		}
		longs = append(longs, b.long)
		if b.transient {
			p.wakeAt(p.now.Add(p.c.Retry))
		} else {
			lasting = append(lasting, b.long)
		}
	}
	if len(lasting) > 0 {
		p.setLabel(pr, LabelBlocked)
		p.comment(pr, BlockerCommentKey, p.blockerBody(d.at, lasting))
	}
	words := saidAll(blockers)
	p.setStatus(pr, forge.StatusPending, "Due "+formatUTC(d.at)+"; "+SayBlockers(words))
	p.itemsOf(pr, d, ItemBlocked, strings.Join(longs, " "), ruleSet, words)
	p.add(Blocked{PR: pr.Number, Paths: d.paths, Due: d.at, Reasons: longs, ErrorRules: rules})
}

// itemsOf lists the dated posts of a pull request, which go out together.
func (p *planner) itemsOf(pr PR, d prDue, status ItemStatus, reason string, rules, words []string) {
	for _, post := range d.dated {
		p.item(Item{Path: post.Path, Title: post.Title, PR: pr.Number, At: d.at, Status: status, Reason: reason, Rules: rules, Blockers: words})
	}
}

// dateProblems plans a pull request with a post whose date is broken: it is
// never published, and the blocker is named at once, whatever the time.
func (p *planner) dateProblems(pr PR, d prDue) {
	var reasons []string
	for _, post := range d.problems {
		reasons = append(reasons, fmt.Sprintf("`%s`: %s", post.Path, post.DateProblem))
		p.item(Item{Path: post.Path, Title: post.Title, PR: pr.Number, Status: ItemBlocked, Reason: post.DateProblem, Blockers: []string{SaidDateUnresolved}})
	}
	p.removeLabel(pr, LabelScheduled)
	p.setLabel(pr, LabelBlocked)
	p.setStatus(pr, forge.StatusPending, "Not scheduled: the date of "+d.problems[0].Path+" could not be resolved")
	var b strings.Builder
	b.WriteString("herald will not publish this pull request: the date of a post could not be resolved, and herald does not guess.\n\n")
	for _, r := range reasons {
		b.WriteString("- " + r + "\n")
	}
	fmt.Fprintf(&b, "\nGive the date with an offset (such as `2026-03-29T10:00:00+02:00`), or a local time that exists exactly once in %s, and push.", p.c.Location)
	p.comment(pr, BlockerCommentKey, b.String())
	var paths []string
	for _, post := range d.problems {
		paths = append(paths, post.Path)
	}
	p.add(Blocked{PR: pr.Number, Paths: paths, Reasons: reasons})
}

func (p *planner) blockerBody(due time.Time, reasons []string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "herald could not publish this pull request at its time, %s.\n\n", p.formatBoth(due))
	for _, r := range reasons {
		b.WriteString("- " + r + "\n")
	}
	b.WriteString("\nIt goes out as soon as this is resolved, and this comment is updated rather than repeated.")
	return b.String()
}

// blockers lists why a due pull request cannot be merged now, in a fixed
// order.
func (p *planner) blockers(pr PR) []blocker {
	var bs []blocker
	if pr.Draft {
		bs = append(bs, blocker{short: "draft", long: "draft pull request: mark it ready for review."})
	}
	if hasLabel(pr, p.c.HoldLabel) {
		bs = append(bs, blocker{short: "on hold", long: fmt.Sprintf("held: by the label `%s`; remove the label to publish.", p.c.HoldLabel)})
	} else if pr.HeldByCommand {
		bs = append(bs, blocker{short: "on hold", long: "held: by `/herald hold`; comment `/herald unhold` to publish."})
	}
	if rules, n := prErrors(pr); n > 0 {
		bs = append(bs, errorsBlocker(rules, n))
	}
	bs = append(bs, p.approvalBlockers(pr)...)
	bs = append(bs, p.checkBlockers(pr)...)
	switch pr.Mergeable {
	case forge.MergeableDirty:
		bs = append(bs, blocker{short: "conflict", long: "conflict: it has conflicts with the base branch; resolve them."})
	case forge.MergeableUnknown, "":
		bs = append(bs, blocker{short: "mergeability unknown", long: "mergeability unknown: GitHub has not computed whether it can merge yet.", transient: true})
	}
	if pr.CheckedSHA != pr.HeadSHA {
		bs = append(bs, blocker{short: "not checked", long: fmt.Sprintf("not checked: herald has not checked the head commit %s yet.", short(pr.HeadSHA)), transient: true})
	}
	return bs
}

func (p *planner) approvalBlockers(pr PR) []blocker {
	latest := map[string]forge.Review{}
	var users []string
	for _, r := range pr.Reviews {
		if r.State == forge.ReviewCommented {
			continue // a comment does not change a reviewer's verdict
		}
		if _, ok := latest[r.User]; !ok {
			users = append(users, r.User)
		}
		latest[r.User] = r
	}
	slices.Sort(users)
	var approvers, requesters []string
	for _, u := range users {
		r := latest[u]
		switch {
		case r.State == forge.ReviewApproved && (!p.c.DismissStaleApprovals || r.CommitID == pr.HeadSHA):
			approvers = append(approvers, u)
		case r.State == forge.ReviewChangesRequested:
			requesters = append(requesters, "@"+u)
		}
	}
	var bs []blocker
	if len(requesters) > 0 {
		bs = append(bs, blocker{short: "changes requested", long: "changes requested: by " + strings.Join(requesters, ", ") + "."})
	}
	if len(approvers) < p.c.ApprovalsRequired {
		long := fmt.Sprintf("not approved: %d of %d required approvals.", len(approvers), p.c.ApprovalsRequired)
		if p.c.DismissStaleApprovals {
			long = fmt.Sprintf("not approved: %d of %d required approvals on the head commit %s.", len(approvers), p.c.ApprovalsRequired, short(pr.HeadSHA))
		}
		bs = append(bs, blocker{short: "approval", long: long})
	}
	return bs
}

func (p *planner) checkBlockers(pr PR) []blocker {
	state := map[string]CheckState{}
	var contexts []string
	rank := map[CheckState]int{CheckSuccess: 0, CheckPending: 1, CheckFailure: 2}
	for _, c := range pr.Checks {
		if c.Context == StatusContext {
			continue
		}
		old, ok := state[c.Context]
		if !ok {
			contexts = append(contexts, c.Context)
		}
		if !ok || rank[c.State] > rank[old] {
			state[c.Context] = c.State
		}
	}
	if len(p.c.RequiredContexts) > 0 {
		contexts = slices.Clone(p.c.RequiredContexts)
	}
	slices.Sort(contexts)
	contexts = slices.Compact(contexts)
	var failing, pending []string
	for _, ctx := range contexts {
		st, ok := state[ctx]
		switch {
		case !ok:
			pending = append(pending, "`"+ctx+"` (not reported)")
		case st == CheckFailure:
			failing = append(failing, "`"+ctx+"`")
		case st == CheckSuccess:
		default:
			pending = append(pending, "`"+ctx+"`")
		}
	}
	var bs []blocker
	if len(failing) > 0 {
		bs = append(bs, blocker{short: "checks failing", long: "checks failing: " + strings.Join(failing, ", ") + "."})
	}
	if len(pending) > 0 {
		bs = append(bs, blocker{short: "checks pending", long: "checks pending: " + strings.Join(pending, ", ") + "."})
	}
	return bs
}

// drafts plans StrategyDraft: dated drafts on the default branch.
func (p *planner) drafts(posts []Post) {
	for _, post := range posts {
		if !post.Draft {
			continue
		}
		switch {
		case post.DateProblem != "":
			p.add(Blocked{Paths: []string{post.Path}, Reasons: []string{post.DateProblem}})
			p.item(Item{Path: post.Path, Title: post.Title, Status: ItemBlocked, Reason: post.DateProblem, Blockers: []string{SaidDateUnresolved}})
		case post.PublishAt.IsZero():
			// An undated draft stays a draft.
		case p.now.Before(post.PublishAt) && len(post.ErrorRules) > 0:
			// Woken at its time, the plan names the blocker then.
			p.wakeAt(post.PublishAt)
			p.item(draftErrorsItem(post, post.PublishAt))
		case p.now.Before(post.PublishAt):
			p.wakeAt(post.PublishAt)
			p.item(Item{Path: post.Path, Title: post.Title, At: post.PublishAt, Status: ItemScheduled})
		case p.now.Sub(post.PublishAt) > p.c.CatchUp:
			p.add(Blocked{Paths: []string{post.Path}, Due: post.PublishAt, Reasons: []string{fmt.Sprintf(
				"It fell due %s, more than %s ago; herald only catches up on the last %s. Set a new date to publish it.",
				formatUTC(post.PublishAt), HumanDuration(p.c.CatchUp), HumanDuration(p.c.CatchUp))}})
			p.item(Item{Path: post.Path, Title: post.Title, At: post.PublishAt, Status: ItemBlocked, Blockers: []string{SaidTooOld},
				Reason: "It fell due more than " + HumanDuration(p.c.CatchUp) + " ago; set a new date to publish it."})
		case len(post.ErrorRules) > 0:
			p.add(Blocked{Paths: []string{post.Path}, Due: post.PublishAt, Reasons: []string{draftErrors(post)}, ErrorRules: post.ErrorRules})
			p.item(draftErrorsItem(post, post.PublishAt))
		default:
			p.add(CommitDraftFlip{Path: post.Path, Title: post.Title, Due: post.PublishAt, Late: p.late(post.PublishAt)})
			p.item(Item{Path: post.Path, Title: post.Title, At: post.PublishAt, Status: ItemLate})
		}
	}
}

// published lists the dated posts on the default branch that are out (or,
// dated ahead, out as far as herald is concerned: the generator decides)
// within the catch-up window, under every strategy but StrategyRebuild,
// where rebuild decides. Nothing is done about them, so only Upcoming sees
// them.
func (p *planner) published(posts []Post) {
	if !p.list {
		return
	}
	for _, post := range posts {
		if post.Draft || post.DateProblem != "" || post.PublishAt.IsZero() {
			continue
		}
		if p.now.Sub(post.PublishAt) <= p.c.CatchUp {
			p.item(Item{Path: post.Path, Title: post.Title, At: post.PublishAt, Status: ItemPublished})
		}
	}
}

// rebuild plans the rebuilds of the default branch: publications under
// StrategyRebuild, and expiries whenever a trigger is configured. Everything
// due since the last rebuild is covered by one trigger.
func (p *planner) rebuild(posts []Post, last time.Time) {
	if p.c.Trigger == TriggerNone {
		return
	}
	var items []RebuildItem
	consider := func(post Post, cause RebuildCause, at time.Time) {
		switch {
		case at.IsZero():
		case p.now.Before(at):
			p.wakeAt(at)
			p.item(Item{Path: post.Path, Title: post.Title, Cause: cause, At: at, Status: ItemScheduled})
		case p.now.Sub(at) > p.c.CatchUp:
			// History.
		case !at.After(last):
			// Covered by the last rebuild.
			p.item(Item{Path: post.Path, Title: post.Title, Cause: cause, At: at, Status: ItemPublished})
		default:
			items = append(items, RebuildItem{Path: post.Path, Title: post.Title, Cause: cause, Due: at, Late: p.late(at)})
			p.item(Item{Path: post.Path, Title: post.Title, Cause: cause, At: at, Status: ItemLate})
		}
	}
	for _, post := range posts {
		if post.Draft {
			continue
		}
		if post.DateProblem != "" {
			if p.c.Strategy == StrategyRebuild {
				p.add(Blocked{Paths: []string{post.Path}, Reasons: []string{post.DateProblem}})
				p.item(Item{Path: post.Path, Title: post.Title, Status: ItemBlocked, Reason: post.DateProblem, Blockers: []string{SaidDateUnresolved}})
			}
			continue
		}
		if p.c.Strategy == StrategyRebuild {
			if !p.rebuildErrors(post, last) {
				consider(post, CausePublish, post.PublishAt)
			}
		}
		consider(post, CauseExpiry, post.ExpiryAt)
	}
	if len(items) == 0 {
		return
	}
	slices.SortStableFunc(items, func(a, b RebuildItem) int { return a.Due.Compare(b.Due) })
	var reasons []string
	for _, it := range items {
		reasons = append(reasons, string(it.Cause)+": "+it.Title)
	}
	p.add(TriggerRebuild{Kind: p.c.Trigger, Reason: strings.Join(reasons, "; "), Items: items})
}

// rebuildErrors plans a post with error findings under StrategyRebuild: it
// triggers no rebuild, due or ahead, and is listed as blocked. It reports
// false when the post has no errors, or its publication is history or
// covered by the last rebuild already.
func (p *planner) rebuildErrors(post Post, last time.Time) bool {
	at := post.PublishAt
	if len(post.ErrorRules) == 0 || at.IsZero() || p.now.Sub(at) > p.c.CatchUp || (!p.now.Before(at) && !at.After(last)) {
		return false
	}
	p.item(draftErrorsItem(post, at))
	if p.now.Before(at) {
		p.wakeAt(at)
		return true
	}
	p.add(Blocked{Paths: []string{post.Path}, Due: at, Reasons: []string{draftErrors(post)}, ErrorRules: post.ErrorRules})
	return true
}

// formatUTC renders t for statuses and logs: "2026-03-29 08:30 UTC".
func formatUTC(t time.Time) string { return t.UTC().Format("2006-01-02 15:04 UTC") }

// formatBoth renders t in UTC and in the site zone, for people.
func (p *planner) formatBoth(t time.Time) string {
	return FormatTime(t, p.c.Location)
}

// FormatTime renders t in UTC and, when loc is not UTC, in loc too:
// "2026-03-29 08:30 UTC (10:30 CEST, Europe/Berlin)".
func FormatTime(t time.Time, loc *time.Location) string {
	s := formatUTC(t)
	if loc == nil || loc == time.UTC || loc.String() == "UTC" {
		return s
	}
	lt := t.In(loc)
	layout := "15:04 MST"
	if lt.Format("2006-01-02") != t.UTC().Format("2006-01-02") {
		layout = "2006-01-02 15:04 MST"
	}
	return fmt.Sprintf("%s (%s, %s)", s, lt.Format(layout), loc)
}

func short(sha string) string {
	if len(sha) > 7 {
		return sha[:7]
	}
	return sha
}

// Plural counts n of word, in English: "1 post", "2 posts".
func Plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}

// truncate shortens s to at most n runes, ending in an ellipsis when cut.
func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
