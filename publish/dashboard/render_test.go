package dashboard

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

var now = time.Date(2026, 12, 3, 15, 0, 0, 0, time.UTC)

func paris(t *testing.T) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Skipf("no time zone database: %v", err)
	}
	return loc
}

func render(t *testing.T, repos []Repo) string {
	t.Helper()
	var b bytes.Buffer
	if err := Render(&b, Page{Now: now, Repos: repos}); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func TestRender(t *testing.T) {
	t.Parallel()
	done := &Reconcile{At: now.Add(-2 * time.Minute), Took: 340 * time.Millisecond}
	tests := []struct {
		name  string
		repos []Repo
		// want are substrings of the page, in order; absent must not occur.
		want, absent []string
	}{
		{
			name: "document: language, title, no script, no external asset",
			want: []string{`<html lang="en">`, `name="viewport"`, "<title>herald: schedule and publications</title>",
				"No repositories yet: herald has not finished reading any repository it serves."},
			absent: []string{"<script", "http://", "https://", "<link"},
		},
		{
			name: "a title is escaped, never markup",
			repos: []Repo{{Name: "acme/blog", Reconcile: done, Upcoming: []Post{{
				Title: `<script>alert("x")</script> & <b>bold</b>`, Path: "blog/<x>.md", At: now.Add(3 * time.Hour), State: Scheduled,
			}}}},
			want:   []string{"&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;", "blog/&lt;x&gt;.md"},
			absent: []string{"<script>", "<b>bold"},
		},
		{
			name: "a scheduled post: UTC, site zone, relative, link to its pull request",
			repos: []Repo{{Name: "acme/blog", URL: "https://github.com/acme/blog", Location: paris(t), Strategy: "merge", Reconcile: done,
				Upcoming: []Post{{Title: "FOSDEM recap", Path: "blog/2026/02-fosdem-recap/index.md", PR: 12,
					URL: "https://github.com/acme/blog/pull/12", At: now.Add(3 * time.Hour), State: Scheduled}}}},
			want: []string{`<a href="https://github.com/acme/blog">acme/blog</a>`, "Site time zone: Europe/Paris", "publishing strategy: merge",
				`<th scope="col">Post</th>`, `<th scope="row">FOSDEM recap`, "blog/2026/02-fosdem-recap/index.md",
				"2026-12-03 18:00 UTC", "2026-12-03 19:00 CET (Europe/Paris)", "in 3 hours",
				`<span class="badge scheduled">scheduled</span>`, `<a href="https://github.com/acme/blog/pull/12">PR #12</a>`},
		},
		{
			name: "a blocked post names the rules of its errors and the missing approval",
			repos: []Repo{{Name: "acme/blog", Reconcile: done, Upcoming: []Post{{Title: "Bad", Path: "blog/bad.md", PR: 3,
				At: now.Add(-time.Minute), State: Blocked, Blockers: []string{"blocked by author-unknown, link-reversed", "not approved"},
				Reason: "herald found 2 errors in the posts; see the check run."}}}},
			want: []string{"1 minute ago", `<span class="badge blocked">blocked</span>`, "blocked by author-unknown, link-reversed; not approved",
				"herald found 2 errors in the posts; see the check run."},
			absent: []string{"2026-12-03 14:59 UTC<span class=\"sub\">2026-12-03 14:59 UTC"},
		},
		{
			name: "a reason that starts with its blockers shows them once",
			repos: []Repo{{Name: "/srv/blog.git", Reconcile: done, Upcoming: []Post{{Title: "Recap", Path: "blog/recap.md",
				At: now.Add(72 * time.Hour), State: Blocked, Blockers: []string{"blocked by link-syntax, mojibake"},
				Reason: "blocked by link-syntax, mojibake: herald found 2 errors in the post; it goes out once herald check blog/recap.md finds none."}}}},
			want: []string{`<span class="sub">blocked by link-syntax, mojibake</span>`,
				`<span class="sub">herald found 2 errors in the post; it goes out once herald check blog/recap.md finds none.</span>`},
			absent: []string{"mojibake: herald found"},
		},
		{
			name: "a held post, a late one and one whose date is broken",
			repos: []Repo{{Name: "acme/blog", Reconcile: done, Upcoming: []Post{
				{Title: "Broken", Path: "blog/broken.md", State: Blocked, Reason: "2026-03-29T02:30 does not exist in Europe/Paris"},
				{Title: "Waiting", Path: "blog/wait.md", PR: 4, At: now.Add(-3 * time.Second), State: Late},
				{Title: "Held", Path: "blog/held.md", PR: 5, At: now.Add(time.Hour), State: Held, Blockers: []string{"held"}},
			}}},
			want: []string{"date unresolved", "does not exist in Europe/Paris",
				`<span class="badge late">late</span> by 3.0 s`,
				"in 1 hour", `<span class="badge held">held</span>`, `<span class="sub">held</span>`},
		},
		{
			name:  "no upcoming posts under the merge strategy says where posts come from",
			repos: []Repo{{Name: "acme/blog", Strategy: "merge", Reconcile: done}},
			want: []string{"No upcoming posts: no open pull request adds a dated post (posts go live by merging their pull request).",
				"No publications since herald started.", "took 340ms", "no errors"},
			absent: []string{"<table"},
		},
		{
			name:  "no upcoming drafts, after a failed reconcile",
			repos: []Repo{{Name: "/srv/blog", Strategy: "draft", Reconcile: &Reconcile{At: now.Add(-time.Hour), Took: 2500 * time.Millisecond, Errors: []string{"fetch: <remote> hung up"}}}},
			want: []string{"No upcoming posts: no draft on the default branch has a date", "The last reconcile failed, so this may be incomplete.",
				"2026-12-03 14:00:00 UTC (1 hour ago), took 2.5s", "1 error", "fetch: &lt;remote&gt; hung up"},
		},
		{
			name:   "without any link (local mode) there is no link column",
			repos:  []Repo{{Name: "/srv/blog.git", Reconcile: done, Upcoming: []Post{{Title: "Draft", Path: "blog/d.md", At: now.Add(time.Hour), State: Scheduled}}}},
			want:   []string{`<th scope="row">Draft`, "in 1 hour"},
			absent: []string{`<th scope="col">Link</th>`, "—"},
		},
		{
			name:  "a repository not read yet",
			repos: []Repo{{Name: "acme/new"}},
			want:  []string{"No upcoming posts: herald has not finished reading this repository yet.", "Not reconciled yet."},
		},
		{
			name: "recent publications with their lateness",
			repos: []Repo{{Name: "acme/blog", Reconcile: done, Recent: []Publication{
				{Title: "Punctual", Path: "blog/a.md", PR: 7, URL: "https://github.com/acme/blog/pull/7", Due: now.Add(-time.Hour), At: now.Add(-time.Hour + 400*time.Millisecond)},
				{Title: "Caught up", Path: "blog/b.md", Due: now.Add(-3 * time.Hour), At: now.Add(-47 * time.Minute)},
			}}},
			want: []string{`<th scope="row">Punctual`, "on time</span> (0.4 s after its time)", "PR #7",
				`<th scope="row">Caught up`, "47 minutes ago", `<strong class="errors">2h13m after its time</strong>`},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got := render(t, tc.repos)
			rest := got
			for _, w := range tc.want {
				i := strings.Index(rest, w)
				if i < 0 {
					t.Fatalf("missing (or out of order) %q in:\n%s", w, got)
				}
				rest = rest[i+len(w):]
			}
			for _, a := range tc.absent {
				if strings.Contains(got, a) {
					t.Errorf("page holds %q:\n%s", a, got)
				}
			}
		})
	}
}

