package github_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/heraldhq/herald/forge"
	"github.com/heraldhq/herald/forge/github"
	"github.com/heraldhq/herald/internal/fakegithub"
)

const (
	repo  = "acme/blog"
	token = "ghp_secretTOKEN0123456789"
)

// syncBuffer is a log sink safe for concurrent writes.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

type env struct {
	fake *fakegithub.Server
	c    *github.Client
	logs *syncBuffer
}

func options(fake *fakegithub.Server, logs *syncBuffer) github.Options {
	return github.Options{
		BaseURL:   fake.URL(),
		Transport: fake.Client().Transport,
		Logger:    slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
		Retry:     github.RetryPolicy{BaseDelay: 5 * time.Millisecond, MaxDelay: 20 * time.Millisecond, MaxWait: 5 * time.Second, AttemptTimeout: 2 * time.Second},
	}
}

// setup starts a fake with one repository and one pull request and a
// token client for it.
func setup(t *testing.T, fo fakegithub.Options) *env {
	t.Helper()
	fake := fakegithub.New(t, fo)
	fake.AddToken(token, "herald-bot")
	fake.AddRepo(fakegithub.Repo{Owner: "acme", Name: "blog"})
	logs := &syncBuffer{}
	c, err := github.NewTokenClient(token, "acme", "blog", options(fake, logs))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if strings.Contains(logs.String(), token) {
			t.Errorf("the token appears in the logs:\n%s", logs.String())
		}
	})
	return &env{fake: fake, c: c, logs: logs}
}

const patch = "@@ -0,0 +1,5 @@\n+---\n+title: Hello\n+---\n+\n+the the post"

func addPR(e *env) int {
	return e.fake.AddPR(repo, fakegithub.PR{
		Title: "Add hello", Author: "alice", HeadRef: "hello", HeadSHA: "1111111111111111111111111111111111111111",
		BaseSHA: "2222222222222222222222222222222222222222", Labels: []string{"blog"},
		Files: []fakegithub.File{{Path: "blog/hello.md", Status: "added", Additions: 5, Patch: patch}},
	})
}

func TestReadOperations(t *testing.T) {
	e := setup(t, fakegithub.Options{})
	ctx := context.Background()
	n := addPR(e)
	e.fake.AddReview(repo, fakegithub.Review{PR: n, User: "bob", State: "APPROVED", CommitID: "1111111111111111111111111111111111111111"})
	e.fake.AddStatus(repo, fakegithub.Status{SHA: "1111111111111111111111111111111111111111", Context: "ci", State: "pending"})
	e.fake.AddStatus(repo, fakegithub.Status{SHA: "1111111111111111111111111111111111111111", Context: "ci", State: "success"})
	e.fake.AddCheckRun(repo, fakegithub.CheckRun{Name: "build", HeadSHA: "1111111111111111111111111111111111111111", Status: "completed", Conclusion: "success"})
	e.fake.SetPermission(repo, "bob", "maintain")
	e.fake.SetPermission(repo, "carol", "triage")

	r, err := e.c.Repo(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if r.FullName() != repo || r.DefaultBranch != "main" {
		t.Errorf("Repo = %+v", r)
	}

	pr, err := e.c.PR(ctx, n)
	if err != nil {
		t.Fatal(err)
	}
	want := forge.PullRequest{
		Number: n, Title: "Add hello", HeadSHA: "1111111111111111111111111111111111111111", HeadRef: "hello",
		HeadCloneURL: strings.TrimSuffix(e.fake.URL(), "/") + "/git/acme/blog.git", BaseRef: "main",
		BaseSHA: "2222222222222222222222222222222222222222", State: forge.PROpen, MergeableState: "clean",
		Labels: []string{"blog"}, Author: "alice", HTMLURL: "https://github.com/acme/blog/pull/1",
	}
	if diff := cmp.Diff(want, pr, cmpopts.IgnoreFields(forge.PullRequest{}, "UpdatedAt", "BaseRepo")); diff != "" {
		t.Errorf("PR (-want +got):\n%s", diff)
	}
	// The pull request names its repository as the repository's own read
	// does: a reconcile of one pull request need not read both.
	if diff := cmp.Diff(r, pr.BaseRepo); diff != "" {
		t.Errorf("PR's base repository (-Repo +PR):\n%s", diff)
	}

	files, err := e.c.ChangedFiles(ctx, n)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]forge.ChangedFile{{Path: "blog/hello.md", Status: forge.FileAdded, Additions: 5, Patch: patch}}, files); diff != "" {
		t.Errorf("ChangedFiles (-want +got):\n%s", diff)
	}

	reviews, err := e.c.Reviews(ctx, n)
	if err != nil {
		t.Fatal(err)
	}
	if len(reviews) != 1 || reviews[0].User != "bob" || reviews[0].State != forge.ReviewApproved {
		t.Errorf("Reviews = %+v", reviews)
	}

	cs, err := e.c.CombinedStatus(ctx, "1111111111111111111111111111111111111111")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(forge.CombinedStatus{SHA: "1111111111111111111111111111111111111111", State: forge.StatusSuccess,
		Statuses: []forge.Status{{Context: "ci", State: forge.StatusSuccess}}}, cs); diff != "" {
		t.Errorf("CombinedStatus (-want +got):\n%s", diff)
	}

	runs, err := e.c.CheckRuns(ctx, "1111111111111111111111111111111111111111")
	if err != nil {
		t.Fatal(err)
	}
	if len(runs) != 1 || runs[0].Name != "build" || runs[0].Conclusion != forge.ConclusionSuccess {
		t.Errorf("CheckRuns = %+v", runs)
	}

	for _, tc := range []struct {
		user string
		want forge.Permission
	}{{"bob", forge.PermissionMaintain}, {"carol", forge.PermissionTriage}, {"acme", forge.PermissionAdmin}, {"mallory", forge.PermissionNone}} {
		got, err := e.c.Permission(ctx, tc.user)
		if err != nil || got != tc.want {
			t.Errorf("Permission(%s) = %v, %v; want %v", tc.user, got, err, tc.want)
		}
	}
}

