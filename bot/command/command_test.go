package command_test

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/heraldhq/herald/bot/command"
)

func zone(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// got is a compact view of Parse's answer.
type got struct {
	Verb string
	Line int
	At   string
	Zone string
}

func TestParse(t *testing.T) {
	ber := zone(t, "Europe/Berlin")
	now := time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		name, body string
		want       []got
	}{
		{"publish now", "/herald publish now", []got{{Verb: "publish", Line: 1}}},
		{"case-insensitive", "/HERALD Publish NOW", []got{{Verb: "publish", Line: 1}}},
		{"bare herald is help", "/herald", []got{{Verb: "help", Line: 1}}},
		{"hold unhold check help", "/herald hold\n/herald unhold\n\n/herald check\n/herald help", []got{
			{Verb: "hold", Line: 1}, {Verb: "unhold", Line: 2}, {Verb: "check", Line: 4}, {Verb: "help", Line: 5}}},
		{"in prose, only at line starts", "Looks good!\n/herald hold\nPlease do not /herald publish now yet.", []got{{Verb: "hold", Line: 2}}},
		{"indented up to three spaces", "   /herald check", []got{{Verb: "check", Line: 1}}},
		{"crlf", "Thanks\r\n/herald check\r\n", []got{{Verb: "check", Line: 2}}},
		{"not a prefix of a longer word", "/heraldry is old\n/herald-bot check", nil},
		{"quoted from an earlier comment", "> /herald publish now\n\nNo, wait.", nil},
		{"lazy quote continuation", "> Earlier someone said\n/herald publish now\n\n/herald hold", []got{{Verb: "hold", Line: 4}}},
		{"fenced code", "Use this:\n```\n/herald publish now\n```\n~~~~md\n/herald hold\n~~~\n/herald hold\n~~~~\n/herald check", []got{{Verb: "check", Line: 10}}},
		{"indented code", "Example:\n\n    /herald publish now\n\t/herald hold", nil},
		{"html comment", "<!--\n/herald publish now\n-->\n<!-- /herald hold -->\n/herald check", []got{{Verb: "check", Line: 5}}},
		{"list items are not commands", "- /herald publish now", nil},
		{"schedule date and time in the site zone", "/herald schedule 2026-03-02 09:00", []got{{Verb: "schedule", Line: 1, At: "2026-03-02T08:00:00Z", Zone: "Europe/Berlin"}}},
		{"schedule T form", "/herald schedule 2026-03-02T09:00", []got{{Verb: "schedule", Line: 1, At: "2026-03-02T08:00:00Z", Zone: "Europe/Berlin"}}},
		{"schedule with zone", "/herald schedule 2026-03-02 09:00 America/New_York", []got{{Verb: "schedule", Line: 1, At: "2026-03-02T14:00:00Z", Zone: "America/New_York"}}},
		{"schedule rfc3339", "/herald schedule 2026-03-02T09:00:00+01:00", []got{{Verb: "schedule", Line: 1, At: "2026-03-02T08:00:00Z", Zone: "Europe/Berlin"}}},
		{"schedule date only is midnight", "/herald schedule 2026-03-02", []got{{Verb: "schedule", Line: 1, At: "2026-03-01T23:00:00Z", Zone: "Europe/Berlin"}}},
		{"several commands", "/herald schedule 2026-03-02 UTC\n/herald unhold", []got{
			{Verb: "schedule", Line: 1, At: "2026-03-02T00:00:00Z", Zone: "UTC"}, {Verb: "unhold", Line: 2}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cmds, errs := command.Parse(tt.body, command.Options{Location: ber, Now: now})
			for _, e := range errs {
				t.Errorf("unexpected error: %v", e)
			}
			var g []got
			for _, c := range cmds {
				x := got{Verb: string(c.Verb), Line: c.Line}
				if c.Verb == command.Schedule {
					x.At, x.Zone = c.At.UTC().Format(time.RFC3339), c.Zone.String()
				}
				g = append(g, x)
			}
			if diff := cmp.Diff(tt.want, g); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	ber := zone(t, "Europe/Berlin")
	now := time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		name, body string
		allowed    []string
		want       string // the start of the message
		wantList   bool   // the message lists the commands
	}{
		{name: "unknown with suggestion", body: "/herald pubilsh now", want: "`/herald pubilsh` is not a command herald knows. Did you mean `/herald publish`?", wantList: true},
		{name: "unknown", body: "/herald deploy", want: "`/herald deploy` is not a command herald knows.\n\nherald knows these commands", wantList: true},
		{name: "publish without now", body: "/herald publish", want: "To publish at once, write `/herald publish now`."},
		{name: "hold with arguments", body: "/herald hold off", want: "`/herald hold` takes nothing after it; write it on a line of its own."},
		{name: "schedule without time", body: "/herald schedule", want: "`/herald schedule` needs a time. Write the time as"},
		{name: "schedule bad time", body: "/herald schedule tomorrow", want: "`tomorrow` is not a time herald understands. Write the time as"},
		{name: "schedule bad zone", body: "/herald schedule 2026-03-02 09:00 Mars/Olympus", want: "`Mars/Olympus` is not a time zone herald knows. Use an IANA name such as `Europe/Berlin`"},
		{name: "schedule local zone refused", body: "/herald schedule 2026-03-02 Local", want: "`Local` is not a time zone herald knows."},
		{name: "schedule too many words", body: "/herald schedule 2026-03-02 09:00 Europe/Berlin please", want: "`/herald schedule` takes a time and at most a time zone"},
		{name: "DST gap in Berlin", body: "/herald schedule 2026-03-29 02:30", want: "`2026-03-29 02:30` does not exist in Europe/Berlin: the clocks skip that hour for daylight saving time. Pick another time, or give an offset such as `2026-03-29T03:30:00+02:00`."},
		{name: "DST overlap in New York", body: "/herald schedule 2026-11-01 01:30 America/New_York", want: "`2026-11-01 01:30` happens twice in America/New_York, because the clocks go back that night. Say which with an offset: `2026-11-01T01:30:00-04:00` or `2026-11-01T01:30:00-05:00`."},
		{name: "in the past", body: "/herald schedule 2026-01-15 09:00", want: "2026-01-15 09:00 CET is in the past. To publish at once, write `/herald publish now`."},
		{name: "turned off", body: "/herald publish now", allowed: []string{"hold", "unhold"}, want: "`/herald publish` is turned off in this repository"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cmds, errs := command.Parse(tt.body, command.Options{Location: ber, Now: now, Allowed: tt.allowed})
			if len(cmds) != 0 || len(errs) != 1 {
				t.Fatalf("commands %+v, errors %v", cmds, errs)
			}
			e := errs[0]
			if e.Line != 1 || e.Text != strings.TrimSpace(tt.body) {
				t.Errorf("line %d %q", e.Line, e.Text)
			}
			if !strings.HasPrefix(e.Message, tt.want) {
				t.Errorf("message:\n%s\nwant it to start with:\n%s", e.Message, tt.want)
			}
			if got := strings.Contains(e.Message, "| `/herald schedule <time> [zone]` |"); got != tt.wantList {
				t.Errorf("lists the commands: %v, want %v", got, tt.wantList)
			}
		})
	}
}

func TestParseKeepsGoodCommandsBesideBadOnes(t *testing.T) {
	cmds, errs := command.Parse("/herald hold\n/herald frobnicate\n/herald check", command.Options{})
	if len(cmds) != 2 || cmds[0].Verb != command.Hold || cmds[1].Verb != command.Check || cmds[1].Line != 3 {
		t.Errorf("commands %+v", cmds)
	}
	if len(errs) != 1 || errs[0].Line != 2 {
		t.Errorf("errors %v", errs)
	}
}

func TestHelpAndRefusal(t *testing.T) {
	help := command.HelpText(zone(t, "Europe/Berlin"))
	for _, v := range command.Verbs() {
		if !strings.Contains(help, "`/herald "+string(v)) {
			t.Errorf("help lacks %s", v)
		}
	}
	if !strings.Contains(help, "(default: the site's, `Europe/Berlin`)") {
		t.Errorf("help does not name the site zone:\n%s", help)
	}
	// herald's own help, quoted back or posted, gives no command.
	if cmds, errs := command.Parse(help, command.Options{}); len(cmds)+len(errs) != 0 {
		t.Errorf("the help text parses as commands: %+v %v", cmds, errs)
	}
	cmds, _ := command.Parse("/herald publish now", command.Options{})
	want := "Thanks, @bob. `/herald publish now` needs write access to this repository, and you have read access, so herald did not act on it. A maintainer can run it for you."
	if got := command.Refusal("bob", "read", cmds[0]); got != want {
		t.Errorf("refusal:\n%s\nwant\n%s", got, want)
	}
}
