package fakegithub

import (
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v4"
)

func getRaw(t *testing.T, s *Server, path string) (http.Header, []byte) {
	t.Helper()
	req, _ := http.NewRequest("GET", strings.TrimSuffix(s.URL(), "/")+path, nil)
	req.Header.Set("Authorization", "token tok")
	resp, err := s.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 {
		t.Fatalf("GET %s = %d: %s", path, resp.StatusCode, b)
	}
	return resp.Header, b
}

func webhook(t *testing.T, name string) map[string]any {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "testdata", "github", "webhooks", name))
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

func keys(m map[string]any) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// missingKeys lists the keys of want, recursively through objects, that got
// lacks.
func missingKeys(prefix string, want, got map[string]any) []string {
	var out []string
	for _, k := range keys(want) {
		gv, ok := got[k]
		if !ok {
			out = append(out, prefix+k)
			continue
		}
		wm, wok := want[k].(map[string]any)
		gm, gok := gv.(map[string]any)
		if wok && gok {
			out = append(out, missingKeys(prefix+k+".", wm, gm)...)
		}
	}
	return out
}

// TestShapesAgreeWithWebhooks checks that the objects the fake answers carry
// every field the real webhook payloads carry for the same object, with the
// same JSON types, so code that reads one reads the other.
func TestShapesAgreeWithWebhooks(t *testing.T) {
	s := seeded(t)
	f := false
	s.AddComment("acme/blog", Comment{Issue: 1, User: "alice", Body: "/herald check"})
	s.SetMergeable("acme/blog", 1, &f, "dirty")
	for _, tc := range []struct {
		name, fixture, member, path string
		// ignore lists fields webhooks carry that the REST object does not.
		ignore []string
	}{
		{"pull request", "pull_request/opened.json", "pull_request", "/repos/acme/blog/pulls/1", nil},
		{"issue comment", "issue_comment/created.json", "comment", "/repos/acme/blog/issues/1/comments", []string{"performed_via_github_app"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			want := webhook(t, tc.fixture)[tc.member].(map[string]any)
			_, raw := getRaw(t, s, tc.path)
			var got map[string]any
			if strings.HasSuffix(tc.path, "comments") {
				var list []map[string]any
				if err := json.Unmarshal(raw, &list); err != nil || len(list) == 0 {
					t.Fatalf("decode %s: %v", raw, err)
				}
				got = list[0]
			} else if err := json.Unmarshal(raw, &got); err != nil {
				t.Fatal(err)
			}
			var missing []string
			for _, k := range missingKeys("", want, got) {
				if !slices.Contains(tc.ignore, k) && !strings.HasPrefix(k, "head.repo.") && !strings.HasPrefix(k, "base.repo.") {
					missing = append(missing, k)
				}
			}
			if len(missing) > 0 {
				t.Errorf("fields in the webhook payload but not in the fake's answer: %v", missing)
			}
			for _, k := range []string{"number", "id", "body", "draft", "mergeable", "labels", "head", "user"} {
				wv, ok := want[k]
				if !ok || wv == nil {
					continue
				}
				if gv := got[k]; gv != nil && typeName(gv) != typeName(wv) {
					t.Errorf("%s: webhook has %s, fake has %s", k, typeName(wv), typeName(gv))
				}
			}
		})
	}
}

func typeName(v any) string {
	switch v.(type) {
	case map[string]any:
		return "object"
	case []any:
		return "array"
	case string:
		return "string"
	case float64:
		return "number"
	case bool:
		return "boolean"
	}
	return "null"
}

func TestPaginationLinks(t *testing.T) {
	s := seeded(t)
	for i := 0; i < 6; i++ {
		s.AddPR("acme/blog", PR{})
	}
	link := regexp.MustCompile(`<([^>]+)>; rel="(\w+)"`)
	for _, tc := range []struct {
		page      int
		wantCount int
		wantRels  string
	}{
		{1, 3, "next=2,last=3"},
		{2, 3, "next=3,last=3,first=1,prev=1"},
		{3, 1, "first=1,prev=2"},
		{9, 0, "first=1,prev=3"},
	} {
		t.Run(strconv.Itoa(tc.page), func(t *testing.T) {
			h, raw := getRaw(t, s, "/repos/acme/blog/pulls?per_page=3&page="+strconv.Itoa(tc.page))
			var list []any
			if err := json.Unmarshal(raw, &list); err != nil {
				t.Fatal(err)
			}
			if len(list) != tc.wantCount {
				t.Errorf("page has %d items, want %d", len(list), tc.wantCount)
			}
			var rels []string
			for _, m := range link.FindAllStringSubmatch(h.Get("Link"), -1) {
				u, err := url.Parse(m[1])
				if err != nil {
					t.Fatal(err)
				}
				rels = append(rels, m[2]+"="+u.Query().Get("page"))
			}
			if got := strings.Join(rels, ","); got != tc.wantRels {
				t.Errorf("Link rels = %s, want %s (header %q)", got, tc.wantRels, h.Get("Link"))
			}
			for _, k := range []string{"X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset", "X-RateLimit-Used", "X-RateLimit-Resource"} {
				if h.Get(k) == "" {
					t.Errorf("header %s missing", k)
				}
			}
		})
	}
}