func TestPagination(t *testing.T) {
	e := setup(t, fakegithub.Options{})
	for i := range 250 {
		e.fake.AddPR(repo, fakegithub.PR{Title: fmt.Sprintf("post %d", i)})
	}
	e.fake.AddPR(repo, fakegithub.PR{Title: "closed", State: "closed"})
	prs, err := e.c.ListOpenPRs(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(prs) != 250 {
		t.Errorf("got %d open pull requests, want 250", len(prs))
	}
	seen := map[int]bool{}
	for _, p := range prs {
		if seen[p.Number] {
			t.Errorf("pull request %d listed twice", p.Number)
		}
		seen[p.Number] = true
	}
	if got := e.fake.Count("pulls/list"); got != 3 {
		t.Errorf("pulls/list requests = %d, want 3 pages of 100", got)
	}
}

func TestRetries(t *testing.T) {
	for _, tc := range []struct {
		name    string
		inject  func(f *fakegithub.Server)
		minWait time.Duration
		calls   int
	}{
		{"5xx twice then success", func(f *fakegithub.Server) { f.FailNext("pulls/get", 2, 502) }, 0, 3},
		{"primary rate limit 403 waits for reset", func(f *fakegithub.Server) {
			f.RateLimitNext("pulls/get", 1, 403, time.Now().Add(time.Second).Truncate(time.Second).Add(time.Second))
		}, 900 * time.Millisecond, 2},
		{"primary rate limit 429 waits for reset", func(f *fakegithub.Server) {
			f.RateLimitNext("pulls/get", 1, 429, time.Now().Add(time.Second).Truncate(time.Second).Add(time.Second))
		}, 900 * time.Millisecond, 2},
		{"secondary rate limit waits Retry-After", func(f *fakegithub.Server) { f.SecondaryLimitNext("pulls/get", 1, time.Second) }, time.Second, 2},
		{"slow answer times out and is retried", func(f *fakegithub.Server) { f.SlowNext("pulls/get", 1, 10*time.Second) }, 2 * time.Second, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e := setup(t, fakegithub.Options{})
			n := addPR(e)
			tc.inject(e.fake)
			start := time.Now()
			pr, err := e.c.PR(context.Background(), n)
			if err != nil {
				t.Fatalf("PR: %v", err)
			}
			if pr.Number != n {
				t.Errorf("PR number = %d", pr.Number)
			}
			if d := time.Since(start); d < tc.minWait {
				t.Errorf("took %v, want at least %v", d, tc.minWait)
			}
			if got := e.fake.Count("pulls/get"); got != tc.calls {
				t.Errorf("pulls/get requests = %d, want %d", got, tc.calls)
			}
			if !strings.Contains(e.logs.String(), "will be retried") {
				t.Errorf("no retry logged:\n%s", e.logs.String())
			}
		})
	}
}

func TestGivesUp(t *testing.T) {
	e := setup(t, fakegithub.Options{})
	n := addPR(e)
	ctx := context.Background()

	e.fake.FailNext("pulls/get", 10, 500)
	_, err := e.c.PR(ctx, n)
	if err == nil || !strings.Contains(err.Error(), "500") {
		t.Errorf("after persistent 500s: err = %v", err)
	}
	if got := e.fake.Count("pulls/get"); got != 5 {
		t.Errorf("pulls/get requests = %d, want 5 attempts", got)
	}

	reset := time.Now().Add(time.Hour)
	e.fake.RateLimitNext("pulls/list-files", 1, 403, reset)
	start := time.Now()
	_, err = e.c.ChangedFiles(ctx, n)
	var rle *forge.RateLimitError
	if !errors.As(err, &rle) || !errors.Is(err, forge.ErrRateLimited) {
		t.Fatalf("rate limit past MaxWait: err = %v, want *forge.RateLimitError", err)
	}
	// At once: one request, and no wait for the reset (nor for MaxWait,
	// which a machine under load cannot take for one local request).
	if n := e.fake.Count("pulls/list-files"); rle.Reset.Unix() != reset.Unix() || n != 1 || time.Since(start) >= options(e.fake, nil).Retry.MaxWait {
		t.Errorf("RateLimitError = %+v after %d requests and %v; want reset %v at once", rle, n, time.Since(start), reset)
	}
	t.Logf("message a person sees: %v", err)

	// A fresh client: the one above rightly refuses to send anything until
	// the hour-long reset.
	e = setup(t, fakegithub.Options{})
	n = addPR(e)
	cctx, cancel := context.WithTimeout(ctx, 300*time.Millisecond)
	defer cancel()
	e.fake.SecondaryLimitNext("pulls/list-reviews", 1, 3*time.Second)
	if _, err := e.c.Reviews(cctx, n); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("waiting past the context: err = %v, want deadline exceeded", err)
	}
}

