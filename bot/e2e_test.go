package bot_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/heraldhq/herald/bot"
	"github.com/heraldhq/herald/forge"
	"github.com/heraldhq/herald/forge/github"
	"github.com/heraldhq/herald/gitrepo"
	"github.com/heraldhq/herald/internal/fakegithub"
	"github.com/heraldhq/herald/internal/gittest"
	"github.com/heraldhq/herald/publish"
	"github.com/heraldhq/herald/publish/adapter"
	"github.com/heraldhq/herald/webhook"
)

// The forge/github client and the gitrepo mirror, through the adapter,
// satisfy what the bot declares.
var (
	_ bot.Forge           = (*github.Client)(nil)
	_ bot.PullRequests    = (*github.Client)(nil)
	_ bot.GitCredentialer = (*github.Client)(nil)
	_ bot.Mirror          = (*adapter.Git)(nil)
)

// gitMirrors opens the bot's mirrors in cache, as the command wires them.
func gitMirrors(cache *gitrepo.Cache) bot.Mirrors {
	return bot.MirrorsFunc(func(ctx context.Context, remote string, creds forge.GitCredentials) (bot.Mirror, error) {
		return adapter.OpenGit(ctx, cache, remote, creds, gitrepo.Signature{})
	})
}

const (
	owner    = "acme"
	name     = "blog"
	fullName = owner + "/" + name
	postPath = "blog/2026/02-fosdem-recap/index.md"
	secret   = "webhook-secret"
	appID    = 42
	instID   = 7
)

// clock is a settable test clock.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = t
}

// siteFiles reads the fosdem-draft fixture site, without its NOTICE.
func siteFiles(t testing.TB) map[string]string {
	t.Helper()
	root := filepath.Join("..", "testdata", "sites", "fosdem-draft")
	files := map[string]string{}
	err := filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		if rel == "NOTICE.md" {
			return nil
		}
		b, err := os.ReadFile(p)
		files[filepath.ToSlash(rel)] = string(b)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// world is a real Git server, the GitHub fake and a bot wired to both
// through the real webhook receiver.
type world struct {
	t     testing.TB
	git   *gittest.Repo
	fake  *fakegithub.Server
	bot   *bot.Bot
	clock *clock
	recv  http.Handler
	logs  *bytes.Buffer
	sched *recordingScheduler
	// newBot builds another bot on the same forge and Git server, with a
	// data directory of its own: a second replica.
	newBot func(...bot.Option) *bot.Bot
}

type recordingScheduler struct {
	mu      sync.Mutex
	entries map[string][]publish.Entry
}

func (r *recordingScheduler) Rebuild(repo string, es []publish.Entry) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.entries[repo] = es
	return nil
}

func newWorld(t testing.TB, base map[string]string, opts ...bot.Option) *world {
	t.Helper()
	return newWorldWith(t, func(srv *gittest.Server) *gittest.Repo { return srv.NewRepo(name, base) }, opts...)
}

// newWorldWith is newWorld with the repository made by repo.
func newWorldWith(t testing.TB, repo func(*gittest.Server) *gittest.Repo, opts ...bot.Option) *world {
	t.Helper()
	return newWorldHooked(t, repo, worldHooks{}, opts...)
}

// worldHooks wrap what the bot of a world talks to, for a benchmark that
// times its calls; a nil hook leaves that part as it is.
type worldHooks struct {
	// mirror wraps each mirror the bot opens.
	mirror func(bot.Mirror) bot.Mirror
	// transport wraps the HTTP transport of the bot's GitHub client.
	transport func(http.RoundTripper) http.RoundTripper
	// mirrorsTimed, when set, adds up the time the bot's mirrors take to
	// open (the clone, the first time).
	mirrorsTimed *time.Duration
}

