package bot

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/heraldhq/herald/bot/command"
	"github.com/heraldhq/herald/content"
	"github.com/heraldhq/herald/forge"
	"github.com/heraldhq/herald/publish"
)

// maxAnswers is how many answers the commands comment keeps.
const maxAnswers = 30

// pending is one "/herald ..." line of a conversation comment, as the
// parser read it, with who wrote it.
type pending struct {
	commentID int64
	user      string
	cmd       command.Command
	// problem is the parser's message when the line is not a valid
	// command; the command is then answered, not run.
	problem string
	allowed bool
	perm    forge.Permission
}

// text is the line as written.
func (c pending) text() string { return c.cmd.Text }

type commandSet struct {
	list []pending
}

// wantsCheck reports whether an allowed "/herald check" is pending.
func (s commandSet) wantsCheck() bool {
	for _, c := range s.list {
		if c.cmd.Verb == command.Check && c.allowed && c.problem == "" {
			return true
		}
	}
	return false
}

// pendingCommands returns the commands in comments that herald has not
// answered yet, as recorded in its commands comment. Times in schedule
// commands are read in the site's zone; the allowed commands come from the
// configuration on the default branch.
func (b *Bot) pendingCommands(e *openRepo, comments []forge.Comment, answered string) commandSet {
	handled := map[int64]bool{}
	for _, id := range strings.Split(stateOf(answered)["handled"], ",") {
		if n, err := strconv.ParseInt(id, 10, 64); err == nil {
			handled[n] = true
		}
	}
	opts := command.Options{Location: e.site.Location(), Now: b.now(), Allowed: e.site.Config.Commands}
	var s commandSet
	for _, c := range comments {
		if handled[c.ID] || (b.login != "" && c.User == b.login) {
			continue
		}
		if _, _, ok := forge.ParseMarker(c.Body); ok {
			continue // one of herald's own comments
		}
		cmds, errs := command.Parse(c.Body, opts)
		var all []pending
		for _, cmd := range cmds {
			all = append(all, pending{commentID: c.ID, user: c.User, cmd: cmd})
		}
		for _, pe := range errs {
			all = append(all, pending{commentID: c.ID, user: c.User, cmd: command.Command{Line: pe.Line, Text: pe.Text}, problem: pe.Message})
		}
		slices.SortStableFunc(all, func(a, b pending) int { return a.cmd.Line - b.cmd.Line })
		s.list = append(s.list, all...)
	}
	return s
}

// The forge calls of the commands, each declared by the function that
// makes them.
type (
	// permissionReader tells who may command.
	permissionReader interface {
		Permission(ctx context.Context, user string) (forge.Permission, error)
	}
	// commandAnswerer reacts to each command, answers them in herald's
	// commands comment and puts a pull request on hold or takes it off.
	commandAnswerer interface {
		AddReaction(ctx context.Context, commentID int64, r forge.Reaction) error
		UpsertComment(ctx context.Context, number int, key, body string) ([]forge.Comment, error)
		AddLabels(ctx context.Context, number int, labels ...string) ([]string, error)
		RemoveLabel(ctx context.Context, number int, label string) (bool, error)
	}
)

// authorize looks up each commander's permission once.
func (b *Bot) authorize(ctx context.Context, f permissionReader, s *commandSet) error {
	perms := map[string]forge.Permission{}
	for i := range s.list {
		u := s.list[i].user
		p, ok := perms[u]
		if !ok {
			var err error
			p, err = f.Permission(ctx, u)
			if err != nil {
				return fmt.Errorf("permission of %s: %w", u, err)
			}
			perms[u] = p
		}
		s.list[i].perm = p
		s.list[i].allowed = p >= forge.PermissionWrite
	}
	return nil
}

