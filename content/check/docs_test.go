package check

import (
	"flag"
	"os"
	"testing"

	"github.com/google/go-cmp/cmp"
)

var update = flag.Bool("update", false, "rewrite docs/rules.md and golden files")

func TestRulesDoc(t *testing.T) {
	const file = "../../docs/rules.md"
	want := RulesMarkdown()
	if *update {
		if err := os.MkdirAll("../../docs", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(file, want, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile(file)
	if err != nil {
		t.Fatalf("%v (run go generate ./content/check)", err)
	}
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("docs/rules.md is stale; run go generate ./content/check (-generated +file):\n%s", diff)
	}
}

func TestRulesWellFormed(t *testing.T) {
	seen := map[string]bool{}
	for _, r := range Rules() {
		t.Run(r.ID, func(t *testing.T) {
			if seen[r.ID] {
				t.Errorf("duplicate rule %s", r.ID)
			}
			seen[r.ID] = true
			switch r.Severity {
			case "info", "warning", "error":
			default:
				t.Errorf("severity %q", r.Severity)
			}
			if r.Summary == "" || r.Details == "" || r.Example == "" || r.Family == "" {
				t.Errorf("incomplete definition: %+v", r)
			}
		})
	}
}
