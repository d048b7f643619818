package fakegithub

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
)

func do(t *testing.T, s *Server, method, path, token, body string) (int, http.Header, map[string]any) {
	t.Helper()
	req, err := http.NewRequest(method, strings.TrimSuffix(s.URL(), "/")+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := s.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var m map[string]any
	_ = json.Unmarshal(b, &m)
	return resp.StatusCode, resp.Header, m
}

func seeded(t *testing.T) *Server {
	t.Helper()
	s := New(t, Options{})
	s.AddToken("tok", "herald-bot")
	s.AddRepo(Repo{Owner: "acme", Name: "blog"})
	s.AddPR("acme/blog", PR{Title: "Add post", HeadSHA: "aaaa", Files: []File{{Path: "blog/x.md", Status: "added", Additions: 3, Patch: "@@ -0,0 +1,3 @@\n+a\n+b\n+c"}}})
	return s
}

func TestSmoke(t *testing.T) {
	s := seeded(t)
	for _, tc := range []struct {
		method, path, token, body string
		want                      int
	}{
		{"GET", "/repos/acme/blog/pulls/1", "", "", 401},
		{"GET", "/repos/acme/blog/pulls/1", "nope", "", 401},
		{"GET", "/repos/acme/blog/pulls/1", "tok", "", 200},
		{"GET", "/repos/acme/blog/pulls/2", "tok", "", 404},
		{"GET", "/repos/acme/blog/pulls", "tok", "", 200},
		{"GET", "/repos/acme/blog/pulls/1/files", "tok", "", 200},
		{"POST", "/repos/acme/blog/issues/1/comments", "tok", `{"body":"hi"}`, 201},
		{"GET", "/repos/acme/blog/issues/1/comments", "tok", "", 200},
		{"POST", "/repos/acme/blog/statuses/aaaa", "tok", `{"state":"pending","context":"herald/schedule"}`, 201},
		{"GET", "/repos/acme/blog/commits/aaaa/status", "tok", "", 200},
		{"GET", "/repos/acme/blog/commits/aaaa/check-runs", "tok", "", 200},
		{"POST", "/repos/acme/blog/issues/1/labels", "tok", `{"labels":["herald/scheduled"]}`, 200},
		{"GET", "/repos/acme/blog/issues/1/labels", "tok", "", 200},
		{"DELETE", "/repos/acme/blog/issues/1/labels/herald%2Fscheduled", "tok", "", 200},
		{"GET", "/repos/acme/blog/collaborators/acme/permission", "tok", "", 200},
		{"POST", "/repos/acme/blog/pulls/1/reviews", "tok", `{"commit_id":"aaaa","event":"COMMENT","comments":[{"path":"blog/x.md","line":2,"side":"RIGHT","body":"x"}]}`, 200},
		{"GET", "/repos/acme/blog/pulls/1/comments", "tok", "", 200},
		{"GET", "/repos/acme/blog/pulls/1/reviews", "tok", "", 200},
		{"PUT", "/repos/acme/blog/pulls/1/merge", "tok", `{"sha":"bbbb"}`, 409},
		{"PUT", "/repos/acme/blog/pulls/1/merge", "tok", `{"sha":"aaaa","merge_method":"squash"}`, 200},
		{"PUT", "/repos/acme/blog/pulls/1/merge", "tok", `{"sha":"aaaa"}`, 405},
		{"POST", "/repos/acme/blog/dispatches", "tok", `{"event_type":"publish"}`, 204},
		{"GET", "/repos/acme/blog", "tok", "", 200},
	} {
		code, _, body := do(t, s, tc.method, tc.path, tc.token, tc.body)
		if code != tc.want {
			t.Errorf("%s %s = %d, want %d (%v)", tc.method, tc.path, code, tc.want, body)
		}
	}
	for _, e := range s.Errors() {
		t.Log(e)
	}
}

func TestRejectsWhatGitHubWould(t *testing.T) {
	s := seeded(t)
	for _, tc := range []struct {
		name, method, path, body string
		want                     int
		wantErr                  string
	}{
		{"bad enum", "POST", "/repos/acme/blog/statuses/aaaa", `{"state":"bogus"}`, 422, "GitHub would reject"},
		{"missing required", "POST", "/repos/acme/blog/issues/1/comments", `{}`, 422, "GitHub would reject"},
		{"unknown endpoint", "GET", "/repos/acme/blog/branches", "", 404, "not implemented"},
		{"bad query", "GET", "/repos/acme/blog/pulls?state=weird", "", 422, "GitHub would reject"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s.ClearErrors()
			code, _, _ := do(t, s, tc.method, tc.path, "tok", tc.body)
			if code != tc.want {
				t.Errorf("status = %d, want %d", code, tc.want)
			}
			errs := s.Errors()
			if len(errs) != 1 || !strings.Contains(errs[0], tc.wantErr) {
				t.Errorf("errors = %q, want one containing %q", errs, tc.wantErr)
			}
			s.ClearErrors()
		})
	}
}
