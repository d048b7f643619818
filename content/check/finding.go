package check

import (
	"cmp"
	"fmt"
	"slices"

	"github.com/heraldhq/herald/content"
)

// Finding is one problem in one file.
type Finding struct {
	Rule      string // stable rule ID, such as "repeated-word"
	Severity  string // "info", "warning" or "error"
	Path      string // slash-separated, relative to the repository root
	Line      int    // 1-based
	Column    int    // 1-based, in characters
	EndLine   int    // 1-based end of the span (inclusive line), 0 when unknown
	EndColumn int    // 1-based column just past the span, 0 when unknown
	Message   string // for the author
	Fix       *Fix   // a safe fix, nil when there is none
}

// Fix is a change that resolves a finding.
type Fix struct {
	Description string // what the fix does ("replace “the the” with “the”")
	Edits       []content.Edit
	// Review marks a fix that is a likely guess rather than a certainty (a
	// spelling suggestion, the nearest registered tag): the bot offers it
	// as a one-click suggestion for a person to accept, and ApplyFixes
	// (herald check --fix) leaves it alone.
	Review bool
}

// String formats the finding as path:line:col: severity rule: message.
func (f Finding) String() string {
	return fmt.Sprintf("%s:%d:%d: %s %s: %s", f.Path, f.Line, f.Column, f.Severity, f.Rule, f.Message)
}

// SortFindings orders findings by path, line, column, then rule.
func SortFindings(fs []Finding) {
	slices.SortStableFunc(fs, func(a, b Finding) int {
		return cmp.Or(cmp.Compare(a.Path, b.Path), cmp.Compare(a.Line, b.Line),
			cmp.Compare(a.Column, b.Column), cmp.Compare(a.Rule, b.Rule), cmp.Compare(a.Message, b.Message))
	})
}

// HasErrors reports whether any finding has severity error.
func HasErrors(fs []Finding) bool {
	for _, f := range fs {
		if f.Severity == "error" {
			return true
		}
	}
	return false
}

// ApplyFixes applies the safe fixes of findings (all for the file src;
// fixes marked Review are skipped) and returns the new content and the
// findings whose fix was applied. A fix
// whose edits overlap an earlier applied fix is skipped, so the result is
// always well-formed; run again to apply it.
//
// It only chooses which fixes go together; content.ApplyEdits, the one
// applier, writes them, keeping every other byte.
func ApplyFixes(src []byte, findings []Finding) ([]byte, []Finding) {
	var accepted []content.Edit
	var applied []Finding
	for _, f := range findings {
		if f.Fix == nil || f.Fix.Review || len(f.Fix.Edits) == 0 {
			continue
		}
		earlier := len(accepted)
		ok := true
		for _, e := range f.Fix.Edits {
			if e.Start < 0 || e.End < e.Start || e.End > len(src) {
				ok = false
				break
			}
			for _, a := range accepted[:earlier] {
				if e.Start < a.End && a.Start < e.End || (e.Start == e.End && e.Start == a.Start) {
					ok = false
				}
			}
			// Edits of the same fix must fit together as ApplyEdits
			// orders them: by start, in the order given when equal.
			for _, a := range accepted[earlier:] {
				if a.Start <= e.Start && e.Start < a.End || e.Start < a.Start && a.Start < e.End {
					ok = false
				}
			}
			accepted = append(accepted, e)
		}
		if !ok {
			accepted = accepted[:earlier]
			continue
		}
		applied = append(applied, f)
	}
	out, err := content.ApplyEdits(src, accepted)
	if err != nil {
		// Unreachable: every accepted edit was checked against the others
		// above. Applying nothing keeps the file well-formed.
		return src, nil
	}
	return out, applied
}
