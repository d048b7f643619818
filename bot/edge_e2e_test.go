package bot_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/heraldhq/herald/bot"
	"github.com/heraldhq/herald/forge"
	"github.com/heraldhq/herald/gitrepo"
	"github.com/heraldhq/herald/internal/fakegithub"
	"github.com/heraldhq/herald/publish"
	"github.com/heraldhq/herald/publish/feed"
	"github.com/heraldhq/herald/webhook"
)

func TestBadInputIsReportedOnThePullRequest(t *testing.T) {
	for _, tc := range []struct {
		name  string
		files map[string]string
		want  []string // in the summary comment
	}{
		{
			name:  "broken configuration",
			files: map[string]string{".herald.yml": "version: 1\ntimezone: Europe/Berlin\npublsh:\n  strategy: draft\n"},
			want:  []string{"#### `.herald.yml`", "**invalid-config** (line 3", `unknown key "publsh" (did you mean "publish"?)`},
		},
		{
			name:  "binary post",
			files: map[string]string{"blog/2026/03-binary/index.md": "---\ntitle: x\n---\n\x00\x01\x02 not text"},
			want:  []string{"#### `blog/2026/03-binary/index.md`", "**unreadable-file**"},
		},
		{
			name:  "front matter that does not parse",
			files: map[string]string{"blog/2026/03-broken/index.md": "---\ntitle: [unclosed\ndate: 2026-03-01\n---\n\nBody.\n"},
			want:  []string{"#### `blog/2026/03-broken/index.md`", "**frontmatter-syntax** (line 3"},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			base, _ := basicSite(t)
			w := newWorld(t, base)
			head := w.openPR(2, tc.files)
			if err := w.reconcile(); err != nil {
				t.Fatalf("reconcile: %v", err)
			}
			runs := w.fake.CheckRuns(fullName, head)
			if len(runs) != 1 || runs[0].Conclusion != "failure" {
				t.Fatalf("check runs = %+v, want one failure", runs)
			}
			comments := w.fake.Comments(fullName, 2)
			if len(comments) != 1 {
				t.Fatalf("comments = %d, want 1", len(comments))
			}
			for _, want := range tc.want {
				if !strings.Contains(comments[0].Body, want) {
					t.Errorf("the summary lacks %q:\n%s", want, comments[0].Body)
				}
			}
		})
	}
}

// TestDryRunChangesNothing reconciles pull requests in a dry run through
// every kind of side effect the bot has (feedback, inline suggestions,
// commands that label, push a new date or merge, the scheduled merge, in
// check-run and commit-status mode) and finds no write on the forge, no
// moved ref in Git, and each side effect in the log.
func TestDryRunChangesNothing(t *testing.T) {
	tests := []struct {
		name     string
		clean    bool // the post has no finding with a fix
		statuses bool
		comments []string
		want     []string
		early    bool // the clock stands before the post's time
	}{
		{"due and approved, on hold", true, false, []string{"/herald hold"},
			[]string{"dry run: would upsert the summary comment", "dry run: would write the check run", "dry run: would react", "dry run: would answer commands"}, false},
		{"suggestions, reschedule and unhold", false, false,
			[]string{"/herald schedule 2026-03-02 09:30 Europe/Berlin", "/herald unhold"},
			[]string{"dry run: would post inline suggestions", "dry run: would reschedule", "dry run: set-label", "dry run: would react"}, false},
		{"publish now before the time", true, false, []string{"/herald publish now"},
			[]string{"dry run: merge", "dry run: would answer commands"}, true},
		{"commit statuses", true, true, nil,
			[]string{"dry run: would set a commit status", "dry run: merge"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			base, post := basicSite(t)
			if tt.clean {
				base, post = cleanPost(t)
			}
			opts := []bot.Option{bot.WithDryRun(true)}
			if tt.statuses {
				opts = append(opts, bot.WithCommitStatuses())
			}
			w := newWorld(t, base, opts...)
			head := w.openPR(2, post)
			w.fake.AddReview(fullName, fakeReview(head))
			w.fake.SetPermission(fullName, "maintainer", "write")
			for _, c := range tt.comments {
				w.fake.AddComment(fullName, fakeComment(2, "maintainer", c))
			}
			w.clock.Set(time.Date(2026, 2, 3, 9, 30, 0, 0, time.UTC))
			if tt.early {
				w.clock.Set(time.Date(2026, 2, 1, 9, 0, 0, 0, time.UTC))
			}
			refs := w.git.Git("for-each-ref")
			for range 2 {
				if err := w.reconcile(); err != nil {
					t.Fatal(err)
				}
			}
			for _, r := range w.fake.Requests() {
				if r.Method != http.MethodGet && r.Op != "apps/create-installation-access-token" {
					t.Errorf("dry run sent %s %s (%s)", r.Method, r.Path, r.Op)
				}
			}
			if got := w.git.Git("for-each-ref"); got != refs {
				t.Errorf("dry run moved refs:\nbefore:\n%s\nafter:\n%s", refs, got)
			}
			logs := w.logs.String()
			for _, want := range tt.want {
				if !strings.Contains(logs, want) {
					t.Errorf("logs lack %q", want)
				}
			}
		})
	}
}

