package bot

import (
	"context"
	"fmt"
	"log/slog"
	"regexp"
	"runtime/debug"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/heraldhq/herald/content"
	"github.com/heraldhq/herald/forge"
	"github.com/heraldhq/herald/publish"
)

// headInfo is a pull request's head as read from the mirror: the site there
// and the posts the pull request adds or changes.
type headInfo struct {
	head, mergeBase string
	// site is the site at the head; nil when the head came from the cache.
	site *content.Site
	// loc and profile are the site's time zone and profile.
	loc     *time.Location
	profile *content.Profile
	// changed are the paths added, modified or renamed (new path), sorted.
	changed []string
	// moved are the paths of changed that were only moved or renamed, their
	// content the same as at the merge base: such a post is not a new one.
	moved []string
	// posts are the changed paths that are posts, parsed.
	posts []*content.Post
}

// schedulePosts is the schedule's view of the pull request's posts.
func (h *headInfo) schedulePosts() []publish.Post {
	out := make([]publish.Post, 0, len(h.posts))
	for _, p := range h.posts {
		out = append(out, publish.PostOf(p))
	}
	return out
}

// headOf reads the pull request's head from the mirror, cached by head SHA.
func (b *Bot) headOf(ctx context.Context, e *openRepo, p forge.PullRequest) (*headInfo, error) {
	key := e.t.Repo + "@" + p.HeadSHA + ".." + p.BaseRef
	if h, ok := b.heads.get(key); ok {
		return h, nil
	}
	if !isCommitHash(p.HeadSHA) {
		return nil, fmt.Errorf("head SHA %q: want 40 hexadecimal digits", p.HeadSHA)
	}
	head, err := e.mirror.Resolve(ctx, p.HeadSHA)
	if err != nil {
		// The forge moved the head after the fetch; the next reconcile
		// (triggered by that push) reads it.
		return nil, fmt.Errorf("head %s is not in the mirror yet: %w", shortSHA(p.HeadSHA), err)
	}
	baseRef := p.BaseRef
	if baseRef == "" {
		baseRef = e.repo.DefaultBranch
	}
	baseTip, err := e.mirror.Resolve(ctx, "refs/heads/"+baseRef)
	if err != nil {
		return nil, fmt.Errorf("resolve base %s: %w", baseRef, err)
	}
	mb, err := e.mirror.MergeBase(ctx, baseTip, head)
	if err != nil {
		return nil, fmt.Errorf("merge base of %s and %s: %w", baseRef, shortSHA(p.HeadSHA), err)
	}
	changes, err := e.mirror.Changes(ctx, mb, head)
	if err != nil {
		return nil, fmt.Errorf("diff %s..%s: %w", shortSHA(mb), shortSHA(p.HeadSHA), err)
	}
	hs, err := b.siteAt(ctx, e, head)
	if err != nil {
		return nil, err
	}
	site := hs.Site
	h := &headInfo{head: head, mergeBase: mb, site: site, loc: site.Location(), profile: site.Profile}
	for path, moved := range changes {
		h.changed = append(h.changed, path)
		if moved && site.IsPost(path) {
			h.moved = append(h.moved, path)
		}
	}
	sort.Strings(h.changed)
	sort.Strings(h.moved)
	for _, path := range h.changed {
		if !site.IsPost(path) {
			continue
		}
		post, err := site.ReadPost(ctx, path)
		if err != nil {
			return nil, fmt.Errorf("read %s at %s: %w", path, shortSHA(p.HeadSHA), err)
		}
		h.posts = append(h.posts, post)
	}
	// The cache keeps the posts, not the site (its file list is large);
	// a check of a cached head loads the site again (siteOf).
	cached := *h
	cached.site = nil
	b.heads.put(key, &cached)
	return h, nil
}

