// Package bot is herald's reconciler: it reacts to webhook requests, resyncs
// and scheduled firings by reading everything it acts on again from Git and
// the forge, and then checks pull requests, gives feedback on them, handles
// /herald comment commands and carries out the publishing plan.
//
// The payload of a request is only a hint. Reconcile re-reads the repository's
// default branch, its open pull requests and what herald already said on them
// (a completed "herald" check run or commit status on a head SHA, herald's
// comments found by their hidden markers), so a lost, repeated or reordered
// delivery never changes the outcome, and two replicas agree.
//
// For each pull request whose head herald has not checked yet (or on
// "/herald check") the bot fetches the head into the mirror, diffs it against
// the merge base, loads the site at the head and checks the changed posts.
// The feedback is a check run named "herald" (a commit status in token mode),
// one summary comment edited in place, and inline suggestions on changed lines
// that are posted once and removed when their finding is gone. The check run
// is written last: it records that the head was checked, so feedback cut short
// by an error is completed by the next reconcile.
//
// Publishing is planned by publish.Plan from a State read from Git and the
// forge; the actions go to an Executor (the guarded publisher). The bot keeps
// the schedule it derived for the feeds (Schedule) and hands its entries to the
// scheduler, whose firings come back through OnFire.
//
// The bot declares the small interfaces it needs from the forge and the Git
// mirror cache; the command wires concrete types into New. It refuses to keep
// state of its own beyond caches: deleting them loses nothing. It never merges
// or pushes without the expected head or old ref, never posts a comment twice,
// and in dry-run mode logs each side effect instead of doing it.
package bot