// newWorldHooked is newWorldWith with the bot's mirrors and GitHub
// transport passed through hooks.
func newWorldHooked(t testing.TB, repo func(*gittest.Server) *gittest.Repo, hooks worldHooks, opts ...bot.Option) *world {
	t.Helper()
	srv := gittest.NewServer(t)
	w := &world{t: t, clock: &clock{now: time.Date(2026, 1, 30, 12, 0, 0, 0, time.UTC)}, logs: &bytes.Buffer{},
		sched: &recordingScheduler{entries: map[string][]publish.Entry{}}}
	w.git = repo(srv)
	w.fake = fakegithub.New(t, fakegithub.Options{OnMerge: func(repo string, pr int, sha string) (string, error) {
		// A fast-forward of main to the merged head, as a merge would
		// leave it.
		w.git.SetRef("refs/heads/main", sha)
		return sha, nil
	}})
	key, pemKey := appKey(t)
	w.fake.AddApp(appID, "herald", &key.PublicKey)
	w.fake.AddInstallation(appID, instID, owner)
	w.fake.AddRepo(fakegithub.Repo{Owner: owner, Name: name, CloneURL: w.git.URL})
	log := slog.New(slog.NewTextHandler(&syncWriter{w: w.logs}, &slog.HandlerOptions{Level: slog.LevelDebug}))
	transport := w.fake.Client().Transport
	if hooks.transport != nil {
		transport = hooks.transport(transport)
	}
	app, err := github.NewApp(appID, pemKey, github.Options{
		BaseURL:   w.fake.URL(),
		Transport: transport,
		Logger:    log,
		Retry:     github.RetryPolicy{BaseDelay: 2 * time.Millisecond, MaxDelay: 10 * time.Millisecond, MaxWait: 3 * time.Second, AttemptTimeout: 5 * time.Second},
	})
	if err != nil {
		t.Fatal(err)
	}
	w.newBot = func(more ...bot.Option) *bot.Bot {
		clients := bot.ClientsFunc(func(_ context.Context, tg bot.Target) (bot.Forge, error) {
			o, n, _ := strings.Cut(tg.Repo, "/")
			return app.Client(tg.InstallationID, o, n)
		})
		cache, err := gitrepo.NewCache(t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { cache.Close() })
		all := append([]bot.Option{bot.WithClock(w.clock.Now), bot.WithLogger(log), bot.WithLogin("herald[bot]"),
			bot.WithAppSlug("herald"), bot.WithScheduler(w.sched)}, more...)
		mirrors := gitMirrors(cache)
		if hooks.mirror != nil || hooks.mirrorsTimed != nil {
			mirrors = bot.MirrorsFunc(func(ctx context.Context, remote string, creds forge.GitCredentials) (bot.Mirror, error) {
				start := time.Now()
				m, err := gitMirrors(cache).Open(ctx, remote, creds)
				if hooks.mirrorsTimed != nil {
					*hooks.mirrorsTimed += time.Since(start)
				}
				if err != nil || hooks.mirror == nil {
					return m, err
				}
				return hooks.mirror(m), nil
			})
		}
		b, err := bot.New(clients, mirrors, all...)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	w.bot = w.newBot(opts...)
	w.recv, err = webhook.NewReceiver(webhook.DispatchFunc(w.bot.Reconcile), []string{secret})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("logs:\n%s", w.logs.String())
		}
	})
	return w
}

// appKey returns the GitHub App's key, generated once per test binary.
var appKey = func() func(testing.TB) (*rsa.PrivateKey, []byte) {
	var once sync.Once
	var key *rsa.PrivateKey
	var err error
	return func(t testing.TB) (*rsa.PrivateKey, []byte) {
		t.Helper()
		once.Do(func() { key, err = rsa.GenerateKey(rand.Reader, 2048) })
		if err != nil {
			t.Fatal(err)
		}
		return key, pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)})
	}
}()

type syncWriter struct {
	mu sync.Mutex
	w  *bytes.Buffer
}

func (s *syncWriter) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.Write(p)
}

