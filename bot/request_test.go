package bot

import (
	"testing"

	"github.com/heraldhq/herald/publish"
	"github.com/heraldhq/herald/webhook"
)

// TestRequestHints reads the hints of a webhook request: events caused by
// herald's own writes are skipped, and "Re-run" on herald's check asks for the
// head to be checked again.
func TestRequestHints(t *testing.T) {
	app := &Bot{login: "herald[bot]", appSlug: "herald"}
	token := &Bot{login: "herald-bot"}
	run := func(action, name, slug string) webhook.Request {
		return webhook.Request{Event: "check_run", Action: action, CheckName: name, CheckApp: slug, HeadSHA: "abc"}
	}
	suite := func(action, slug string) webhook.Request {
		return webhook.Request{Event: "check_suite", Action: action, CheckApp: slug, HeadSHA: "abc"}
	}
	tests := []struct {
		name    string
		b       *Bot
		r       webhook.Request
		echo    bool
		recheck string
	}{
		{"herald's check run created", app, run("created", CheckName, "herald"), true, ""},
		{"herald's check run completed", app, run("completed", CheckName, "herald"), true, ""},
		{"herald's check run re-run", app, run("rerequested", CheckName, "herald"), false, "abc"},
		{"herald's check run action", app, run("requested_action", CheckName, "herald"), false, "abc"},
		{"a check run of another App named herald", app, run("rerequested", CheckName, "impostor"), false, ""},
		{"another check run", app, run("completed", "build", "herald"), false, ""},
		{"a check run named herald, no App known", token, run("completed", CheckName, "anything"), true, ""},
		{"herald's check suite re-run", app, suite("rerequested", "herald"), false, "abc"},
		{"a check suite re-run, no App known", token, suite("rerequested", ""), false, ""},
		{"another App's check suite", app, suite("rerequested", "ci"), false, ""},
		{"herald's status", app, webhook.Request{Event: "status", StatusContext: CheckName}, true, ""},
		{"herald's schedule status", app, webhook.Request{Event: "status", StatusContext: publish.StatusContext}, true, ""},
		{"CI's status", app, webhook.Request{Event: "status", StatusContext: "ci/build"}, false, ""},
		{"herald's comment", app, webhook.Request{Event: "issue_comment", Action: "created", Sender: "herald[bot]"}, true, ""},
		{"an author's comment", app, webhook.Request{Event: "issue_comment", Action: "created", Sender: "ann"}, false, ""},
		{"herald's label", app, webhook.Request{Event: "pull_request", Action: "labeled", Sender: "herald[bot]"}, true, ""},
		{"a maintainer's label", app, webhook.Request{Event: "pull_request", Action: "unlabeled", Sender: "ann"}, false, ""},
		{"a push by herald", app, webhook.Request{Event: "pull_request", Action: "synchronize", Sender: "herald[bot]"}, false, ""},
		{"no login known", &Bot{}, webhook.Request{Event: "issue_comment", Sender: ""}, false, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.b.causedByHerald(tt.r); got != tt.echo {
				t.Errorf("causedByHerald = %v, want %v", got, tt.echo)
			}
			if got := tt.b.rerunHead(tt.r); got != tt.recheck {
				t.Errorf("rerunHead = %q, want %q", got, tt.recheck)
			}
		})
	}
}