// runCommands carries out the pending commands of one pull request, acknowledges each
// with a reaction and answers them all in herald's commands comment, whose
// hidden state records them as handled.
func (b *Bot) runCommands(ctx context.Context, f commandAnswerer, e *openRepo, log *slog.Logger, p forge.PullRequest, h *headInfo, st publish.PR, cfg publish.Config, s commandSet, previous string) (publish.PR, error) {
	var answers []string
	for _, c := range s.list {
		clog := log.With("command", c.text(), "user", c.user, "comment_id", c.commentID)
		answer, ok := b.runCommand(ctx, f, e, clog, p, h, &st, cfg, c)
		reaction := forge.ReactionPlusOne
		if !ok {
			reaction = forge.ReactionConfused
		}
		clog.Info("command handled", "ok", ok)
		answers = append(answers, fmt.Sprintf("> @%s: `%s`\n\n%s", c.user, c.text(), answer))
		if b.dryRun {
			clog.Info("dry run: would react", "reaction", reaction)
		} else if err := f.AddReaction(ctx, c.commentID, reaction); err != nil {
			return st, fmt.Errorf("react to comment %d: %w", c.commentID, err)
		}
	}
	body := commandsBody(previous, answers, s)
	if b.dryRun {
		log.Info("dry run: would answer commands", "count", len(s.list))
		return st, nil
	}
	if _, err := f.UpsertComment(ctx, p.Number, CommandsKey, body); err != nil {
		return st, fmt.Errorf("answer commands: %w", err)
	}
	return st, nil
}

// answerSep separates the answers in the commands comment.
const answerSep = "\n\n<!-- herald-answer -->\n"

// commandsBody adds answers to the commands comment (keeping the newest
// maxAnswers) and records the commands as handled.
func commandsBody(previous string, answers []string, s commandSet) string {
	handled := stateOf(previous)["handled"]
	var kept []string
	if i := strings.Index(previous, answerSep); i >= 0 {
		rest := stateLine.ReplaceAllString(previous[i+len(answerSep):], "")
		for _, a := range strings.Split(rest, answerSep) {
			if a = strings.TrimSpace(a); a != "" {
				kept = append(kept, a)
			}
		}
	}
	kept = append(kept, answers...)
	if len(kept) > maxAnswers {
		kept = kept[len(kept)-maxAnswers:]
	}
	ids := strings.Split(handled, ",")
	for _, c := range s.list {
		ids = append(ids, strconv.FormatInt(c.commentID, 10))
	}
	ids = slices.DeleteFunc(ids, func(s string) bool { return s == "" })
	slices.SortFunc(ids, func(a, b string) int {
		x, _ := strconv.ParseInt(a, 10, 64)
		y, _ := strconv.ParseInt(b, 10, 64)
		return int(x - y)
	})
	ids = slices.Compact(ids)
	var b strings.Builder
	b.WriteString("**herald** answered these commands (newest last):")
	for _, a := range kept {
		b.WriteString(answerSep)
		b.WriteString(a)
	}
	b.WriteString("\n\n<!-- herald-state handled=" + strings.Join(ids, ",") + " -->\n")
	return b.String()
}

// runCommand carries out one command and returns the answer and whether it
// was done.
func (b *Bot) runCommand(ctx context.Context, f commandAnswerer, e *openRepo, log *slog.Logger, p forge.PullRequest, h *headInfo, st *publish.PR, cfg publish.Config, c pending) (string, bool) {
	switch {
	case c.problem != "":
		return c.problem, false
	case !c.allowed:
		return command.Refusal(c.user, c.perm.String(), c.cmd), false
	}
	hold := cfg.HoldLabel
	if hold == "" {
		hold = publish.DefaultHoldLabel
	}
	switch c.cmd.Verb {
	case command.Help:
		return command.HelpText(e.site.Location()), true
	case command.Check:
		return fmt.Sprintf("Checked %s again; see the check run and the summary comment.", shortSHA(p.HeadSHA)), true
	case command.Hold:
		if !b.dryRun {
			if _, err := f.AddLabels(ctx, p.Number, hold); err != nil {
				log.Error("hold failed", "err", err)
				return "Could not put the pull request on hold: " + err.Error(), false
			}
		}
		if !slices.Contains(st.Labels, hold) {
			st.Labels = append(st.Labels, hold)
		}
		return fmt.Sprintf("On hold (label `%s`): herald will not publish this pull request until `/herald unhold`.", hold), true
	case command.Unhold:
		if !b.dryRun {
			if _, err := f.RemoveLabel(ctx, p.Number, hold); err != nil {
				log.Error("unhold failed", "err", err)
				return "Could not take the pull request off hold: " + err.Error(), false
			}
		}
		st.Labels = slices.DeleteFunc(st.Labels, func(l string) bool { return l == hold })
		return "No longer on hold: herald publishes it at its time.", true
	case command.Schedule:
		return b.reschedule(ctx, e, log, p, h, st, c)
	case command.Publish:
		return b.publishNow(ctx, e, log, st, cfg)
	}
	return "herald does not know this command.", false
}

