package command

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/heraldhq/herald/content"
)

// Verb names a command.
type Verb string

// The commands herald knows.
const (
	Publish  Verb = "publish"
	Schedule Verb = "schedule"
	Hold     Verb = "hold"
	Unhold   Verb = "unhold"
	Check    Verb = "check"
	Help     Verb = "help"
)

// Verbs lists the commands in the order help shows them.
func Verbs() []Verb { return []Verb{Publish, Schedule, Hold, Unhold, Check, Help} }

// Command is one command found in a comment.
type Command struct {
	Verb Verb
	// Line is the 1-based line of the comment it was written on, and Text
	// the line as written (trimmed), for the answer.
	Line int
	Text string
	// At is the new publish time of a Schedule command.
	At time.Time
	// Zone is the zone a Schedule time was read in: the one given, or the
	// site's. ZoneGiven tells which.
	Zone      *time.Location
	ZoneGiven bool
}

// Error is a line that looks like a command but is not a valid one.
type Error struct {
	Line int
	Text string
	// Message is for the person who wrote the comment (Markdown).
	Message string
}

// Error returns the message with the line.
func (e *Error) Error() string { return fmt.Sprintf("line %d: %s", e.Line, e.Message) }

// Options are what Parse needs to know of the repository.
type Options struct {
	// Location is the site's time zone, for schedule times without an
	// offset or zone; nil means UTC.
	Location *time.Location
	// Now, when set, makes a schedule time in the past an error.
	Now time.Time
	// Allowed lists the commands the repository allows (.herald.yml
	// "commands"); empty allows all. Help is always allowed.
	Allowed []string
}

var clockRE = regexp.MustCompile(`^\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?$`)

// Parse returns the commands in body, in order, and an error for each line
// that starts with "/herald" but is not a valid command.
func Parse(body string, o Options) ([]Command, []*Error) {
	if o.Location == nil {
		o.Location = time.UTC
	}
	var cmds []Command
	var errs []*Error
	for n, line := range commandLines(body) {
		c, err := parseLine(line, o)
		if err != "" {
			errs = append(errs, &Error{Line: n, Text: line, Message: err})
			continue
		}
		c.Line, c.Text = n, line
		cmds = append(cmds, c)
	}
	return cmds, errs
}

// commandLines returns the lines that may hold a command, by 1-based line
// number, trimmed, in order.
func commandLines(body string) func(yield func(int, string) bool) {
	return func(yield func(int, string) bool) {
		lines := strings.Split(strings.ReplaceAll(body, "\r\n", "\n"), "\n")
		var fence string // the opening fence while inside fenced code
		quote := false   // inside a block quote paragraph (lazy lines count)
		comment := false // inside an HTML comment
		for i, raw := range lines {
			line := strings.ReplaceAll(raw, "\t", "    ")
			indent := len(line) - len(strings.TrimLeft(line, " "))
			t := strings.TrimSpace(line)
			switch {
			case comment:
				if strings.Contains(t, "-->") {
					comment = false
				}
				continue
			case fence != "":
				if indent < 4 && strings.HasPrefix(t, fence) && strings.Trim(t, fence[:1]) == "" {
					fence = ""
				}
				continue
			case t == "":
				quote = false
				continue
			case indent >= 4:
				continue // indented code, or a continuation of something else
			case strings.HasPrefix(t, ">"):
				quote = true
				continue
			case quote:
				continue // a lazy continuation line of the quote
			case strings.HasPrefix(t, "```") || strings.HasPrefix(t, "~~~"):
				ch := t[:1]
				fence = t[:len(t)-len(strings.TrimLeft(t, ch))]
				continue
			case strings.HasPrefix(t, "<!--"):
				if !strings.Contains(t[4:], "-->") {
					comment = true
				}
				continue
			}
			if len(t) >= len("/herald") && strings.EqualFold(t[:len("/herald")], "/herald") &&
				(len(t) == len("/herald") || t[len("/herald")] == ' ') {
				if !yield(i+1, t) {
					return
				}
			}
		}
	}
}

func parseLine(line string, o Options) (Command, string) {
	f := strings.Fields(line)[1:]
	if len(f) == 0 {
		return Command{Verb: Help}, ""
	}
	verb := Verb(strings.ToLower(f[0]))
	args := f[1:]
	if !slices.Contains(Verbs(), verb) {
		msg := fmt.Sprintf("`/herald %s` is not a command herald knows.", f[0])
		names := make([]string, 0, len(Verbs()))
		for _, v := range Verbs() {
			names = append(names, string(v))
		}
		if near := content.Nearest(strings.ToLower(f[0]), names); near != "" {
			msg += fmt.Sprintf(" Did you mean `/herald %s`?", near)
		}
		return Command{}, msg + "\n\n" + commandList(o.Location)
	}
	if verb != Help && len(o.Allowed) > 0 && !slices.Contains(o.Allowed, string(verb)) {
		return Command{}, fmt.Sprintf("`/herald %s` is turned off in this repository (the `commands` setting of `.herald.yml`).", verb)
	}
	switch verb {
	case Publish:
		if len(args) == 1 && strings.EqualFold(args[0], "now") {
			return Command{Verb: Publish}, ""
		}
		return Command{}, "To publish at once, write `/herald publish now`. To publish at another time, use `/herald schedule <time> [zone]`."
	case Schedule:
		return parseSchedule(args, o)
	}
	if len(args) > 0 {
		return Command{}, fmt.Sprintf("`/herald %s` takes nothing after it; write it on a line of its own.", verb)
	}
	return Command{Verb: verb}, ""
}

