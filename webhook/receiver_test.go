package webhook_test

import (
	"bytes"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/heraldhq/herald/webhook"
)

// want is the expected outcome of a valid delivery of one fixture.
type want struct {
	status int
	text   string            // a part of the answer
	reqs   []webhook.Request // with the hints read from the payload
}

// pr builds an expected request.
func pr(repo string, n int, inst int64, event, action string) webhook.Request {
	return webhook.Request{Repo: repo, PR: n, InstallationID: inst, Event: event, Action: action}
}

// hinted is r with the sender and head commit a payload names.
func hinted(r webhook.Request, sender, head string) webhook.Request {
	r.Sender, r.HeadSHA = sender, head
	return r
}

// helloPR is the outcome of a fixture about Codertocat/Hello-World#2.
func helloPR(event, action string) want {
	return want{status: 202, reqs: []webhook.Request{hinted(pr("Codertocat/Hello-World", 2, 1, event, action), "Codertocat", helloHead)}}
}

// The head commits of the fixtures.
const (
	helloHead = "ec26c3e57ca3a959ca5aad62de7213c562f8c821"
	ocombe    = "ada5e37921fea45fa766fb8f06f99ed359bd9bf0"
)

// fixtureWants is the table of the real payloads (copied from GitHub's
// examples), one row per file, with the neutral request each one becomes.
var fixtureWants = map[string]want{
	// The fixture's times predate RFC 3339 in check runs; herald does not
	// read them, so the payload is accepted.
	"check_run/rerequested.json": {status: 202, reqs: []webhook.Request{func() webhook.Request {
		r := hinted(pr("github/hello-world", 0, 1, "check_run", "rerequested"), "octocat", "d6fde92930d4715a2b49857d24b940956b26d2d3")
		r.CheckName = "randscape"
		return r
	}()}},
	"check_suite/requested.json": {status: 202,
		reqs: []webhook.Request{hinted(pr("Codertocat/Hello-World", 0, 957387, "check_suite", "requested"), "Codertocat", "f95f852bd8fca8fcc58a9a2d6c842781e32a215e")}},
	"check_suite/rerequested.json": {status: 202,
		reqs: []webhook.Request{hinted(pr("Codertocat/Hello-World", 2, 957387, "check_suite", "rerequested"), "octocoders-linter[bot]", helloHead)}},
	"installation/created.json": {status: 202,
		reqs: []webhook.Request{hinted(pr("Codertocat/Hello-World", 0, 957387, "installation", "created"), "Codertocat", "")}},
	"installation/deleted.json": {status: 202, text: `event "installation" ignored: installation deleted needs no reconcile`},
	"installation_repositories/added.json": {status: 202,
		reqs: []webhook.Request{hinted(pr("Codertocat/Space", 0, 957387, "installation_repositories", "added"), "Codertocat", "")}},
	"issue_comment/created.json":                     {status: 202, text: `event "issue_comment" ignored: the comment is on an issue, not a pull request`},
	"issue_comment/edited.json":                      {status: 202, text: `event "issue_comment" ignored: the comment is on an issue, not a pull request`},
	"ping/payload.json":                              {status: 200, text: "pong"},
	"ping/with-app_id.json":                          {status: 200, text: "pong"},
	"pull_request/closed.json":                       helloPR("pull_request", "closed"),
	"pull_request/edited.json":                       {status: 202, reqs: []webhook.Request{hinted(pr("ocombe/test", 10, 63922, "pull_request", "edited"), "ocombe", ocombe)}},
	"pull_request/edited.synthetic-from-opened.json": helloPR("pull_request", "edited"),
	"pull_request/labeled.json":                      helloPR("pull_request", "labeled"),
	"pull_request/opened.json":                       helloPR("pull_request", "opened"),
	"pull_request/opened.with-null-body.json":        helloPR("pull_request", "opened"),
	"pull_request/reopened.json":                     helloPR("pull_request", "reopened"),
	"pull_request/synchronize.json":                  helloPR("pull_request", "synchronize"),
	"pull_request_review/submitted.json":             helloPR("pull_request_review", "submitted"),
	"push/branch-update.json": {status: 202,
		reqs: []webhook.Request{hinted(pr("ocombe/test", 0, 63922, "push", ""), "ocombe", "000429b21c9922ba743c9ada988b0afa76c83a98")}},
	"push/payload.json": {status: 202,
		reqs: []webhook.Request{hinted(pr("Codertocat/Hello-World", 0, 0, "push", ""), "Codertocat", "0000000000000000000000000000000000000000")}},
	"push/with-new-branch.json": {status: 202,
		reqs: []webhook.Request{hinted(pr("Codertocat/Hello-World", 0, 1, "push", ""), "Codertocat", "6113728f27ae82c7b1a177c8d03f9e96e0adf246")}},
}