func TestRequestThroughTheQueue(t *testing.T) {
	base, post := basicSite(t)
	w := newWorld(t, base)
	head := w.openPR(2, post)
	q := webhook.NewQueue(w.bot, webhook.WithWorkers(2))
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- q.Run(ctx) }()
	defer func() {
		cancel()
		<-done
	}()
	recv, err := webhook.NewReceiver(q, []string{secret})
	if err != nil {
		t.Fatal(err)
	}
	w.recv = recv
	w.deliver("pull_request", "opened", 2, head)
	deadline := time.Now().Add(20 * time.Second)
	for q.Stats().Reconciled == 0 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if st := q.Stats(); st.Reconciled != 1 || st.Failed != 0 {
		t.Fatalf("queue stats = %+v", st)
	}
	if len(w.fake.CheckRuns(fullName, head)) != 1 || len(w.fake.Comments(fullName, 2)) != 1 {
		t.Error("no feedback after the queued reconcile")
	}
}

func TestFiringPublishesAndFeedShowsSchedule(t *testing.T) {
	base, post := cleanPost(t)
	w := newWorld(t, base)
	head := w.openPR(2, post)
	w.fake.AddReview(fullName, fakeReview(head))
	if err := w.reconcile(); err != nil {
		t.Fatal(err)
	}

	// The feed serves what the bot derived.
	h := feed.NewHandler(w.bot, feed.WithClock(w.clock.Now))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/schedule", nil))
	var doc feed.Document
	if err := json.Unmarshal(rec.Body.Bytes(), &doc); err != nil {
		t.Fatalf("schedule JSON: %v\n%s", err, rec.Body.String())
	}
	if len(doc.Entries) != 1 || doc.Entries[0].PR != 2 || doc.Entries[0].Status != "scheduled" || doc.Entries[0].In != "in 4 days" ||
		doc.Entries[0].Zone != "Europe/Berlin" || doc.Entries[0].URL == "" {
		t.Errorf("schedule = %+v", doc.Entries)
	}

	// The scheduler fires the entry at its time.
	es := w.sched.entries[fullName]
	if len(es) != 1 {
		t.Fatalf("entries = %+v", es)
	}
	w.clock.Set(es[0].At.Add(2 * time.Second))
	w.bot.OnFire(context.Background(), publish.Firing{Entry: es[0], Fired: w.clock.Now(), Late: 2 * time.Second})
	if m := w.fake.Merges(); len(m) != 1 || m[0].SHA != head {
		t.Fatalf("merges = %+v", m)
	}
	if es := w.sched.entries[fullName]; len(es) != 0 {
		t.Errorf("entries after publishing = %+v, want none", es)
	}
}

