package feed

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
	_ "time/tzdata"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"

	"github.com/heraldhq/herald/forge"
	"github.com/heraldhq/herald/publish"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

var now = time.Date(2026, 3, 10, 12, 0, 0, 0, time.UTC)

func entries(t *testing.T) []Entry {
	t.Helper()
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Fatal(err)
	}
	return []Entry{
		{Repo: "acme/blog", URL: "https://github.com/acme/blog/pull/4", Location: berlin, Item: publish.Item{
			Path: "blog/2026/03-gap/index.md", Title: "Gap", PR: 4, Cause: publish.CausePublish, Strategy: publish.StrategyMerge,
			Status: publish.ItemBlocked, Reason: `date: "2026-03-29 02:30" does not exist in Europe/Berlin`, Blockers: []string{publish.SaidDateUnresolved}}},
		{Repo: "acme/blog", URL: "https://github.com/acme/blog/pull/2", Location: berlin, Item: publish.Item{
			Path: "blog/2026/03-fosdem/index.md", Title: "FOSDEM recap", PR: 2, Cause: publish.CausePublish, Strategy: publish.StrategyMerge,
			At: time.Date(2026, 3, 10, 7, 0, 0, 0, time.UTC), Status: publish.ItemBlocked, Reason: "not approved: 0 of 1 required approvals.", Blockers: []string{publish.SaidNotApproved}}},
		{Repo: "acme/blog", URL: "https://blog.acme.example/2026/03/launch/", Location: berlin, Item: publish.Item{
			Path: "blog/2026/03-launch/index.md", Title: "Launch, finally; with C:\\paths and\nnewlines", PR: 7, Cause: publish.CausePublish, Strategy: publish.StrategyMerge,
			At: time.Date(2026, 3, 13, 8, 0, 0, 0, time.UTC), Status: publish.ItemScheduled}},
		{Repo: "acme/docs", Location: ny, Item: publish.Item{
			Path: "content/posts/sale.md", Title: "Spring sale", Cause: publish.CauseExpiry, Strategy: publish.StrategyRebuild,
			At: time.Date(2026, 3, 20, 4, 0, 0, 0, time.UTC), Status: publish.ItemScheduled}},
		{Repo: "acme/docs", Location: ny, Item: publish.Item{
			Path: "content/posts/über-größe.md", Title: strings.Repeat("Überlänge mit Umlauten und Emoji 🎉 ", 4), Cause: publish.CausePublish, Strategy: publish.StrategyRebuild,
			At: time.Date(2026, 3, 9, 4, 0, 0, 0, time.UTC), Status: publish.ItemPublished}},
	}
}

// golden compares got with testdata/name, rewriting it under -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read golden file (run with -update to create it): %v", err)
	}
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("%s mismatch (-want +got):\n%s", name, diff)
	}
}

func TestWriteText(t *testing.T) {
	t.Parallel()
	var b bytes.Buffer
	if err := WriteText(&b, entries(t), now); err != nil {
		t.Fatal(err)
	}
	golden(t, "schedule.txt", b.Bytes())

	b.Reset()
	if err := WriteText(&b, entries(t)[4:], now); err != nil {
		t.Fatal(err)
	}
	if got := b.String(); got != "No upcoming posts.\n" {
		t.Errorf("WriteText(only published) = %q", got)
	}
}

func TestWriteJSON(t *testing.T) {
	t.Parallel()
	var b bytes.Buffer
	if err := WriteJSON(&b, entries(t), now); err != nil {
		t.Fatal(err)
	}
	golden(t, "schedule.json", b.Bytes())
}

// icsComponent is a parsed iCalendar component: its properties (unfolded,
// values unescaped when TEXT) and subcomponents.
type icsComponent struct {
	name  string
	props map[string][]string
	subs  []*icsComponent
}

