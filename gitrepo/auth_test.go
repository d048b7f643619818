package gitrepo_test

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/pem"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/heraldhq/herald/gitrepo"
	"github.com/heraldhq/herald/internal/gittest"
	"golang.org/x/crypto/ssh"
)

const secretToken = "ghs_s3cretTOKENvalue1234567890"

func TestTokenAuth(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	srv := gittest.NewServer(t, gittest.WithToken(secretToken))
	repo := srv.NewRepo("private", map[string]string{"post.md": "draft: true\n"})
	var logs bytes.Buffer
	c, err := gitrepo.NewCache(t.TempDir(), gitrepo.WithLogger(slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))))
	if err != nil {
		t.Fatal(err)
	}

	for _, tc := range []struct {
		name string
		auth gitrepo.Auth
	}{
		{"anonymous", gitrepo.Anonymous()},
		{"wrong token", gitrepo.Token("ghs_wrong_" + secretToken)},
	} {
		_, err := c.Open(ctx, repo.URL, tc.auth)
		if err == nil {
			t.Fatalf("%s: Open succeeded", tc.name)
		}
		t.Logf("%s: %v", tc.name, err)
		if !strings.Contains(err.Error(), "authentication required") || strings.Contains(err.Error(), secretToken) {
			t.Errorf("%s: error = %q", tc.name, err)
		}
	}

	m, err := c.Open(ctx, repo.URL, gitrepo.Token(secretToken))
	if err != nil {
		t.Fatal(err)
	}
	tip := resolve(t, m, "main")
	commit, err := m.Commit(ctx, gitrepo.CommitRequest{
		Parent: tip, Files: map[string][]byte{"post.md": []byte("draft: false\n")},
		Message: "publish", Author: bot, Committer: bot,
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Push(ctx, "main", commit, tip); err != nil {
		t.Fatal(err)
	}
	if err := m.Fetch(ctx, "refs/heads/main"); err != nil {
		t.Fatal(err)
	}

	// A handle opened with a revoked token fails without showing it.
	bad, err := c.Open(ctx, repo.URL, gitrepo.Token("revoked-"+secretToken))
	if err != nil {
		t.Fatal(err) // the mirror is on disk: Open does not touch the network
	}
	repo.Commit("refs/heads/main", map[string]string{"x.md": "x\n"})
	err = bad.Fetch(ctx, "refs/heads/main")
	if err == nil || strings.Contains(err.Error(), secretToken) {
		t.Errorf("fetch with revoked token: %v", err)
	}

	if strings.Contains(logs.String(), secretToken) {
		t.Errorf("logs contain the token:\n%s", logs.String())
	}
	entries, err := filepathWalkContains(c.Dir(), secretToken)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) > 0 {
		t.Errorf("token written to disk in %v", entries)
	}
}

func TestCredentialsInURLAreRefused(t *testing.T) {
	t.Parallel()
	c := newCache(t)
	for _, url := range []string{
		"https://x-access-token:" + secretToken + "@github.com/o/r.git",
		"https://" + secretToken + "@github.com/o/r.git",
	} {
		_, err := c.Open(context.Background(), url, gitrepo.Anonymous())
		if err == nil || strings.Contains(err.Error(), secretToken) || !strings.Contains(err.Error(), "the URL carries credentials; pass them as Auth") {
			t.Errorf("Open(%s) error = %v", gitrepo.RedactURL(url), err)
		}
	}
}

