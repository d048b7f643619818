package bot

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"

	"github.com/heraldhq/herald/content"
	"github.com/heraldhq/herald/content/check"
	"github.com/heraldhq/herald/forge"
	"github.com/heraldhq/herald/publish"
)

// suggestionPrefix starts the marker key of herald's inline suggestions.
const suggestionPrefix = "suggestion/"

// maxSuggestions bounds herald's inline suggestions on one pull request, so a
// post full of slips gets a readable review rather than hundreds of comments;
// the summary comment lists every finding.
const maxSuggestions = 50

// The forge calls of the feedback on a pull request, each declared by the
// function that makes them.
type (
	// summaryWriter writes the summary comment and the scheduled label,
	// the label over the pull request's labels as read.
	summaryWriter interface {
		UpsertComment(ctx context.Context, number int, key, body string) ([]forge.Comment, error)
		AddLabelsOver(ctx context.Context, number int, have []string, labels ...string) ([]string, error)
	}
	// checkReporter writes herald's check run on a head, or its commit
	// status in token mode.
	checkReporter interface {
		CreateCheckRun(ctx context.Context, opts forge.CheckRunOptions) (forge.CheckRun, error)
		UpdateCheckRun(ctx context.Context, id int64, opts forge.CheckRunOptions) (forge.CheckRun, error)
		SetStatus(ctx context.Context, sha string, st forge.Status) (bool, error)
	}
	// suggester reads a pull request's diff and its review comments, and
	// writes and removes herald's inline suggestions. The review is
	// posted over the pull request and the diff as read in the same pass
	// (*github.Client's CreateReviewOn), so neither is read again for it.
	suggester interface {
		ChangedFiles(ctx context.Context, number int) ([]forge.ChangedFile, error)
		ReviewComments(ctx context.Context, number int) ([]forge.ReviewComment, error)
		CreateReviewOn(ctx context.Context, pr forge.PullRequest, files []forge.ChangedFile, r forge.ReviewRequest) (forge.ReviewResult, error)
		DeleteReviewComment(ctx context.Context, id int64) error
	}
	// feedbackWriter is all that checking a pull request writes.
	feedbackWriter interface {
		summaryWriter
		checkReporter
		suggester
	}
)

// checkPR checks the posts a pull request changes at its head and gives the
// feedback: inline suggestions, the summary comment, the scheduled label and,
// last, the check run (or commit status) that records the head as checked.
// It returns the number of error findings and the labels it added.
//
// summary is herald's summary comment as it stands ("" when there is none),
// and cfg the schedule's configuration: the scheduled label is a merge
// strategy's, since only that strategy publishes pull requests.
func (b *Bot) checkPR(ctx context.Context, w feedbackWriter, e *openRepo, log *slog.Logger, p forge.PullRequest, h *headInfo, run *forge.CheckRun, summary string, commented bool, cfg publish.Config) (int, []string, error) {
	findings, err := b.findingsOf(ctx, e, h, b.now)
	if err != nil {
		return 0, nil, err
	}
	b.metrics.ObserveCheck("pull_request", findings)
	e.noteErrors(p.Number, findings)
	now := b.now()

	suggested, err := b.suggest(ctx, w, log, p, h, findings)
	if err != nil {
		return 0, nil, err
	}
	rep := newReport(p.HeadSHA, h.posts, h.loc, findings, suggested, now)
	if commented && !strings.Contains(summary, "all clear") {
		rep.Fixed = true
	}
	body, err := render("summary.md.tmpl", rep)
	if err != nil {
		return 0, nil, err
	}
	switch {
	case len(h.posts) == 0 && len(findings) == 0 && !commented:
		// A pull request that changes no post gets the check run only.
		log.Debug("no posts changed; no summary comment")
	case b.dryRun:
		log.Info("dry run: would upsert the summary comment", "key", SummaryKey, "bytes", len(body))
	default:
		if _, err := w.UpsertComment(ctx, p.Number, SummaryKey, body); err != nil {
			return 0, nil, fmt.Errorf("summary comment: %w", err)
		}
	}

	merge := cfg.Strategy == "" || cfg.Strategy == publish.StrategyMerge
	var added []string
	if merge && scheduledLater(h.posts, now) && !p.HasLabel(publish.LabelScheduled) {
		if b.dryRun {
			log.Info("dry run: would add a label", "label", publish.LabelScheduled)
		} else if added, err = w.AddLabelsOver(ctx, p.Number, p.Labels, publish.LabelScheduled); err != nil {
			return 0, nil, fmt.Errorf("label: %w", err)
		}
	}

	if err := b.report(ctx, w, log, p, rep, findings, run); err != nil {
		return 0, nil, err
	}
	log.Info("pull request checked", "sha", p.HeadSHA, "posts", len(h.posts), "errors", rep.Errors,
		"warnings", rep.Warnings, "notes", rep.Notices, "suggestions", len(suggested))
	return rep.Errors, added, nil
}