// allFixtures lists every payload file, as "event/name.json".
func allFixtures(t *testing.T) []string {
	t.Helper()
	var names []string
	err := filepath.WalkDir(fixtures, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && strings.HasSuffix(path, ".json") {
			rel, err := filepath.Rel(fixtures, path)
			if err != nil {
				return err
			}
			names = append(names, filepath.ToSlash(rel))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(names) < 20 {
		t.Fatalf("found %d fixtures in %s, want the full set", len(names), fixtures)
	}
	return names
}

// TestReplayFixtures sends every real payload through the HTTP server, signed
// right, signed wrong, unsigned, signed with SHA-1 only and altered after
// signing, as JSON and form-encoded; only the valid ones are dispatched.
func TestReplayFixtures(t *testing.T) {
	rec := &recorder{}
	e := start(t, rec)
	for _, name := range allFixtures(t) {
		w, ok := fixtureWants[name]
		if !ok {
			t.Errorf("fixture %s has no expectation; add it to fixtureWants", name)
			continue
		}
		event := strings.Split(name, "/")[0]
		body := fixture(t, name)
		altered := bytes.Replace(body, []byte(`"Hello-World"`), []byte(`"Hello-Wor1d"`), 1)
		if bytes.Equal(altered, body) {
			altered = append(slices.Clone(body), ' ')
		}
		form := []byte("payload=" + url.QueryEscape(string(body)))

		variants := []struct {
			name        string
			contentType string
			body        []byte
			headers     map[string]string
			valid       bool
		}{
			{name: "valid", body: body, headers: map[string]string{"X-Hub-Signature-256": webhook.Sign([]byte(secret), body)}, valid: true},
			{name: "valid/previous secret", body: body, headers: map[string]string{"X-Hub-Signature-256": webhook.Sign([]byte(oldSecret), body)}, valid: true},
			{name: "valid/form-encoded", contentType: "application/x-www-form-urlencoded", body: form,
				headers: map[string]string{"X-Hub-Signature-256": webhook.Sign([]byte(secret), form)}, valid: true},
			{name: "wrong secret", body: body, headers: map[string]string{"X-Hub-Signature-256": webhook.Sign([]byte("not the secret"), body)}},
			{name: "missing", body: body},
			{name: "sha1 only", body: body, headers: map[string]string{"X-Hub-Signature": "sha1=" + strings.Repeat("ab", 20)}},
			{name: "body changed after signing", body: altered, headers: map[string]string{"X-Hub-Signature-256": webhook.Sign([]byte(secret), body)}},
			{name: "form body signed as JSON", contentType: "application/x-www-form-urlencoded", body: form,
				headers: map[string]string{"X-Hub-Signature-256": webhook.Sign([]byte(secret), body)}},
		}
		for i, v := range variants {
			t.Run(name+"/"+v.name, func(t *testing.T) {
				id := fmt.Sprintf("%s-%d", name, i)
				status, text := e.send(t, delivery{event: event, id: id, contentType: v.contentType, body: v.body, headers: v.headers})
				got := rec.take()
				if !v.valid {
					if status != http.StatusUnauthorized {
						t.Errorf("status = %d (%q), want 401", status, text)
					}
					if len(got) != 0 {
						t.Errorf("dispatched %d requests for an unverified delivery", len(got))
					}
					return
				}
				if status != w.status || !strings.Contains(text, w.text) {
					t.Errorf("answer = %d %q, want %d containing %q", status, text, w.status, w.text)
				}
				wantReqs := slices.Clone(w.reqs)
				for i := range wantReqs {
					wantReqs[i].DeliveryID = id
				}
				if diff := cmp.Diff(wantReqs, got, cmpopts.EquateEmpty()); diff != "" {
					t.Errorf("dispatched requests (-want +got):\n%s", diff)
				}
			})
		}
	}
}

// TestSignatureAnswers shows the message a sender sees for each bad signature.
func TestSignatureAnswers(t *testing.T) {
	rec := &recorder{}
	e := start(t, rec)
	body := fixture(t, "push/branch-update.json")
	tests := []struct {
		name    string
		headers map[string]string
		want    string
	}{
		{"missing", nil, "missing X-Hub-Signature-256 header"},
		{"sha1 only", map[string]string{"X-Hub-Signature": "sha1=0123"},
			"missing X-Hub-Signature-256 header (an X-Hub-Signature SHA-1 signature is not accepted; GitHub sends both when the webhook has a secret)"},
		{"no prefix", map[string]string{"X-Hub-Signature-256": strings.TrimPrefix(webhook.Sign([]byte(secret), body), "sha256=")},
			`X-Hub-Signature-256 must start with "sha256="`},
		{"wrong algorithm", map[string]string{"X-Hub-Signature-256": "sha1=" + strings.Repeat("0", 64)}, `X-Hub-Signature-256 must start with "sha256="`},
		{"short", map[string]string{"X-Hub-Signature-256": "sha256=abcd"}, "X-Hub-Signature-256 must hold 64 hex digits, got 4 characters"},
		{"not hex", map[string]string{"X-Hub-Signature-256": "sha256=" + strings.Repeat("zz", 32)}, "X-Hub-Signature-256 is not hexadecimal"},
		{"wrong", map[string]string{"X-Hub-Signature-256": webhook.Sign([]byte("guess"), body)}, "X-Hub-Signature-256 does not match the body for any configured secret"},
		{"upper-case hex of the right sum", map[string]string{"X-Hub-Signature-256": "sha256=" + strings.ToUpper(strings.TrimPrefix(webhook.Sign([]byte("guess"), body), "sha256="))},
			"X-Hub-Signature-256 does not match the body for any configured secret"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, text := e.send(t, delivery{event: "push", id: "sig-" + tt.name, body: body, headers: tt.headers})
			if status != http.StatusUnauthorized || text != tt.want+"\n" {
				t.Errorf("answer = %d %q, want 401 %q", status, text, tt.want)
			}
			if got := rec.take(); len(got) != 0 {
				t.Errorf("dispatched %v", got)
			}
		})
	}
}

// TestBadDeliveries shows the answer to each malformed but signed delivery,
// and that none of them is dispatched.
func TestBadDeliveries(t *testing.T) {
	pull := fixture(t, "pull_request/opened.json")
	sign := func(b []byte) map[string]string {
		return map[string]string{"X-Hub-Signature-256": webhook.Sign([]byte(secret), b)}
	}
	tests := []struct {
		name   string
		opts   []webhook.ReceiverOption
		d      delivery
		status int
		want   string
	}{
		{"GET", nil, delivery{method: http.MethodGet, event: "push"}, 405, "only POST is accepted"},
		{"over the limit, with Content-Length", []webhook.ReceiverOption{webhook.WithMaxBodyBytes(1024)},
			signed("pull_request", "big1", pull), 413, "body is larger than the limit: Content-Length 28011, limit 1024 bytes"},
		{"over the limit, chunked", []webhook.ReceiverOption{webhook.WithMaxBodyBytes(1024)},
			func() delivery { d := signed("pull_request", "big2", pull); d.chunked = true; return d }(), 413, "body is larger than the limit: limit 1024 bytes"},
		{"exactly at the limit", []webhook.ReceiverOption{webhook.WithMaxBodyBytes(int64(len(pull)))},
			signed("pull_request", "fits", pull), 202, "queued reconcile of Codertocat/Hello-World#2"},
		{"no event header", nil, signed("", "noevent", pull), 400, "missing X-GitHub-Event header"},
		{"plain text", nil, func() delivery { d := signed("pull_request", "txt", pull); d.contentType = "text/plain"; return d }(),
			415, `content type must be application/json or application/x-www-form-urlencoded (got "text/plain")`},
		{"no content type", nil, func() delivery {
			d := signed("pull_request", "noct", pull)
			d.headers["Content-Type"] = ""
			return d
		}(), 415, `content type must be application/json or application/x-www-form-urlencoded (got "")`},
		{"JSON with charset", nil, func() delivery {
			d := signed("pull_request", "charset", pull)
			d.contentType = "application/json; charset=utf-8"
			return d
		}(), 202, "queued reconcile of Codertocat/Hello-World#2"},
		{"form without payload", nil, delivery{event: "pull_request", id: "nopayload", contentType: "application/x-www-form-urlencoded",
			body: []byte("data=1"), headers: sign([]byte("data=1"))}, 400, "form-encoded body has no payload field"},
		{"truncated JSON", nil, signed("pull_request", "trunc", pull[:100]), 400, "payload is not valid: pull_request payload: unexpected end of JSON input"},
		{"JSON of the wrong shape", nil, signed("pull_request", "shape", []byte(`{"number":"two"}`)), 400,
			"payload is not valid: pull_request payload: json: cannot unmarshal string into Go struct field .number of type int"},
		{"event GitHub does not document", nil, signed("herald_future_event", "future", []byte(`{"repository":{"full_name":"a/b"}}`)), 202,
			`event "herald_future_event" ignored: not one herald handles`},
		{"event not subscribed", []webhook.ReceiverOption{webhook.WithEvents("push")}, signed("pull_request", "unsub", pull), 202,
			`event "pull_request" ignored: not one herald is set to handle`},
		{"event with no repository", nil, signed("pull_request", "norepo", []byte(`{"action":"opened","number":3}`)), 202,
			`event "pull_request" ignored: the event names no repository`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := &recorder{}
			e := start(t, rec, tt.opts...)
			status, text := e.send(t, tt.d)
			if status != tt.status || text != tt.want+"\n" {
				t.Errorf("answer = %d %q, want %d %q", status, text, tt.status, tt.want)
			}
			if got := rec.take(); (status == 202 && strings.HasPrefix(tt.want, "queued")) != (len(got) == 1) {
				t.Errorf("dispatched %d requests", len(got))
			}
		})
	}
}