func TestMergeErrors(t *testing.T) {
	e := setup(t, fakegithub.Options{})
	ctx := context.Background()
	n := addPR(e)
	head := "1111111111111111111111111111111111111111"

	_, err := e.c.Merge(ctx, n, forge.MergeOptions{SHA: "3333333333333333333333333333333333333333"})
	if !errors.Is(err, forge.ErrHeadMoved) || !errors.Is(err, forge.ErrConflict) {
		t.Errorf("merge with a stale SHA: err = %v, want ErrHeadMoved", err)
	}
	t.Logf("message a person sees: %v", err)

	f := false
	e.fake.SetMergeable(repo, n, &f, "dirty")
	if _, err := e.c.Merge(ctx, n, forge.MergeOptions{SHA: head}); !errors.Is(err, forge.ErrNotMergeable) {
		t.Errorf("merge of an unmergeable PR: err = %v, want ErrNotMergeable", err)
	}

	tr := true
	e.fake.SetMergeable(repo, n, &tr, "clean")
	res, err := e.c.Merge(ctx, n, forge.MergeOptions{SHA: head, Method: forge.MergeSquash, CommitTitle: "publish: Hello"})
	if err != nil || !res.Merged || res.SHA == "" {
		t.Fatalf("Merge = %+v, %v", res, err)
	}
	if diff := cmp.Diff([]fakegithub.Merge{{Repo: repo, PR: n, SHA: head, Method: "squash", CommitTitle: "publish: Hello", MergeSHA: res.SHA}}, e.fake.Merges()); diff != "" {
		t.Errorf("merges (-want +got):\n%s", diff)
	}
	if _, err := e.c.PR(ctx, 99); !errors.Is(err, forge.ErrNotFound) {
		t.Errorf("missing PR: err = %v, want ErrNotFound", err)
	}
}

func TestUpsertComment(t *testing.T) {
	e := setup(t, fakegithub.Options{})
	ctx := context.Background()
	n := addPR(e)
	e.fake.AddComment(repo, fakegithub.Comment{Issue: n, User: "alice", Body: "Thanks!"})
	e.fake.AddComment(repo, fakegithub.Comment{Issue: n, User: "mallory", Body: "<!-- herald:summary -->\nnot herald's"})

	for i, body := range []string{"2 problems", "2 problems", "all clear"} {
		got, err := e.c.UpsertComment(ctx, n, "summary", body)
		if err != nil {
			t.Fatalf("upsert %d: %v", i, err)
		}
		if len(got) != 1 || got[0].Body != "<!-- herald:summary -->\n"+body {
			t.Errorf("upsert %d returned %+v", i, got)
		}
	}
	cs := e.fake.Comments(repo, n)
	if len(cs) != 3 || cs[2].Body != "<!-- herald:summary -->\nall clear" || cs[2].Edits != 1 || cs[1].Edits != 0 {
		t.Errorf("comments = %+v; want the users' untouched and one herald comment edited once", cs)
	}
	if got := e.fake.Count("issues/create-comment"); got != 1 {
		t.Errorf("comments created = %d, want 1", got)
	}

	big := strings.Repeat("a line of the report that goes on\n", 5000) // 170,000 bytes
	parts, err := e.c.UpsertComment(ctx, n, "summary", big)
	if err != nil {
		t.Fatal(err)
	}
	if len(parts) != 3 {
		t.Fatalf("big body in %d parts, want 3", len(parts))
	}
	var joined strings.Builder
	for i, p := range parts {
		if len([]rune(p.Body)) > forge.MaxCommentLength {
			t.Errorf("part %d has %d characters", i+1, len([]rune(p.Body)))
		}
		joined.WriteString(strings.SplitN(p.Body, "\n", 2)[1])
	}
	if joined.String() != big {
		t.Errorf("parts do not add up to the body")
	}
	if got := len(e.fake.Comments(repo, n)); got != 5 {
		t.Errorf("comments after split = %d, want 5", got)
	}
	if _, err := e.c.UpsertComment(ctx, n, "summary", "short again"); err != nil {
		t.Fatal(err)
	}
	if cs := e.fake.Comments(repo, n); len(cs) != 3 || cs[2].Body != "<!-- herald:summary -->\nshort again" {
		t.Errorf("after shrinking: %+v", cs)
	}
	if _, err := e.c.UpsertComment(ctx, n, "bad key!", "x"); err == nil {
		t.Errorf("invalid key accepted")
	}
}