// findingsOf checks the posts a pull request changes at its head, with the
// clock now (date rules read it), and returns the findings on its changed
// files.
func (b *Bot) findingsOf(ctx context.Context, e *openRepo, h *headInfo, now func() time.Time) ([]check.Finding, error) {
	site, err := b.siteOf(ctx, e, h)
	if err != nil {
		return nil, err
	}
	checker := check.New(site.Config, check.WithNow(now))
	if b.indexSize > 0 {
		idx, err := b.indexFor(ctx, e, h.mergeBase)
		if err != nil {
			return nil, err
		}
		checker.UseIndex(site, idx)
	}
	// A post only moved is not a new one: it is checked without
	// date-backdated.
	findings, err := checker.CheckChange(ctx, site, h.changed, h.moved)
	if err != nil {
		return nil, fmt.Errorf("check posts: %w", err)
	}
	// A defect of the configuration or a registry is reported on the pull
	// request that changes the file, not on every pull request after it.
	return slices.DeleteFunc(findings, func(f check.Finding) bool {
		_, found := slices.BinarySearch(h.changed, f.Path)
		return !found
	}), nil
}

// scheduledLater reports whether a post is dated in the future.
func scheduledLater(posts []*content.Post, now time.Time) bool {
	for _, p := range posts {
		if p.DateErr == nil && !p.Draft && !p.Date.IsZero() && now.Before(p.Date) {
			return true
		}
	}
	return false
}

// report writes the check run (or, in token mode, the commit status).
func (b *Bot) report(ctx context.Context, w checkReporter, log *slog.Logger, p forge.PullRequest, rep report, findings []check.Finding, run *forge.CheckRun) error {
	conclusion, state := forge.ConclusionSuccess, forge.StatusSuccess
	if rep.Errors > 0 {
		conclusion, state = forge.ConclusionFailure, forge.StatusFailure
	}
	if b.statuses {
		st := forge.Status{Context: CheckName, State: state, Description: truncate(rep.Title(), 140)}
		if b.dryRun {
			log.Info("dry run: would set a commit status", "context", CheckName, "state", state)
			return nil
		}
		if _, err := w.SetStatus(ctx, p.HeadSHA, st); err != nil {
			return fmt.Errorf("commit status: %w", err)
		}
		return nil
	}
	summary, err := render("checkrun.md.tmpl", rep)
	if err != nil {
		return err
	}
	opts := forge.CheckRunOptions{
		Name: CheckName, HeadSHA: p.HeadSHA, Status: forge.CheckCompleted, Conclusion: conclusion,
		Title: rep.Title(), Summary: summary, Annotations: annotations(findings),
	}
	if b.dryRun {
		log.Info("dry run: would write the check run", "conclusion", conclusion, "annotations", len(opts.Annotations))
		return nil
	}
	// A run left in progress on this head (by a check cut short) is
	// completed; a completed one stays as it was and a new run replaces it,
	// since GitHub appends annotations on update.
	if run != nil && run.HeadSHA == p.HeadSHA && run.Status != forge.CheckCompleted {
		if _, err := w.UpdateCheckRun(ctx, run.ID, opts); err != nil {
			return fmt.Errorf("update check run: %w", err)
		}
		return nil
	}
	if _, err := w.CreateCheckRun(ctx, opts); err != nil {
		return fmt.Errorf("create check run: %w", err)
	}
	return nil
}

func annotations(findings []check.Finding) []forge.Annotation {
	out := make([]forge.Annotation, 0, len(findings))
	for _, f := range findings {
		level := forge.AnnotationNotice
		switch f.Severity {
		case "error":
			level = forge.AnnotationFailure
		case "warning":
			level = forge.AnnotationWarning
		}
		line := max(f.Line, 1)
		end := max(f.EndLine, line)
		out = append(out, forge.Annotation{Path: f.Path, StartLine: line, EndLine: end, Level: level, Title: f.Rule, Message: f.Message})
	}
	return out
}

// suggestion is one inline suggestion herald wants on the pull request.
type suggestion struct {
	key     string
	comment forge.ReviewComment
	// findings are the indexes of the findings it fixes: one, or several
	// whose fixes touch the same lines.
	findings []int
}

