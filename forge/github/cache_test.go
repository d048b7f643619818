package github_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/heraldhq/herald/forge"
	"github.com/heraldhq/herald/forge/github"
	"github.com/heraldhq/herald/internal/fakegithub"
)

// TestConditionalRequests: a read repeated over unchanged data is sent with
// If-None-Match and answered 304, which costs no rate limit, and returns the
// same result; a change on GitHub is seen on the next read, never hidden by
// the kept answer; writes are never kept.
func TestConditionalRequests(t *testing.T) {
	e := setup(t, fakegithub.Options{})
	n := addPR(e)
	ctx := context.Background()
	e.fake.AddComment(repo, fakegithub.Comment{Issue: n, User: "alice", Body: "first"})

	read := func() []forge.Comment {
		t.Helper()
		cs, err := e.c.IssueComments(ctx, n)
		if err != nil {
			t.Fatal(err)
		}
		return cs
	}
	first := read()
	before := e.fake.Cost()
	for range 3 {
		if got := read(); len(got) != 1 || got[0].Body != "first" {
			t.Fatalf("comments read again = %+v", got)
		}
	}
	if got := e.fake.Cost(); got.Costly != before.Costly || got.Free != before.Free+3 {
		t.Errorf("three reads of unchanged comments cost %+v after %+v; want three free ones", got, before)
	}

	// A change made on GitHub shows at once, kept answer or not.
	if _, err := e.c.UpsertComment(ctx, n, "herald-summary", "hello"); err != nil {
		t.Fatal(err)
	}
	if got := read(); len(got) != 2 || got[0].ID != first[0].ID {
		t.Errorf("comments after posting one = %+v", got)
	}
	e.fake.AddComment(repo, fakegithub.Comment{Issue: n, User: "bob", Body: "/herald check"})
	if got := read(); len(got) != 3 || got[2].Body != "/herald check" {
		t.Errorf("comments after someone commented = %+v", got)
	}

	// The same within one second of the kept answer: GitHub allows 60
	// seconds of reuse, herald asks every time.
	e.fake.AddLabel(repo, n, "hold")
	if pr, err := e.c.PR(ctx, n); err != nil || !strings.Contains(strings.Join(pr.Labels, ","), "hold") {
		t.Errorf("PR after a label = %+v, %v", pr.Labels, err)
	}
	for _, r := range e.fake.Requests() {
		if r.Method != "GET" && r.Status == 304 {
			t.Errorf("%s %s answered 304: a write was sent conditionally", r.Method, r.Path)
		}
	}
}

// TestCacheKeptPerCredential: two installations reading the same URL each
// get their own answers, and a new installation token (every hour) is asked
// without the old token's ETag counting for it.
func TestCacheKeptPerCredential(t *testing.T) {
	key, pemKey := appKey(t)
	fake := fakegithub.New(t, fakegithub.Options{})
	fake.AddApp(42, "herald", &key.PublicKey)
	fake.AddInstallation(42, 7, "acme")
	fake.AddInstallation(42, 8, "acme")
	fake.AddRepo(fakegithub.Repo{Owner: "acme", Name: "blog"})
	n := fake.AddPR(repo, fakegithub.PR{HeadSHA: "1111111111111111111111111111111111111111"})
	cache := github.NewCache(1 << 20)
	opts := options(fake, &syncBuffer{})
	opts.Cache = cache
	app, err := github.NewApp(42, pemKey, opts)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	clients := map[int64]*github.Client{}
	for _, id := range []int64{7, 8} {
		if clients[id], err = app.Client(id, "acme", "blog"); err != nil {
			t.Fatal(err)
		}
	}
	for _, id := range []int64{7, 8, 7, 8} {
		if _, err := clients[id].PR(ctx, n); err != nil {
			t.Fatal(err)
		}
	}
	// Each installation's first read costs; its second is free.
	if got := fake.Cost(); got.Free != 2 {
		t.Errorf("cost = %+v, want the two second reads free", got)
	}
	// A new token (an App made again, as after a restart within the hour,
	// or the hourly rotation) reads with the same kept answers.
	again, err := github.NewApp(42, pemKey, opts)
	if err != nil {
		t.Fatal(err)
	}
	c7, err := again.Client(7, "acme", "blog")
	if err != nil {
		t.Fatal(err)
	}
	costly := fake.Cost().Costly
	if _, err := c7.PR(ctx, n); err != nil {
		t.Fatal(err)
	}
	if got := fake.Cost().Costly - costly; got != 2 { // the new token, then the read
		t.Errorf("a read with a new token cost %d, want 2 (mint the token, read again)", got)
	}
	if cache.Bytes() == 0 || cache.Bytes() > 1<<20 {
		t.Errorf("cache holds %d bytes", cache.Bytes())
	}
}

