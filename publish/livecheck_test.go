package publish_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/heraldhq/herald/publish"
)

func TestCheckLive(t *testing.T) {
	t.Parallel()
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := hits.Add(1)
		if r.URL.Path == "/blog/late" || n < 3 {
			http.NotFound(w, r)
			return
		}
		w.WriteHeader(http.StatusOK)
	}))
	t.Cleanup(srv.Close)
	var slept []time.Duration
	lc := publish.LiveCheck{Attempts: 5, Interval: time.Minute, Total: 10 * time.Minute,
		Sleep: func(_ context.Context, d time.Duration) error { slept = append(slept, d); return nil }}

	res, err := publish.CheckLive(context.Background(), srv.Client(), srv.URL+"/blog/hello", lc)
	if err != nil {
		t.Fatal(err)
	}
	if !res.Live || res.Attempts != 3 || len(slept) != 2 {
		t.Errorf("%+v after %d sleeps", res, len(slept))
	}
	if got, want := res.Message(), "Live at "+srv.URL+"/blog/hello."; got != want {
		t.Errorf("message %q, want %q", got, want)
	}

	slept = nil
	res, err = publish.CheckLive(context.Background(), srv.Client(), srv.URL+"/blog/late", lc)
	if err != nil {
		t.Fatal(err)
	}
	if res.Live || res.Attempts != 5 {
		t.Errorf("%+v", res)
	}
	want := "Not live yet after 4 minutes: " + srv.URL + "/blog/late answered 404 Not Found. It may still be deploying."
	if got := res.Message(); got != want {
		t.Errorf("message %q\nwant %q", got, want)
	}

	// The total bound stops before the attempts run out.
	lc.Total = 2 * time.Minute
	res, _ = publish.CheckLive(context.Background(), srv.Client(), srv.URL+"/blog/late", lc)
	if res.Attempts != 3 {
		t.Errorf("attempts %d within a 2-minute bound of 1-minute intervals, want 3", res.Attempts)
	}

	for _, bad := range []string{"ftp://example.com/x", "not a url", "/relative"} {
		if _, err := publish.CheckLive(context.Background(), srv.Client(), bad, lc); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
}

func TestPostURL(t *testing.T) {
	tests := []struct {
		site, path, want, err string
	}{
		{site: "https://example.com", path: "/blog/hello", want: "https://example.com/blog/hello"},
		{site: "https://example.com/", path: "/blog/hello", want: "https://example.com/blog/hello"},
		{site: "https://example.com/docs/", path: "blog/hello/", want: "https://example.com/docs/blog/hello/"},
		{site: "example.com", path: "/blog/hello", err: `site URL "example.com" is not an http(s) URL`},
		{site: "https://example.com", path: "", err: "the post has no URL path"},
	}
	for _, tt := range tests {
		t.Run(tt.site+tt.path, func(t *testing.T) {
			got, err := publish.PostURL(tt.site, tt.path)
			if tt.err != "" {
				if err == nil || err.Error() != tt.err {
					t.Fatalf("error %v, want %q", err, tt.err)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Errorf("%q %v, want %q", got, err, tt.want)
			}
		})
	}
}

func TestOutcomeString(t *testing.T) {
	due := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	tests := []struct {
		o    publish.Outcome
		want string
	}{
		{publish.Outcome{Action: publish.CommitDraftFlip{Path: "blog/a.md"}, Status: publish.OutcomeDone}, "publish blog/a.md: done"},
		{publish.Outcome{Action: publish.Merge{PR: 7, Paths: []string{"a.md", "b.md"}}, Status: publish.OutcomeDeferred, Err: publish.ErrHeadMoved}, "merge #7 (a.md, b.md): deferred: head moved"},
		{publish.Outcome{Action: publish.Blocked{PR: 7, Paths: []string{"a.md"}, Reasons: []string{"It is on hold."}}, Status: publish.OutcomeReported}, "blocked: #7 (a.md): It is on hold."},
		{publish.Outcome{Action: publish.Wake{At: due}, Status: publish.OutcomeReported}, "next look at 2026-03-02 09:00 UTC"},
		{publish.Outcome{Action: publish.TriggerRebuild{Kind: publish.TriggerHook, Reason: "publish: A"}, Status: publish.OutcomeDryRun}, "rebuild (hook) for publish: A: skipped-dry-run"},
	}
	for _, tt := range tests {
		if got := tt.o.String(); got != tt.want {
			t.Errorf("got %q, want %q", got, tt.want)
		}
	}
}