// TestIssueCommentOnPullRequest dispatches a comment on a pull request for
// that pull request (the fixtures only have comments on plain issues, so one
// is turned into a pull request comment the way GitHub shapes it).
func TestIssueCommentOnPullRequest(t *testing.T) {
	body := bytes.Replace(fixture(t, "issue_comment/created.json"), []byte(`"issue": {`),
		[]byte(`"issue": {"pull_request": {"url": "https://api.github.com/repos/Codertocat/Hello-World/pulls/1", "html_url": "https://github.com/Codertocat/Hello-World/pull/1"}, `), 1)
	rec := &recorder{}
	e := start(t, rec)
	status, text := e.send(t, signed("issue_comment", "c1", body))
	if status != http.StatusAccepted {
		t.Fatalf("answer = %d %q, want 202", status, text)
	}
	want := []webhook.Request{{Repo: "Codertocat/Hello-World", PR: 1, Event: "issue_comment", Action: "created", DeliveryID: "c1", Sender: "Codertocat"}}
	if diff := cmp.Diff(want, rec.take()); diff != "" {
		t.Errorf("dispatched (-want +got):\n%s", diff)
	}
}

// TestDedupe answers a redelivery 200 without dispatching it again, but
// accepts a redelivery of one that could not be queued.
func TestDedupe(t *testing.T) {
	rec := &recorder{}
	e := start(t, rec)
	body := fixture(t, "pull_request/synchronize.json")
	steps := []struct {
		name     string
		id       string
		queueErr error
		status   int
		text     string
		queued   int
	}{
		{"first delivery", "d-1", nil, 202, "queued reconcile of Codertocat/Hello-World#2\n", 1},
		{"redelivery", "d-1", nil, 200, "delivery d-1 already accepted\n", 0},
		{"another delivery", "d-2", nil, 202, "queued reconcile of Codertocat/Hello-World#2\n", 1},
		{"queue full", "d-3", webhook.ErrQueueFull, 503, "queue reconcile of Codertocat/Hello-World#2: reconcile queue is full\n", 0},
		{"redelivery after queue full", "d-3", nil, 202, "queued reconcile of Codertocat/Hello-World#2\n", 1},
		{"no delivery id", "", nil, 202, "queued reconcile of Codertocat/Hello-World#2\n", 1},
		{"no delivery id again", "", nil, 202, "queued reconcile of Codertocat/Hello-World#2\n", 1},
	}
	for _, s := range steps {
		rec.err = s.queueErr
		status, text, h := e.sendFull(t, signed("pull_request", s.id, body))
		if status != s.status || text != s.text {
			t.Errorf("%s: answer = %d %q, want %d %q", s.name, status, text, s.status, s.text)
		}
		if status == 503 && h.Get("Retry-After") != "30" {
			t.Errorf("%s: Retry-After = %q, want 30", s.name, h.Get("Retry-After"))
		}
		if got := len(rec.take()); got != s.queued {
			t.Errorf("%s: dispatched %d, want %d", s.name, got, s.queued)
		}
	}
}

