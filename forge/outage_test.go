package forge_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"syscall"
	"testing"
	"time"

	"github.com/heraldhq/herald/forge"
	"github.com/heraldhq/herald/forge/github"
	"github.com/heraldhq/herald/internal/fakegithub"
)

// TestIsOutage shows which errors met reaching GitHub are settings to fix
// and which are an outage to wait out: errors made by the real client
// against the GitHub fake, and errors as the standard library makes them.
func TestIsOutage(t *testing.T) {
	t.Parallel()
	fake := fakegithub.New(t, fakegithub.Options{})
	fake.AddToken("good", "herald-bot")
	fake.AddRepo(fakegithub.Repo{Owner: "acme", Name: "blog", CloneURL: "https://example.com/acme/blog.git"})
	closed, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closedURL := "http://" + closed.Addr().String() + "/"
	closed.Close()

	client := func(t *testing.T, token, base string) *github.Client {
		t.Helper()
		c, err := github.NewTokenClient(token, "acme", "blog", github.Options{
			BaseURL: base,
			Retry:   github.RetryPolicy{MaxAttempts: 2, BaseDelay: time.Millisecond, MaxDelay: 2 * time.Millisecond, AttemptTimeout: 300 * time.Millisecond},
		})
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	login := func(token, base string) func(t *testing.T) error {
		return func(t *testing.T) error { _, err := client(t, token, base).Login(context.Background()); return err }
	}
	tests := []struct {
		name   string
		err    func(t *testing.T) error
		outage bool
	}{
		{"bad credentials (401)", login("wrong", fake.URL()), false},
		{"unknown repository (404)", func(t *testing.T) error {
			c, err := github.NewTokenClient("good", "acme", "nope", github.Options{BaseURL: fake.URL()})
			if err != nil {
				t.Fatal(err)
			}
			_, err = c.Repo(context.Background())
			return err
		}, false},
		{"server error (502)", func(t *testing.T) error {
			fake.FailNext("users/get-authenticated", 2, 502)
			return login("good", fake.URL())(t)
		}, true},
		{"server error (503)", func(t *testing.T) error {
			fake.FailNext("users/get-authenticated", 2, 503)
			return login("good", fake.URL())(t)
		}, true},
		{"rate limit with a distant reset", func(t *testing.T) error {
			fake.RateLimitNext("users/get-authenticated", 1, 403, time.Now().Add(time.Hour))
			return login("good", fake.URL())(t)
		}, true},
		{"timeout", func(t *testing.T) error {
			fake.SlowNext("users/get-authenticated", 2, 2*time.Second)
			return login("good", fake.URL())(t)
		}, true},
		{"connection refused", login("good", closedURL), true},
		{"no such host", func(*testing.T) error {
			return &url.Error{Op: "Get", URL: "https://github.invalid/api/v3/user", Err: &net.DNSError{Err: "no such host", Name: "github.invalid", IsNotFound: true}}
		}, true},
		{"connection reset", func(*testing.T) error {
			return fmt.Errorf("get user: %w", &url.Error{Op: "Get", URL: "https://api.github.com/user", Err: syscall.ECONNRESET})
		}, true},
		{"deadline", func(*testing.T) error { return fmt.Errorf("get user: %w", context.DeadlineExceeded) }, true},
		{"forbidden", func(*testing.T) error {
			return fmt.Errorf("get app: %w: GitHub answered 403: nope", forge.ErrUnauthorized)
		}, false},
		{"an answer that is not GitHub's", func(*testing.T) error {
			return errors.New("get user: invalid character '<' looking for beginning of value")
		}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.err(t)
			if err == nil {
				t.Fatal("no error")
			}
			if got := forge.IsOutage(err); got != tt.outage {
				t.Errorf("IsOutage(%v) = %v, want %v", err, got, tt.outage)
			}
		})
	}
}
