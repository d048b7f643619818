package bot

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/heraldhq/herald/content"
	"github.com/heraldhq/herald/forge"
	"github.com/heraldhq/herald/publish"
)

// maxAnswers is how many answers the commands comment keeps.
const maxAnswers = 30

// command is one "/herald ..." line of a conversation comment.
type command struct {
	commentID int64
	user      string
	line      string // as written, for the answer
	verb      string // publish, schedule, hold, unhold, check, help
	args      []string
	problem   string // why the line is not a command herald knows
	allowed   bool
}

type commandSet struct {
	list []command
}

// wantsCheck reports whether an allowed "/herald check" is pending.
func (s commandSet) wantsCheck() bool {
	for _, c := range s.list {
		if c.verb == "check" && c.allowed && c.problem == "" {
			return true
		}
	}
	return false
}

// parseCommands reads the "/herald" lines of a comment body. Lines inside
// fenced code and quoted lines are not commands.
func parseCommands(body string) []command {
	var out []command
	fence := false
	for _, line := range strings.Split(body, "\n") {
		t := strings.TrimSpace(line)
		if strings.HasPrefix(t, "```") || strings.HasPrefix(t, "~~~") {
			fence = !fence
			continue
		}
		if fence || !strings.HasPrefix(t, "/herald") {
			continue
		}
		f := strings.Fields(t)
		if f[0] != "/herald" {
			continue
		}
		c := command{line: t}
		if len(f) == 1 {
			c.verb, c.problem = "help", ""
			out = append(out, c)
			continue
		}
		c.verb, c.args = strings.ToLower(f[1]), f[2:]
		switch c.verb {
		case "publish":
			if len(c.args) != 1 || strings.ToLower(c.args[0]) != "now" {
				c.problem = "`publish` takes one word: `/herald publish now`."
			}
		case "schedule":
			if len(c.args) == 0 {
				c.problem = "`schedule` needs a time, such as `/herald schedule 2026-03-02T09:00 Europe/Berlin`."
			}
		case "hold", "unhold", "check", "help":
			if len(c.args) > 0 {
				c.problem = fmt.Sprintf("`%s` takes no arguments.", c.verb)
			}
		default:
			c.problem = fmt.Sprintf("herald does not know the command `%s`.", c.verb)
		}
		out = append(out, c)
	}
	return out
}

// pendingCommands returns the commands in comments that herald has not
// answered yet, as recorded in its commands comment.
func (b *Bot) pendingCommands(comments []forge.Comment, answered string) commandSet {
	handled := map[int64]bool{}
	for _, id := range strings.Split(stateOf(answered)["handled"], ",") {
		if n, err := strconv.ParseInt(id, 10, 64); err == nil {
			handled[n] = true
		}
	}
	var s commandSet
	for _, c := range comments {
		if handled[c.ID] || (b.login != "" && c.User == b.login) {
			continue
		}
		if _, _, ok := forge.ParseMarker(c.Body); ok {
			continue // one of herald's own comments
		}
		for _, cmd := range parseCommands(c.Body) {
			cmd.commentID, cmd.user = c.ID, c.User
			s.list = append(s.list, cmd)
		}
	}
	return s
}

// authorize looks up each commander's permission once.
func (b *Bot) authorize(ctx context.Context, e *env, s *commandSet) error {
	perms := map[string]forge.Permission{}
	for i := range s.list {
		u := s.list[i].user
		p, ok := perms[u]
		if !ok {
			var err error
			p, err = e.prs.Permission(ctx, u)
			if err != nil {
				return fmt.Errorf("permission of %s: %w", u, err)
			}
			perms[u] = p
		}
		s.list[i].allowed = p >= forge.PermissionWrite
	}
	return nil
}