func TestReviewAndLabelsAndStatuses(t *testing.T) {
	e := setup(t, fakegithub.Options{})
	ctx := context.Background()
	n := addPR(e)
	head := "1111111111111111111111111111111111111111"

	res, err := e.c.CreateReview(ctx, n, forge.ReviewRequest{CommitID: head, Comments: []forge.ReviewComment{
		{Path: "blog/hello.md", Line: 5, Body: forge.SuggestionBody("Repeated word.", "the post")},
		{Path: "blog/hello.md", Line: 9, Body: "outside the diff"},
		{Path: "blog/other.md", Line: 1, Body: "not in the PR"},
	}})
	if err != nil {
		t.Fatal(err)
	}
	if res.ID == 0 || len(res.Posted) != 1 || len(res.Skipped) != 2 {
		t.Errorf("CreateReview = %+v", res)
	}
	e.fake.SetHead(repo, n, "4444444444444444444444444444444444444444", []fakegithub.File{{Path: "blog/hello.md", Status: "added", Patch: patch}})
	_, err = e.c.CreateReview(ctx, n, forge.ReviewRequest{CommitID: head, Comments: []forge.ReviewComment{{Path: "blog/hello.md", Line: 5, Body: "late"}}})
	if !errors.Is(err, forge.ErrHeadMoved) {
		t.Errorf("review on an old head: err = %v, want ErrHeadMoved", err)
	}
	t.Logf("message a person sees: %v", err)
	rcs, err := e.c.ReviewComments(ctx, n)
	if err != nil {
		t.Fatal(err)
	}
	if len(rcs) != 1 || rcs[0].Line != 5 || !strings.Contains(rcs[0].Body, "```suggestion\nthe post\n```") || rcs[0].CommitID != head {
		t.Errorf("ReviewComments = %+v", rcs)
	}
	if err := e.c.DeleteReviewComment(ctx, rcs[0].ID); err != nil {
		t.Fatal(err)
	}
	if err := e.c.DeleteReviewComment(ctx, rcs[0].ID); err != nil {
		t.Errorf("deleting twice: %v", err)
	}
	if got := e.fake.ReviewComments(repo, n); len(got) != 0 {
		t.Errorf("review comments left: %+v", got)
	}

	added, err := e.c.AddLabels(ctx, n, "blog", "herald/scheduled")
	if err != nil || !cmp.Equal(added, []string{"herald/scheduled"}) {
		t.Errorf("AddLabels = %v, %v", added, err)
	}
	if added, _ := e.c.AddLabels(ctx, n, "herald/scheduled"); added != nil {
		t.Errorf("AddLabels again added %v", added)
	}
	if got := e.fake.Count("issues/add-labels"); got != 1 {
		t.Errorf("add-labels requests = %d, want 1", got)
	}
	if removed, err := e.c.RemoveLabel(ctx, n, "herald/scheduled"); err != nil || !removed {
		t.Errorf("RemoveLabel = %v, %v", removed, err)
	}
	if removed, err := e.c.RemoveLabel(ctx, n, "herald/scheduled"); err != nil || removed {
		t.Errorf("RemoveLabel again = %v, %v", removed, err)
	}
	if got := e.fake.PR(repo, n).Labels; !cmp.Equal(got, []string{"blog"}) {
		t.Errorf("labels = %v", got)
	}

	st := forge.Status{Context: "herald/schedule", State: forge.StatusPending, Description: "goes live 2026-12-01 09:00 UTC"}
	for i, want := range []bool{true, false} {
		changed, err := e.c.SetStatus(ctx, head, st)
		if err != nil || changed != want {
			t.Errorf("SetStatus #%d = %v, %v; want %v", i, changed, err, want)
		}
	}
	if got := len(e.fake.Statuses(repo, head)); got != 1 {
		t.Errorf("statuses written = %d, want 1", got)
	}

	cid := e.fake.AddComment(repo, fakegithub.Comment{Issue: n, User: "bob", Body: "/herald publish now"})
	for range 2 {
		if err := e.c.AddReaction(ctx, cid, forge.ReactionEyes); err != nil {
			t.Fatal(err)
		}
	}
	if got := e.fake.Comments(repo, n)[0].Reactions; len(got) != 1 || got[0].Content != "eyes" {
		t.Errorf("reactions = %+v", got)
	}

	if err := e.c.RepositoryDispatch(ctx, "herald-publish", map[string]any{"post": "blog/hello.md"}); err != nil {
		t.Fatal(err)
	}
	if err := e.c.WorkflowDispatch(ctx, "deploy.yml", "main", map[string]any{"reason": "publish"}); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]fakegithub.Dispatch{
		{Kind: "repository", EventType: "herald-publish", Payload: map[string]any{"post": "blog/hello.md"}},
		{Kind: "workflow", Workflow: "deploy.yml", Ref: "main", Payload: map[string]any{"reason": "publish"}},
	}, e.fake.Dispatches(repo)); diff != "" {
		t.Errorf("dispatches (-want +got):\n%s", diff)
	}

	if login, err := e.c.Login(ctx); err != nil || login != "herald-bot" {
		t.Errorf("Login = %q, %v; want herald-bot", login, err)
	}
	creds, err := e.c.GitCredentials(ctx)
	if err != nil || creds.Username != "x-access-token" || creds.Password != token {
		t.Errorf("GitCredentials = %v, %v", creds, err)
	}
	if strings.Contains(fmt.Sprintf("%v %+v %#v", creds, creds, creds), token) {
		t.Errorf("credentials print their token")
	}
}

func appKey(t *testing.T) (*rsa.PrivateKey, []byte) {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	return key, pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)})
}

