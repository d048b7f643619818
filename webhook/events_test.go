package webhook

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestRequestsFor covers the shapes the fixtures do not have: payloads cut
// down to the fields herald reads.
func TestRequestsFor(t *testing.T) {
	const repo = `"repository":{"id":7,"full_name":"o/r"}`
	tests := []struct {
		name    string
		event   string
		payload string
		want    []Request
		why     string
	}{
		{"check suite with its pull requests, another repository's left out", "check_suite",
			`{"action":"completed",` + repo + `,"check_suite":{"head_sha":"abc","app":{"slug":"ci"},"pull_requests":[
				{"number":3,"base":{"repo":{"id":7}}},{"number":3,"base":{"repo":{"id":7}}},{"number":4},{"number":5,"base":{"repo":{"id":8}}}]}}`,
			[]Request{{Repo: "o/r", PR: 3, Event: "check_suite", Action: "completed", HeadSHA: "abc", CheckApp: "ci"},
				{Repo: "o/r", PR: 4, Event: "check_suite", Action: "completed", HeadSHA: "abc", CheckApp: "ci"}}, ""},
		{"check run only on another repository's pull request", "check_run",
			`{"action":"completed",` + repo + `,"check_run":{"name":"herald","head_sha":"abc","app":{"slug":"herald"},
				"pull_requests":[{"number":5,"base":{"repo":{"id":8}}}]},"sender":{"login":"herald[bot]"}}`,
			[]Request{{Repo: "o/r", Event: "check_run", Action: "completed", HeadSHA: "abc", CheckName: "herald", CheckApp: "herald", Sender: "herald[bot]"}}, ""},
		{"status of a commit, repository named by owner and name only", "status",
			`{"sha":"abc","context":"herald","repository":{"name":"r","owner":{"login":"o"}},"installation":{"id":42}}`,
			[]Request{{Repo: "o/r", Event: "status", InstallationID: 42, HeadSHA: "abc", StatusContext: "herald"}}, ""},
		{"push named by owner and name only", "push",
			`{"after":"abc","repository":{"name":"r","owner":{"login":"o"}}}`,
			[]Request{{Repo: "o/r", Event: "push", HeadSHA: "abc"}}, ""},
		{"full name that is not owner/name", "installation",
			`{"action":"created","repositories":[{"full_name":"0"},{"full_name":"a/b/c"},{"full_name":"/r"},null,{"id":7,"full_name":"o/r"}]}`,
			[]Request{{Repo: "o/r", Event: "installation", Action: "created"}}, ""},
		{"push without repository", "push", `{}`, nil, "the event names no repository"},
		{"review comment", "pull_request_review_comment",
			`{"action":"created",` + repo + `,"pull_request":{"number":9,"head":{"sha":"abc"}},"sender":{"login":"ann"}}`,
			[]Request{{Repo: "o/r", PR: 9, Event: "pull_request_review_comment", Action: "created", HeadSHA: "abc", Sender: "ann"}}, ""},
		{"pull request numbered only inside", "pull_request",
			`{"action":"opened",` + repo + `,"pull_request":{"number":9}}`,
			[]Request{{Repo: "o/r", PR: 9, Event: "pull_request", Action: "opened"}}, ""},
		{"comment on a pull request", "issue_comment",
			`{"action":"created",` + repo + `,"issue":{"number":4,"pull_request":{}},"sender":{"login":"ann"}}`,
			[]Request{{Repo: "o/r", PR: 4, Event: "issue_comment", Action: "created", Sender: "ann"}}, ""},
		{"comment on an issue", "issue_comment", `{"action":"created",` + repo + `,"issue":{"number":4,"pull_request":null}}`, nil,
			"the comment is on an issue, not a pull request"},
		{"comment without an issue", "issue_comment", `{"action":"created",` + repo + `}`, nil,
			"the comment is on an issue, not a pull request"},
		{"issue", "issues", `{"action":"opened",` + repo + `}`, nil,
			"the event is about an issue, not a pull request"},
		{"label, about the repository", "label", `{"action":"created",` + repo + `}`,
			[]Request{{Repo: "o/r", Event: "label", Action: "created"}}, ""},
		{"repositories removed", "installation_repositories",
			`{"action":"removed","repositories_removed":[{"full_name":"o/r"}]}`, nil,
			"repositories removed need no reconcile"},
		{"installation with no repository", "installation", `{"action":"created"}`, nil, "installation has no repositories"},
		{"event with no repository at all", "github_app_authorization", `{"action":"revoked"}`, nil, "the event names no repository"},
		{"event about a user that carries a repository", "security_and_analysis", `{` + repo + `}`, nil, "the event names no repository"},
		{"null payload", "pull_request", `null`, nil, "the event names no repository"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := decodePayload(tt.event, []byte(tt.payload))
			if err != nil {
				t.Fatal(err)
			}
			got, why := requestsFor(tt.event, "", p)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("requests (-want +got):\n%s", diff)
			}
			if why != tt.why && len(got) == 0 {
				t.Errorf("reason = %q, want %q", why, tt.why)
			}
		})
	}
}

// TestDecodePayloadErrors shows the message a sender sees when a field
// herald reads has the wrong type.
func TestDecodePayloadErrors(t *testing.T) {
	tests := []struct {
		name, event, payload, want string
	}{
		{"number as a string", "pull_request", `{"number":"two"}`,
			"payload is not valid: pull_request payload: json: cannot unmarshal string into Go struct field .number of type int"},
		{"installation id as a string", "push", `{"installation":{"id":"x"}}`,
			"payload is not valid: push payload: json: cannot unmarshal string into Go struct field .installation.id of type int64"},
		{"pull requests of a check suite not a list", "check_suite", `{"check_suite":{"pull_requests":{}}}`,
			"payload is not valid: check_suite payload: json: cannot unmarshal object into Go struct field .check_suite.pull_requests of type array"},
		{"sender not an object", "push", `{"sender":"ann"}`,
			"payload is not valid: push payload: json: cannot unmarshal string into Go struct field .sender of type object"},
		{"not an object", "push", `[]`, "payload is not valid: push payload: json: the payload is an array, want an object"},
		{"a number", "push", `12`, "payload is not valid: push payload: json: the payload is a number, want an object"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := decodePayload(tt.event, []byte(tt.payload))
			if err == nil || err.Error() != tt.want {
				t.Errorf("error = %v\nwant    %s", err, tt.want)
			}
		})
	}
}

// BenchmarkDecodePayload measures the receiver's reading of a 28 KB
// pull_request payload; BenchmarkReceiver has go-github's full decode and a
// decode into a map beside it.
func BenchmarkDecodePayload(b *testing.B) {
	body, err := os.ReadFile(filepath.Join("..", "testdata", "github", "webhooks", "pull_request", "opened.json"))
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		p, err := decodePayload("pull_request", body)
		if err != nil {
			b.Fatal(err)
		}
		if reqs, _ := requestsFor("pull_request", "d", p); len(reqs) != 1 {
			b.Fatal(reqs)
		}
	}
}
