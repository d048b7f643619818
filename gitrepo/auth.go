package gitrepo

import (
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"strings"

	"github.com/go-git/go-git/v5/plumbing/transport"
	githttp "github.com/go-git/go-git/v5/plumbing/transport/http"
	gitssh "github.com/go-git/go-git/v5/plumbing/transport/ssh"
	"golang.org/x/crypto/ssh"
)

// Auth is how a mirror authenticates to its remote. The zero value is
// anonymous access. An Auth never prints its secret: String, GoString and
// LogValue show only the scheme.
type Auth struct {
	kind     authKind
	user     string
	secret   string
	sshKeys  *gitssh.PublicKeys
	hostKeys ssh.HostKeyCallback
}

type authKind int

const (
	authAnonymous authKind = iota
	authBasic
	authSSHKey
)

// Anonymous returns an Auth that sends no credentials.
func Anonymous() Auth { return Auth{} }

// Token returns HTTPS basic auth with the user "x-access-token" and token
// as the password: the scheme GitHub accepts for App installation tokens
// and personal access tokens.
func Token(token string) Auth {
	return Auth{kind: authBasic, user: "x-access-token", secret: token}
}

// Basic returns HTTPS basic auth with a user name and password.
func Basic(user, password string) Auth {
	return Auth{kind: authBasic, user: user, secret: password}
}

// SSHKey returns SSH public-key auth as user (usually "git") with a
// PEM-encoded private key, decrypted with passphrase when it is encrypted.
// hostKeys checks the server's host key; nil uses the known_hosts files
// (SSH_KNOWN_HOSTS or ~/.ssh/known_hosts). The error never contains the
// key or the passphrase.
func SSHKey(user string, privateKeyPEM []byte, passphrase string, hostKeys ssh.HostKeyCallback) (Auth, error) {
	if user == "" {
		return Auth{}, errors.New("ssh key auth: user is empty (GitHub uses \"git\")")
	}
	if _, err := ssh.ParseRawPrivateKey(privateKeyPEM); err != nil {
		var missing *ssh.PassphraseMissingError
		switch {
		case !errors.As(err, &missing):
			return Auth{}, errors.New("ssh key auth: cannot parse the private key (want a PEM or OpenSSH private key)")
		case passphrase == "":
			return Auth{}, errors.New("ssh key auth: the private key is encrypted and no passphrase was given")
		}
		if _, err := ssh.ParseRawPrivateKeyWithPassphrase(privateKeyPEM, []byte(passphrase)); err != nil {
			return Auth{}, errors.New("ssh key auth: the passphrase does not decrypt the private key")
		}
	}
	keys, err := gitssh.NewPublicKeys(user, privateKeyPEM, passphrase)
	if err != nil {
		return Auth{}, errors.New("ssh key auth: cannot use the private key")
	}
	if hostKeys != nil {
		keys.HostKeyCallback = hostKeys
	}
	return Auth{kind: authSSHKey, user: user, sshKeys: keys, hostKeys: hostKeys}, nil
}

// String describes the scheme without the secret.
func (a Auth) String() string {
	switch a.kind {
	case authBasic:
		return "https basic auth as " + a.user + " (secret redacted)"
	case authSSHKey:
		return "ssh key as " + a.user
	}
	return "anonymous"
}

// GoString is String, so %#v does not print the secret either.
func (a Auth) GoString() string { return "gitrepo.Auth(" + a.String() + ")" }

// LogValue is String, so slog never records the secret.
func (a Auth) LogValue() slog.Value { return slog.StringValue(a.String()) }

// method returns the go-git transport auth for a remote URL, checking
// that the scheme fits the URL.
func (a Auth) method(remote string) (transport.AuthMethod, error) {
	ssh := isSSHURL(remote)
	switch a.kind {
	case authAnonymous:
		return nil, nil
	case authBasic:
		if ssh {
			return nil, fmt.Errorf("%s cannot be used with the ssh remote %s", a, RedactURL(remote))
		}
		return &githttp.BasicAuth{Username: a.user, Password: a.secret}, nil
	case authSSHKey:
		if !ssh {
			return nil, fmt.Errorf("%s cannot be used with the non-ssh remote %s", a, RedactURL(remote))
		}
		return a.sshKeys, nil
	}
	return nil, fmt.Errorf("unknown auth kind %d", a.kind)
}

// secrets lists the strings that must never appear in errors or logs.
func (a Auth) secrets() []string {
	if a.secret == "" {
		return nil
	}
	return []string{a.secret, url.QueryEscape(a.secret), url.PathEscape(a.secret)}
}

func isSSHURL(remote string) bool {
	if strings.HasPrefix(remote, "ssh://") || strings.HasPrefix(remote, "git+ssh://") {
		return true
	}
	// scp-like: git@github.com:owner/repo.git
	if strings.Contains(remote, "://") {
		return false
	}
	at := strings.Index(remote, "@")
	colon := strings.Index(remote, ":")
	return colon > 0 && (at < 0 || at < colon)
}

// RedactURL returns remote with any password or token in it replaced by
// "redacted". A user name alone is kept ("git@github.com:o/r" stays as is);
// a user name without a password in an https URL is also redacted, since
// tokens are often passed that way.
func RedactURL(remote string) string {
	u, err := url.Parse(remote)
	if err != nil || u.User == nil || u.Scheme == "" {
		return remote
	}
	if _, hasPass := u.User.Password(); hasPass {
		u.User = url.UserPassword(u.User.Username(), "redacted")
		return u.String()
	}
	if u.Scheme == "http" || u.Scheme == "https" {
		u.User = url.User("redacted")
		return u.String()
	}
	return remote
}

// redactor removes secrets from error messages while keeping the error
// chain for errors.Is and errors.As.
type redactor struct {
	secrets []string
}

func newRedactor(remote string, auth Auth) redactor {
	s := auth.secrets()
	if u, err := url.Parse(remote); err == nil && u.User != nil {
		if p, ok := u.User.Password(); ok && p != "" {
			s = append(s, p)
		} else if u.Scheme == "http" || u.Scheme == "https" {
			if n := u.User.Username(); n != "" {
				s = append(s, n)
			}
		}
	}
	return redactor{secrets: s}
}

func (r redactor) wrap(err error) error {
	if err == nil || len(r.secrets) == 0 {
		return err
	}
	msg := err.Error()
	clean := msg
	for _, s := range r.secrets {
		if s != "" {
			clean = strings.ReplaceAll(clean, s, "redacted")
		}
	}
	if clean == msg {
		return err
	}
	return &redactedError{msg: clean, err: err}
}

type redactedError struct {
	msg string
	err error
}

func (e *redactedError) Error() string { return e.msg }
func (e *redactedError) Unwrap() error { return e.err }
