package check

import (
	"bytes"
	"fmt"
	"strings"
)

//go:generate go test -run TestRulesDoc -update

// RulesMarkdown renders the rule catalogue as Markdown; docs/rules.md is
// this output, and a test fails when the file is stale.
func RulesMarkdown() []byte {
	var b bytes.Buffer
	b.WriteString("# herald rules\n\n")
	b.WriteString("<!-- Generated from content/check/rules.go by `go generate ./content/check`; do not edit. -->\n\n")
	b.WriteString("Every finding names its rule. Configure a rule in `.herald.yml` by its ID, with a severity\n")
	b.WriteString("(`off`, `info`, `warning`, `error`) or a map of a severity and options:\n\n")
	b.WriteString("```yaml\nrules:\n  misspelling: info\n  image-size: {severity: error, max_kb: 500}\n```\n\n")
	b.WriteString("`herald check` exits with 1 when a finding has severity `error`.\n")
	b.WriteString("An error also blocks publishing, in every mode: a pull request is not merged, a draft on the\n" +
		"default branch is not flipped and no rebuild is triggered for the post until a commit fixes it.\n" +
		"`herald schedule`, `herald publish --due`, the feeds, the dashboard and the summary comment say so\n" +
		"in the same words, naming the rules: \"blocked by link-syntax, unknown-author\". The fixed post goes\n" +
		"out at its time, or at the next reconcile (and said late) when its time has passed.\n\n")
	b.WriteString("| Rule | Default | Fix | Summary |\n| --- | --- | --- | --- |\n")
	for _, r := range Rules() {
		fix := ""
		if r.Fixable {
			fix = "yes"
		}
		fmt.Fprintf(&b, "| [`%s`](#%s) | %s | %s | %s |\n", r.ID, r.ID, r.Severity, fix, r.Summary)
	}
	family := ""
	for _, r := range Rules() {
		if r.Family != family {
			family = r.Family
			fmt.Fprintf(&b, "\n## %s%s\n", strings.ToUpper(family[:1]), family[1:])
		}
		fmt.Fprintf(&b, "\n### %s\n\n%s\n\n", r.ID, r.Summary)
		fmt.Fprintf(&b, "Default severity: **%s**.", r.Severity)
		if r.Fixable {
			b.WriteString(" Findings can carry a fix (`herald check --fix`, or a suggestion on the pull request).")
		}
		fmt.Fprintf(&b, "\n\n%s\n\n", r.Details)
		if r.NotFlagged != "" {
			fmt.Fprintf(&b, "Not flagged: %s\n\n", r.NotFlagged)
		}
		fmt.Fprintf(&b, "Example:\n\n```markdown\n%s\n```\n\n", r.Example)
		fmt.Fprintf(&b, "Configure:\n\n```yaml\nrules:\n  %s: %s\n", r.ID, r.Severity)
		b.WriteString("```\n")
		if len(r.Options) > 0 {
			b.WriteString("\nOptions:\n\n| Option | Default | Meaning |\n| --- | --- | --- |\n")
			for _, o := range r.Options {
				fmt.Fprintf(&b, "| `%s` | `%s` | %s |\n", o.Name, o.Default, o.Description)
			}
			fmt.Fprintf(&b, "\n```yaml\nrules:\n  %s: {severity: %s, %s: %s}\n```\n", r.ID, r.Severity, r.Options[0].Name, r.Options[0].Default)
		}
	}
	return b.Bytes()
}
