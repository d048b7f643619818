package gitrepo

import (
	"errors"
	"os/exec"
	"strings"
	"testing"

	"github.com/go-git/go-git/v5/plumbing/transport"
)

func TestParseGitVersion(t *testing.T) {
	for _, tt := range []struct {
		in           string
		major, minor int
		ok           bool
	}{
		{"git version 2.39.5", 2, 39, true},
		{"git version 2.39.3 (Apple Git-146)", 2, 39, true},
		{"git version 2.45.1.windows.1", 2, 45, true},
		{"git version 3.0", 3, 0, true},
		{"git version x.y", 0, 0, false},
		{"hub version 2.14.2", 0, 0, false},
		{"", 0, 0, false},
	} {
		major, minor, ok := parseGitVersion(tt.in)
		if major != tt.major || minor != tt.minor || ok != tt.ok {
			t.Errorf("parseGitVersion(%q) = %d, %d, %v; want %d, %d, %v", tt.in, major, minor, ok, tt.major, tt.minor, tt.ok)
		}
	}
}

// TestGitFetchError checks how git's last words become an error: the
// sentinel go-git would give for the same failure, and no prompting talk.
func TestGitFetchError(t *testing.T) {
	exit := &exec.ExitError{}
	for _, tt := range []struct {
		name, stderr string
		auth         Auth
		is           error
		want         string
	}{
		{"refused token", "fatal: could not read Username for 'https://github.com': terminal prompts disabled\n", Token("t0ken"),
			transport.ErrAuthenticationRequired, "git: authentication required: the remote refused https basic auth as x-access-token (secret redacted)"},
		{"no credentials", "fatal: could not read Username for 'https://github.com': terminal prompts disabled\n", Anonymous(),
			transport.ErrAuthenticationRequired, "git: authentication required: the remote asks for credentials and none were given"},
		{"credential helper refused", "remote: Invalid username or password.\nfatal: Authentication failed for 'https://github.com/o/r/'\n", Basic("ada", "pw"),
			transport.ErrAuthenticationRequired, "git: authentication required: the remote refused https basic auth as ada (secret redacted)"},
		{"forbidden", "fatal: unable to access 'https://github.com/o/r/': The requested URL returned error: 403\n", Token("t0ken"),
			transport.ErrAuthorizationFailed, "git: authorization failed: fatal: unable to access 'https://github.com/o/r/': The requested URL returned error: 403"},
		{"not found", "remote: Repository not found.\nfatal: repository 'https://github.com/o/r/' not found\n", Anonymous(),
			transport.ErrRepositoryNotFound, "git: repository not found: remote: Repository not found.; fatal: repository 'https://github.com/o/r/' not found"},
		{"cut short", "error: RPC failed; curl 18 transfer closed with outstanding read data remaining\nfatal: early EOF\nfatal: index-pack failed\n", Anonymous(),
			nil, "git: error: RPC failed; curl 18 transfer closed with outstanding read data remaining; fatal: early EOF; fatal: index-pack failed (<nil>)"},
		{"silent", "", Anonymous(), nil, "git: no message (<nil>)"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			err := gitFetchError(exit, tt.stderr, tt.auth)
			if got := err.Error(); got != tt.want {
				t.Errorf("error = %q\nwant    %q", got, tt.want)
			}
			if tt.is != nil && !errors.Is(err, tt.is) {
				t.Errorf("errors.Is(%v, %v) = false", err, tt.is)
			}
			if !errors.Is(err, exit) {
				t.Errorf("the exit error is not wrapped")
			}
			if strings.Contains(err.Error(), "prompt") {
				t.Errorf("the error talks of prompting: %q", err)
			}
		})
	}
}

func TestTailBuffer(t *testing.T) {
	b := &tailBuffer{max: 8}
	for _, s := range []string{"remote: ", "chatter\n", "fatal: x\n"} {
		b.Write([]byte(s))
	}
	if got := b.String(); got != "atal: x\n" {
		t.Errorf("kept %q, want the last 8 bytes", got)
	}
}