// TestCacheBound: the cache drops the least recently used answers past its
// bound; a cache of zero bytes keeps nothing, and every read costs.
func TestCacheBound(t *testing.T) {
	for _, tc := range []struct {
		name     string
		bytes    int64
		wantFree bool
	}{
		{"room for the answers", 1 << 20, true},
		{"no room", 0, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fake := fakegithub.New(t, fakegithub.Options{})
			fake.AddToken(token, "herald-bot")
			fake.AddRepo(fakegithub.Repo{Owner: "acme", Name: "blog"})
			opts := options(fake, &syncBuffer{})
			opts.Cache = github.NewCache(tc.bytes)
			c, err := github.NewTokenClient(token, "acme", "blog", opts)
			if err != nil {
				t.Fatal(err)
			}
			ctx := context.Background()
			var nums []int
			for range 20 {
				nums = append(nums, fake.AddPR(repo, fakegithub.PR{}))
			}
			for range 2 {
				for _, n := range nums {
					if _, err := c.PR(ctx, n); err != nil {
						t.Fatal(err)
					}
				}
			}
			if got := fake.Cost().Free > 0; got != tc.wantFree {
				t.Errorf("free answers: %+v", fake.Cost())
			}
			if got := opts.Cache.Bytes(); got > tc.bytes {
				t.Errorf("cache holds %d bytes, bound %d", got, tc.bytes)
			}
		})
	}
	// A bound smaller than what is read keeps the latest answers only.
	fake := fakegithub.New(t, fakegithub.Options{})
	fake.AddToken(token, "herald-bot")
	fake.AddRepo(fakegithub.Repo{Owner: "acme", Name: "blog"})
	opts := options(fake, &syncBuffer{})
	opts.Cache = github.NewCache(256 << 10)
	c, _ := github.NewTokenClient(token, "acme", "blog", opts)
	for range 40 {
		if _, err := c.PR(context.Background(), fake.AddPR(repo, fakegithub.PR{})); err != nil {
			t.Fatal(err)
		}
	}
	if got := opts.Cache.Bytes(); got > 256<<10 || got == 0 {
		t.Errorf("cache holds %d bytes, bound %d", got, 256<<10)
	}
}

// TestRateLimitMetrics: the metrics count costly and free answers and show
// the rate limit left, and the client reports it to its caller.
func TestRateLimitMetrics(t *testing.T) {
	fake := fakegithub.New(t, fakegithub.Options{RateLimit: 100})
	fake.AddToken(token, "herald-bot")
	fake.AddRepo(fakegithub.Repo{Owner: "acme", Name: "blog"})
	reg := prometheus.NewRegistry()
	m, err := github.NewMetrics(reg)
	if err != nil {
		t.Fatal(err)
	}
	opts := options(fake, &syncBuffer{})
	opts.Metrics = m
	c, err := github.NewTokenClient(token, "acme", "blog", opts)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := c.RateLimit(); ok {
		t.Error("a rate limit before any answer")
	}
	ctx := context.Background()
	for range 3 {
		if _, err := c.Repo(ctx); err != nil {
			t.Fatal(err)
		}
	}
	rl, ok := c.RateLimit()
	if !ok || rl.Limit != 100 || rl.Remaining != 99 || rl.Reset.Before(time.Now()) {
		t.Errorf("RateLimit = %+v, %v; want 99 of 100 left", rl, ok)
	}
	want := `
# HELP herald_github_rate_limit_remaining Requests left in the current rate-limit window, by credential (installation:ID, token, app), as of its last answer.
# TYPE herald_github_rate_limit_remaining gauge
herald_github_rate_limit_remaining{credential="token"} 99
# HELP herald_github_requests_total Requests GitHub answered, by cost: costly (counted against the rate limit) or free (a conditional request answered 304 Not Modified).
# TYPE herald_github_requests_total counter
herald_github_requests_total{cost="costly"} 1
herald_github_requests_total{cost="free"} 2
`
	if err := testutil.GatherAndCompare(reg, strings.NewReader(want), "herald_github_requests_total", "herald_github_rate_limit_remaining"); err != nil {
		t.Error(err)
	}
}
