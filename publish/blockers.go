package publish

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
}

// Blockers lists what keeps pr from being merged now under c, in the order
// Plan names them once the pull request is due. Before it is due Plan names
// nothing; Blockers lets a page show what would hold it back.
func Blockers(c Config, pr PR) []Blocker {
	p := planner{c: c.withDefaults()}
	var out []Blocker
	for _, b := range p.blockers(pr) {
		out = append(out, Blocker{Short: b.short, Long: b.long, Transient: b.transient})
	}
	return out
}