func TestAppAuth(t *testing.T) {
	key, pemKey := appKey(t)
	for _, tc := range []struct {
		name       string
		ttl        time.Duration
		wantTokens int
	}{
		{"token cached while valid", time.Hour, 1},
		{"token refreshed a minute before expiry", 50 * time.Second, 3},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fake := fakegithub.New(t, fakegithub.Options{TokenTTL: tc.ttl})
			fake.AddApp(42, "herald", &key.PublicKey)
			fake.AddInstallation(42, 7, "acme")
			fake.AddRepo(fakegithub.Repo{Owner: "acme", Name: "blog"})
			logs := &syncBuffer{}
			app, err := github.NewApp(42, pemKey, options(fake, logs))
			if err != nil {
				t.Fatal(err)
			}
			c, err := app.Client(7, "acme", "blog")
			if err != nil {
				t.Fatal(err)
			}
			ctx := context.Background()
			n := fake.AddPR(repo, fakegithub.PR{HeadSHA: "1111111111111111111111111111111111111111"})
			for range 3 {
				if _, err := c.PR(ctx, n); err != nil {
					t.Fatal(err)
				}
			}
			if login, err := c.Login(ctx); err != nil || login != "herald[bot]" {
				t.Errorf("Login = %q, %v; want herald[bot]", login, err)
			}
			if got := fake.TokensIssued(); got != tc.wantTokens {
				t.Errorf("tokens issued = %d, want %d", got, tc.wantTokens)
			}
			creds, err := c.GitCredentials(ctx)
			if err != nil || creds.Username != "x-access-token" || !strings.HasPrefix(creds.Password, "ghs_") || creds.ExpiresAt.IsZero() {
				t.Errorf("GitCredentials = %v, %v", creds, err)
			}

			anns := make([]forge.Annotation, 120)
			for i := range anns {
				anns[i] = forge.Annotation{Path: "blog/hello.md", StartLine: i + 1, EndLine: i + 1, Level: forge.AnnotationWarning, Message: fmt.Sprintf("finding %d", i)}
			}
			run, err := c.CreateCheckRun(ctx, forge.CheckRunOptions{Name: "herald", HeadSHA: "1111111111111111111111111111111111111111",
				Conclusion: forge.ConclusionFailure, Title: "3 errors", Summary: "…", Annotations: anns})
			if err != nil {
				t.Fatal(err)
			}
			runs := fake.CheckRuns(repo, "1111111111111111111111111111111111111111")
			if len(runs) != 1 || len(runs[0].Annotations) != 120 || runs[0].Requests != 3 || runs[0].Conclusion != "failure" || runs[0].App != "herald" {
				t.Errorf("check run: %d runs, %+v", len(runs), runs)
			}
			if _, err := c.UpdateCheckRun(ctx, run.ID, forge.CheckRunOptions{Name: "herald", Conclusion: forge.ConclusionSuccess, Title: "all clear", Summary: "No findings."}); err != nil {
				t.Fatal(err)
			}
			if got := fake.CheckRuns(repo, "1111111111111111111111111111111111111111")[0]; got.Conclusion != "success" || got.Title != "all clear" {
				t.Errorf("updated run = %+v", got)
			}
			long := strings.Repeat("ü", forge.MaxCheckRunText+10)
			if _, err := c.UpdateCheckRun(ctx, run.ID, forge.CheckRunOptions{Name: "herald", Title: "long", Summary: long, Text: long}); err != nil {
				t.Fatalf("long summary: %v", err)
			}
			got := fake.CheckRuns(repo, "1111111111111111111111111111111111111111")[0]
			if n := len([]rune(got.Summary)); n != forge.MaxCheckRunText || !strings.HasSuffix(got.Summary, "(truncated: too long for a check run)") {
				t.Errorf("long summary sent as %d characters ending %q", n, got.Summary[len(got.Summary)-40:])
			}
			out := logs.String()
			if strings.Contains(out, creds.Password) || strings.Contains(out, "ghs_") || strings.Contains(out, "eyJ") {
				t.Errorf("a token or JWT appears in the logs:\n%s", out)
			}
		})
	}
}

func TestUnauthorized(t *testing.T) {
	e := setup(t, fakegithub.Options{})
	n := addPR(e)
	c, err := github.NewTokenClient("ghp_wrong", "acme", "blog", options(e.fake, e.logs))
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.PR(context.Background(), n)
	if !errors.Is(err, forge.ErrUnauthorized) || strings.Contains(err.Error(), "ghp_wrong") {
		t.Errorf("bad token: err = %v", err)
	}
	t.Logf("message a person sees: %v", err)
	if _, err := e.c.CreateCheckRun(context.Background(), forge.CheckRunOptions{Name: "herald", HeadSHA: "1111111111111111111111111111111111111111", Title: "t", Summary: "s"}); !errors.Is(err, forge.ErrUnauthorized) {
		t.Errorf("check run with a token: err = %v, want ErrUnauthorized (GitHub requires an App)", err)
	}
	if _, err := github.NewTokenClient("", "acme", "blog", github.Options{}); err == nil {
		t.Errorf("empty token accepted")
	}
	if _, err := github.NewApp(1, []byte("not a key"), github.Options{}); err == nil {
		t.Errorf("bad key accepted")
	}
	if _, err := github.NewTokenClient("x", "acme", "blog", github.Options{BaseURL: "ftp://x"}); err == nil {
		t.Errorf("bad base URL accepted")
	}
}

