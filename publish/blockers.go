package publish

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// Blocker is one reason a pull request cannot be merged now.
type Blocker struct {
	// Short names it in a word or two, as the schedule status does
	// ("approval", "on hold", "herald errors", "checks failing").
	Short string
	// Long says it in a sentence, as the blocker comment does.
	Long string
	// Transient blockers clear by themselves shortly (mergeability not
	// computed yet, head not checked yet).
	Transient bool
	// Rules are the rule IDs of the error findings, each once and sorted,
	// when the blocker is herald's errors and their rules are known; Errors
	// is their number.
	Rules  []string
	Errors int
}

// The words for what holds a post back, beyond its errors (SayErrors), as
// the CLI, the feeds, the dashboard and the pull request say them.
const (
	SaidNotApproved    = "not approved"
	SaidHeld           = "held"
	SaidDraftPR        = "draft pull request"
	SaidDateUnresolved = "date unresolved"
	SaidTooOld         = "too old to catch up"
)

// Said names b in the words every surface uses: "blocked by link-reversed,
// unknown-author" for error findings, "not approved", "held", and the short
// name of the others ("changes requested", "checks failing", "conflict").
func (b Blocker) Said() string { return said(b.Short, b.Rules, b.Errors) }

func said(short string, rules []string, errors int) string {
	switch short {
	case "herald errors":
		return SayErrors(rules, errors)
	case "on hold":
		return SaidHeld
	case "approval":
		return SaidNotApproved
	case "draft":
		return SaidDraftPR
	}
	return short
}

// SayErrors names error findings that hold a post back: by their rules
// when known ("blocked by link-reversed, unknown-author"), else by their
// number ("blocked by 2 errors").
func SayErrors(rules []string, n int) string {
	if len(rules) > 0 {
		return ErrorsReason(rules)
	}
	return "blocked by " + Plural(n, "error")
}

// SayBlockers joins the words of several blockers: "blocked by
// link-reversed; not approved; held".
func SayBlockers(words []string) string { return strings.Join(words, "; ") }

// ItemReason is the one line that says why it cannot go out, each blocker
// in the words of every surface and then how to clear it: "not approved: 0
// of 1 required approvals." The sentences of Plan's blockers begin with
// their words already; others get them in front. An item with nothing in
// its way has none.
func ItemReason(it Item) string {
	words, rest := SayBlockers(it.Blockers), Explanation(it.Blockers, it.Reason)
	switch {
	case words == "":
		return it.Reason
	case rest == "":
		return words
	case rest != it.Reason:
		return it.Reason // it begins with its words
	}
	return words + ": " + rest
}

// Explanation is reason without the words of the first of blockers, which
// the sentences of Plan's blockers begin with: what a surface that shows
// the words apart (the dashboard) adds after them.
func Explanation(blockers []string, reason string) string {
	if len(blockers) > 0 {
		if rest, ok := strings.CutPrefix(reason, blockers[0]+": "); ok {
			return rest
		}
	}
	return reason
}

// Blockers lists what keeps pr from being merged now under c, in the order
// Plan names them once the pull request is due. Before it is due Plan names
// nothing but errors; Blockers lets a page show what would hold it back.
func Blockers(c Config, pr PR) []Blocker {
	p := planner{c: c.withDefaults()}
	var out []Blocker
	for _, b := range p.blockers(pr) {
		out = append(out, Blocker{Short: b.short, Long: b.long, Transient: b.transient, Rules: b.rules, Errors: b.errors})
	}
	return out
}

// ErrorsReason is how every surface (the CLI, the feeds, the dashboard, the
// pull request, the logs) names the error findings that hold a post back:
// "blocked by link-reversed, unknown-author", each rule once, sorted.
func ErrorsReason(rules []string) string {
	return "blocked by " + strings.Join(RuleSet(rules), ", ")
}

// RuleSet returns rules sorted, each once.
func RuleSet(rules []string) []string {
	out := slices.Clone(rules)
	slices.Sort(out)
	return slices.Compact(out)
}

// prErrors are the error findings of a pull request: the rules known (one
// per finding, from the pull request and its posts) and their number.
func prErrors(pr PR) (rules []string, n int) {
	rules = slices.Clone(pr.ErrorRules)
	for _, post := range pr.Posts {
		rules = append(rules, post.ErrorRules...)
	}
	return rules, max(pr.HeraldErrors, len(rules))
}

// errorsBlocker is the blocker of a pull request with n error findings,
// rules the ones known.
func errorsBlocker(rules []string, n int) blocker {
	long := SayErrors(rules, n) + ": " + fmt.Sprintf("herald found %s in the posts; see the check run.", Plural(n, "error"))
	return blocker{short: "herald errors", long: long, rules: RuleSet(rules), errors: n}
}

// draftErrorsItem is the schedule's item of a post of the default branch
// that its error findings block, at at.
func draftErrorsItem(post Post, at time.Time) Item {
	return Item{Path: post.Path, Title: post.Title, At: at, Status: ItemBlocked, Reason: draftErrors(post),
		Rules: RuleSet(post.ErrorRules), Blockers: []string{SayErrors(post.ErrorRules, len(post.ErrorRules))}}
}

// draftErrors says why a post on the default branch with error findings
// is not published, for the feeds, the CLI and the logs alike.
func draftErrors(post Post) string {
	return fmt.Sprintf("%s: herald found %s in the post; it goes out once herald check %s finds none.",
		ErrorsReason(post.ErrorRules), Plural(len(post.ErrorRules), "error"), post.Path)
}
