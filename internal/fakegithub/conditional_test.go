package fakegithub

import (
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

// get sends a GET with the token and, when etag is set, If-None-Match.
func get(t *testing.T, s *Server, path, token, etag string) (int, http.Header, string) {
	t.Helper()
	req, err := http.NewRequest("GET", strings.TrimSuffix(s.URL(), "/")+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	if etag != "" {
		req.Header.Set("If-None-Match", etag)
	}
	resp, err := s.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, string(b)
}

// TestConditionalRequests: every GET answer carries an ETag; asking again
// with it is answered 304, without a body and without spending rate limit,
// until something the answer shows changes. Another credential gets another
// ETag, as on GitHub, whose ETags depend on the Authorization header.
func TestConditionalRequests(t *testing.T) {
	s := seeded(t)
	s.AddToken("other", "someone")
	const path = "/repos/acme/blog/issues/1/comments"

	code, h, _ := get(t, s, path, "tok", "")
	etag := h.Get("ETag")
	if code != 200 || etag == "" || h.Get("X-RateLimit-Remaining") != "4999" {
		t.Fatalf("first GET = %d, ETag %q, remaining %s", code, etag, h.Get("X-RateLimit-Remaining"))
	}
	code, h, body := get(t, s, path, "tok", etag)
	if code != http.StatusNotModified || body != "" || h.Get("X-RateLimit-Remaining") != "4999" || h.Get("X-RateLimit-Used") != "1" {
		t.Errorf("conditional GET = %d, body %q, remaining %s, used %s; want 304, no body, nothing spent",
			code, body, h.Get("X-RateLimit-Remaining"), h.Get("X-RateLimit-Used"))
	}
	if code, _, _ := get(t, s, path, "tok", "W/"+etag); code != http.StatusNotModified {
		t.Errorf("weak If-None-Match = %d, want 304", code)
	}
	if code, h, _ := get(t, s, path, "other", etag); code != 200 || h.Get("ETag") == etag {
		t.Errorf("another token with the first one's ETag = %d, ETag %q; want 200 and an ETag of its own", code, h.Get("ETag"))
	}
	if got, want := s.Cost(), (Cost{Costly: 2, Free: 2}); got != want {
		t.Errorf("cost = %+v, want %+v", got, want)
	}

	before := s.PR("acme/blog", 1).UpdatedAt
	time.Sleep(time.Until(before.Add(time.Second))) // updated_at has whole seconds
	s.AddComment("acme/blog", Comment{Issue: 1, User: "octocat", Body: "/herald check"})
	if code, _, _ := get(t, s, path, "tok", etag); code != 200 {
		t.Errorf("GET after a new comment = %d, want 200", code)
	}
	if after := s.PR("acme/blog", 1).UpdatedAt; !after.After(before) {
		t.Errorf("updated_at %s did not move after a comment (was %s)", after, before)
	}
	if len(s.Errors()) > 0 {
		t.Errorf("validation errors: %q", s.Errors())
	}
}

// TestAnswersStayTheSame: an unchanged resource reads the same on every
// GET, so that its ETag holds; answers carry no clock of their own.
func TestAnswersStayTheSame(t *testing.T) {
	s := seeded(t)
	do(t, s, "POST", "/repos/acme/blog/statuses/aaaa", "tok", `{"state":"pending","context":"herald/schedule"}`)
	do(t, s, "POST", "/repos/acme/blog/pulls/1/reviews", "tok", `{"commit_id":"aaaa","event":"COMMENT","comments":[{"path":"blog/x.md","line":2,"side":"RIGHT","body":"x"}]}`)
	paths := []string{"/repos/acme/blog/pulls", "/repos/acme/blog/pulls/1", "/repos/acme/blog/pulls/1/files",
		"/repos/acme/blog/pulls/1/reviews", "/repos/acme/blog/pulls/1/comments", "/repos/acme/blog/commits/aaaa/status",
		"/repos/acme/blog/commits/aaaa/check-runs", "/repos/acme/blog"}
	first := map[string]string{}
	for _, p := range paths {
		_, h, _ := get(t, s, p, "tok", "")
		first[p] = h.Get("ETag")
	}
	time.Sleep(time.Until(time.Now().Truncate(time.Second).Add(time.Second)))
	for _, p := range paths {
		if code, _, _ := get(t, s, p, "tok", first[p]); code != http.StatusNotModified {
			t.Errorf("GET %s a second later = %d, want 304", p, code)
		}
	}
}