// patch returns the unified diff of path between two commits, as GitHub
// shows it in a pull request's files (hunks only).
func (w *world) patch(base, head, path string) string {
	out := w.git.Git("diff", base, head, "--", path)
	if i := strings.Index(out, "@@"); i >= 0 {
		return out[i:]
	}
	return ""
}

// deliver sends the fixture payload for event/action, rewritten to point
// at the fake's repository, the pull request and the Git server, through
// the webhook receiver, and checks that it was accepted.
func (w *world) deliver(event, action string, pr int, headSHA string) {
	w.t.Helper()
	w.deliverWith(event, action, pr, headSHA, nil)
}

// deliverWith is deliver with the payload changed further by edit.
func (w *world) deliverWith(event, action string, pr int, headSHA string, edit func(map[string]any)) {
	w.t.Helper()
	raw, err := os.ReadFile(filepath.Join("..", "testdata", "github", "webhooks", event, action+".json"))
	if err != nil {
		w.t.Fatal(err)
	}
	var p map[string]any
	if err := json.Unmarshal(raw, &p); err != nil {
		w.t.Fatal(err)
	}
	repo := p["repository"].(map[string]any)
	repo["full_name"], repo["name"], repo["clone_url"] = fullName, name, w.git.URL
	repo["owner"].(map[string]any)["login"] = owner
	p["installation"] = map[string]any{"id": instID}
	if pr != 0 {
		p["number"] = pr
		prj := p["pull_request"].(map[string]any)
		prj["number"] = pr
		head := prj["head"].(map[string]any)
		head["sha"], head["ref"] = headSHA, "fosdem"
		head["repo"] = repo
		prj["base"].(map[string]any)["repo"] = repo
	}
	if edit != nil {
		edit(p)
	}
	body, err := json.Marshal(p)
	if err != nil {
		w.t.Fatal(err)
	}
	req := httptest.NewRequest(http.MethodPost, "/webhook", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-GitHub-Event", event)
	req.Header.Set("X-GitHub-Delivery", fmt.Sprintf("%s-%s-%d-%s-%d", event, action, pr, headSHA, time.Now().UnixNano()))
	req.Header.Set("X-Hub-Signature-256", webhook.Sign([]byte(secret), body))
	rec := httptest.NewRecorder()
	w.recv.ServeHTTP(rec, req)
	if rec.Code != http.StatusAccepted {
		w.t.Fatalf("delivery %s/%s answered %d: %s", event, action, rec.Code, rec.Body.String())
	}
}

// reconcile runs the bot on the repository as the resync would.
func (w *world) reconcile() error {
	return w.bot.ReconcileAll(context.Background(), []bot.Target{{Repo: fullName, InstallationID: instID}})
}

func basicSite(t testing.TB) (base, post map[string]string) {
	files := siteFiles(t)
	post = map[string]string{postPath: files[postPath]}
	delete(files, postPath)
	return files, post
}

// suggestionKeys returns the marker keys of herald's inline suggestions.
func suggestionKeys(cs []fakegithub.ReviewComment) map[string]int {
	out := map[string]int{}
	for _, c := range cs {
		if k, _, ok := forge.ParseMarker(c.Body); ok {
			out[k]++
		}
	}
	return out
}

func TestPullRequestFeedback(t *testing.T) {
	base, post := basicSite(t)
	w := newWorld(t, base)
	baseSHA := w.git.Ref("refs/heads/main")
	head1 := w.git.CreatePullRef(2, baseSHA, post)
	w.git.SetRef("refs/heads/fosdem", head1)
	mergeable := true
	n := w.fake.AddPR(fullName, fakegithub.PR{Number: 2, Title: "FOSDEM recap", Author: "gerrit91", HeadRef: "fosdem", HeadSHA: head1,
		BaseRef: "main", BaseSHA: baseSHA, Mergeable: &mergeable,
		Files: []fakegithub.File{{Path: postPath, Status: "added", Additions: 60, Patch: w.patch(baseSHA, head1, postPath)}}})

	// First push.
	w.deliver("pull_request", "opened", n, head1)
	runs := w.fake.CheckRuns(fullName, head1)
	if len(runs) != 1 {
		t.Fatalf("check runs on the head = %d, want 1", len(runs))
	}
	run := runs[0]
	if run.Conclusion != "failure" || run.Name != "herald" || run.App != "herald" {
		t.Errorf("check run = %s/%s by %q, want herald/failure by the app", run.Name, run.Conclusion, run.App)
	}
	rules := map[string]int{}
	for _, a := range run.Annotations {
		rules[a.Title]++
	}
	for _, r := range []string{"repeated-word", "mojibake", "link-syntax", "misspelling"} {
		if rules[r] == 0 {
			t.Errorf("no annotation for %s; annotations by rule: %v", r, rules)
		}
	}
	for _, want := range []string{"Looking back at FOSDEM 2026", "gerrit91", "2026-02-03 09:00 UTC (10:00 CET, Europe/Berlin)", "in 4 days"} {
		if !strings.Contains(run.Summary, want) {
			t.Errorf("check run summary lacks %q:\n%s", want, run.Summary)
		}
	}
	comments := w.fake.Comments(fullName, n)
	if len(comments) != 1 || !strings.Contains(comments[0].Body, "herald:herald-summary") {
		t.Fatalf("comments = %+v, want one summary", comments)
	}
	if !strings.Contains(comments[0].Body, "repeated-word") || !strings.Contains(comments[0].Body, "in 4 days") {
		t.Errorf("summary comment:\n%s", comments[0].Body)
	}
	sugg := w.fake.ReviewComments(fullName, n)
	if len(sugg) == 0 {
		t.Fatal("no inline suggestions")
	}
	var repeated string
	for _, c := range sugg {
		if !strings.Contains(c.Body, "```suggestion") {
			t.Errorf("review comment without a suggestion block: %q", c.Body)
		}
		if strings.Contains(c.Body, "repeated-word") {
			repeated = c.Body
		}
	}
	if !strings.Contains(repeated, "through the internet") {
		t.Errorf("repeated-word suggestion = %q, want the line with one \"the\"", repeated)
	}
	if !slices.Contains(w.fake.PR(fullName, n).Labels, publish.LabelScheduled) {
		t.Errorf("labels = %v, want %s", w.fake.PR(fullName, n).Labels, publish.LabelScheduled)
	}
	firstKeys := suggestionKeys(sugg)

	// A redelivery or a resync changes nothing.
	if err := w.reconcile(); err != nil {
		t.Fatal(err)
	}
	if got := len(w.fake.CheckRuns(fullName, head1)); got != 1 {
		t.Errorf("check runs after a resync = %d, want 1", got)
	}
	if got := len(w.fake.ReviewComments(fullName, n)); got != len(sugg) {
		t.Errorf("review comments after a resync = %d, want %d", got, len(sugg))
	}

	// Second push: the repeated word is fixed.
	fixed := strings.Replace(post[postPath], "through the the internet", "through the internet", 1)
	head2 := w.git.Apply(gittest.Change{Ref: "refs/pull/2/head", From: head1, Files: map[string]string{postPath: fixed}, Message: "fix the the"})
	w.git.SetRef("refs/heads/fosdem", head2)
	w.fake.SetHead(fullName, n, head2, []fakegithub.File{{Path: postPath, Status: "added", Additions: 60, Patch: w.patch(baseSHA, head2, postPath)}})
	w.deliver("pull_request", "synchronize", n, head2)

	runs2 := w.fake.CheckRuns(fullName, head2)
	if len(runs2) != 1 {
		t.Fatalf("check runs on the new head = %d, want 1", len(runs2))
	}
	for _, a := range runs2[0].Annotations {
		if a.Title == "repeated-word" {
			t.Errorf("repeated-word still reported: %+v", a)
		}
	}
	comments = w.fake.Comments(fullName, n)
	if len(comments) != 1 || comments[0].Edits != 1 {
		t.Fatalf("comments = %d (edits %d), want the one summary edited once", len(comments), comments[0].Edits)
	}
	if strings.Contains(comments[0].Body, "repeated-word") {
		t.Errorf("the summary still names repeated-word:\n%s", comments[0].Body)
	}
	sugg2 := w.fake.ReviewComments(fullName, n)
	keys2 := suggestionKeys(sugg2)
	for k, c := range keys2 {
		if c != 1 {
			t.Errorf("suggestion %s posted %d times", k, c)
		}
		if firstKeys[k] == 0 {
			t.Errorf("suggestion %s is new on the second push", k)
		}
	}
	for _, c := range sugg2 {
		if strings.Contains(c.Body, "repeated-word") {
			t.Errorf("the outdated suggestion is still there: %q", c.Body)
		}
	}
	if len(sugg2) != len(sugg)-1 {
		t.Errorf("suggestions after the fix = %d, want %d", len(sugg2), len(sugg)-1)
	}
	if len(w.fake.Merges()) != 0 {
		t.Errorf("merged before its time: %+v", w.fake.Merges())
	}
	if es := w.sched.entries[fullName]; len(es) != 1 || es[0].Key != "pr/2" {
		t.Errorf("scheduler entries = %+v, want one for pr/2", es)
	}
}

// openPR seeds pull request n adding the post at head on top of main.
func (w *world) openPR(n int, files map[string]string) (head string) {
	w.t.Helper()
	baseSHA := w.git.Ref("refs/heads/main")
	head = w.git.CreatePullRef(n, baseSHA, files)
	w.git.SetRef("refs/heads/fosdem", head)
	mergeable := true
	var fs []fakegithub.File
	for p := range files {
		fs = append(fs, fakegithub.File{Path: p, Status: "added", Additions: strings.Count(files[p], "\n"), Patch: w.patch(baseSHA, head, p)})
	}
	w.fake.AddPR(fullName, fakegithub.PR{Number: n, Title: "FOSDEM recap", Author: "gerrit91", HeadRef: "fosdem", HeadSHA: head,
		BaseRef: "main", BaseSHA: baseSHA, Mergeable: &mergeable, Files: fs})
	return head
}

func TestFeedbackSurvivesFaults(t *testing.T) {
	base, post := basicSite(t)

	// A reference run finds every operation the bot calls.
	ref := newWorld(t, base)
	ref.openPR(2, post)
	if err := ref.reconcile(); err != nil {
		t.Fatal(err)
	}
	ops := map[string]bool{}
	for _, r := range ref.fake.Requests() {
		if r.Op != "" {
			ops[r.Op] = true
		}
	}
	if len(ops) < 10 {
		t.Fatalf("only %d operations seen: %v", len(ops), ops)
	}

	w := newWorld(t, base)
	head := w.openPR(2, post)
	limited := 0
	for op := range ops {
		w.fake.FailNext(op, 1, http.StatusBadGateway)
		if limited < 2 && op != "apps/create-installation-access-token" {
			w.fake.RateLimitNext(op, 1, http.StatusForbidden, time.Now().Add(time.Second))
			limited++
		}
	}
	if err := w.reconcile(); err != nil {
		t.Fatalf("reconcile with faults: %v", err)
	}
	if got, want := len(w.fake.CheckRuns(fullName, head)), 1; got != want {
		t.Errorf("check runs = %d, want %d", got, want)
	}
	if got := len(w.fake.Comments(fullName, 2)); got != 1 {
		t.Errorf("comments = %d, want 1", got)
	}
	if got, want := len(w.fake.ReviewComments(fullName, 2)), len(ref.fake.ReviewComments(fullName, 2)); got != want {
		t.Errorf("suggestions = %d, want %d as without faults", got, want)
	}
	if got, want := len(w.fake.CheckRuns(fullName, head)[0].Annotations), len(ref.fake.CheckRuns(fullName, ref.git.Ref("refs/pull/2/head"))[0].Annotations); got != want {
		t.Errorf("annotations = %d, want %d as without faults", got, want)
	}
	failed := 0
	for _, r := range w.fake.Requests() {
		if r.Status >= 500 || r.Status == http.StatusForbidden {
			failed++
		}
	}
	if failed < len(ops) {
		t.Errorf("only %d requests failed, want at least %d", failed, len(ops))
	}
}

func TestMergeWhenDue(t *testing.T) {
	base, post := basicSite(t)
	// Fix the errors so the post can go out.
	text := post[postPath]
	for _, r := range [][2]string{{"the the", "the"}, {"ðŸ˜›", "😛"}, {"ðŸ¤“", "🤓"}, {"[https://containerlab.dev/]", "<https://containerlab.dev/>"}} {
		text = strings.Replace(text, r[0], r[1], 1)
	}
	post = map[string]string{postPath: text}
	w := newWorld(t, base)
	head := w.openPR(2, post)
	w.deliver("pull_request", "opened", 2, head)
	if runs := w.fake.CheckRuns(fullName, head); len(runs) != 1 || runs[0].Conclusion != "success" {
		t.Fatalf("check runs = %+v, want one success", runs)
	}

	// Approved, but not due yet: nothing merges; the status says pending.
	w.fake.AddReview(fullName, fakegithub.Review{PR: 2, User: "maintainer", State: "APPROVED", CommitID: head})
	w.deliver("pull_request_review", "submitted", 2, head)
	if len(w.fake.Merges()) != 0 {
		t.Fatalf("merged before its time")
	}
	if st := lastStatus(w.fake.Statuses(fullName, head), publish.StatusContext); st.State != "pending" {
		t.Errorf("schedule status = %+v, want pending", st)
	}

	// Due: merged once, with the checked head.
	w.clock.Set(time.Date(2026, 2, 3, 9, 0, 30, 0, time.UTC))
	if err := w.reconcile(); err != nil {
		t.Fatal(err)
	}
	merges := w.fake.Merges()
	if len(merges) != 1 || merges[0].SHA != head || merges[0].PR != 2 {
		t.Fatalf("merges = %+v, want one of #2 at %s", merges, head)
	}
	if st := lastStatus(w.fake.Statuses(fullName, head), publish.StatusContext); st.State != "success" {
		t.Errorf("schedule status = %+v, want success before the merge", st)
	}
	if err := w.reconcile(); err != nil {
		t.Fatal(err)
	}
	if got := len(w.fake.Merges()); got != 1 {
		t.Errorf("merges after another reconcile = %d, want 1", got)
	}
}

func TestHeadMovedIsNotMergedUntilChecked(t *testing.T) {
	base, post := basicSite(t)
	text := strings.NewReplacer("the the", "the", "ðŸ˜›", "😛", "ðŸ¤“", "🤓", "[https://containerlab.dev/]", "<https://containerlab.dev/>").Replace(post[postPath])
	w := newWorld(t, base)
	head := w.openPR(3, map[string]string{postPath: text})
	w.fake.AddReview(fullName, fakegithub.Review{PR: 3, User: "maintainer", State: "APPROVED", CommitID: head})
	if err := w.reconcile(); err != nil {
		t.Fatal(err)
	}
	if len(w.fake.CheckRuns(fullName, head)) != 1 {
		t.Fatal("head not checked")
	}

	// A push the mirror cannot see yet moves the head; the time comes.
	moved := "1234567890123456789012345678901234567890"
	w.fake.SetHead(fullName, 3, moved, nil)
	w.clock.Set(time.Date(2026, 2, 3, 9, 1, 0, 0, time.UTC))
	if err := w.reconcile(); err == nil {
		t.Error("reconcile of an unreadable head succeeded")
	}
	if got := w.fake.Merges(); len(got) != 0 {
		t.Fatalf("merged an unchecked head: %+v", got)
	}

	// The new head reaches Git: it is checked first, then merged.
	head2 := w.git.Apply(gittest.Change{Ref: "refs/pull/3/head", From: head, Files: map[string]string{postPath: text + "\nOne more line.\n"}, Message: "more"})
	w.fake.SetHead(fullName, 3, head2, []fakegithub.File{{Path: postPath, Status: "added", Patch: w.patch(w.git.Ref("refs/heads/main"), head2, postPath)}})
	if err := w.reconcile(); err != nil {
		t.Fatal(err)
	}
	if len(w.fake.CheckRuns(fullName, head2)) != 1 {
		t.Error("the new head was not checked")
	}
	if got := w.fake.Merges(); len(got) != 1 || got[0].SHA != head2 {
		t.Errorf("merges = %+v, want one at the checked head %s", got, head2)
	}
}

func lastStatus(sts []fakegithub.Status, context string) fakegithub.Status {
	var last fakegithub.Status
	for _, s := range sts {
		if s.Context == context {
			last = s
		}
	}
	return last
}

// plainGit is a forge without pull requests, as a plain Git repository is.
type plainGit struct{ repo forge.Repo }

func (p plainGit) Repo(context.Context) (forge.Repo, error) { return p.repo, nil }

func (p plainGit) ListOpenPRs(context.Context) ([]forge.PullRequest, error) { return nil, nil }

// withoutErrors fixes the error findings of the FOSDEM draft: an error
// blocks publishing, and the tests of the draft strategy want it out.
func withoutErrors(post string) string {
	return strings.NewReplacer("ðŸ˜›", "😛", "ðŸ¤“", "🤓", "[https://containerlab.dev/]", "<https://containerlab.dev/>").
		Replace(strings.Replace(post, "the the internet", "the internet", 1))
}

func TestDraftStrategyPublishesOnce(t *testing.T) {
	files := siteFiles(t)
	files[postPath] = withoutErrors(files[postPath])
	files[".herald.yml"] += "publish:\n  strategy: draft\n"
	files[postPath] = strings.Replace(files[postPath], "type: \"blog\"\n", "type: \"blog\"\ndraft: true\n", 1)
	srv := gittest.NewServer(t)
	repo := srv.NewRepo("drafts", files)
	before := repo.Ref("refs/heads/main")
	now := &clock{now: time.Date(2026, 2, 3, 9, 0, 5, 0, time.UTC)}
	clients := bot.ClientsFunc(func(context.Context, bot.Target) (bot.Forge, error) {
		return plainGit{forge.Repo{Owner: "local", Name: "drafts", DefaultBranch: "main", CloneURL: repo.URL}}, nil
	})
	cache, err := gitrepo.NewCache(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer cache.Close()
	b, err := bot.New(clients, gitMirrors(cache), bot.WithClock(now.Now))
	if err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if err := b.ReconcileAll(context.Background(), []bot.Target{{Repo: "local/drafts"}}); err != nil {
			t.Fatal(err)
		}
	}
	checkDraftFlipped(t, repo, before)
	sched, err := b.Schedule(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(sched) != 1 || sched[0].Status != publish.ItemPublished {
		t.Errorf("schedule = %+v, want the post as published", sched)
	}
}

// checkDraftFlipped checks that the default branch of the draft site moved
// from before by one commit, herald's, which only flips the draft line.
func checkDraftFlipped(t *testing.T, repo *gittest.Repo, before string) {
	t.Helper()
	if got := repo.CommitCount("refs/heads/main") - repo.CommitCount(before); got != 1 {
		t.Fatalf("publish commits = %d, want 1", got)
	}
	if msg := repo.Git("log", "-1", "--format=%s", "refs/heads/main"); msg != "publish: Looking back at FOSDEM 2026" {
		t.Errorf("commit message = %q", msg)
	}
	diff := repo.Git("diff", "--unified=0", before, "refs/heads/main")
	if !strings.Contains(diff, "-draft: true\n+draft: false") || strings.Count(diff, "\n+") != 2 {
		t.Errorf("the publish commit changes more than the draft line:\n%s", diff)
	}
}