func TestAppInstallations(t *testing.T) {
	key, pemKey := appKey(t)
	fake := fakegithub.New(t, fakegithub.Options{})
	fake.AddApp(42, "herald", &key.PublicKey)
	fake.AddApp(43, "other", &key.PublicKey)
	fake.AddInstallation(42, 7, "acme")
	fake.AddInstallation(42, 8, "globex", "globex/docs")
	fake.AddInstallation(43, 9, "initech")
	for _, r := range []string{"acme/blog", "acme/www", "globex/docs", "globex/secret", "initech/blog"} {
		owner, name, _ := strings.Cut(r, "/")
		fake.AddRepo(fakegithub.Repo{Owner: owner, Name: name})
	}
	app, err := github.NewApp(42, pemKey, options(fake, &syncBuffer{}))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	insts, err := app.Installations(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]github.Installation{{ID: 7, Account: "acme"}, {ID: 8, Account: "globex"}}, insts); diff != "" {
		t.Errorf("Installations (-want +got):\n%s", diff)
	}
	for _, tc := range []struct {
		id   int64
		want []string
	}{{7, []string{"acme/blog", "acme/www"}}, {8, []string{"globex/docs"}}} {
		repos, err := app.Repositories(ctx, tc.id)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, r := range repos {
			got = append(got, r.FullName())
		}
		if diff := cmp.Diff(tc.want, got); diff != "" {
			t.Errorf("Repositories(%d) (-want +got):\n%s", tc.id, diff)
		}
	}
	before := fake.Count("apps/create-installation-access-token")
	_, err = app.Repositories(ctx, 9)
	if !errors.Is(err, forge.ErrUnauthorized) {
		t.Errorf("another app's installation: err = %v, want ErrUnauthorized", err)
	}
	t.Logf("message a person sees: %v", err)
	if got := fake.Count("apps/create-installation-access-token") - before; got != 1 {
		t.Errorf("token requests for a wrong installation = %d, want 1 (no retries)", got)
	}
}

// TestEveryOperationSurvivesOneFault runs every operation with the first
// request of each endpoint failing, as an App (so installation tokens and
// check runs are covered too).
func TestEveryOperationSurvivesOneFault(t *testing.T) {
	key, pemKey := appKey(t)
	for _, tc := range []struct {
		name   string
		inject func(f *fakegithub.Server)
	}{
		{"5xx", func(f *fakegithub.Server) { f.FailEachOnce(502) }},
		{"rate limit", func(f *fakegithub.Server) { f.RateLimitEachOnce(403, 0) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			fake := fakegithub.New(t, fakegithub.Options{})
			fake.AddApp(42, "herald", &key.PublicKey)
			fake.AddInstallation(42, 7, "acme")
			fake.AddRepo(fakegithub.Repo{Owner: "acme", Name: "blog"})
			head := "1111111111111111111111111111111111111111"
			n := fake.AddPR(repo, fakegithub.PR{HeadSHA: head, Files: []fakegithub.File{{Path: "blog/hello.md", Status: "added", Patch: patch}}})
			fake.SetPermission(repo, "bob", "write")
			cid := fake.AddComment(repo, fakegithub.Comment{Issue: n, User: "bob", Body: "/herald check"})
			tc.inject(fake)
			app, err := github.NewApp(42, pemKey, options(fake, &syncBuffer{}))
			if err != nil {
				t.Fatal(err)
			}
			c, err := app.Client(7, "acme", "blog")
			if err != nil {
				t.Fatal(err)
			}
			ctx := context.Background()
			steps := []struct {
				name string
				run  func() error
			}{
				{"Repo", func() error { _, err := c.Repo(ctx); return err }},
				{"ListOpenPRs", func() error { _, err := c.ListOpenPRs(ctx); return err }},
				{"PR", func() error { _, err := c.PR(ctx, n); return err }},
				{"Reviews", func() error { _, err := c.Reviews(ctx, n); return err }},
				{"CheckRuns", func() error { _, err := c.CheckRuns(ctx, head); return err }},
				{"CreateCheckRun", func() error {
					_, err := c.CreateCheckRun(ctx, forge.CheckRunOptions{Name: "herald", HeadSHA: head, Status: forge.CheckInProgress, Title: "t", Summary: "s"})
					return err
				}},
				{"UpdateCheckRun", func() error {
					runs, err := c.CheckRuns(ctx, head)
					if err != nil || len(runs) != 1 {
						return fmt.Errorf("runs %v: %v", runs, err)
					}
					_, err = c.UpdateCheckRun(ctx, runs[0].ID, forge.CheckRunOptions{Name: "herald", Conclusion: forge.ConclusionSuccess, Title: "t", Summary: "s"})
					return err
				}},
				{"UpsertComment", func() error { _, err := c.UpsertComment(ctx, n, "summary", "report"); return err }},
				{"UpsertComment edit", func() error { _, err := c.UpsertComment(ctx, n, "summary", "report 2"); return err }},
				{"CreateReview", func() error {
					_, err := c.CreateReview(ctx, n, forge.ReviewRequest{CommitID: head, Comments: []forge.ReviewComment{{Path: "blog/hello.md", Line: 5, Body: "x"}}})
					return err
				}},
				{"DeleteReviewComment", func() error {
					rcs, err := c.ReviewComments(ctx, n)
					if err != nil || len(rcs) != 1 {
						return fmt.Errorf("review comments %v: %v", rcs, err)
					}
					return c.DeleteReviewComment(ctx, rcs[0].ID)
				}},
				{"AddLabels", func() error { _, err := c.AddLabels(ctx, n, "herald/scheduled"); return err }},
				{"RemoveLabel", func() error { _, err := c.RemoveLabel(ctx, n, "herald/scheduled"); return err }},
				{"SetStatus", func() error {
					_, err := c.SetStatus(ctx, head, forge.Status{Context: "herald/schedule", State: forge.StatusPending})
					return err
				}},
				{"Permission", func() error { _, err := c.Permission(ctx, "bob"); return err }},
				{"AddReaction", func() error { return c.AddReaction(ctx, cid, forge.ReactionEyes) }},
				{"Merge", func() error { _, err := c.Merge(ctx, n, forge.MergeOptions{SHA: head}); return err }},
				{"RepositoryDispatch", func() error { return c.RepositoryDispatch(ctx, "publish", nil) }},
				{"WorkflowDispatch", func() error { return c.WorkflowDispatch(ctx, "deploy.yml", "main", nil) }},
			}
			for _, st := range steps {
				if err := st.run(); err != nil {
					t.Fatalf("%s: %v", st.name, err)
				}
			}
			if got := len(fake.Comments(repo, n)); got != 2 {
				t.Errorf("comments = %d, want the user's and one summary", got)
			}
			if got := len(fake.Merges()); got != 1 {
				t.Errorf("merges = %d, want 1", got)
			}
			var failed int
			for _, r := range fake.Requests() {
				if r.Status >= 500 || r.Status == 403 {
					failed++
				}
			}
			if failed < 20 {
				t.Errorf("only %d requests failed; the fault did not reach every operation", failed)
			}
		})
	}
}