func TestRepositoryWithoutCloneURL(t *testing.T) {
	cache, err := gitrepo.NewCache(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer cache.Close()
	b, err := bot.New(bot.ClientsFunc(func(context.Context, bot.Target) (bot.Forge, error) {
		return plainGit{forge.Repo{Owner: "acme", Name: "nowhere", DefaultBranch: "main"}}, nil
	}), gitMirrors(cache))
	if err != nil {
		t.Fatal(err)
	}
	err = b.ReconcileAll(context.Background(), []bot.Target{{Repo: "acme/nowhere"}})
	if err == nil || err.Error() != "reconcile acme/nowhere: repository acme/nowhere has no clone URL" {
		t.Errorf("error = %v", err)
	}
	if _, err := bot.New(nil, nil); err == nil {
		t.Error("New without clients and mirrors succeeded")
	}
}

func TestPullRequestWithoutPostsGetsCheckRunOnly(t *testing.T) {
	base, _ := basicSite(t)
	w := newWorld(t, base)
	head := w.openPR(2, map[string]string{"README.md": "# The blog\n"})
	if err := w.reconcile(); err != nil {
		t.Fatal(err)
	}
	runs := w.fake.CheckRuns(fullName, head)
	if len(runs) != 1 || runs[0].Conclusion != "success" || !strings.Contains(runs[0].Summary, "This pull request changes no posts.") {
		t.Errorf("check runs = %+v", runs)
	}
	if n := len(w.fake.Comments(fullName, 2)); n != 0 {
		t.Errorf("comments = %d, want none on a pull request without posts", n)
	}
}

func TestLiveCheckAfterMerge(t *testing.T) {
	var mu sync.Mutex
	var paths []string
	site := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		paths = append(paths, r.URL.Path)
		if len(paths) < 3 {
			http.NotFound(rw, r)
			return
		}
		rw.Write([]byte("<html>the post</html>"))
	}))
	defer site.Close()
	base, post := cleanPost(t)
	base[".herald.yml"] += "site_url: " + site.URL + "/\n"
	w := newWorld(t, base, bot.WithLiveCheck(site.Client(), publish.LiveCheck{Attempts: 10, Interval: 5 * time.Millisecond}))
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- w.bot.Run(ctx) }()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Error(err)
		}
	}()
	head := w.openPR(2, post)
	w.fake.AddReview(fullName, fakeReview(head))
	w.clock.Set(time.Date(2026, 2, 3, 9, 0, 1, 0, time.UTC))
	if err := w.reconcile(); err != nil {
		t.Fatal(err)
	}
	if len(w.fake.Merges()) != 1 {
		t.Fatal("not merged")
	}
	deadline := time.Now().Add(10 * time.Second)
	var live string
	for time.Now().Before(deadline) && live == "" {
		for _, c := range w.fake.Comments(fullName, 2) {
			if strings.Contains(c.Body, "herald:"+bot.LiveCommentKey) {
				live = c.Body
			}
		}
		time.Sleep(10 * time.Millisecond)
	}
	mu.Lock()
	defer mu.Unlock()
	if !strings.Contains(live, "Live at "+site.URL+"/blog/") {
		t.Errorf("live comment = %q; requests %v", live, paths)
	}
	if len(paths) != 3 || !strings.Contains(paths[0], "fosdem") {
		t.Errorf("requests = %v, want three for the post", paths)
	}
}

func TestTwoReplicas(t *testing.T) {
	base, post := basicSite(t)
	w := newWorld(t, base)
	other := w.newBot()
	head := w.openPR(2, post)
	w.fake.AddReview(fullName, fakeReview(head))
	ctx := context.Background()
	req := webhook.Request{Repo: fullName, PR: 2, InstallationID: instID, Event: "pull_request", Action: "opened"}
	var wg sync.WaitGroup
	for _, b := range []*bot.Bot{w.bot, other} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := b.Reconcile(ctx, req); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	// Whatever the race left, the next reconcile of either tidies it.
	if err := other.Reconcile(ctx, req); err != nil {
		t.Fatal(err)
	}
	if n := len(w.fake.Comments(fullName, 2)); n != 1 {
		t.Errorf("comments = %d, want 1", n)
	}
	for k, n := range suggestionKeys(w.fake.ReviewComments(fullName, 2)) {
		if n != 1 {
			t.Errorf("suggestion %s is there %d times", k, n)
		}
	}
	if n := len(w.fake.CheckRuns(fullName, head)); n < 1 || n > 2 {
		t.Errorf("check runs = %d, want one per replica at most", n)
	}
}