func parseSchedule(args []string, o Options) (Command, string) {
	usage := "Write the time as `2026-03-02 09:00`, `2026-03-02T09:00`, `2026-03-02T09:00:00+01:00` or `2026-03-02`, optionally followed by a time zone such as `Europe/Berlin`: `/herald schedule 2026-03-02 09:00 Europe/Berlin`."
	if len(args) == 0 {
		return Command{}, "`/herald schedule` needs a time. " + usage
	}
	value, rest := args[0], args[1:]
	if len(rest) > 0 && clockRE.MatchString(rest[0]) {
		value, rest = value+" "+rest[0], rest[1:]
	}
	c := Command{Verb: Schedule, Zone: o.Location}
	// A time that is not one at all is named first, whatever follows it.
	var de *content.DateError
	if _, err := content.ParseDate(value, time.UTC); errors.As(err, &de) && de.Kind == content.DateInvalid {
		return Command{}, fmt.Sprintf("`%s` is not a time herald understands. %s", strings.Join(args, " "), usage)
	}
	switch len(rest) {
	case 0:
	case 1:
		z := rest[0]
		loc, err := time.LoadLocation(z)
		if err != nil || z == "" || strings.EqualFold(z, "local") {
			return Command{}, fmt.Sprintf("`%s` is not a time zone herald knows. Use an IANA name such as `Europe/Berlin`, `America/New_York` or `UTC`.", z)
		}
		c.Zone, c.ZoneGiven = loc, true
	default:
		return Command{}, fmt.Sprintf("`/herald schedule` takes a time and at most a time zone; `%s` is more than that. %s", strings.Join(args, " "), usage)
	}
	t, err := content.ParseDate(value, c.Zone)
	if err != nil {
		if errors.As(err, &de) {
			switch de.Kind {
			case content.DateNonexistent:
				return Command{}, fmt.Sprintf("`%s` does not exist in %s: the clocks skip that hour for daylight saving time. Pick another time, or give an offset such as `%s`.", value, c.Zone, exampleOffset(value, c.Zone))
			case content.DateAmbiguous:
				msg := fmt.Sprintf("`%s` happens twice in %s, because the clocks go back that night.", value, c.Zone)
				if len(de.Candidates) == 2 {
					msg += fmt.Sprintf(" Say which with an offset: `%s` or `%s`.", de.Candidates[0].Format(time.RFC3339), de.Candidates[1].Format(time.RFC3339))
				}
				return Command{}, msg
			}
		}
		return Command{}, fmt.Sprintf("`%s` is not a time herald understands. %s", value, usage)
	}
	if !o.Now.IsZero() && t.Before(o.Now) {
		return Command{}, fmt.Sprintf("%s is in the past. To publish at once, write `/herald publish now`.", t.In(c.Zone).Format("2006-01-02 15:04 MST"))
	}
	c.At = t
	return c, ""
}

// exampleOffset suggests an exact form of a local time that does not exist:
// the instant Go's calendar arithmetic gives it (02:30 in a gap that skips
// from 02:00 to 03:00 becomes 03:30 with the summer offset).
func exampleOffset(value string, loc *time.Location) string {
	v := strings.Replace(value, "T", " ", 1)
	for _, layout := range []string{"2006-01-02 15:04", "2006-01-02 15:04:05", "2006-1-2 15:04"} {
		if t, err := time.ParseInLocation(layout, v, loc); err == nil {
			return t.Format(time.RFC3339)
		}
	}
	return "2026-03-29T03:30:00+02:00"
}

func commandList(loc *time.Location) string {
	return "herald knows these commands, each on a line of its own:\n\n" + table(loc)
}

func table(loc *time.Location) string {
	if loc == nil {
		loc = time.UTC
	}
	return "| Command | What it does |\n|---|---|\n" +
		"| `/herald publish now` | Publish now instead of at the post's date. |\n" +
		fmt.Sprintf("| `/herald schedule <time> [zone]` | Set a new publish time: herald commits the date into the post's front matter on this branch. `<time>` is `2026-03-02 09:00`, `2026-03-02T09:00:00+01:00` or `2026-03-02`; `[zone]` is a time zone such as `Europe/Berlin` (default: the site's, `%s`). |\n", loc) +
		"| `/herald hold` | Do not publish until `/herald unhold`. |\n" +
		"| `/herald unhold` | Lift the hold; publish at the date. |\n" +
		"| `/herald check` | Check the posts again. |\n" +
		"| `/herald help` | Show this help. |\n"
}

// HelpText is the answer to "/herald help" (Markdown), naming loc as the
// default zone of schedule times.
func HelpText(loc *time.Location) string {
	return "**herald commands.** Write each at the start of a line of its own in a comment on this pull request:\n\n" +
		table(loc) +
		"\nOnly people with write access to the repository can use them. Commands inside quotes and code blocks are ignored."
}

// Refusal is the answer to a command from user, who has only perm access
// ("read", "triage", "none"): polite, and saying who can help.
func Refusal(user, perm string, c Command) string {
	if perm == "" {
		perm = "no"
	}
	return fmt.Sprintf("Thanks, @%s. `%s` needs write access to this repository, and you have %s access, so herald did not act on it. A maintainer can run it for you.", user, c.Text, perm)
}