// suggest posts the inline suggestions that are not there yet and deletes
// herald's earlier ones whose finding is gone. It returns the findings that
// have a suggestion on the pull request.
func (b *Bot) suggest(ctx context.Context, f suggester, log *slog.Logger, p forge.PullRequest, h *headInfo, findings []check.Finding) (map[int]bool, error) {
	files, err := f.ChangedFiles(ctx, p.Number)
	if err != nil {
		return nil, fmt.Errorf("changed files: %w", err)
	}
	ranges := map[string][]forge.LineRange{}
	for _, f := range files {
		if f.Patch == "" {
			continue
		}
		r, err := forge.DiffLines(f.Patch)
		if err != nil {
			log.Warn("diff of a file not understood; no suggestions on it", "path", f.Path, "err", err)
			continue
		}
		ranges[f.Path] = r
	}
	posts := map[string]*content.Post{}
	for _, post := range h.posts {
		posts[post.Path] = post
	}
	want := suggestionsFor(findings, posts, ranges, p.HeadSHA)

	existing, err := f.ReviewComments(ctx, p.Number)
	if err != nil {
		return nil, fmt.Errorf("review comments: %w", err)
	}
	slices.SortFunc(existing, func(a, c forge.ReviewComment) int { return cmp.Compare(a.ID, c.ID) })
	replied := map[int64]bool{}
	for _, c := range existing {
		if c.InReplyTo != 0 {
			replied[c.InReplyTo] = true
		}
	}
	have := map[string]bool{}
	var outdated []forge.ReviewComment
	wanted := map[string]bool{}
	for _, s := range want {
		wanted[s.key] = true
	}
	for _, c := range existing {
		if b.login != "" && c.User != b.login {
			continue
		}
		key, _, ok := forge.ParseMarker(c.Body)
		if !ok || !strings.HasPrefix(key, suggestionPrefix) {
			continue
		}
		switch {
		case replied[c.ID]:
			// Someone answered it: it stays, even when outdated.
			have[key] = true
		case !wanted[key] || have[key]:
			// Its finding is gone, or it is a second copy (left by two
			// replicas checking the same head at once).
			outdated = append(outdated, c)
		default:
			have[key] = true
		}
	}
	suggested := map[int]bool{}
	var post []forge.ReviewComment
	for _, s := range want {
		if !have[s.key] {
			if len(have)+len(post) >= maxSuggestions {
				continue // the summary lists the finding; no inline copy
			}
			post = append(post, s.comment)
		}
		for _, i := range s.findings {
			suggested[i] = true
		}
	}
	if len(post) > 0 {
		if b.dryRun {
			log.Info("dry run: would post inline suggestions", "count", len(post))
		} else {
			res, err := f.CreateReviewOn(ctx, p, files, forge.ReviewRequest{CommitID: p.HeadSHA, Event: forge.ReviewEventComment, Comments: post})
			if err != nil {
				return nil, fmt.Errorf("post suggestions: %w", err)
			}
			for _, sk := range res.Skipped {
				key, _, _ := forge.ParseMarker(sk.Body)
				for _, s := range want {
					if s.key == key {
						for _, i := range s.findings {
							delete(suggested, i)
						}
					}
				}
			}
		}
	}
	if len(post) > 0 && !b.dryRun {
		// Another replica may have posted the same suggestions at the same
		// time: whoever posts last sees both copies, and the older one stays.
		again, err := f.ReviewComments(ctx, p.Number)
		if err != nil {
			return nil, fmt.Errorf("review comments: %w", err)
		}
		slices.SortFunc(again, func(a, c forge.ReviewComment) int { return cmp.Compare(a.ID, c.ID) })
		seen := map[string]bool{}
		for _, c := range again {
			if b.login != "" && c.User != b.login {
				continue
			}
			key, _, ok := forge.ParseMarker(c.Body)
			if !ok || !strings.HasPrefix(key, suggestionPrefix) {
				continue
			}
			if seen[key] && !replied[c.ID] {
				outdated = append(outdated, c)
			}
			seen[key] = true
		}
	}
	for _, c := range outdated {
		if b.dryRun {
			log.Info("dry run: would delete an outdated suggestion", "comment_id", c.ID, "path", c.Path)
			continue
		}
		if err := f.DeleteReviewComment(ctx, c.ID); err != nil {
			return nil, fmt.Errorf("delete outdated suggestion %d: %w", c.ID, err)
		}
	}
	return suggested, nil
}

