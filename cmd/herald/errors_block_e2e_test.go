package main

import (
	"encoding/json"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/heraldhq/herald/internal/gittest"
)

// TestLocalModeErrorsBlockUntilFixed: in local mode a past-due draft with
// error findings (an unknown author, a reversed link) is not published;
// herald publish --due exits 1 naming the post and its rules, herald
// schedule, the feeds and the dashboard say it is blocked by those rules,
// the log says it once, and after a commit that fixes it the draft goes out
// at the next reconcile, late.
func TestLocalModeErrorsBlockUntilFixed(t *testing.T) {
	t.Parallel()
	const post = "blog/release-1-4/index.md"
	far := rfc(time.Now().Add(72 * time.Hour))
	files := withoutErrors(siteFiles("", map[string]string{
		post:                         rfc(time.Now().Add(-time.Hour)),
		"blog/fosdem-recap/index.md": far,
		"blog/roadmap-2027/index.md": far,
	}))
	fixed := files[post]
	files[post] = strings.Replace(fixed, "authors: [ada]", "authors: [nobody]", 1) + "\nRead (the notes)[https://example.org/notes].\n"
	srv := gittest.NewServer(t)
	repo := srv.NewRepo("site", files)
	seed := repo.Ref("refs/heads/main")
	const rules = "blocked by link-syntax, unknown-author"

	r := herald(t, nil, "publish", "--due", "--repo", repo.URL, "--data-dir", t.TempDir())
	want := "herald publish: site " + post + " cannot go out: " + rules + ": herald found 2 errors in the post; it goes out once herald check " + post + " finds none.\n"
	if r.code != 1 || !strings.Contains(r.stderr, want) || r.stdout != "" {
		t.Errorf("publish --due: exit %d, stdout %q, stderr %q; want 1, nothing published and on stderr %q", r.code, r.stdout, r.stderr, want)
	}
	if repo.Ref("refs/heads/main") != seed {
		t.Fatalf("a draft with errors was published:\n%s", repo.Git("log", "--format=%s", "refs/heads/main"))
	}

	r = herald(t, nil, "schedule", "--repo", repo.URL, "--data-dir", t.TempDir())
	if r.code != 0 || !strings.Contains(r.stdout, "blocked") || !strings.Contains(r.stdout, rules+": herald found 2 errors") {
		t.Errorf("schedule: exit %d, stdout:\n%s\nstderr %q; want the post blocked %s", r.code, r.stdout, r.stderr, rules)
	}

	p := startServeProc(t, []string{"HERALD_WEBHOOK_SECRET=local-secret"}, "--repo", repo.URL, "--poll", "1m")
	p.secret = "local-secret"
	p.waitFor("/readyz", time.Minute, func() bool { code, _ := p.get("/readyz"); return code == 200 })
	code, body := p.getAdmin("/schedule")
	var doc struct {
		Entries []struct {
			Path, Status, Reason string
			Rules                []string
		}
	}
	if err := json.Unmarshal([]byte(body), &doc); code != 200 || err != nil {
		t.Fatalf("/schedule: %d %v\n%s", code, err, body)
	}
	i := slices.IndexFunc(doc.Entries, func(e struct {
		Path, Status, Reason string
		Rules                []string
	}) bool {
		return e.Path == post
	})
	if i < 0 || doc.Entries[i].Status != "blocked" || !slices.Equal(doc.Entries[i].Rules, []string{"link-syntax", "unknown-author"}) ||
		!strings.HasPrefix(doc.Entries[i].Reason, rules+":") {
		t.Errorf("/schedule: want %s blocked by its rules:\n%s", post, body)
	}
	if code, ics := p.getAdmin("/schedule.ics"); code != 200 || !strings.Contains(strings.ReplaceAll(ics, "\r\n ", ""), `blocked by link-syntax\, unknown-author`) {
		t.Errorf("/schedule.ics: %d, want the rules in the description\n%s", code, ics)
	}
	if code, page := p.getAdmin("/"); code != 200 || !strings.Contains(page, "unknown-author") || !strings.Contains(page, rules) {
		t.Errorf("dashboard: %d, want the post blocked by its rules\n%s", code, page)
	}
	p.waitFor("the blocked publication in the log", time.Minute, func() bool {
		return strings.Contains(p.logs.String(), `"msg":"publication blocked"`)
	})
	if logs := p.logs.String(); !strings.Contains(logs, `"errors":2`) || !strings.Contains(logs, `"by_rule":{"link-syntax":1,"unknown-author":1}`) {
		t.Errorf("the blocked line does not count the errors by rule:\n%s", logs)
	}

	// The author fixes the post; the push delivery publishes it, late.
	pushed := repo.Commit("refs/heads/main", map[string]string{post: fixed})
	payload, err := os.ReadFile("../../testdata/github/webhooks/push/payload.json")
	if err != nil {
		t.Fatal(err)
	}
	p.deliver("push", payload)
	p.waitFor("the publish commit of the fixed draft", time.Minute, func() bool { return repo.Ref("refs/heads/main") != pushed })
	if msg := repo.Git("log", "-1", "--format=%s", "refs/heads/main"); msg != "publish: Example Project 1.4 is out" {
		t.Errorf("commit message = %q", msg)
	}
	p.waitFor("the late publication in the log", time.Minute, func() bool {
		return strings.Contains(p.logs.String(), `"msg":"published"`)
	})
	if logs := p.logs.String(); strings.Count(logs, `"msg":"publication blocked"`) != 1 || !strings.Contains(logs, `"late":"1h`) {
		t.Errorf("want one blocked line and the publication said late:\n%s", logs)
	}
	if code := p.stop(); code != 0 {
		t.Errorf("exit code after SIGTERM = %d, want 0", code)
	}
}
