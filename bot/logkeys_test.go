package bot_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/heraldhq/herald/bot"
	"github.com/heraldhq/herald/publish"
	"github.com/heraldhq/herald/webhook"
)

// duplicateKeys returns the keys that occur twice in one JSON object of
// line, nested objects included.
func duplicateKeys(line []byte) ([]string, error) {
	dec := json.NewDecoder(bytes.NewReader(line))
	var dups []string
	var walk func() error
	walk = func() error {
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		switch tok {
		case json.Delim('{'):
			seen := map[string]bool{}
			for dec.More() {
				k, err := dec.Token()
				if err != nil {
					return err
				}
				key := fmt.Sprint(k)
				if seen[key] {
					dups = append(dups, key)
				}
				seen[key] = true
				if err := walk(); err != nil {
					return err
				}
			}
			_, err = dec.Token()
			return err
		case json.Delim('['):
			for dec.More() {
				if err := walk(); err != nil {
					return err
				}
			}
			_, err = dec.Token()
			return err
		}
		return nil
	}
	return dups, walk()
}

// TestLogLinesHaveNoDuplicateKeys: a webhook for one pull request, a
// resync, commands and a publication log no line with a key twice (a
// request's pr next to an action's pr, the repository named by the bot and
// by the publisher): JSON log stores refuse such lines or keep either value.
func TestLogLinesHaveNoDuplicateKeys(t *testing.T) {
	base, post := cleanPost(t)
	var logs bytes.Buffer
	w := newWorld(t, base, bot.WithLogger(slog.New(slog.NewJSONHandler(&syncWriter{w: &logs}, &slog.HandlerOptions{Level: slog.LevelDebug}))))
	head := w.openPR(2, post)
	w.fake.SetPermission(fullName, "maintainer", "write")
	w.fake.AddComment(fullName, fakeComment(2, "maintainer", "/herald hold"))
	if err := w.reconcile(); err != nil {
		t.Fatal(err)
	}
	w.fake.AddComment(fullName, fakeComment(2, "maintainer", "/herald unhold"))
	w.fake.AddReview(fullName, fakeReview(head))
	w.clock.Set(time.Date(2026, 2, 3, 9, 30, 0, 0, time.UTC))
	req := webhook.Request{Repo: fullName, PR: 2, InstallationID: instID, Event: "pull_request_review", Action: "submitted", DeliveryID: "d-1"}
	if err := w.bot.Reconcile(context.Background(), req); err != nil {
		t.Fatal(err)
	}
	w.bot.OnFire(context.Background(), publish.Firing{Entry: publish.Entry{Repo: fullName, Key: "pr/2", At: w.clock.Now()}, Fired: w.clock.Now()})
	if len(w.fake.Merges()) != 1 {
		t.Fatalf("merges = %v, want one: the test does not reach the publisher", w.fake.Merges())
	}
	lines := strings.Split(strings.TrimSpace(logs.String()), "\n")
	for _, line := range lines {
		dups, err := duplicateKeys([]byte(line))
		if err != nil {
			t.Fatalf("log line is not JSON: %v\n%s", err, line)
		}
		if len(dups) > 0 {
			t.Errorf("keys %v twice in %s", dups, line)
		}
	}
	for _, want := range []string{`"msg":"merged"`, `"delivery_id":"d-1"`, `"action":"merge"`} {
		if !strings.Contains(logs.String(), want) {
			t.Errorf("the log lacks %s", want)
		}
	}
}
