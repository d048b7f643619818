package command_test

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/heraldhq/herald/bot/command"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// golden compares got with testdata/name, or rewrites it with -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if diff := cmp.Diff(string(want), got); diff != "" {
		t.Errorf("%s (-want +got):\n%s", path, diff)
	}
}

func TestGoldenTexts(t *testing.T) {
	ber := zone(t, "Europe/Berlin")
	golden(t, "help.md", command.HelpText(ber))
	// What a person sees for a comment full of mistakes.
	body := strings.Join([]string{
		"/herald pubish now",
		"/herald schedule 2026-03-29 02:30",
		"/herald schedule 2026-10-25 02:30",
		"/herald schedule next week",
		"/herald hold please",
	}, "\n")
	_, errs := command.Parse(body, command.Options{Location: ber, Now: time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC)})
	var b strings.Builder
	for _, e := range errs {
		b.WriteString("> " + e.Text + "\n\n" + e.Message + "\n\n---\n\n")
	}
	golden(t, "errors.md", b.String())
}