// siteOf returns the site at the pull request's head, loading it when the
// head came from the cache.
func (b *Bot) siteOf(ctx context.Context, e *openRepo, h *headInfo) (*content.Site, error) {
	if h.site != nil {
		return h.site, nil
	}
	site, err := b.siteAt(ctx, e, h.head)
	if err != nil {
		return nil, err
	}
	return site.Site, nil
}

// checked is what herald reported on a head commit, as read from the forge.
type checked struct {
	// sha is the head herald checked, "" when it has not.
	sha string
	// errors is the number of error findings reported on sha.
	errors int
	// run is herald's latest check run on the head, nil when none.
	run *forge.CheckRun
	// checks are the other checks reported on the head, and status
	// herald's schedule status there.
	checks []publish.Check
	status forge.Status
}

var stateLine = regexp.MustCompile(`<!-- herald-state ([^>]*) -->`)

// stateOf reads the key=value pairs of the hidden state line in body.
func stateOf(body string) map[string]string {
	m := stateLine.FindStringSubmatch(body)
	if m == nil {
		return nil
	}
	out := map[string]string{}
	for _, kv := range strings.Fields(m[1]) {
		k, v, _ := strings.Cut(kv, "=")
		out[k] = v
	}
	return out
}

// checkReader reads what was reported on a head commit: commit statuses
// and check runs, herald's among them.
type checkReader interface {
	CombinedStatus(ctx context.Context, sha string) (forge.CombinedStatus, error)
	CheckRuns(ctx context.Context, sha string) ([]forge.CheckRun, error)
}

// checkedOn reads herald's check run or status on the pull request's head,
// the other checks there and herald's schedule status. summary is herald's
// summary comment body, which records the error count of the check.
func (b *Bot) checkedOn(ctx context.Context, f checkReader, p forge.PullRequest, summary string) (checked, error) {
	var c checked
	combined, err := f.CombinedStatus(ctx, p.HeadSHA)
	if err != nil {
		return c, fmt.Errorf("combined status: %w", err)
	}
	for _, st := range combined.Statuses {
		switch st.Context {
		case publish.StatusContext:
			c.status = st
			continue
		case CheckName:
			if b.statuses && (st.State == forge.StatusSuccess || st.State == forge.StatusFailure) {
				c.sha = p.HeadSHA
				c.errors = countIn(st.Description)
			}
			continue
		}
		c.checks = append(c.checks, publish.Check{Context: st.Context, State: statusCheck(st.State)})
	}
	// Other checks are read in token mode too: a token cannot create check
	// runs, but CI's check runs must pass before a merge all the same.
	runs, err := f.CheckRuns(ctx, p.HeadSHA)
	if err != nil {
		return c, fmt.Errorf("check runs: %w", err)
	}
	for _, r := range runs {
		if !b.statuses && r.Name == CheckName && (b.appSlug == "" || r.AppSlug == "" || r.AppSlug == b.appSlug) {
			r := r
			c.run = &r
			if r.Status == forge.CheckCompleted {
				c.sha = p.HeadSHA
				if r.Conclusion == forge.ConclusionFailure {
					c.errors = 1
					if st := stateOf(summary); st["sha"] == p.HeadSHA {
						if n, err := strconv.Atoi(st["errors"]); err == nil && n > 0 {
							c.errors = n
						}
					}
				}
			}
			continue
		}
		c.checks = append(c.checks, publish.Check{Context: r.Name, State: runCheck(r)})
	}
	return c, nil
}

var errorCount = regexp.MustCompile(`(\d+) errors?\b`)

// countIn reads "N errors" from a status description.
func countIn(desc string) int {
	m := errorCount.FindStringSubmatch(desc)
	if m == nil {
		return 0
	}
	n, _ := strconv.Atoi(m[1])
	return n
}

func statusCheck(s forge.StatusState) publish.CheckState {
	switch s {
	case forge.StatusSuccess:
		return publish.CheckSuccess
	case forge.StatusPending:
		return publish.CheckPending
	}
	return publish.CheckFailure
}

