package main

import (
	"bytes"
	"context"
	"html"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/heraldhq/herald/internal/gittest"
)

// envArtifacts names the folder where browser tests leave their
// screenshots; without it they go to the test's temporary folder.
const envArtifacts = "HERALD_ARTIFACTS"

// chromiumPath finds Debian's chromium. Where it is missing the test is
// skipped, except in CI (CI=true), where .ci/run installs it and its absence
// is a failure.
func chromiumPath(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("chromium is not installed: .ci/run installs Debian's chromium package for this test")
	}
	t.Skip("chromium is not installed (apt-get install chromium); the dashboard is not tested in a browser")
	return ""
}

// chromium runs headless Chromium on args (a URL last) and returns its
// standard output. Each run has a profile folder of its own, so runs in
// parallel do not share a lock.
func chromium(t *testing.T, bin string, args ...string) []byte {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	all := append([]string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
		"--disable-extensions", "--no-first-run", "--hide-scrollbars", "--user-data-dir=" + t.TempDir()}, args...)
	cmd := exec.CommandContext(ctx, bin, all...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("chromium %s: %v\n%s", strings.Join(args, " "), err, stderr.String())
	}
	return stdout.Bytes()
}

var (
	tags   = regexp.MustCompile(`(?s)<style.*?</style>|<[^>]+>`)
	spaces = regexp.MustCompile(`\s+`)
)

// visibleText is the text of a DOM as a reader sees it, its spaces folded.
func visibleText(dom string) string {
	return strings.TrimSpace(spaces.ReplaceAllString(html.UnescapeString(tags.ReplaceAllString(dom, " ")), " "))
}

// TestDashboardInBrowser starts herald serve in local mode over a real Git
// repository, lets a draft go out, and renders the admin listener's "/" in
// headless Chromium: the rendered text names the repository, the upcoming
// posts with their times in UTC and the site's zone and their state, the
// publication with its lateness, and the last reconcile. Screenshots at a
// phone's width and a desktop's are kept under $HERALD_ARTIFACTS.
func TestDashboardInBrowser(t *testing.T) {
	t.Parallel()
	bin := chromiumPath(t)
	now := time.Now()
	due, far := now.Add(3*time.Second).Truncate(time.Second), now.Add(72*time.Hour).Truncate(time.Hour)
	dates := map[string]string{"blog/release-1-4/index.md": rfc(due), "blog/fosdem-recap/index.md": rfc(far), "blog/roadmap-2027/index.md": rfc(far.Add(time.Hour))}
	repo := gittest.NewServer(t).NewRepo("site", siteFiles("", dates))
	seed := repo.Ref("refs/heads/main")
	p := startServeProc(t, nil, "--repo", repo.URL, "--poll", "1m")
	p.waitFor("/readyz", time.Minute, func() bool { code, _ := p.get("/readyz"); return code == 200 })
	p.waitFor("the publish commit", time.Minute, func() bool { return repo.Ref("refs/heads/main") != seed })
	p.waitFor("the publication on the dashboard", time.Minute, func() bool {
		code, body := p.getAdmin("/")
		return code == 200 && strings.Contains(body, "after its time")
	})

	if want := "dashboard served on the admin listener at " + p.adminURL + "/"; !strings.Contains(p.logs.String(), want) {
		t.Errorf("the log lacks %q", want)
	}
	// The page can name embargoed posts: the public listener does not
	// serve it.
	if code, body := p.get("/"); code != 404 {
		t.Errorf("public listener: GET / = %d %.200q, want 404", code, body)
	}
	text := visibleText(string(chromium(t, bin, "--dump-dom", p.adminURL+"/")))
	farUTC := far.UTC().Format("2006-01-02 15:04 UTC")
	for _, want := range []string{
		"herald", "Schedule and publications as of",
		"site", "Site time zone: Europe/Berlin", "publishing strategy: draft",
		"Upcoming posts", "Post Goes live State",
		"Looking back at FOSDEM blog/fosdem-recap/index.md " + farUTC, "(Europe/Berlin) in 3 days scheduled",
		"What comes in 2027 blog/roadmap-2027/index.md",
		"Recent publications", "Post Published Lateness",
		"Example Project 1.4 is out blog/release-1-4/index.md " + due.UTC().Format("2006-01-02 15:04 UTC"), "after its time",
		"Last reconcile", "took", "no errors",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("the rendered page lacks %q; it reads:\n%s", want, text)
		}
	}
	if n := strings.Count(text, "Example Project 1.4 is out"); n != 1 {
		t.Errorf("the published post is named %d times, want once (published, not upcoming):\n%s", n, text)
	}

	dir := os.Getenv(envArtifacts)
	if dir == "" {
		dir = t.TempDir()
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, shot := range []struct{ name, size string }{
		{"dashboard-360.png", "360,800"},
		{"dashboard-1280.png", "1280,900"},
	} {
		path, err := filepath.Abs(filepath.Join(dir, shot.name))
		if err != nil {
			t.Fatal(err)
		}
		chromium(t, bin, "--screenshot="+path, "--window-size="+shot.size, p.adminURL+"/")
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.HasPrefix(b, []byte("\x89PNG\r\n\x1a\n")) || len(b) < 10_000 {
			t.Errorf("%s is not a screenshot of a page (%d bytes)", path, len(b))
		}
		t.Logf("screenshot at %s px wide: %s", strings.Split(shot.size, ",")[0], path)
	}
}