// runCommands carries out the pending commands of one pull request, acknowledges each
// with a reaction and answers them all in herald's commands comment, whose
// hidden state records them as handled.
func (b *Bot) runCommands(ctx context.Context, e *env, log *slog.Logger, p forge.PullRequest, h *headInfo, st publish.PR, cfg publish.Config, s commandSet, previous string) (publish.PR, error) {
	var answers []string
	for _, c := range s.list {
		clog := log.With("command", c.line, "user", c.user, "comment_id", c.commentID)
		answer, ok := b.runCommand(ctx, e, clog, p, h, &st, cfg, c)
		reaction := forge.ReactionPlusOne
		if !ok {
			reaction = forge.ReactionConfused
		}
		clog.Info("command handled", "ok", ok)
		answers = append(answers, fmt.Sprintf("- @%s `%s`: %s", c.user, c.line, answer))
		if b.dryRun {
			clog.Info("dry run: would react", "reaction", reaction)
		} else if err := e.prs.AddReaction(ctx, c.commentID, reaction); err != nil {
			return st, fmt.Errorf("react to comment %d: %w", c.commentID, err)
		}
	}
	body := commandsBody(previous, answers, s)
	if b.dryRun {
		log.Info("dry run: would answer commands", "count", len(s.list))
		return st, nil
	}
	if _, err := e.prs.UpsertComment(ctx, p.Number, CommandsKey, body); err != nil {
		return st, fmt.Errorf("answer commands: %w", err)
	}
	return st, nil
}

// commandsBody adds answers to the commands comment and records the
// commands as handled.
func commandsBody(previous string, answers []string, s commandSet) string {
	var lines []string
	handled := stateOf(previous)["handled"]
	for _, l := range strings.Split(previous, "\n") {
		if strings.HasPrefix(l, "- @") {
			lines = append(lines, l)
		}
	}
	lines = append(lines, answers...)
	if len(lines) > maxAnswers {
		lines = lines[len(lines)-maxAnswers:]
	}
	ids := strings.Split(handled, ",")
	for _, c := range s.list {
		ids = append(ids, strconv.FormatInt(c.commentID, 10))
	}
	ids = slices.DeleteFunc(ids, func(s string) bool { return s == "" })
	slices.Sort(ids)
	ids = slices.Compact(ids)
	var b strings.Builder
	b.WriteString("**herald** answered these commands (newest last):\n\n")
	for _, l := range lines {
		b.WriteString(l + "\n")
	}
	b.WriteString("\n<!-- herald-state handled=" + strings.Join(ids, ",") + " -->\n")
	return b.String()
}

// commandAllowed reports whether the repository configuration allows verb.
func commandAllowed(site *content.Site, verb string) bool {
	allowed := site.Config.Commands
	if len(allowed) == 0 || verb == "help" {
		return true
	}
	for _, a := range allowed {
		if a == verb || (verb == "publish" && a == "publish now") || (verb == "unhold" && a == "hold") {
			return true
		}
	}
	return false
}

// runCommand carries out one command and returns the answer and whether it
// was done.
func (b *Bot) runCommand(ctx context.Context, e *env, log *slog.Logger, p forge.PullRequest, h *headInfo, st *publish.PR, cfg publish.Config, c command) (string, bool) {
	switch {
	case !c.allowed:
		return "sorry, only people with write access to this repository can run herald's commands.", false
	case c.problem != "":
		return c.problem + " Comment `/herald help` for the list.", false
	case !commandAllowed(e.site, c.verb):
		return fmt.Sprintf("the command `%s` is turned off in this repository's `.herald.yml`.", c.verb), false
	}
	hold := cfg.HoldLabel
	if hold == "" {
		hold = publish.DefaultHoldLabel
	}
	switch c.verb {
	case "help":
		return helpText, true
	case "check":
		return fmt.Sprintf("checked %s again; see the check run and the summary comment.", shortSHA(p.HeadSHA)), true
	case "hold":
		if !b.dryRun {
			if _, err := e.prs.AddLabels(ctx, p.Number, hold); err != nil {
				log.Error("hold failed", "err", err)
				return "could not put the pull request on hold: " + err.Error(), false
			}
		}
		if !slices.Contains(st.Labels, hold) {
			st.Labels = append(st.Labels, hold)
		}
		return fmt.Sprintf("on hold (label `%s`): herald will not publish this pull request until `/herald unhold`.", hold), true
	case "unhold":
		if !b.dryRun {
			if _, err := e.prs.RemoveLabel(ctx, p.Number, hold); err != nil {
				log.Error("unhold failed", "err", err)
				return "could not take the pull request off hold: " + err.Error(), false
			}
		}
		st.Labels = slices.DeleteFunc(st.Labels, func(l string) bool { return l == hold })
		return "no longer on hold: herald publishes it at its time.", true
	case "schedule":
		return b.reschedule(ctx, e, log, p, h, st, c)
	case "publish":
		return b.publishNow(ctx, e, log, st, cfg)
	}
	return "herald does not know this command.", false
}