func TestRenderOrdersRepositories(t *testing.T) {
	t.Parallel()
	got := render(t, []Repo{{Name: "zeta/site"}, {Name: "acme/blog"}})
	if a, z := strings.Index(got, "acme/blog"), strings.Index(got, "zeta/site"); a < 0 || z < a {
		t.Errorf("repositories not in name order: acme at %d, zeta at %d", a, z)
	}
	if !strings.Contains(got, `id="repo-1"`) || !strings.Contains(got, `id="repo-2"`) {
		t.Error("section headings lack unique ids")
	}
}

type source struct {
	repos []Repo
	err   error
}

func (s source) Dashboard(context.Context) ([]Repo, error) { return s.repos, s.err }

func TestHandler(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, method string
		src          source
		code         int
		body, ctype  string
	}{
		{name: "the page", method: http.MethodGet, src: source{repos: []Repo{{Name: "acme/blog"}}}, code: http.StatusOK, body: "acme/blog", ctype: "text/html; charset=utf-8"},
		{name: "head", method: http.MethodHead, src: source{}, code: http.StatusOK, ctype: "text/html; charset=utf-8"},
		{name: "source not ready", method: http.MethodGet, src: source{err: errors.New("starting: the schedule is not known yet")},
			code: http.StatusServiceUnavailable, body: "the dashboard is not available right now (starting: the schedule is not known yet); try again shortly"},
		{name: "post", method: http.MethodPost, code: http.StatusMethodNotAllowed, body: "method not allowed: the dashboard is read with GET"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			rec := httptest.NewRecorder()
			NewHandler(tc.src, func() time.Time { return now }, slog.New(slog.DiscardHandler)).ServeHTTP(rec, httptest.NewRequest(tc.method, "/", nil))
			if got, want := rec.Code, tc.code; got != want {
				t.Fatalf("%s / answered %d, want %d: %s", tc.method, got, want, rec.Body)
			}
			if !strings.Contains(rec.Body.String(), tc.body) {
				t.Errorf("body %q lacks %q", rec.Body, tc.body)
			}
			if tc.ctype != "" && rec.Header().Get("Content-Type") != tc.ctype {
				t.Errorf("Content-Type %q, want %q", rec.Header().Get("Content-Type"), tc.ctype)
			}
			if tc.method == http.MethodHead && rec.Body.Len() != 0 {
				t.Errorf("HEAD answered with a body")
			}
		})
	}
}
