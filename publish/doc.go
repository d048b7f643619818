// Package publish decides when and how posts go live, and runs the clock that
// makes it happen.
//
// The decision is a pure function: [Plan] takes a [State] (the repository
// configuration, the posts on the default branch, the open pull requests and
// what herald already did, all read from Git and the forge) and the current
// time, and returns the [Action] values that bring the repository to where it
// should be at that time: merge a due pull request, flip a due draft, trigger a
// rebuild, set a status or label that differs, name a blocker once, and wake up
// again when the next thing falls due. Plan does no I/O and reads no clock;
// calling it twice with the same input gives the same answer, so it is safe to
// run on every webhook, on every resync and in two replicas at once.
//
// [Scheduler] is the clock: one one-shot entry per publish time on
// github.com/robfig/cron/v3, rebuilt from the derived schedule on every
// reconcile, plus a periodic resync entry. Entries that fell due while the
// process was down fire at once when the schedule is rebuilt; entries further
// ahead than the horizon (an hour by default) wait in the scheduler's own
// table, so rebuilding 10,000 entries does not make cron re-sort its list
// 10,000 times. [Upcoming] and [EntriesOf] derive the schedule items (for the
// feeds in package feed) and the scheduler entries from the same State.
//
// [Humanize] renders durations the way the pull request summary and the
// schedule feeds speak of them ("in 3 days", "2 hours ago").
//
// [Publisher] carries out Plan's actions, each guarded and safe to repeat:
// a merge carries the expected head SHA (a moved head is deferred, never
// merged) and sets herald's schedule status to success just before; a draft
// is flipped by a one-line commit ([DraftFlipEdits]: only the flag's bytes
// change) pushed with the expected old commit, re-read and retried when the
// branch moved, and a post found already published counts as done; a rebuild
// is claimed, triggered and confirmed on a dedicated ref ([RecordRef]), so
// two replicas trigger it once and [Publisher.ReadDone] reads it back after a
// restart. With [WithDryRun], every decision runs and every side effect is
// logged instead of made. [RescheduleOnBranch] commits a new date into a
// post on a pull request branch ([DateEdit] writes it in the post's own
// style), and [CheckLive] polls a published post's URL.
//
// The package does not import Git code or any forge's client. It speaks of
// reviews, statuses, merge methods and mergeability in package forge's
// neutral types (which do no I/O), and it works through small interfaces
// declared here ([Branch], [PullRequests], [Dispatcher]) whose errors map to
// this package's sentinels ([ErrBranchMoved], [ErrHeadMoved],
// [ErrAlreadyMerged], [ErrNotMergeable]); package adapter implements them
// over gitrepo and forge/github. Text edits are content.Edit, applied by
// content.ApplyEdits before a commit: a [Branch] commits whole files.
// Reading the state is the caller's job; [PostOf] is the one way from a
// post read by package content to the schedule's [Post]. It never guesses
// a date: a post whose date could not be resolved (invalid, or a local time
// that falls in a daylight-saving gap or overlap) is never published and is
// reported as a blocker instead.
//
// Where each piece lives: plan.go ([Plan]), state.go and action.go (its
// input and output), blockers.go ([Blockers]), upcoming.go ([Upcoming],
// [EntriesOf]: the schedule as items and scheduler entries), scheduler.go
// ([Scheduler]: the clock), post.go ([PostOf]: a post as the schedule sees
// it), publisher.go and rebuild.go ([Publisher]), edit.go ([DraftFlipEdits],
// [DateEdit]), reschedule.go ([RescheduleOnBranch]), livecheck.go and
// liveguard.go ([CheckLive], [PostURL] and the guards on the live check's
// requests), humanize.go and late.go (times and lateness for people).
package publish