func TestRebuildStrategyDispatchesOnce(t *testing.T) {
	files := siteFiles(t)
	files[".herald.yml"] += "publish:\n  strategy: rebuild\n  rebuild:\n    trigger: repository_dispatch\n"
	files[postPath] = withoutErrors(files[postPath]) // errors would block the rebuild
	w := newWorld(t, files)
	w.clock.Set(time.Date(2026, 2, 3, 9, 0, 30, 0, time.UTC))
	for range 2 {
		if err := w.reconcile(); err != nil {
			t.Fatal(err)
		}
	}
	// A fresh replica reads the record back from Git and does not dispatch again.
	other := w.newBot()
	if err := other.ReconcileAll(context.Background(), []bot.Target{{Repo: fullName, InstallationID: instID}}); err != nil {
		t.Fatal(err)
	}
	d := w.fake.Dispatches(fullName)
	if len(d) != 1 || d[0].Kind != "repository" || d[0].EventType != publish.DefaultEventType {
		t.Fatalf("dispatches = %+v, want one repository_dispatch", d)
	}
	if w.git.Ref(publish.RecordRef) == "" {
		t.Errorf("no record at %s", publish.RecordRef)
	}
}

func TestMissingPullRefDoesNotStopOthers(t *testing.T) {
	base, post := basicSite(t)
	w := newWorld(t, base)
	head := w.openPR(2, post)
	mergeable := true
	w.fake.AddPR(fullName, fakegithub.PR{Number: 3, HeadRef: "gone", HeadSHA: "89abcdef0123456789abcdef0123456789abcdef", BaseRef: "main",
		BaseSHA: w.git.Ref("refs/heads/main"), Mergeable: &mergeable})
	err := w.reconcile()
	if err == nil || !strings.Contains(err.Error(), "acme/blog#3: head 89abcde is not in the mirror yet") {
		t.Errorf("error = %v, want one naming #3", err)
	}
	if len(w.fake.CheckRuns(fullName, head)) != 1 || len(w.fake.Comments(fullName, 2)) != 1 {
		t.Error("#2 got no feedback")
	}
}

func TestBrokenConfigOnMainDoesNotFailOtherPullRequests(t *testing.T) {
	base, post := cleanPost(t)
	base[".herald.yml"] += "publsh: {}\n"
	w := newWorld(t, base)
	head := w.openPR(2, post)
	if err := w.reconcile(); err != nil {
		t.Fatal(err)
	}
	runs := w.fake.CheckRuns(fullName, head)
	if len(runs) != 1 || runs[0].Conclusion != "success" {
		t.Fatalf("check runs = %+v, want one success", runs)
	}
	for _, a := range runs[0].Annotations {
		if a.Path == ".herald.yml" {
			t.Errorf("the configuration on main is reported on a pull request that does not change it: %+v", a)
		}
	}
}

func TestCheckRunEvents(t *testing.T) {
	base, post := basicSite(t)
	w := newWorld(t, base)
	head := w.openPR(2, post)
	w.deliver("pull_request", "opened", 2, head)
	herald := func(action string) func(map[string]any) {
		return func(p map[string]any) {
			// The fixture predates GitHub's RFC 3339 times in app objects.
			rfc3339(p)
			p["action"] = action
			cr := p["check_run"].(map[string]any)
			cr["name"], cr["head_sha"] = "herald", head
			cr["app"].(map[string]any)["slug"] = "herald"
		}
	}

	// herald's own check run coming back is not reconciled.
	before := len(w.fake.Requests())
	w.deliverWith("check_run", "rerequested", 0, head, herald("completed"))
	if got := len(w.fake.Requests()); got != before {
		t.Errorf("the echo of herald's check run sent %d requests", got-before)
	}

	// "Re-run" on herald's check run checks the head again.
	suggested := len(w.fake.ReviewComments(fullName, 2))
	w.deliverWith("check_run", "rerequested", 0, head, herald("rerequested"))
	if got := len(w.fake.CheckRuns(fullName, head)); got != 2 {
		t.Errorf("check runs after a re-run = %d, want 2", got)
	}
	if got := len(w.fake.ReviewComments(fullName, 2)); got != suggested || got == 0 {
		t.Errorf("suggestions after a re-run = %d, want the same %d", got, suggested)
	}
}