// parseICS validates data as an RFC 5545 stream and parses it: CRLF line
// ends only, physical lines of at most 75 octets, folding with one leading
// space, valid UTF-8, balanced BEGIN/END, and the required properties of
// VCALENDAR (VERSION, PRODID) and VEVENT (UID, DTSTAMP, DTSTART).
func parseICS(t *testing.T, data []byte) *icsComponent {
	t.Helper()
	if !bytes.HasSuffix(data, []byte("\r\n")) {
		t.Fatal("stream does not end in CRLF")
	}
	phys := strings.Split(strings.TrimSuffix(string(data), "\r\n"), "\r\n")
	var logical []string
	for i, l := range phys {
		if strings.ContainsAny(l, "\r\n") {
			t.Fatalf("line %d has a bare CR or LF: %q", i+1, l)
		}
		if len(l) > 75 {
			t.Fatalf("line %d is %d octets, more than 75: %q", i+1, len(l), l)
		}
		if strings.HasPrefix(l, " ") {
			if len(logical) == 0 {
				t.Fatalf("line %d continues nothing", i+1)
			}
			logical[len(logical)-1] += l[1:]
			continue
		}
		logical = append(logical, l)
	}
	var stack []*icsComponent
	var root *icsComponent
	for _, l := range logical {
		if !utf8.ValidString(l) {
			t.Fatalf("invalid UTF-8 after unfolding (folded inside a character?): %q", l)
		}
		name, value, ok := strings.Cut(l, ":")
		if !ok || name == "" {
			t.Fatalf("content line without a name: %q", l)
		}
		switch name {
		case "BEGIN":
			c := &icsComponent{name: value, props: map[string][]string{}}
			if len(stack) > 0 {
				top := stack[len(stack)-1]
				top.subs = append(top.subs, c)
			} else if root != nil {
				t.Fatalf("second top-level component %s", value)
			} else {
				root = c
			}
			stack = append(stack, c)
		case "END":
			if len(stack) == 0 || stack[len(stack)-1].name != value {
				t.Fatalf("END:%s does not close the open component", value)
			}
			stack = stack[:len(stack)-1]
		default:
			if len(stack) == 0 {
				t.Fatalf("property outside a component: %q", l)
			}
			top := stack[len(stack)-1]
			top.props[name] = append(top.props[name], unescapeText(t, value))
		}
	}
	if len(stack) != 0 || root == nil || root.name != "VCALENDAR" {
		t.Fatalf("stream is not one closed VCALENDAR")
	}
	require := func(c *icsComponent, names ...string) {
		for _, n := range names {
			if len(c.props[n]) != 1 {
				t.Errorf("%s has %d %s properties, want exactly 1", c.name, len(c.props[n]), n)
			}
		}
	}
	require(root, "VERSION", "PRODID")
	for _, ev := range root.subs {
		require(ev, "UID", "DTSTAMP", "DTSTART", "SUMMARY")
		for _, p := range []string{"DTSTAMP", "DTSTART"} {
			if _, err := time.Parse("20060102T150405Z", ev.props[p][0]); err != nil {
				t.Errorf("%s %q is not a UTC DATE-TIME: %v", p, ev.props[p][0], err)
			}
		}
	}
	return root
}

func unescapeText(t *testing.T, v string) string {
	t.Helper()
	var b strings.Builder
	for i := 0; i < len(v); i++ {
		c := v[i]
		if c == ',' || c == ';' {
			t.Fatalf("unescaped %q in value %q", c, v)
		}
		if c != '\\' {
			b.WriteByte(c)
			continue
		}
		i++
		if i == len(v) {
			t.Fatalf("value ends in a lone backslash: %q", v)
		}
		switch v[i] {
		case 'n', 'N':
			b.WriteByte('\n')
		case '\\', ',', ';':
			b.WriteByte(v[i])
		default:
			t.Fatalf("invalid escape \\%c in %q", v[i], v)
		}
	}
	return b.String()
}

func TestWriteICS(t *testing.T) {
	t.Parallel()
	var b bytes.Buffer
	es := entries(t)
	if err := WriteICS(&b, es, now); err != nil {
		t.Fatal(err)
	}
	golden(t, "schedule.ics", b.Bytes())
	cal := parseICS(t, b.Bytes())
	if len(cal.subs) != 4 {
		t.Fatalf("%d events, want 4 (the entry without a resolved date has none)", len(cal.subs))
	}
	type event struct{ UID, Start, Summary, URL string }
	var got []event
	for _, ev := range cal.subs {
		e := event{UID: ev.props["UID"][0], Start: ev.props["DTSTART"][0], Summary: ev.props["SUMMARY"][0]}
		if u := ev.props["URL"]; len(u) == 1 {
			e.URL = u[0]
		}
		got = append(got, e)
	}
	want := []event{
		{UID(es[1]), "20260310T070000Z", "Publish: FOSDEM recap (acme/blog)", "https://github.com/acme/blog/pull/2"},
		{UID(es[2]), "20260313T080000Z", "Publish: Launch, finally; with C:\\paths and\nnewlines (acme/blog)", "https://blog.acme.example/2026/03/launch/"},
		{UID(es[3]), "20260320T040000Z", "Expire: Spring sale (acme/docs)", ""},
		{UID(es[4]), "20260309T040000Z", "Publish: " + es[4].Title + " (acme/docs)", ""},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("events mismatch (-want +got):\n%s", diff)
	}
	if cal.props["DTSTAMP"] != nil || cal.subs[0].props["DTSTAMP"][0] != "20260310T120000Z" {
		t.Errorf("DTSTAMP = %v, want the render time", cal.subs[0].props["DTSTAMP"])
	}
}