// reschedule commits the new date into every dated post of the pull request
// on its head branch.
func (b *Bot) reschedule(ctx context.Context, e *env, log *slog.Logger, p forge.PullRequest, h *headInfo, st *publish.PR, c command) (string, bool) {
	loc := h.site.Location()
	args := c.args
	var zone *time.Location
	if len(args) > 1 {
		if z, err := time.LoadLocation(args[len(args)-1]); err == nil && (strings.Contains(args[len(args)-1], "/") || args[len(args)-1] == "UTC") {
			zone, args = z, args[:len(args)-1]
		}
	}
	readIn := loc
	if zone != nil {
		readIn = zone
	}
	at, err := content.ParseDate(strings.Join(args, " "), readIn)
	if err != nil {
		return fmt.Sprintf("cannot read the time: %v. Write it as `2026-03-02T09:00`, optionally followed by a zone such as `Europe/Berlin`.", err), false
	}
	if p.HeadCloneURL != "" && e.repo.CloneURL != "" && p.HeadCloneURL != e.repo.CloneURL {
		return "the branch of this pull request lives in a fork, where herald cannot push; change the date in the post's front matter instead.", false
	}
	var dated []*content.Post
	for _, post := range h.posts {
		if post.Readable() {
			dated = append(dated, post)
		}
	}
	if len(dated) == 0 {
		return "this pull request changes no post to reschedule.", false
	}
	branch := &mirrorBranch{m: e.mirror, ref: "refs/heads/" + p.HeadRef}
	var commits []string
	for _, post := range dated {
		r := publish.Reschedule{Path: post.Path, At: at, Zone: zone, Profile: h.site.Profile, Location: loc,
			Author: publish.Signature{Name: b.committer.Name, Email: b.committer.Email}, By: c.user, Now: b.now()}
		if b.dryRun {
			log.Info("dry run: would reschedule", "post", post.Path, "at", at)
			continue
		}
		commit, err := publish.RescheduleOnBranch(ctx, branch, r)
		if err != nil {
			log.Error("reschedule failed", "post", post.Path, "err", err)
			return fmt.Sprintf("could not change the date of `%s`: %v", post.Path, err), false
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
		return "the posts already say " + when + "; nothing to change.", true
	}
	return fmt.Sprintf("rescheduled to %s (commit %s on `%s`).", when, strings.Join(commits, ", "), p.HeadRef), true
}

// publishNow publishes the pull request at once if nothing blocks it, and
// says why not otherwise.
func (b *Bot) publishNow(ctx context.Context, e *env, log *slog.Logger, st *publish.PR, cfg publish.Config) (string, bool) {
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
		return "there is no post here that herald can publish (a draft, or a date that cannot be read).", false
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
		return "not published: " + strings.Join(reasons, " "), false
	}
	res := b.publisher(e).Publish(ctx, actions)
	for _, o := range res.Outcomes {
		if _, ok := o.Action.(publish.Merge); !ok {
			continue
		}
		switch o.Status {
		case publish.OutcomeDone, publish.OutcomeAlreadyDone, publish.OutcomeDryRun:
			e.merged = append(e.merged, st.Number)
			return "published.", true
		default:
			log.Error("publish now failed", "outcome", o.Status, "err", o.Err)
			return fmt.Sprintf("not published: %v", o.Err), false
		}
	}
	return "not published.", false
}

const helpText = "herald understands these commands, from people with write access:\n" +
	"  - `/herald publish now`: publish at once, if nothing blocks it\n" +
	"  - `/herald schedule <time> [zone]`: set a new publish time in the post's front matter\n" +
	"  - `/herald hold` / `/herald unhold`: keep the pull request from being published, or let it go\n" +
	"  - `/herald check`: check the posts again\n" +
	"  - `/herald help`: this list"
