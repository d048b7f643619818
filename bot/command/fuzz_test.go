package command_test

import (
	"strings"
	"testing"
	"time"

	"github.com/heraldhq/herald/bot/command"
)

// FuzzParse checks that any comment parses without panicking, and that
// every command and error points at a line of the comment that starts with
// "/herald".
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"/herald publish now",
		"> /herald hold\n/herald check",
		"```\n/herald hold\n```\n/herald schedule 2026-03-29 02:30 Europe/Berlin",
		"<!--\n/herald x\n-->",
		"/herald schedule 2026-03-02 09:00 America/New_York extra",
		"/herald\t",
		"/HERALD",
	} {
		f.Add(s)
	}
	ber, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, body string) {
		cmds, errs := command.Parse(body, command.Options{Location: ber})
		lines := strings.Split(strings.ReplaceAll(body, "\r\n", "\n"), "\n")
		check := func(n int, text string) {
			if n < 1 || n > len(lines) {
				t.Fatalf("line %d out of range", n)
			}
			if !strings.HasPrefix(strings.ToLower(text), "/herald") {
				t.Fatalf("line %d %q is not a command line", n, text)
			}
		}
		for _, c := range cmds {
			check(c.Line, c.Text)
			if c.Verb == command.Schedule && (c.At.IsZero() || c.Zone == nil) {
				t.Fatalf("schedule without a time: %+v", c)
			}
		}
		for _, e := range errs {
			check(e.Line, e.Text)
			if e.Message == "" {
				t.Fatalf("error without a message at line %d", e.Line)
			}
		}
	})
}