func TestUIDStablePerRepoPathAndKind(t *testing.T) {
	t.Parallel()
	a := Entry{Repo: "acme/blog", Item: publish.Item{Path: "blog/a.md", Title: "A", At: now}}
	moved := a
	moved.At = now.Add(48 * time.Hour)
	moved.Title = "A, renamed"
	moved.Status = publish.ItemBlocked
	explicit := a
	explicit.Cause = publish.CausePublish
	expiry := a
	expiry.Cause = publish.CauseExpiry
	otherRepo := a
	otherRepo.Repo = "acme/docs"
	if UID(a) != UID(moved) || UID(a) != UID(explicit) {
		t.Errorf("UID changes with time, title or status: %s %s %s", UID(a), UID(moved), UID(explicit))
	}
	if UID(a) == UID(expiry) || UID(a) == UID(otherRepo) {
		t.Errorf("UID collides across kind or repository")
	}
}

func TestEscapeText(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"plain", "plain"},
		{`a,b;c\d`, `a\,b\;c\\d`},
		{"line\nnext\r\nthird\rfourth", `line\nnext\nthird\nfourth`},
		{"bell\x07 and del\x7f gone, tab\tkept", "bell and del gone\\, tab\tkept"},
		{"Grüße 🎉", "Grüße 🎉"},
	}
	for _, tt := range tests {
		if got := escapeText(tt.in); got != tt.want {
			t.Errorf("escapeText(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestFoldingNeverSplitsACharacter(t *testing.T) {
	t.Parallel()
	// Every split point relative to a 4-octet character.
	for pad := range 4 {
		title := strings.Repeat("x", pad) + strings.Repeat("🎉", 60)
		var b bytes.Buffer
		e := Entry{Repo: "r", Item: publish.Item{Path: "p", Title: title, At: now}}
		if err := WriteICS(&b, []Entry{e}, now); err != nil {
			t.Fatal(err)
		}
		cal := parseICS(t, b.Bytes())
		if got := cal.subs[0].props["SUMMARY"][0]; got != "Publish: "+title+" (r)" {
			t.Errorf("pad %d: SUMMARY round trip = %q", pad, got)
		}
	}
}

type source struct {
	entries []Entry
	err     error
}

func (s source) Schedule(context.Context) ([]Entry, error) { return s.entries, s.err }

func TestHandler(t *testing.T) {
	t.Parallel()
	es := entries(t)
	mux := http.NewServeMux()
	h := NewHandler(source{entries: es}, WithClock(func() time.Time { return now }))
	mux.Handle("/schedule", h)
	mux.Handle("/schedule.ics", h)
	mux.Handle("/broken/schedule", NewHandler(source{err: errors.New("forge down")}))
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)

	tests := []struct {
		name        string
		method      string
		path        string
		status      int
		contentType string
		check       func(t *testing.T, body []byte)
	}{
		{
			name: "JSON", method: http.MethodGet, path: "/schedule", status: http.StatusOK, contentType: "application/json; charset=utf-8",
			check: func(t *testing.T, body []byte) {
				var doc Document
				if err := json.Unmarshal(body, &doc); err != nil {
					t.Fatal(err)
				}
				if len(doc.Entries) != len(es) || !doc.GeneratedAt.Equal(now) {
					t.Errorf("document has %d entries generated at %s", len(doc.Entries), doc.GeneratedAt)
				}
				e := doc.Entries[2]
				if e.PublishAtLocal != "2026-03-13T09:00:00+01:00" || e.Zone != "Europe/Berlin" || e.In != "in 3 days" || e.Status != "scheduled" {
					t.Errorf("entry = %+v", e)
				}
			},
		},
		{
			name: "JSON for one repository", method: http.MethodGet, path: "/schedule?repo=acme/docs", status: http.StatusOK, contentType: "application/json; charset=utf-8",
			check: func(t *testing.T, body []byte) {
				var doc Document
				if err := json.Unmarshal(body, &doc); err != nil {
					t.Fatal(err)
				}
				if len(doc.Entries) != 2 || doc.Entries[0].Repo != "acme/docs" {
					t.Errorf("filtered document = %+v", doc.Entries)
				}
			},
		},
		{
			name: "iCalendar", method: http.MethodGet, path: "/schedule.ics", status: http.StatusOK, contentType: "text/calendar; charset=utf-8",
			check: func(t *testing.T, body []byte) {
				if cal := parseICS(t, body); len(cal.subs) != 4 {
					t.Errorf("%d events, want 4", len(cal.subs))
				}
			},
		},
		{
			name: "HEAD has no body", method: http.MethodHead, path: "/schedule.ics", status: http.StatusOK, contentType: "text/calendar; charset=utf-8",
			check: func(t *testing.T, body []byte) {
				if len(body) != 0 {
					t.Errorf("HEAD body has %d bytes", len(body))
				}
			},
		},
		{
			name: "POST is refused", method: http.MethodPost, path: "/schedule", status: http.StatusMethodNotAllowed, contentType: "text/plain; charset=utf-8",
			check: func(t *testing.T, body []byte) {
				if string(body) != "method not allowed: the schedule is read with GET\n" {
					t.Errorf("body = %q", body)
				}
			},
		},
		{
			name: "source failure is a 503", method: http.MethodGet, path: "/broken/schedule", status: http.StatusServiceUnavailable, contentType: "text/plain; charset=utf-8",
			check: func(t *testing.T, body []byte) {
				if string(body) != "the schedule is not available right now; try again shortly\n" {
					t.Errorf("body = %q", body)
				}
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			req, err := http.NewRequestWithContext(t.Context(), tt.method, srv.URL+tt.path, nil)
			if err != nil {
				t.Fatal(err)
			}
			resp, err := srv.Client().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			body, err := io.ReadAll(resp.Body)
			if err != nil {
				t.Fatal(err)
			}
			if resp.StatusCode != tt.status || resp.Header.Get("Content-Type") != tt.contentType {
				t.Fatalf("status %d %q, want %d %q; body %q", resp.StatusCode, resp.Header.Get("Content-Type"), tt.status, tt.contentType, body)
			}
			if tt.method == http.MethodPost && resp.Header.Get("Allow") != "GET, HEAD" {
				t.Errorf("Allow = %q", resp.Header.Get("Allow"))
			}
			tt.check(t, body)
		})
	}
}

// TestBlockersSaidAlike: the text, JSON and iCalendar feeds say what holds
// an item back in the same words (publish.ItemReason): a future pull
// request blocked by its errors' rules, not "scheduled" or an error count,
// and a due one held and not approved.
func TestBlockersSaidAlike(t *testing.T) {
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	post := func(path string, at time.Time) publish.Post {
		return publish.Post{Path: path, Title: path, PublishAt: at}
	}
	pr := func(n int, p publish.Post) publish.PR {
		return publish.PR{Number: n, HeadSHA: "abc", CheckedSHA: "abc", Mergeable: forge.MergeableClean, Posts: []publish.Post{p},
			Reviews: []forge.Review{{User: "ann", State: forge.ReviewApproved, CommitID: "abc"}}}
	}
	future := pr(1, post("blog/future.md", now.Add(48*time.Hour)))
	future.HeraldErrors, future.ErrorRules = 2, []string{"unknown-author", "link-reversed"}
	held := pr(2, post("blog/held.md", now.Add(-time.Hour)))
	held.Labels, held.Reviews = []string{publish.DefaultHoldLabel}, nil
	items := publish.Upcoming(publish.State{Config: publish.Config{Location: berlin}, PRs: []publish.PR{future, held}}, now)
	var entries []Entry
	for _, it := range items {
		entries = append(entries, Entry{Repo: "acme/blog", Location: berlin, Item: it})
	}
	want := map[string]string{
		"blog/future.md": "blocked by link-reversed, unknown-author: herald found 2 errors in the posts; see the check run.",
		"blog/held.md":   "held: by the label `herald/hold`; remove the label to publish. not approved: 0 of 1 required approvals.",
	}
	var text, js, ics bytes.Buffer
	if err := WriteText(&text, entries, now); err != nil {
		t.Fatal(err)
	}
	if err := WriteJSON(&js, entries, now); err != nil {
		t.Fatal(err)
	}
	if err := WriteICS(&ics, entries, now); err != nil {
		t.Fatal(err)
	}
	var doc Document
	if err := json.Unmarshal(js.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	calendar := strings.NewReplacer(`\,`, ",", `\;`, ";", `\n`, "\n").Replace(strings.ReplaceAll(ics.String(), "\r\n ", ""))
	for _, e := range doc.Entries {
		line := want[e.Path]
		if e.Status != "blocked" || e.Reason != line {
			t.Errorf("JSON %s: %s, %q; want blocked, %q", e.Path, e.Status, e.Reason, line)
		}
		if !strings.Contains(text.String(), line+"\n") {
			t.Errorf("text lacks %q:\n%s", line, text.String())
		}
		if !strings.Contains(calendar, "Status: blocked\n"+line) {
			t.Errorf("calendar lacks %q:\n%s", line, calendar)
		}
	}
	if len(doc.Entries) != 2 || !slices.Equal(doc.Entries[0].Blockers, []string{"held", "not approved"}) ||
		!slices.Equal(doc.Entries[1].Blockers, []string{"blocked by link-reversed, unknown-author"}) {
		t.Errorf("JSON entries %+v: want the held one, then the one blocked by its rules", doc.Entries)
	}
}