func runCheck(r forge.CheckRun) publish.CheckState {
	if r.Status != forge.CheckCompleted {
		return publish.CheckPending
	}
	switch r.Conclusion {
	case forge.ConclusionSuccess, forge.ConclusionNeutral, forge.ConclusionSkipped:
		return publish.CheckSuccess
	}
	return publish.CheckFailure
}

// heraldComments returns herald's comments by key, with their parts joined
// and markers removed, and the keys that have a part twice (left by two
// replicas posting at once, or a crash); of such copies the newest counts.
func (b *Bot) heraldComments(comments []forge.Comment) (bodies map[string]string, doubled []string) {
	type part struct {
		n    int
		id   int64
		body string
	}
	parts := map[string]map[int]part{}
	for _, c := range comments {
		if b.login != "" && c.User != b.login {
			continue
		}
		key, n, ok := forge.ParseMarker(c.Body)
		if !ok {
			continue
		}
		body := strings.TrimPrefix(c.Body, forge.Marker(key, n))
		body = strings.TrimPrefix(body, "\n")
		if parts[key] == nil {
			parts[key] = map[int]part{}
		}
		if old, ok := parts[key][n]; ok {
			if !slices.Contains(doubled, key) {
				doubled = append(doubled, key)
			}
			if old.id > c.ID {
				continue
			}
		}
		parts[key][n] = part{n, c.ID, body}
	}
	bodies = map[string]string{}
	for k, byN := range parts {
		ps := make([]part, 0, len(byN))
		for _, p := range byN {
			ps = append(ps, p)
		}
		slices.SortFunc(ps, func(a, c part) int { return a.n - c.n })
		var sb strings.Builder
		for _, p := range ps {
			sb.WriteString(p.body)
		}
		bodies[k] = sb.String()
	}
	slices.Sort(doubled)
	return bodies, doubled
}

// prReader reads a pull request, its conversation and its reviews; the
// conversation is tidied of a second copy of one of herald's comments.
type prReader interface {
	PR(ctx context.Context, number int) (forge.PullRequest, error)
	IssueComments(ctx context.Context, number int) ([]forge.Comment, error)
	Reviews(ctx context.Context, number int) ([]forge.Review, error)
	UpsertComment(ctx context.Context, number int, key, body string) ([]forge.Comment, error)
}