// suggestionsFor turns the findings with a fix into inline suggestions on
// lines the pull request's diff shows. A suggestion replaces whole lines, so
// fixes that touch the same lines are offered as one suggestion (two would
// each undo the other when accepted); a fix whose edits overlap another's is
// left to the summary. A suggestion is known by a key made of its file,
// rules and text, not its line, so it is not posted again when lines above
// it move.
func suggestionsFor(findings []check.Finding, posts map[string]*content.Post, ranges map[string][]forge.LineRange, sha string) []suggestion {
	type group struct {
		path        string
		first, last int
		edits       []content.Edit
		idx         []int
	}
	var groups []*group
	for i, f := range findings {
		if f.Fix == nil || len(f.Fix.Edits) == 0 {
			continue
		}
		post := posts[f.Path]
		if post == nil || post.Raw == nil || ranges[f.Path] == nil {
			continue
		}
		first, last, _, _, ok := replacement(post.Raw, post.Lines, f.Fix.Edits)
		if !ok {
			continue
		}
		inDiff := true
		for l := first; l <= last; l++ {
			if !forge.InRanges(ranges[f.Path], l) {
				inDiff = false
				break
			}
		}
		if !inDiff {
			continue
		}
		var into *group
		for _, g := range groups {
			if g.path == f.Path && first <= g.last && g.first <= last {
				into = g
				break
			}
		}
		if into == nil {
			groups = append(groups, &group{path: f.Path, first: first, last: last, edits: slices.Clone(f.Fix.Edits), idx: []int{i}})
			continue
		}
		if editsOverlap(into.edits, f.Fix.Edits) {
			continue // one suggestion at a time; the summary lists this one
		}
		into.first, into.last = min(into.first, first), max(into.last, last)
		into.edits = append(into.edits, f.Fix.Edits...)
		into.idx = append(into.idx, i)
	}
	var out []suggestion
	seen := map[string]int{}
	for _, g := range groups {
		post := posts[g.path]
		first, last, old, repl, ok := replacement(post.Raw, post.Lines, g.edits)
		if !ok {
			continue
		}
		var rules, msgs, fixes []string
		for _, i := range g.idx {
			f := findings[i]
			rules = append(rules, f.Rule)
			msgs = append(msgs, "**"+f.Rule+"**: "+mdText(f.Message))
			if f.Fix.Description != "" {
				fixes = append(fixes, mdText(f.Fix.Description))
			}
		}
		sum := sha256.Sum256([]byte(g.path + "\x00" + strings.Join(rules, "+") + "\x00" + old + "\x00" + repl))
		key := suggestionPrefix + hex.EncodeToString(sum[:8])
		seen[key]++
		if n := seen[key]; n > 1 {
			key = fmt.Sprintf("%s-%d", key, n)
		}
		msg := strings.Join(msgs, "\n\n")
		switch len(fixes) {
		case 0:
		case 1:
			msg += "\n\nSuggested fix: " + fixes[0] + "."
		default:
			msg += "\n\nSuggested fixes, together: " + strings.Join(fixes, "; ") + "."
		}
		c := forge.ReviewComment{Path: g.path, Line: last, CommitID: sha,
			// SuggestionBody drops one final newline: the added one, so a
			// replacement that ends in an empty line keeps it.
			Body: forge.SuggestionBody(msg, repl+"\n") + "\n" + forge.Marker(key, 1)}
		if first != last {
			c.StartLine = first
		}
		out = append(out, suggestion{key: key, comment: c, findings: g.idx})
	}
	return out
}

// editsOverlap reports whether an edit of a overlaps one of b.
func editsOverlap(a, b []content.Edit) bool {
	for _, x := range a {
		for _, y := range b {
			if x.Start < y.End && y.Start < x.End || x.Start == y.Start {
				return true
			}
		}
	}
	return false
}

// replacement applies edits to the whole lines they touch and returns the
// line range, its old text and its new text (without the final newline).
func replacement(raw []byte, lines *content.Lines, edits []content.Edit) (first, last int, old, repl string, ok bool) {
	start, end := edits[0].Start, edits[0].End
	for _, ed := range edits[1:] {
		start, end = min(start, ed.Start), max(end, ed.End)
	}
	if start < 0 || end > len(raw) || start > end {
		return 0, 0, "", "", false
	}
	first = lines.Pos(start).Line
	last = first
	if end > start {
		last = lines.Pos(end - 1).Line
	}
	from := lines.Start(first)
	to := lines.Start(last + 1)
	if to > len(raw) {
		to = len(raw)
	}
	seg := raw[from:to]
	shifted := make([]content.Edit, 0, len(edits))
	for _, ed := range edits {
		shifted = append(shifted, content.Edit{Start: ed.Start - from, End: ed.End - from, NewText: ed.NewText})
	}
	out, err := content.ApplyEdits(seg, shifted)
	if err != nil {
		return 0, 0, "", "", false
	}
	trim := func(s string) string { return strings.TrimSuffix(strings.TrimSuffix(s, "\n"), "\r") }
	return first, last, trim(string(seg)), trim(string(out)), true
}

func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
