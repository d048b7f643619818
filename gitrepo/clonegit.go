package gitrepo

import (
	"context"
	"encoding/base64"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"time"

	"github.com/go-git/go-git/v5/plumbing/transport"
)

// This file fetches a new mirror's objects with the git command when one is
// installed. go-git's pack parser takes two to four times as long as git's
// index-pack on a large repository (on a 10,000-post site, 1.2-2.3 s against
// 0.6 s), and a first clone is what herald serve waits for before it is
// ready. Everything else stays with go-git: the ref listing before the
// clone (so its errors read as they always did), HEAD, verification, and
// the small fetches of a running mirror, where starting git's processes
// would cost more than go-git spends.
//
// git runs with the system and user configuration ignored, as go-git
// ignores them, so that a mirror is the same whichever of the two made it,
// and never prompts. Credentials reach it through the environment of its
// process only (an http.<remote>.extraHeader passed as GIT_CONFIG_* variables),
// never on its command line, where any user of the machine could read
// them, nor on disk.

// minGitVersion is the oldest git whose configuration herald can set
// through the environment (GIT_CONFIG_COUNT, 2.31) and whose user
// configuration it can turn off (GIT_CONFIG_GLOBAL, 2.32).
var minGitVersion = [2]int{2, 32}

// gitTool is the git command the cache clones with, as found once.
type gitTool struct {
	path    string // "" when mirrors are cloned with go-git only
	version string // as git version prints it
	why     string // why path is empty, for the log
}

// findGit looks for the git command named name (a path, or a name looked up
// in PATH) and checks its version. An empty name turns the git command off.
func findGit(ctx context.Context, name string) gitTool {
	if name == "" {
		return gitTool{why: "the git command is turned off"}
	}
	path, err := exec.LookPath(name)
	if err != nil {
		return gitTool{why: fmt.Sprintf("no git command (%v)", err)}
	}
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, path, "version")
	cmd.Env = gitEnv(nil)
	out, err := cmd.Output()
	if err != nil {
		return gitTool{why: fmt.Sprintf("%s version: %v", path, err)}
	}
	v := strings.TrimSpace(string(out))
	major, minor, ok := parseGitVersion(v)
	if !ok {
		return gitTool{why: fmt.Sprintf("%s version printed %q", path, v)}
	}
	if major < minGitVersion[0] || major == minGitVersion[0] && minor < minGitVersion[1] {
		return gitTool{why: fmt.Sprintf("%s is older than %d.%d", v, minGitVersion[0], minGitVersion[1])}
	}
	return gitTool{path: path, version: v}
}

// parseGitVersion reads "git version 2.39.5" (or "git version
// 2.39.3 (Apple Git-146)", "git version 2.45.1.windows.1").
func parseGitVersion(s string) (major, minor int, ok bool) {
	rest, found := strings.CutPrefix(s, "git version ")
	if !found {
		return 0, 0, false
	}
	parts := strings.SplitN(strings.Fields(rest + " ")[0], ".", 3)
	if len(parts) < 2 {
		return 0, 0, false
	}
	major, err1 := strconv.Atoi(parts[0])
	minor, err2 := strconv.Atoi(parts[1])
	return major, minor, err1 == nil && err2 == nil
}

// git returns the git command to clone with, looking for it on first use.
func (c *Cache) git(ctx context.Context) gitTool {
	c.gitOnce.Do(func() {
		// Found once for the cache's life: a caller that gives up must not
		// leave every later clone to go-git.
		c.gitTool = findGit(context.WithoutCancel(ctx), c.gitName)
		if c.gitTool.path == "" {
			c.log.Info("cloning mirrors with go-git", "reason", c.gitTool.why)
		} else {
			c.log.Debug("cloning mirrors with the git command", "git", c.gitTool.path, "version", c.gitTool.version)
		}
	})
	return c.gitTool
}

// canFetchWithGit reports whether the git command can fetch from remote
// with auth: over http(s) or from a local repository. SSH stays with
// go-git, which holds the key in memory; git would need it in a file.
func canFetchWithGit(remote string, auth Auth) bool {
	if isSSHURL(remote) || auth.kind == authSSHKey {
		return false
	}
	return auth.kind == authAnonymous || strings.HasPrefix(remote, "https://") || strings.HasPrefix(remote, "http://")
}