func TestRedactURL(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"https://github.com/o/r.git", "https://github.com/o/r.git"},
		{"https://x-access-token:abc@github.com/o/r.git", "https://x-access-token:redacted@github.com/o/r.git"},
		{"https://abc@github.com/o/r.git", "https://redacted@github.com/o/r.git"},
		{"ssh://git@github.com/o/r.git", "ssh://git@github.com/o/r.git"},
		{"git@github.com:o/r.git", "git@github.com:o/r.git"},
		{"file:///srv/repo.git", "file:///srv/repo.git"},
	}
	for _, tt := range tests {
		if got := gitrepo.RedactURL(tt.in); got != tt.want {
			t.Errorf("RedactURL(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestAuthNeverPrintsSecrets(t *testing.T) {
	t.Parallel()
	key := newSSHKey(t, "")
	sshAuth, err := gitrepo.SSHKey("git", key, "", ssh.InsecureIgnoreHostKey())
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range []gitrepo.Auth{gitrepo.Token(secretToken), gitrepo.Basic("me", secretToken), sshAuth} {
		var logs bytes.Buffer
		slog.New(slog.NewTextHandler(&logs, nil)).Info("auth", "auth", a)
		for _, s := range []string{fmt.Sprint(a), fmt.Sprintf("%+v", a), fmt.Sprintf("%#v", a), logs.String()} {
			if strings.Contains(s, secretToken) || strings.Contains(s, "PRIVATE KEY") {
				t.Errorf("secret printed: %s", s)
			}
		}
	}
	if got := fmt.Sprint(gitrepo.Token(secretToken)); got != "https basic auth as x-access-token (secret redacted)" {
		t.Errorf("String() = %q", got)
	}
}

func TestAuthSchemeMustFitURL(t *testing.T) {
	t.Parallel()
	c := newCache(t)
	sshAuth, err := gitrepo.SSHKey("git", newSSHKey(t, ""), "", ssh.InsecureIgnoreHostKey())
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		url  string
		auth gitrepo.Auth
		want string
	}{
		{"git@github.com:o/r.git", gitrepo.Token(secretToken), "open mirror of git@github.com:o/r.git: https basic auth as x-access-token (secret redacted) cannot be used with the ssh remote git@github.com:o/r.git"},
		{"https://github.com/o/r.git", sshAuth, "open mirror of https://github.com/o/r.git: ssh key as git cannot be used with the non-ssh remote https://github.com/o/r.git"},
	}
	for _, tt := range tests {
		_, err := c.Open(context.Background(), tt.url, tt.auth)
		if err == nil || err.Error() != tt.want {
			t.Errorf("Open(%s) = %v\nwant %s", tt.url, err, tt.want)
		}
	}
}

func TestSSHKeyErrors(t *testing.T) {
	t.Parallel()
	encrypted := newSSHKey(t, "correct horse")
	tests := []struct {
		name       string
		user       string
		key        []byte
		passphrase string
		want       string
	}{
		{"no user", "", newSSHKey(t, ""), "", `ssh key auth: user is empty (GitHub uses "git")`},
		{"garbage", "git", []byte("not a key " + secretToken), "", "ssh key auth: cannot parse the private key (want a PEM or OpenSSH private key)"},
		{"encrypted, no passphrase", "git", encrypted, "", "ssh key auth: the private key is encrypted and no passphrase was given"},
		{"wrong passphrase", "git", encrypted, secretToken, "ssh key auth: the passphrase does not decrypt the private key"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := gitrepo.SSHKey(tt.user, tt.key, tt.passphrase, nil)
			if err == nil || err.Error() != tt.want {
				t.Errorf("error = %v\nwant    %s", err, tt.want)
			}
		})
	}
	if _, err := gitrepo.SSHKey("git", encrypted, "correct horse", ssh.InsecureIgnoreHostKey()); err != nil {
		t.Errorf("right passphrase: %v", err)
	}
}

func newSSHKey(t *testing.T, passphrase string) []byte {
	t.Helper()
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	var block *pem.Block
	if passphrase == "" {
		block, err = ssh.MarshalPrivateKey(priv, "")
	} else {
		block, err = ssh.MarshalPrivateKeyWithPassphrase(priv, "", []byte(passphrase))
	}
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(block)
}

func TestSSHKeyAuth(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pemKey := newSSHKey(t, "")
	signer, err := ssh.ParsePrivateKey(pemKey)
	if err != nil {
		t.Fatal(err)
	}
	srv := gittest.NewSSHServer(t, signer.PublicKey())
	repo := srv.NewRepo("site", map[string]string{"post.md": "draft: true\n"})

	auth, err := gitrepo.SSHKey("git", pemKey, "", ssh.FixedHostKey(srv.HostKey))
	if err != nil {
		t.Fatal(err)
	}
	c := newCache(t)
	m, err := c.Open(ctx, repo.URL, auth)
	if err != nil {
		t.Fatal(err)
	}
	tip := resolve(t, m, "main")
	commit, err := m.Commit(ctx, gitrepo.CommitRequest{
		Parent: tip, Files: map[string][]byte{"post.md": []byte("draft: false\n")},
		Message: "publish", Author: bot, Committer: bot,
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Push(ctx, "main", commit, tip); err != nil {
		t.Fatal(err)
	}
	if got := repo.ReadFile("main", "post.md"); got != "draft: false\n" {
		t.Errorf("post.md = %q", got)
	}
	repo.CreatePullRef(3, "main", map[string]string{"new.md": "new\n"})
	if err := m.Fetch(ctx, "refs/pull/3/head"); err != nil {
		t.Fatal(err)
	}
	if err := m.Push(ctx, "main", commit, tip); err != nil {
		t.Errorf("repeating a landed push: %v", err)
	}
	stale, err := m.CommitEmpty(ctx, tip, "stale", bot, bot, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Push(ctx, "main", stale, tip); !errors.Is(err, gitrepo.ErrBranchMoved) {
		t.Errorf("stale push over ssh: %v, want ErrBranchMoved", err)
	}

	t.Run("key not authorized", func(t *testing.T) {
		other, err := gitrepo.SSHKey("git", newSSHKey(t, ""), "", ssh.FixedHostKey(srv.HostKey))
		if err != nil {
			t.Fatal(err)
		}
		_, err = newCache(t).Open(ctx, repo.URL, other)
		if err == nil || !strings.Contains(err.Error(), "unable to authenticate") {
			t.Errorf("error = %v", err)
		}
	})
	t.Run("unknown host key", func(t *testing.T) {
		wrongHost, err := ssh.ParsePrivateKey(newSSHKey(t, ""))
		if err != nil {
			t.Fatal(err)
		}
		a, err := gitrepo.SSHKey("git", pemKey, "", ssh.FixedHostKey(wrongHost.PublicKey()))
		if err != nil {
			t.Fatal(err)
		}
		_, err = newCache(t).Open(ctx, repo.URL, a)
		if err == nil || !strings.Contains(err.Error(), "host key mismatch") {
			t.Errorf("error = %v", err)
		}
	})
}
