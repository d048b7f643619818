package github_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/heraldhq/herald/forge/github"
	"github.com/heraldhq/herald/internal/fakegithub"
)

// BenchmarkPR measures one pull request read through the client and the
// validating fake; BenchmarkUpsertComment a summary upsert (list, then edit).
func BenchmarkPR(b *testing.B) {
	fake := fakegithub.New(b, fakegithub.Options{RateLimit: 1 << 30})
	fake.AddToken(token, "herald-bot")
	fake.AddRepo(fakegithub.Repo{Owner: "acme", Name: "blog"})
	n := fake.AddPR(repo, fakegithub.PR{Title: "x"})
	o := options(fake, nil)
	o.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	c, err := github.NewTokenClient(token, "acme", "blog", o)
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	for b.Loop() {
		if _, err := c.PR(ctx, n); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkUpsertComment(b *testing.B) {
	fake := fakegithub.New(b, fakegithub.Options{RateLimit: 1 << 30})
	fake.AddToken(token, "herald-bot")
	fake.AddRepo(fakegithub.Repo{Owner: "acme", Name: "blog"})
	n := fake.AddPR(repo, fakegithub.PR{Title: "x"})
	o := options(fake, nil)
	o.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	c, err := github.NewTokenClient(token, "acme", "blog", o)
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	i := 0
	for b.Loop() {
		i++
		if _, err := c.UpsertComment(ctx, n, "summary", "report "+string(rune('a'+i%26))); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkPRBaseline reads the same pull request from a plain HTTP server
// that answers the fake's recorded bytes at once, without validation: the
// ratio to BenchmarkPR is the fake's validation cost.
func BenchmarkPRBaseline(b *testing.B) {
	fake := fakegithub.New(b, fakegithub.Options{RateLimit: 1 << 30})
	fake.AddToken(token, "herald-bot")
	fake.AddRepo(fakegithub.Repo{Owner: "acme", Name: "blog"})
	n := fake.AddPR(repo, fakegithub.PR{Title: "x"})
	req, _ := http.NewRequest("GET", fake.URL()+"repos/acme/blog/pulls/1", nil)
	req.Header.Set("Authorization", "token "+token)
	resp, err := fake.Client().Do(req)
	if err != nil {
		b.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(body)
	}))
	b.Cleanup(srv.Close)
	o := github.Options{BaseURL: srv.URL + "/", Transport: srv.Client().Transport, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}
	c, err := github.NewTokenClient(token, "acme", "blog", o)
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	for b.Loop() {
		if _, err := c.PR(ctx, n); err != nil {
			b.Fatal(err)
		}
	}
}