// fromFork reports whether the head branch of p may live outside repo: in
// a fork, or in a repository the forge no longer names (a deleted fork).
// herald never pushes to such a branch: it is an outsider's, and a push
// to a branch of that name in repo would land on the wrong branch (a
// fork's "main" is not the base repository's). Only a head known to be in
// repo itself is pushed to.
func fromFork(p forge.PullRequest, repo forge.Repo) bool {
	return p.HeadCloneURL == "" || repo.CloneURL == "" || p.HeadCloneURL != repo.CloneURL
}

// reschedule commits the new date into every dated post of the pull request
// on its head branch.
func (b *Bot) reschedule(ctx context.Context, e *openRepo, log *slog.Logger, p forge.PullRequest, h *headInfo, st *publish.PR, c pending) (string, bool) {
	loc := h.loc
	at := c.cmd.At
	var zone *time.Location
	if c.cmd.ZoneGiven {
		zone = c.cmd.Zone
	}
	if fromFork(p, e.repo) {
		return "The branch of this pull request lives in a fork, where herald cannot push; change the date in the post's front matter instead.", false
	}
	var dated []*content.Post
	for _, post := range h.posts {
		if post.Readable() {
			dated = append(dated, post)
		}
	}
	if len(dated) == 0 {
		return "This pull request changes no post to reschedule.", false
	}
	branch := e.mirror.Branch(p.HeadRef)
	var commits []string
	for _, post := range dated {
		r := publish.Reschedule{Path: post.Path, At: at, Zone: zone, Profile: h.profile, Location: loc,
			By: c.user, Now: b.now()}
		if b.dryRun {
			log.Info("dry run: would reschedule", "post", post.Path, "at", at)
			continue
		}
		commit, err := publish.RescheduleOnBranch(ctx, branch, r)
		if err != nil {
			log.Error("reschedule failed", "post", post.Path, "err", err)
			return fmt.Sprintf("Could not change the date of `%s`: %v", post.Path, err), false
		}
		if commit != "" {
			commits = append(commits, shortSHA(commit))
		}
	}
	// The head moves: nothing is merged before the new head is checked.
	if len(commits) > 0 {
		st.CheckedSHA = ""
	}
	when := publish.FormatTime(at, loc)
	if len(commits) == 0 {
		return "The posts already say " + when + "; nothing to change.", true
	}
	return fmt.Sprintf("Rescheduled to %s (commit %s on `%s`).", when, strings.Join(commits, ", "), p.HeadRef), true
}

// publishNow publishes the pull request at once if nothing blocks it, and
// says why not otherwise.
func (b *Bot) publishNow(ctx context.Context, e *openRepo, log *slog.Logger, st *publish.PR, cfg publish.Config) (string, bool) {
	now := b.now()
	due := *st
	due.Posts = slices.Clone(st.Posts)
	dated := false
	for i, post := range due.Posts {
		if post.Draft || post.DateProblem != "" {
			continue
		}
		dated = true
		if post.PublishAt.IsZero() || post.PublishAt.After(now) {
			due.Posts[i].PublishAt = now
		}
	}
	if !dated {
		return "There is no post here that herald can publish (a draft, or a date that cannot be read).", false
	}
	actions := publish.Plan(publish.State{Config: cfg, PRs: []publish.PR{due}}, now)
	var merge *publish.Merge
	var reasons []string
	for _, a := range actions {
		switch a := a.(type) {
		case publish.Merge:
			merge = &a
		case publish.Blocked:
			reasons = append(reasons, a.Reasons...)
		}
	}
	if merge == nil {
		return "Not published: " + strings.Join(reasons, " "), false
	}
	res := b.publisher(e).Publish(ctx, actions)
	for _, o := range res.Outcomes {
		b.observed(e, o)
	}
	for _, o := range res.Outcomes {
		if _, ok := o.Action.(publish.Merge); !ok {
			continue
		}
		switch o.Status {
		case publish.OutcomeDone, publish.OutcomeAlreadyDone, publish.OutcomeDryRun:
			e.merged = append(e.merged, st.Number)
			if o.Status == publish.OutcomeDone {
				b.afterPublish(e, o.Action)
			}
			return "Published.", true
		default:
			log.Error("publish now failed", "outcome", o.Status, "err", o.Err)
			return fmt.Sprintf("Not published: %v", o.Err), false
		}
	}
	return "Not published.", false
}