// rfc3339 rewrites "2018-04-25 20:42:10" times in a payload as RFC 3339.
func rfc3339(v any) {
	switch v := v.(type) {
	case map[string]any:
		for k, x := range v {
			if s, ok := x.(string); ok {
				if t, err := time.Parse(time.DateTime, s); err == nil {
					v[k] = t.Format(time.RFC3339)
				}
				continue
			}
			rfc3339(x)
		}
	case []any:
		for _, x := range v {
			rfc3339(x)
		}
	}
}

func TestSuggestionsAreBounded(t *testing.T) {
	base, _ := basicSite(t)
	var b strings.Builder
	b.WriteString("---\ntitle: Many slips\nauthors: [gerrit91]\ntags: [news]\ndate: 2026-02-03T10:00:00+01:00\n---\n\nIntro.\n\n<!-- truncate -->\n\n")
	for i := range 60 {
		fmt.Fprintf(&b, "Line %d says the the same thing.\n\n", i)
	}
	w := newWorld(t, base)
	w.openPR(2, map[string]string{"blog/2026/02-many/index.md": b.String()})
	for range 2 {
		if err := w.reconcile(); err != nil {
			t.Fatal(err)
		}
	}
	if got := len(w.fake.ReviewComments(fullName, 2)); got != 50 {
		t.Errorf("suggestions = %d, want 50", got)
	}
	summary := w.fake.Comments(fullName, 2)[0].Body
	if got := strings.Count(summary, "**repeated-word**"); got != 60 {
		t.Errorf("the summary lists %d repeated words, want all 60", got)
	}
	if got := strings.Count(summary, "one-click fix suggested inline"); got != 50 {
		t.Errorf("the summary points at %d suggestions, want 50", got)
	}
}

func TestFailingChecksBlockTheMerge(t *testing.T) {
	base, post := cleanPost(t)
	w := newWorld(t, base)
	head := w.openPR(2, post)
	w.fake.AddReview(fullName, fakeReview(head))
	w.fake.AddCheckRun(fullName, fakegithub.CheckRun{Name: "build", HeadSHA: head, Status: "completed", Conclusion: "failure", App: "github-actions"})
	w.fake.AddStatus(fullName, fakegithub.Status{SHA: head, Context: "ci/lint", State: "success"})
	w.clock.Set(time.Date(2026, 2, 3, 9, 5, 0, 0, time.UTC))
	for range 2 {
		if err := w.reconcile(); err != nil {
			t.Fatal(err)
		}
	}
	if m := w.fake.Merges(); len(m) != 0 {
		t.Fatalf("merged with a failing check: %+v", m)
	}
	var blocker []fakegithub.Comment
	for _, c := range w.fake.Comments(fullName, 2) {
		if strings.Contains(c.Body, "herald:"+publish.BlockerCommentKey) {
			blocker = append(blocker, c)
		}
	}
	if len(blocker) != 1 || !strings.Contains(blocker[0].Body, "checks failing: `build`.") {
		t.Fatalf("blocker comments = %+v", blocker)
	}
	if !slices.Contains(w.fake.PR(fullName, 2).Labels, publish.LabelBlocked) {
		t.Errorf("labels = %v, want %s", w.fake.PR(fullName, 2).Labels, publish.LabelBlocked)
	}

	// The build is fixed: published on the next reconcile, late.
	w.fake.AddCheckRun(fullName, fakegithub.CheckRun{Name: "build", HeadSHA: head, Status: "completed", Conclusion: "success", App: "github-actions"})
	if err := w.reconcile(); err != nil {
		t.Fatal(err)
	}
	if m := w.fake.Merges(); len(m) != 1 || m[0].SHA != head {
		t.Fatalf("merges = %+v", m)
	}
	published := ""
	for _, c := range w.fake.Comments(fullName, 2) {
		if strings.Contains(c.Body, "herald:"+publish.PublishedCommentKey) {
			published = c.Body
		}
	}
	if !strings.Contains(published, "late") {
		t.Errorf("the published comment does not say it went out late:\n%s", published)
	}
}
