package main

import (
	"strings"
	"testing"
	"time"

	"github.com/heraldhq/herald/internal/gittest"
)

// TestPublishDueSaysWhat: herald publish --due in local mode, as a new user
// runs it: with no strategy in .herald.yml the due draft goes out (local
// mode publishes drafts; merging needs a forge), with nothing due it says so
// and when the next post is, with the merge strategy it says that a plain
// repository has no pull request to merge, and with a slip in the strategy
// it exits 2 naming the setting, its place in the file and what was meant,
// as herald schedule and herald check do.
func TestPublishDueSaysWhat(t *testing.T) {
	t.Parallel()
	const (
		release = "blog/release-1-4/index.md"
		slip    = "herald %s: site: .herald.yml:4:13: unknown publish strategy \"drafts\" (did you mean \"draft\"? one of merge, draft, rebuild); nothing is published until it is fixed\n"
	)
	soon, later := time.Now().Add(50*time.Hour), time.Now().Add(30*24*time.Hour)
	dates := func(release time.Time) map[string]string {
		return map[string]string{"blog/release-1-4/index.md": rfc(release), "blog/fosdem-recap/index.md": rfc(later), "blog/roadmap-2027/index.md": rfc(later)}
	}
	tests := []struct {
		name    string
		config  string
		release time.Time
		args    []string
		code    int
		stdout  []string
		stderr  string
		moved   bool
		silent  bool // nothing on stdout
	}{
		{name: "no strategy: the due draft goes out", config: "version: 1\ntimezone: Europe/Berlin\n", release: time.Now().Add(-time.Hour),
			args: []string{"publish", "--due"}, stdout: []string{"  publish: Example Project 1.4 is out (main)\n"}, moved: true},
		{name: "nothing due: when the next post is", config: "version: 1\ntimezone: Europe/Berlin\n", release: soon,
			args: []string{"publish", "--due"}, stdout: []string{"Nothing due: 3 posts scheduled, the next (" + release + ") in 2 days, "}},
		{name: "nothing due, quietly (cron)", config: "version: 1\ntimezone: Europe/Berlin\n", release: soon,
			args: []string{"publish", "--due", "--quiet"}, silent: true},
		{name: "a due draft goes out, quietly (cron)", config: "version: 1\ntimezone: Europe/Berlin\n", release: time.Now().Add(-time.Hour),
			args: []string{"publish", "--due", "--quiet"}, stdout: []string{"  publish: Example Project 1.4 is out (main)\n"}, moved: true},
		{name: "the merge strategy in local mode", config: "version: 1\ntimezone: Europe/Berlin\npublish:\n  strategy: merge\n", release: time.Now().Add(-time.Hour),
			args: []string{"publish", "--due"}, stdout: []string{"Nothing due: the merge strategy (publish.strategy in .herald.yml) publishes pull requests, and a plain Git repository has none; set it to draft, or remove it, to publish the dated drafts of the default branch.\n"}},
		{name: "the merge strategy in local mode: schedule", config: "version: 1\ntimezone: Europe/Berlin\npublish:\n  strategy: merge\n", release: time.Now().Add(-time.Hour),
			args: []string{"schedule"}, stdout: []string{"No upcoming posts in site", ": the merge strategy (publish.strategy in .herald.yml) publishes pull requests"}},
		{name: "a slip in the strategy: publish", config: "version: 1\ntimezone: Europe/Berlin\npublish:\n  strategy: drafts\n", release: time.Now().Add(-time.Hour),
			args: []string{"publish", "--due"}, code: 2, stderr: strings.ReplaceAll(slip, "%s", "publish")},
		{name: "a slip in the strategy: schedule", config: "version: 1\ntimezone: Europe/Berlin\npublish:\n  strategy: drafts\n", release: time.Now().Add(-time.Hour),
			args: []string{"schedule"}, code: 2, stderr: strings.ReplaceAll(slip, "%s", "schedule")},
	}
	srv := gittest.NewServer(t)
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			repo := srv.NewRepo("site"+string(rune('a'+i)), withoutErrors(siteFiles(tt.config, dates(tt.release))))
			seed := repo.Ref("refs/heads/main")
			r := herald(t, nil, append(tt.args, "--repo", repo.URL, "--data-dir", t.TempDir())...)
			r.stderr = strings.ReplaceAll(r.stderr, "site"+string(rune('a'+i))+":", "site:")
			ok := r.code == tt.code && (tt.stderr == "" && r.stderr == "" || tt.stderr != "" && strings.Contains(r.stderr, tt.stderr))
			for _, w := range tt.stdout {
				ok = ok && strings.Contains(r.stdout, w)
			}
			ok = ok && (!tt.silent || r.stdout == "")
			if !ok {
				t.Errorf("herald %v: exit %d\nstdout:\n%s\nstderr:\n%s\nwant exit %d, stdout with %q, stderr with %q", tt.args, r.code, r.stdout, r.stderr, tt.code, tt.stdout, tt.stderr)
			}
			if moved := repo.Ref("refs/heads/main") != seed; moved != tt.moved {
				t.Errorf("main moved: %v, want %v\n%s", moved, tt.moved, repo.Git("log", "--format=%s", "refs/heads/main"))
			}
		})
	}
}
