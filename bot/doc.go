// Package bot is herald's reconciler: it reacts to webhook requests, resyncs
// and scheduled firings by reading everything it acts on again from Git and
// the forge, and then checks pull requests, gives feedback on them, handles
// /herald comment commands and carries out the publishing plan.
//
// # Level-triggered
//
// What a request says beyond its target is only a hint. Reconcile re-reads
// the repository's default branch, its open pull requests and what herald
// already said on them (a completed "herald" check run, or commit status in
// token mode, on a head SHA; herald's comments found by their hidden markers), so a lost, repeated
// or reordered delivery never changes the outcome, and two replicas agree. A
// request naming a pull request reconciles that pull request (and the default
// branch); ReconcileAll, for the resync and the start-up, reconciles every
// open pull request of every repository given. Events caused by herald's own
// writes (its check run, statuses, comments and labels) are skipped; "Re-run"
// on herald's check run checks the head again.
//
// # Pull requests
//
// For each pull request whose head herald has not checked yet (or on
// "/herald check") the bot fetches the head (refs/pull/N/head) and the base
// into the mirror, diffs the head against the merge base, loads the site at
// the head and checks the changed posts and the configuration (whose defects
// are reported only on the pull request that changes it). The feedback is
// inline suggestions (at most 50) for findings with a fix on lines of the diff
// (known by a hidden marker made of the file, rule and text, so never posted
// twice, and deleted once their finding is gone unless someone answered
// them), one summary comment edited in place (none for a pull request that
// changes no post), the herald/scheduled label for a future-dated post under
// the merge strategy and, written last, the check run "herald" with one annotation per finding (a commit
// status "herald" in token mode). The check run records that the head was
// checked, so feedback cut short by an error is completed by the next
// reconcile. The summary comment and the check run come from the templates in
// templates/.
//
// Every site the bot reads at a commit comes from one place (siteAt), a
// content/siteindex Store per repository: tree listings are kept by tree id
// and the check index (vocabulary, URLs) by post blob id. A pull request is
// checked with the index at its merge base, moved there from the commit
// indexed before by reading only the posts whose content differs, so a
// one-post pull request in a site of 10,000 posts does not read every post
// again, and the index is never stale. The default branch's posts, which
// the plan reads under the draft and rebuild strategies, are read again
// only where a commit changed them (siteindex.Changed).
//
// # Commands
//
// "/herald" lines in conversation comments are read with package
// bot/command. Only users with write permission are obeyed; others get the
// polite refusal. Each command gets a reaction (+1 when done, confused when
// refused or failed) and an answer in herald's commands comment, whose hidden
// state lists the comments already handled: the forge's comment listing does
// not say who reacted, so that record, not the reaction, is what keeps a
// command from running twice.
//
// # Publishing
//
// A publish.State is built from the default branch (posts, configuration) and
// the open pull requests (reviews, checks, labels, herald's comments, the
// checked head and its error count, mergeability, the posts at the head);
// publish.Plan decides and a publish.Publisher carries the actions out with
// its guards. The bot keeps the schedule it derived for the feeds (Schedule,
// a feed.Source) and hands its entries to the scheduler (WithScheduler),
// whose firings come back through OnFire. After a publication, when the
// configuration names site_url, Run checks that the post answers there and
// says so on the pull request.
//
// # Edges
//
// The bot declares the small interfaces it needs, in neutral types only: it
// imports neither go-github nor gitrepo, so another forge or Git layer
// touches the adapters, not the bot. Clients gives a forge client per
// repository; Forge is what any forge, a plain Git repository included,
// provides. Each part of the pull request flow declares the few forge calls
// it makes (checkReader, feedbackWriter, commandAnswerer and the others, in
// the file that uses them), and PullRequests, their union, is what a Forge
// must also implement to have pull requests checked (*github.Client does).
// Mirrors/Mirror read Git with commits named by their hash: a commit's
// tree as an fs.FS, the paths a change touches, merge bases, and each ref as
// a publish.Branch the publisher commits to and pushes (*adapter.Git over a
// gitrepo mirror, opened with adapter.OpenGit). Webhook requests arrive as
// webhook.Request, whose hints (sender, head commit, check and status
// names) are read in request.go. The command wires concrete types into New.
//
// # Metrics
//
// With WithMetrics the bot records, on collectors registered by NewMetrics
// with a registry the command owns (never the global one): publications by
// strategy and outcome, how late each went out, the posts scheduled, overdue
// and blocked as of each repository's last reconcile, reconciles by trigger
// (webhook, resync, timer) with their outcome, duration and error cause,
// and the checks run with their findings by severity.
//
// # Running in a process
//
// A Service is the bot as a binary runs it: it reaches the forge lazily (the
// first reconcile that finds it up builds the Bot, so an outage at start-up
// delays work instead of stopping the process), lists the repositories
// served through a Targets (the GitHub App's installations, or a fixed
// TargetList), checks local mode's default branch after each reconcile that
// finds a new tip through a Branch, and turns the publisher's outcomes into
// Publications for the one-shot commands to print. StartUp runs the first
// full reconcile with a backoff and says when the process is ready.
//
// # Pull requests from forks
//
// The author of a fork's pull request is an outsider. herald checks such a
// pull request and comments on it like any other (the head is read from the
// base repository's refs/pull/N/head; the fork is never contacted), but it
// never pushes to the fork's branch: /herald schedule is refused with the
// reason, and a head the forge does not place in the repository itself (a
// deleted fork) counts as a fork. It never runs anything from a pull
// request: no hook, script or generator; a .herald.yml in a pull request
// is read as data for that pull request's checks, while publishing, build
// hooks and the live check take the default branch's.
//
// It refuses to keep state of its own beyond caches: deleting them loses
// nothing. It never merges without the expected head SHA or pushes without
// the expected old commit, never posts a comment twice, and in dry-run mode
// logs each side effect instead of doing it.
package bot
