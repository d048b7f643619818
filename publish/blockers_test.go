package publish

import (
	"slices"
	"testing"

	"github.com/heraldhq/herald/forge"
)

func TestBlockers(t *testing.T) {
	t.Parallel()
	clean := PR{Number: 1, HeadSHA: "abc", CheckedSHA: "abc", Mergeable: forge.MergeableClean,
		Reviews: []forge.Review{{User: "ann", State: forge.ReviewApproved, CommitID: "abc"}}}
	tests := []struct {
		name string
		edit func(*PR)
		want []string // shorts; a transient one ends in "~"
	}{
		{name: "nothing in the way", edit: func(*PR) {}},
		{name: "errors and no approval", edit: func(p *PR) { p.HeraldErrors = 2; p.Reviews = nil }, want: []string{"herald errors", "approval"}},
		{name: "held by label", edit: func(p *PR) { p.Labels = []string{DefaultHoldLabel} }, want: []string{"on hold"}},
		{name: "held by command", edit: func(p *PR) { p.HeldByCommand = true }, want: []string{"on hold"}},
		{name: "not checked yet is transient", edit: func(p *PR) { p.CheckedSHA = "old" }, want: []string{"not checked~"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			pr := clean
			tc.edit(&pr)
			var got []string
			for _, b := range Blockers(Config{}, pr) {
				s := b.Short
				if b.Transient {
					s += "~"
				}
				if b.Long == "" {
					t.Errorf("%s has no sentence", b.Short)
				}
				got = append(got, s)
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("Blockers = %q, want %q", got, tc.want)
			}
		})
	}
}
