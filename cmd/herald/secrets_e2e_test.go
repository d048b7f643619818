package main

import (
	"bytes"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/heraldhq/herald/internal/gittest"
	"github.com/heraldhq/herald/webhook"
)

// noSecrets fails the test when out holds any of secrets.
func noSecrets(t *testing.T, what, out string, secrets map[string]string) {
	t.Helper()
	for name, s := range secrets {
		if strings.Contains(out, s) {
			t.Errorf("%s shows the %s (%q):\n%s", what, name, s, out)
		}
	}
}

// TestServeKeepsSecretsOutOfLogs runs herald serve in local mode at debug
// level against a Git server that wants a token, with a webhook secret,
// through a failing fetch, a delivery with a wrong signature and a
// publication, and finds neither the token nor the secret in its output.
// The one-shot commands keep a token written into the repository's URL out
// of their errors too.
func TestServeKeepsSecretsOutOfLogs(t *testing.T) {
	t.Parallel()
	const token, secret = "tok-s3cr3t-4ab1e9", "hook-s3cr3t-77c2d0"
	secrets := map[string]string{"token": token, "webhook secret": secret}
	srv := gittest.NewServer(t, gittest.WithToken(token))
	far := rfc(time.Now().Add(72 * time.Hour))
	repo := srv.NewRepo("site", siteFiles("", map[string]string{
		"blog/release-1-4/index.md":  rfc(time.Now().Add(-time.Minute)),
		"blog/fosdem-recap/index.md": far,
		"blog/roadmap-2027/index.md": far,
	}))
	seed := repo.Ref("refs/heads/main")
	url := srv.URL + "/site.git"

	p := startServeProc(t, []string{"HERALD_WEBHOOK_SECRET=" + secret, "HERALD_REPO_TOKEN=" + token},
		"--repo", url, "--poll", "1s", "--log-level", "debug")
	p.secret = secret
	p.waitFor("/readyz", time.Minute, func() bool { code, _ := p.get("/readyz"); return code == 200 })
	p.waitFor("the publish commit", time.Minute, func() bool { return repo.Ref("refs/heads/main") != seed })

	// A fetch that fails is logged, with the remote, and no credentials.
	srv.InjectFault(gittest.Fault{Kind: gittest.Status500, Match: "git-upload-pack", Times: 2})
	repo.Commit("refs/heads/main", map[string]string{"blog/other/index.md": "---\ntitle: Other\ndate: " + far + "\ndraft: true\n---\n\nText.\n"})
	p.waitFor("a failed reconcile in the log", time.Minute, func() bool { return strings.Contains(p.logs.String(), `"level":"ERROR"`) })

	// A delivery signed with another secret is refused and logged.
	body := []byte(`{"ref":"refs/heads/main"}`)
	req, err := http.NewRequest(http.MethodPost, p.url+"/webhook", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-GitHub-Event", "push")
	req.Header.Set("X-GitHub-Delivery", "bad-signature-1")
	req.Header.Set("X-Hub-Signature-256", webhook.Sign([]byte(secret+"x"), body))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("a delivery with a wrong signature answered %d, want 401", resp.StatusCode)
	}
	if code := p.stop(); code != 0 {
		t.Errorf("exit code after SIGTERM = %d, want 0", code)
	}
	logs := p.logs.String()
	for _, want := range []string{`"level":"DEBUG"`, `"level":"ERROR"`, `"msg":"herald serve stopped"`} {
		if !strings.Contains(logs, want) {
			t.Errorf("the log lacks %s: the test does not exercise what it should", want)
		}
	}
	noSecrets(t, "herald serve's log", logs, secrets)

	// A token written into the URL (as its user, as GitHub accepts it) is
	// refused by this server; neither the error nor the log repeats it.
	withUser := strings.Replace(url, "://", "://"+token+"@", 1)
	for _, args := range [][]string{
		{"publish", "--due", "--repo", withUser, "--data-dir", t.TempDir()},
		{"schedule", "--repo", withUser, "--data-dir", t.TempDir()},
		{"serve", "--repo", withUser, "--data-dir", t.TempDir(), "--listen", "127.0.0.1:0", "--admin-listen", "127.0.0.1:0"},
	} {
		r := herald(t, nil, args...)
		if r.code == 0 {
			t.Errorf("herald %s: exit 0, want a refusal", args[0])
		}
		noSecrets(t, "herald "+args[0]+"'s output", r.stdout+r.stderr, secrets)
	}
}