func TestSemantics(t *testing.T) {
	s := seeded(t)
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	s.AddApp(9, "herald", &key.PublicKey)
	s.AddInstallation(9, 77, "acme")
	sign := func(iss string, ttl time.Duration, k *rsa.PrivateKey) string {
		now := time.Now()
		tok, err := jwt.NewWithClaims(jwt.SigningMethodRS256, jwt.RegisteredClaims{Issuer: iss, IssuedAt: jwt.NewNumericDate(now), ExpiresAt: jwt.NewNumericDate(now.Add(ttl))}).SignedString(k)
		if err != nil {
			t.Fatal(err)
		}
		return tok
	}
	other, _ := rsa.GenerateKey(rand.Reader, 2048)
	code, _, body := do(t, s, "POST", "/app/installations/77/access_tokens", sign("9", 5*time.Minute, key), "")
	if code != 201 || !strings.HasPrefix(body["token"].(string), "ghs_") {
		t.Fatalf("access token = %d %v", code, body)
	}
	inst := body["token"].(string)
	anns := func(n int) string {
		var parts []string
		for i := range n {
			parts = append(parts, `{"path":"blog/x.md","start_line":`+strconv.Itoa(i+1)+`,"end_line":`+strconv.Itoa(i+1)+`,"annotation_level":"warning","message":"m"}`)
		}
		return `{"name":"herald","head_sha":"aaaa","output":{"title":"t","summary":"s","annotations":[` + strings.Join(parts, ",") + `]}}`
	}
	for _, tc := range []struct {
		name, method, path, token, body string
		want                            int
		wantMsg                         string
		specRejects                     bool // the OpenAPI description itself rules the request out
	}{
		{"JWT signed by another key", "POST", "/app/installations/77/access_tokens", sign("9", 5*time.Minute, other), "", 401, "JSON web token", false},
		{"JWT living too long", "POST", "/app/installations/77/access_tokens", sign("9", time.Hour, key), "", 401, "too far in the future", false},
		{"unknown installation", "POST", "/app/installations/78/access_tokens", sign("9", 5*time.Minute, key), "", 404, "Not Found", false},
		{"JWT on a repository endpoint", "GET", "/repos/acme/blog/pulls/1", sign("9", 5*time.Minute, key), "", 403, "not accessible", false},
		{"token on an app endpoint", "POST", "/app/installations/77/access_tokens", "tok", "", 401, "JSON web token", false},
		{"check run from a token", "POST", "/repos/acme/blog/check-runs", "tok", anns(1), 403, "GitHub App", false},
		{"50 annotations", "POST", "/repos/acme/blog/check-runs", inst, anns(50), 201, "", false},
		{"51 annotations", "POST", "/repos/acme/blog/check-runs", inst, anns(51), 422, "maximum number of items is 50", true},
		{"summary too long", "POST", "/repos/acme/blog/check-runs", inst, `{"name":"herald","head_sha":"aaaa","output":{"title":"t","summary":"` + strings.Repeat("x", 65536) + `"}}`, 422, "maximum string length is 65535", true},
		{"completed without conclusion", "POST", "/repos/acme/blog/check-runs", inst, `{"name":"herald","head_sha":"aaaa","status":"completed"}`, 422, "conclusion", false},
		{"review comment outside the diff", "POST", "/repos/acme/blog/pulls/1/reviews", "tok",
			`{"commit_id":"aaaa","event":"COMMENT","comments":[{"path":"blog/x.md","line":9,"side":"RIGHT","body":"x"}]}`, 422, "part of the diff", false},
		{"review comment on a file not in the PR", "POST", "/repos/acme/blog/pulls/1/reviews", "tok",
			`{"commit_id":"aaaa","event":"COMMENT","comments":[{"path":"blog/y.md","line":1,"side":"RIGHT","body":"x"}]}`, 422, "could not be resolved", false},
		{"review on an unknown commit", "POST", "/repos/acme/blog/pulls/1/reviews", "tok",
			`{"commit_id":"bbbb","event":"COMMENT","body":"x"}`, 422, "not part of the pull request", false},
		{"comment too long", "POST", "/repos/acme/blog/issues/1/comments", "tok", `{"body":"` + strings.Repeat("x", 65537) + `"}`, 422, "too long", false},
		{"removing a label not there", "DELETE", "/repos/acme/blog/issues/1/labels/nope", "tok", "", 404, "Label does not exist", false},
		{"merge with moved head", "PUT", "/repos/acme/blog/pulls/1/merge", "tok", `{"sha":"bbbb"}`, 409, "Head branch was modified", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, _, body := do(t, s, tc.method, tc.path, tc.token, tc.body)
			if code != tc.want {
				t.Errorf("status = %d, want %d (%v)", code, tc.want, body)
			}
			if msg, _ := json.Marshal(body); !strings.Contains(string(msg), tc.wantMsg) {
				t.Errorf("answer %.300s does not say %q", msg, tc.wantMsg)
			}
			if tc.specRejects {
				if len(s.Errors()) == 0 {
					t.Errorf("the request was not recorded as one GitHub rejects")
				}
				s.ClearErrors()
			}
		})
	}
	if runs := s.CheckRuns("acme/blog", "aaaa"); len(runs) != 1 || len(runs[0].Annotations) != 50 {
		t.Errorf("check runs = %+v", runs)
	}

	s.ExpireTokens()
	if code, _, _ := do(t, s, "GET", "/repos/acme/blog/pulls/1", inst, ""); code != 401 {
		t.Errorf("expired installation token: status %d, want 401", code)
	}
}