// fetchWithGit fetches every branch and tag of the mirror's remote into
// the bare repository dir (made by clone, with origin configured) with the
// git command at path, the same refs as go-git's fetch would.
func (m *Mirror) fetchWithGit(ctx context.Context, path, dir string) error {
	remote := m.st.remote
	config := [][2]string{
		// The exchange go-git makes (ref advertisement, then upload-pack),
		// so that a clone costs the remote the same requests either way.
		{"protocol.version", "0"},
		// Keep what is fetched as a pack, as go-git does, however few
		// objects it holds: the mirror's pack count drives repacking.
		{"fetch.unpackLimit", "1"},
		{"core.askPass", ""},
		{"credential.helper", ""},
	}
	var secrets []string
	if m.auth.kind == authBasic {
		encoded := base64.StdEncoding.EncodeToString([]byte(m.auth.user + ":" + m.auth.secret))
		// Sent with every request, as go-git does, and scoped to the
		// remote: git adds it only to URLs under it.
		config = append(config, [2]string{"http." + remote + ".extraHeader", "Authorization: Basic " + encoded})
		secrets = append(secrets, encoded)
	}
	// The refspecs given are the only ones (--refmap= turns off git's
	// updates of remote-tracking refs from the configured ones).
	args := []string{"-C", dir, "fetch", "--quiet", "--no-tags", "--no-write-fetch-head", "--no-auto-maintenance",
		"--no-recurse-submodules", "--refmap=", "origin", "+refs/heads/*:refs/heads/*", "+refs/tags/*:refs/tags/*"}
	cmd := exec.CommandContext(ctx, path, args...)
	cmd.Env = gitEnv(config)
	// git prints what the remote sends on its side band ("remote: ...");
	// keep the end only, where git says what went wrong.
	stderr := &tailBuffer{max: 16 << 10}
	cmd.Stderr = stderr
	startGroup(cmd)
	// git's helpers (remote-http, index-pack) inherit its standard error;
	// do not wait for them for ever once git itself is gone.
	cmd.WaitDelay = 5 * time.Second
	err := cmd.Run()
	if err == nil {
		return nil
	}
	if cerr := context.Cause(ctx); ctx.Err() != nil {
		return fmt.Errorf("git: %w", cerr)
	}
	red := m.red
	red.secrets = append(red.secrets, secrets...)
	return red.wrap(gitFetchError(err, stderr.String(), m.auth))
}

// gitFetchError turns a failed git fetch with auth into an error a person
// reads, matching go-git's sentinels where git's words say the same.
func gitFetchError(err error, stderr string, auth Auth) error {
	msg := lastLines(stderr, 3)
	var is error
	lower := strings.ToLower(msg)
	switch {
	case strings.Contains(lower, "authentication failed"), strings.Contains(lower, "could not read username"),
		strings.Contains(lower, "could not read password"), strings.Contains(lower, "terminal prompts disabled"):
		// git asks for credentials when the remote refuses the ones it was
		// given, or wants some: herald never lets it prompt, so its own
		// words are about prompting. Say what happened instead.
		is, msg = transport.ErrAuthenticationRequired, "the remote refused "+auth.String()
		if auth.kind == authAnonymous {
			msg = "the remote asks for credentials and none were given"
		}
	case strings.Contains(lower, "returned error: 403"):
		is = transport.ErrAuthorizationFailed
	case strings.Contains(lower, "repository '") && strings.Contains(lower, "' not found"),
		strings.Contains(lower, "does not appear to be a git repository"):
		is = transport.ErrRepositoryNotFound
	}
	if msg == "" {
		msg = "no message"
	}
	return &gitError{msg: msg, err: err, is: is}
}

// gitError is a failed git command: git's last words, the exit error, and
// the go-git sentinel that names the same failure, if any.
type gitError struct {
	msg string
	err error
	is  error
}

func (e *gitError) Error() string {
	if e.is != nil {
		return fmt.Sprintf("git: %v: %s", e.is, e.msg)
	}
	return fmt.Sprintf("git: %s (%v)", e.msg, e.err)
}

func (e *gitError) Unwrap() []error {
	if e.is != nil {
		return []error{e.is, e.err}
	}
	return []error{e.err}
}

// tailBuffer keeps the last max bytes written to it.
type tailBuffer struct {
	max int
	buf []byte
}

func (t *tailBuffer) Write(p []byte) (int, error) {
	t.buf = append(t.buf, p...)
	if over := len(t.buf) - t.max; over > 0 {
		t.buf = append(t.buf[:0], t.buf[over:]...)
	}
	return len(p), nil
}

func (t *tailBuffer) String() string { return string(t.buf) }

// lastLines returns the last n non-empty lines of s, joined by "; ".
func lastLines(s string, n int) string {
	var lines []string
	for l := range strings.SplitSeq(s, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			lines = append(lines, l)
		}
	}
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "; ")
}

// gitEnv is the environment of a git command that fetches into a mirror:
// the process's own without git's variables (which could point git at
// another repository, configuration or helper) and with config set as
// GIT_CONFIG_* variables.
func gitEnv(config [][2]string) []string {
	var env []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		switch {
		case k == "GIT_EXEC_PATH":
		case strings.HasPrefix(k, "GIT_"), k == "SSH_ASKPASS", k == "LC_ALL", k == "LANGUAGE":
			continue
		}
		env = append(env, kv)
	}
	env = append(env,
		"GIT_CONFIG_NOSYSTEM=1",
		"GIT_CONFIG_GLOBAL="+os.DevNull,
		"GIT_TERMINAL_PROMPT=0",
		// English messages, which gitFetchError reads.
		"LC_ALL=C",
		"GIT_CONFIG_COUNT="+strconv.Itoa(len(config)))
	for i, kv := range config {
		env = append(env, fmt.Sprintf("GIT_CONFIG_KEY_%d=%s", i, kv[0]), fmt.Sprintf("GIT_CONFIG_VALUE_%d=%s", i, kv[1]))
	}
	return env
}