// TestLostAnswersDoNotRepeatSideEffects shows that when GitHub acts but its
// answer is lost (the attempt times out), the retry finds the comment or
// review instead of posting it twice.
func TestLostAnswersDoNotRepeatSideEffects(t *testing.T) {
	fake := fakegithub.New(t, fakegithub.Options{})
	fake.AddToken(token, "herald-bot")
	fake.AddRepo(fakegithub.Repo{Owner: "acme", Name: "blog"})
	head := "1111111111111111111111111111111111111111"
	n := fake.AddPR(repo, fakegithub.PR{HeadSHA: head, Files: []fakegithub.File{{Path: "blog/hello.md", Status: "added", Patch: patch}}})
	o := options(fake, &syncBuffer{})
	o.Retry.AttemptTimeout = 300 * time.Millisecond
	c, err := github.NewTokenClient(token, "acme", "blog", o)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()

	fake.LoseAnswerNext("issues/create-comment", 1, 5*time.Second)
	got, err := c.UpsertComment(ctx, n, "summary", "report")
	if err != nil {
		t.Fatal(err)
	}
	if cs := fake.Comments(repo, n); len(cs) != 1 || len(got) != 1 || got[0].ID != cs[0].ID {
		t.Errorf("comments = %+v, returned %+v; want one", cs, got)
	}
	if got := fake.Count("issues/create-comment"); got != 1 {
		t.Errorf("create-comment requests = %d, want 1", got)
	}

	fake.LoseAnswerNext("pulls/create-review", 1, 5*time.Second)
	res, err := c.CreateReview(ctx, n, forge.ReviewRequest{CommitID: head, Comments: []forge.ReviewComment{{Path: "blog/hello.md", Line: 5, Body: "x"}}})
	if err != nil {
		t.Fatal(err)
	}
	rcs := fake.ReviewComments(repo, n)
	if len(rcs) != 1 || res.ID == 0 || rcs[0].ReviewID != res.ID {
		t.Errorf("review comments = %+v, result %+v; want one in the returned review", rcs, res)
	}
	if got := fake.Count("pulls/create-review"); got != 1 {
		t.Errorf("create-review requests = %d, want 1", got)
	}

	fake.LoseAnswerNext("pulls/merge", 1, 5*time.Second)
	m, err := c.Merge(ctx, n, forge.MergeOptions{SHA: head})
	if err != nil {
		t.Fatal(err)
	}
	merges := fake.Merges()
	if len(merges) != 1 || !m.Merged || m.SHA != merges[0].MergeSHA {
		t.Errorf("merge result %+v, merges %+v; want one merge reported as done", m, merges)
	}
}