func TestFaults(t *testing.T) {
	s := seeded(t)
	reset := time.Now().Add(time.Minute).Truncate(time.Second)
	s.FailNext("pulls/get", 1, 503)
	s.RateLimitNext("*", 1, 403, reset)
	s.SecondaryLimitNext("pulls/get", 1, 7*time.Second)
	s.SlowNext("pulls/get", 1, 50*time.Millisecond)

	code, _, _ := do(t, s, "GET", "/repos/acme/blog/pulls/1", "tok", "")
	if code != 503 {
		t.Errorf("first: %d, want 503", code)
	}
	code, h, body := do(t, s, "GET", "/repos/acme/blog/pulls/1", "tok", "")
	if code != 403 || h.Get("X-RateLimit-Remaining") != "0" || h.Get("X-RateLimit-Reset") != strconv.FormatInt(reset.Unix(), 10) {
		t.Errorf("second: %d %v %v", code, h, body)
	}
	code, h, body = do(t, s, "GET", "/repos/acme/blog/pulls/1", "tok", "")
	if code != 403 || h.Get("Retry-After") != "7" || !strings.HasSuffix(body["documentation_url"].(string), "secondary-rate-limits") {
		t.Errorf("third: %d %v %v", code, h, body)
	}
	start := time.Now()
	if code, _, _ := do(t, s, "GET", "/repos/acme/blog/pulls/1", "tok", ""); code != 200 || time.Since(start) < 50*time.Millisecond {
		t.Errorf("fourth: %d after %v, want 200 after 50ms", code, time.Since(start))
	}
	if code, _, _ := do(t, s, "GET", "/repos/acme/blog/pulls/1", "tok", ""); code != 200 {
		t.Errorf("fifth: %d", code)
	}
	var statuses []int
	for _, r := range s.Requests() {
		if r.Op == "pulls/get" {
			statuses = append(statuses, r.Status)
		}
	}
	if !slices.Equal(statuses, []int{503, 403, 403, 200, 200}) {
		t.Errorf("recorded statuses %v", statuses)
	}
}

