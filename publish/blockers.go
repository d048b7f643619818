package publish

import (
	"fmt"
	"slices"
	"strings"
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
	// when the blocker is herald's errors and their rules are known.
	Rules []string
}

// Blockers lists what keeps pr from being merged now under c, in the order
// Plan names them once the pull request is due. Before it is due Plan names
// nothing but errors; Blockers lets a page show what would hold it back.
func Blockers(c Config, pr PR) []Blocker {
	p := planner{c: c.withDefaults()}
	var out []Blocker
	for _, b := range p.blockers(pr) {
		out = append(out, Blocker{Short: b.short, Long: b.long, Transient: b.transient, Rules: b.rules})
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
	long := fmt.Sprintf("herald found %s in the posts; see the check run.", plural(n, "error"))
	if len(rules) > 0 {
		long = ErrorsReason(rules) + ": " + long
	}
	return blocker{short: "herald errors", long: long, rules: RuleSet(rules)}
}

// draftErrors says why a post on the default branch with error findings
// is not published, for the feeds, the CLI and the logs alike.
func draftErrors(post Post) string {
	return fmt.Sprintf("%s: herald found %s in the post; it goes out once herald check %s finds none.",
		ErrorsReason(post.ErrorRules), plural(len(post.ErrorRules), "error"), post.Path)
}
