package check

import (
	"cmp"
	"fmt"
	"slices"
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
	Edits       []Edit
	// Review marks a fix that is a likely guess rather than a certainty (a
	// spelling suggestion, the nearest registered tag): the bot offers it
	// as a one-click suggestion for a person to accept, and ApplyFixes
	// (herald check --fix) leaves it alone.
	Review bool
}

// Edit replaces the bytes [Start, End) of the file with NewText.
type Edit struct {
	Start, End int // byte offsets in the file
	NewText    string
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
func ApplyFixes(src []byte, findings []Finding) ([]byte, []Finding) {
	type edit struct {
		Edit
		owner int
	}
	var accepted []edit
	var applied []Finding
	for i, f := range findings {
		if f.Fix == nil || f.Fix.Review || len(f.Fix.Edits) == 0 {
			continue
		}
		ok := true
		for _, e := range f.Fix.Edits {
			if e.Start < 0 || e.End < e.Start || e.End > len(src) {
				ok = false
				break
			}
			for _, a := range accepted {
				if e.Start < a.End && a.Start < e.End || (e.Start == e.End && e.Start == a.Start) {
					ok = false
				}
			}
		}
		if !ok {
			continue
		}
		for _, e := range f.Fix.Edits {
			accepted = append(accepted, edit{e, i})
		}
		applied = append(applied, f)
	}
	slices.SortFunc(accepted, func(a, b edit) int { return cmp.Compare(a.Start, b.Start) })
	out := make([]byte, 0, len(src))
	prev := 0
	for _, e := range accepted {
		out = append(out, src[prev:e.Start]...)
		out = append(out, e.NewText...)
		prev = e.End
	}
	out = append(out, src[prev:]...)
	return out, applied
}