// TestDispatcherError answers 500 without telling the sender the details.
func TestDispatcherError(t *testing.T) {
	rec := &recorder{err: fmt.Errorf("disk on fire")}
	e := start(t, rec)
	status, text := e.send(t, signed("push", "x", fixture(t, "push/branch-update.json")))
	if status != 500 || text != "internal error\n" {
		t.Errorf("answer = %d %q, want 500 \"internal error\"", status, text)
	}
}

// TestBodyCutShort answers 400 when the sender stops mid-body.
func TestBodyCutShort(t *testing.T) {
	rec := &recorder{}
	recv, err := webhook.NewReceiver(rec, []string{secret})
	if err != nil {
		t.Fatal(err)
	}
	body := fixture(t, "push/branch-update.json")
	req := httptest.NewRequest(http.MethodPost, "/webhook", io.MultiReader(bytes.NewReader(body[:100]), iotest.ErrReader(io.ErrUnexpectedEOF)))
	req.Header.Set("X-Hub-Signature-256", webhook.Sign([]byte(secret), body))
	w := httptest.NewRecorder()
	recv.ServeHTTP(w, req)
	if w.Code != 400 || w.Body.String() != "could not read the body: unexpected EOF\n" {
		t.Errorf("answer = %d %q", w.Code, w.Body.String())
	}
}