// TestEnterpriseBaseURL talks to the fake behind a GitHub Enterprise style
// path prefix, as an App, so JWT, token and API requests all carry it.
func TestEnterpriseBaseURL(t *testing.T) {
	key, pemKey := appKey(t)
	fake := fakegithub.New(t, fakegithub.Options{})
	fake.AddApp(42, "herald", &key.PublicKey)
	fake.AddInstallation(42, 7, "acme")
	fake.AddRepo(fakegithub.Repo{Owner: "acme", Name: "blog"})
	for range 120 {
		fake.AddPR(repo, fakegithub.PR{})
	}
	target, err := url.Parse(fake.URL())
	if err != nil {
		t.Fatal(err)
	}
	var unprefixed []string
	var mu sync.Mutex
	proxy := httputil.NewSingleHostReverseProxy(target)
	ghe := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rest, ok := strings.CutPrefix(r.URL.Path, "/api/v3")
		if !ok {
			mu.Lock()
			unprefixed = append(unprefixed, r.URL.Path)
			mu.Unlock()
			http.NotFound(w, r)
			return
		}
		r.URL.Path = rest
		proxy.ServeHTTP(w, r)
	}))
	t.Cleanup(ghe.Close)
	o := options(fake, &syncBuffer{})
	o.BaseURL = ghe.URL + "/api/v3" // without the trailing slash, as people write it
	o.Transport = ghe.Client().Transport
	app, err := github.NewApp(42, pemKey, o)
	if err != nil {
		t.Fatal(err)
	}
	c, err := app.Client(7, "acme", "blog")
	if err != nil {
		t.Fatal(err)
	}
	prs, err := c.ListOpenPRs(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(prs) != 120 {
		t.Errorf("got %d pull requests through the Enterprise URL, want 120", len(prs))
	}
	if len(unprefixed) > 0 {
		t.Errorf("requests missed the /api/v3 prefix: %v", unprefixed)
	}
	if fake.TokensIssued() != 1 {
		t.Errorf("tokens issued = %d", fake.TokensIssued())
	}
}

// TestAPIRoot: a GitHub URL setting takes the API root, or a bare host as
// go-github's WithEnterpriseURLs does.
func TestAPIRoot(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"", ""},
		{"github.example.com", "https://github.example.com/api/v3/"},
		{"github.example.com/", "https://github.example.com/api/v3/"},
		{"github.example.com/api/v3", "https://github.example.com/api/v3/"},
		{"https://github.example.com/api/v3", "https://github.example.com/api/v3/"},
		{"http://127.0.0.1:8080/", "http://127.0.0.1:8080/"},
	} {
		if got := github.APIRoot(tt.in); got != tt.want {
			t.Errorf("APIRoot(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestWritesOverWhatWasRead: the review, comment and status writes that
// take what the caller read in the same pass make no reads of their own,
// and do what their reading counterparts do.
func TestWritesOverWhatWasRead(t *testing.T) {
	e := setup(t, fakegithub.Options{})
	ctx := context.Background()
	n := addPR(e)
	head := "1111111111111111111111111111111111111111"
	pr, err := e.c.PR(ctx, n)
	if err != nil {
		t.Fatal(err)
	}
	files, err := e.c.ChangedFiles(ctx, n)
	if err != nil {
		t.Fatal(err)
	}
	comments, err := e.c.IssueComments(ctx, n)
	if err != nil {
		t.Fatal(err)
	}
	statuses, err := e.c.CombinedStatus(ctx, head)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.c.Login(ctx); err != nil {
		t.Fatal(err)
	}
	before := len(e.fake.Requests())

	res, err := e.c.CreateReviewOn(ctx, pr, files, forge.ReviewRequest{CommitID: head, Comments: []forge.ReviewComment{
		{Path: "blog/hello.md", Line: 5, Body: "in the diff"},
		{Path: "blog/hello.md", Line: 9, Body: "outside the diff"},
	}})
	if err != nil || res.ID == 0 || len(res.Posted) != 1 || len(res.Skipped) != 1 {
		t.Errorf("CreateReviewOn = %+v, %v", res, err)
	}
	moved := pr
	moved.HeadSHA = "4444444444444444444444444444444444444444"
	if _, err := e.c.CreateReviewOn(ctx, moved, files, forge.ReviewRequest{CommitID: head, Comments: res.Posted}); !errors.Is(err, forge.ErrHeadMoved) {
		t.Errorf("review at a head other than the one read: err = %v, want ErrHeadMoved", err)
	}
	out, err := e.c.UpsertCommentOver(ctx, n, comments, "summary", "first")
	if err != nil || len(out) != 1 {
		t.Fatalf("UpsertCommentOver = %+v, %v", out, err)
	}
	if again, err := e.c.UpsertCommentOver(ctx, n, out, "summary", "first"); err != nil || len(again) != 1 || again[0].ID != out[0].ID {
		t.Errorf("the same text again = %+v, %v; want the comment as it was", again, err)
	}
	st := forge.Status{Context: "herald/schedule", State: forge.StatusPending, Description: "due"}
	if wrote, err := e.c.SetStatusOver(ctx, head, statuses, st); !wrote || err != nil {
		t.Errorf("SetStatusOver = %v, %v; want written", wrote, err)
	}
	statuses.Statuses = append(statuses.Statuses, st)
	if wrote, err := e.c.SetStatusOver(ctx, head, statuses, st); wrote || err != nil {
		t.Errorf("SetStatusOver over the same status = %v, %v; want nothing written", wrote, err)
	}

	got := map[string]int{}
	for _, r := range e.fake.Requests()[before:] {
		got[r.Op]++
	}
	want := map[string]int{"pulls/create-review": 1, "issues/create-comment": 1, "repos/create-commit-status": 1}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("calls by operation (-want +got):\n%s", diff)
	}
}