// pullRequest reconciles one open pull request: commands, the check of a new
// head, and the state the plan needs.
// With recheck, the head is checked again even when it was checked.
func (b *Bot) pullRequest(ctx context.Context, e *openRepo, log *slog.Logger, p forge.PullRequest, cfg publish.Config, recheck bool) (publish.PR, error) {
	head := b.readHead(ctx, e, p)
	defer head() // never outlives the pull request's reconcile
	comments, err := e.prs.IssueComments(ctx, p.Number)
	if err != nil {
		return publish.PR{}, fmt.Errorf("comments: %w", err)
	}
	mine, doubled := b.heraldComments(comments)
	for _, key := range doubled {
		// Upserting the same text again deletes the extra copies.
		if b.dryRun {
			log.Info("dry run: would remove a second copy of a comment", "key", key)
			continue
		}
		if _, err := e.prs.UpsertComment(ctx, p.Number, key, mine[key]); err != nil {
			return publish.PR{}, fmt.Errorf("tidy comment %s: %w", key, err)
		}
	}
	cmds := b.pendingCommands(e, comments, mine[CommandsKey])
	if err := b.authorize(ctx, e.prs, &cmds); err != nil {
		return publish.PR{}, err
	}

	mark := e.markOf(p)
	quiet := len(doubled) == 0 && len(cmds.list) == 0
	prev, unmoved := b.unmoved(e, p.Number, mark, quiet, recheck)
	var c checked
	if unmoved {
		c = prev.checked
	} else if c, err = b.checkedOn(ctx, e.prs, p, mine[SummaryKey]); err != nil {
		return publish.PR{}, err
	}
	h, err := head()
	if err != nil {
		return publish.PR{}, err
	}
	if e.heads == nil {
		e.heads = map[int]*headInfo{}
	}
	e.heads[p.Number] = h
	if c.sha != p.HeadSHA || cmds.wantsCheck() || recheck {
		summary, commented := mine[SummaryKey]
		n, added, err := b.checkPR(ctx, e.prs, e, log, p, h, c.run, summary, commented, cfg)
		if err != nil {
			return publish.PR{}, fmt.Errorf("check %s: %w", shortSHA(p.HeadSHA), err)
		}
		// The plan sees the labels as they now stand: the scheduled
		// label just added is not added (and read) again.
		p.Labels = append(slices.Clip(p.Labels), added...)
		c.sha, c.errors = p.HeadSHA, n
		quiet = false
	} else {
		e.noteSummaryErrors(p.Number, mine[SummaryKey], p.HeadSHA)
	}
	reviews := prev.reviews
	if !unmoved {
		if reviews, err = e.prs.Reviews(ctx, p.Number); err != nil {
			return publish.PR{}, fmt.Errorf("reviews: %w", err)
		}
	}
	st := publish.PR{
		Number:       p.Number,
		HeadSHA:      p.HeadSHA,
		CheckedSHA:   c.sha,
		Draft:        p.Draft,
		Checks:       c.checks,
		HeraldErrors: c.errors,
		ErrorRules:   slices.Clone(e.errorRules[p.Number]),
		Labels:       slices.Clone(p.Labels),
		Mergeable:    p.Mergeability(),
		Posts:        h.schedulePosts(),
		Status:       c.status,
	}
	st.Reviews = append(st.Reviews, reviews...)
	for k, body := range mine {
		st.Comments = append(st.Comments, publish.PostedComment{Key: k, Body: body})
	}
	slices.SortFunc(st.Comments, func(a, c publish.PostedComment) int { return strings.Compare(a.Key, c.Key) })
	if quiet {
		e.noteRead(p.Number, steadyPR{mark: mark, checked: c, reviews: reviews, due: dueOf(st.Posts)})
	}
	if len(cmds.list) > 0 {
		st, err = b.runCommands(ctx, e.prs, e, log, p, h, st, cfg, cmds, mine[CommandsKey])
		if err != nil {
			return st, fmt.Errorf("commands: %w", err)
		}
	}
	return st, nil
}

// readHead starts reading the pull request's head from the mirror (headOf)
// and returns what waits for it. The read is local work (the Git objects,
// the site at the head, the changed posts), so it runs while the forge is
// asked about the pull request (still one request at a time): the
// reconcile waits for the longer of the two instead of both. A panic of the
// read is raised again by the wait, in the reconcile's goroutine.
func (b *Bot) readHead(ctx context.Context, e *openRepo, p forge.PullRequest) func() (*headInfo, error) {
	type result struct {
		h     *headInfo
		err   error
		panic any
	}
	c := make(chan result, 1)
	go func() {
		var r result
		defer func() {
			if v := recover(); v != nil {
				r = result{panic: fmt.Sprintf("%v\n%s", v, debug.Stack())}
			}
			c <- r
		}()
		r.h, r.err = b.headOf(ctx, e, p)
	}()
	return sync.OnceValues(func() (*headInfo, error) {
		r := <-c
		if r.panic != nil {
			panic(r.panic)
		}
		return r.h, r.err
	})
}

// isCommitHash reports whether s is a full commit hash: a pull request's
// head is read by hash, never as a ref name that happens to match.
func isCommitHash(s string) bool {
	if len(s) != 40 {
		return false
	}
	for _, c := range s {
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
			return false
		}
	}
	return true
}

func shortSHA(s string) string {
	if len(s) > 7 {
		return s[:7]
	}
	return s
}