func TestOnMerge(t *testing.T) {
	var calls []string
	fail := false
	s := New(t, Options{OnMerge: func(repo string, pr int, sha string) (string, error) {
		calls = append(calls, repo+"#"+strconv.Itoa(pr)+"@"+sha)
		if fail {
			return "", errors.New("merge conflict in blog/x.md")
		}
		return "cccccccccccccccccccccccccccccccccccccccc", nil
	}})
	s.AddToken("tok", "herald-bot")
	s.AddRepo(Repo{Owner: "acme", Name: "blog", CloneURL: "http://127.0.0.1:1/acme/blog.git"})
	s.AddPR("acme/blog", PR{HeadSHA: "aaaa"})
	s.AddPR("acme/blog", PR{HeadSHA: "bbbb"})

	code, _, body := do(t, s, "PUT", "/repos/acme/blog/pulls/1/merge", "tok", `{"sha":"aaaa"}`)
	if code != 200 || body["sha"] != "cccccccccccccccccccccccccccccccccccccccc" {
		t.Errorf("merge = %d %v", code, body)
	}
	fail = true
	code, _, body = do(t, s, "PUT", "/repos/acme/blog/pulls/2/merge", "tok", `{"sha":"bbbb"}`)
	if code != 405 || body["message"] != "merge conflict in blog/x.md" {
		t.Errorf("failing merge = %d %v", code, body)
	}
	if want := []string{"acme/blog#1@aaaa", "acme/blog#2@bbbb"}; !slices.Equal(calls, want) {
		t.Errorf("OnMerge calls = %v, want %v", calls, want)
	}
	if p := s.PR("acme/blog", 1); !p.Merged || p.State != "closed" || p.MergeCommitSHA != "cccccccccccccccccccccccccccccccccccccccc" {
		t.Errorf("merged PR = %+v", p)
	}
	if p := s.PR("acme/blog", 2); p.Merged || p.State != "open" {
		t.Errorf("refused PR = %+v", p)
	}
	_, raw := getRaw(t, s, "/repos/acme/blog")
	var repo map[string]any
	if err := json.Unmarshal(raw, &repo); err != nil || repo["clone_url"] != "http://127.0.0.1:1/acme/blog.git" {
		t.Errorf("clone_url = %v (%v)", repo["clone_url"], err)
	}
}

func TestConcurrentMergesMergeOnce(t *testing.T) {
	release := make(chan struct{})
	entered := make(chan struct{}, 2)
	var s *Server
	s = New(t, Options{OnMerge: func(repo string, pr int, sha string) (string, error) {
		entered <- struct{}{}
		<-release
		s.SetPermission(repo, "hook", "read") // the hook may call back into the fake
		return "dddddddddddddddddddddddddddddddddddddddd", nil
	}})
	s.AddToken("tok", "herald-bot")
	s.AddRepo(Repo{Owner: "acme", Name: "blog"})
	s.AddPR("acme/blog", PR{HeadSHA: "aaaa"})
	codes := make(chan int, 2)
	go func() {
		// Not do(): t.Fatal must not run outside the test goroutine.
		req, _ := http.NewRequest("PUT", s.URL()+"repos/acme/blog/pulls/1/merge", strings.NewReader(`{"sha":"aaaa"}`))
		req.Header.Set("Authorization", "token tok")
		req.Header.Set("Content-Type", "application/json")
		resp, err := s.Client().Do(req)
		if err != nil {
			codes <- 0
			return
		}
		resp.Body.Close()
		codes <- resp.StatusCode
	}()
	<-entered
	code, _, body := do(t, s, "PUT", "/repos/acme/blog/pulls/1/merge", "tok", `{"sha":"aaaa"}`)
	if code != 405 {
		t.Errorf("second merge while the first runs = %d %v, want 405", code, body)
	}
	close(release)
	if code := <-codes; code != 200 {
		t.Errorf("first merge = %d, want 200", code)
	}
	if got := len(s.Merges()); got != 1 {
		t.Errorf("merges = %d, want 1", got)
	}
}

func TestQuota(t *testing.T) {
	s := New(t, Options{RateLimit: 3})
	s.AddToken("tok", "herald-bot")
	s.AddToken("other", "someone")
	s.AddRepo(Repo{Owner: "acme", Name: "blog"})
	var got []string
	for range 4 {
		code, h, _ := do(t, s, "GET", "/repos/acme/blog", "tok", "")
		got = append(got, strconv.Itoa(code)+"/"+h.Get("X-RateLimit-Remaining"))
	}
	if want := []string{"200/2", "200/1", "200/0", "403/0"}; !slices.Equal(got, want) {
		t.Errorf("answers = %v, want %v", got, want)
	}
	if code, _, _ := do(t, s, "GET", "/repos/acme/blog", "other", ""); code != 200 {
		t.Errorf("another credential's quota: %d, want 200", code)
	}
}
