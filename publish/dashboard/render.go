package dashboard

import (
	"embed"
	"fmt"
	"html/template"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/heraldhq/herald/publish"
)

//go:embed templates/page.html.tmpl
var templateFS embed.FS

// page is parsed once: it is part of the binary, and a broken template is a
// programming error that every test catches.
var page = template.Must(template.New("page.html.tmpl").ParseFS(templateFS, "templates/page.html.tmpl"))

// Page is everything one rendering shows.
type Page struct {
	// Now is the time the page speaks from: relative times and lateness
	// are measured from it.
	Now   time.Time
	Repos []Repo
}

// Render writes p as a complete HTML document.
func Render(w io.Writer, p Page) error {
	if err := page.Execute(w, newPageView(p)); err != nil {
		return fmt.Errorf("render dashboard: %w", err)
	}
	return nil
}

// pageView is the page as the template reads it: every text already
// worded, so the template only lays it out.
type pageView struct {
	Now   string
	Repos []repoView
}

type repoView struct {
	// ID is the section heading's id, unique on the page.
	ID                        string
	Name, URL, Zone, Strategy string
	Upcoming                  []postView
	// NoUpcoming says why nothing is upcoming, when nothing is.
	NoUpcoming string
	Recent     []publicationView
	Reconcile  reconcileView
	// Links reports that some post has a link: the column is left out
	// where none has one (local mode).
	Links bool
}

type postView struct {
	Title, Path, URL, Link string
	UTC, Local, Relative   string
	// State is the word shown, Class the style of its badge.
	State, Class string
	// Blockers name what holds the post back, Said joins them as every
	// surface does; Reason says it in sentences; Late says how late a late
	// post is ("by 3 s").
	Blockers []string
	Said     string
	Reason   string
	Late     string
}

type publicationView struct {
	Title, Path, URL, Link string
	UTC, Local, Relative   string
	Late                   string
	// OnTime is within a second of its time; TooLate past the minute
	// herald allows before it says a publication was late.
	OnTime, TooLate bool
}

type reconcileView struct {
	Known               bool
	UTC, Relative, Took string
	Errors              []string
}

func newPageView(p Page) pageView {
	v := pageView{Now: p.Now.UTC().Format("2006-01-02 15:04:05 UTC")}
	repos := slices.Clone(p.Repos)
	slices.SortStableFunc(repos, func(a, b Repo) int { return strings.Compare(a.Name, b.Name) })
	for i, r := range repos {
		rv := newRepoView(r, p.Now)
		rv.ID = fmt.Sprintf("repo-%d", i+1)
		v.Repos = append(v.Repos, rv)
	}
	return v
}

func newRepoView(r Repo, now time.Time) repoView {
	loc := r.Location
	if loc == nil {
		loc = time.UTC
	}
	v := repoView{Name: r.Name, URL: r.URL, Zone: loc.String(), Strategy: r.Strategy}
	for _, p := range r.Upcoming {
		v.Upcoming = append(v.Upcoming, newPostView(p, loc, now))
	}
	if len(v.Upcoming) == 0 {
		v.NoUpcoming = noUpcoming(r)
	}
	for _, p := range r.Recent {
		pv := publicationView{Title: orPath(p.Title, p.Path), Path: p.Path, URL: p.URL, Link: linkText(p.PR)}
		pv.UTC, pv.Local, pv.Relative = times(p.At, loc, now)
		late := p.Late()
		pv.OnTime, pv.TooLate = late < time.Second, late > publish.DefaultLateSlack
		pv.Late = publish.PreciseLateness(late) + " after its time"
		v.Recent = append(v.Recent, pv)
	}
	for _, p := range v.Upcoming {
		v.Links = v.Links || p.URL != ""
	}
	for _, p := range v.Recent {
		v.Links = v.Links || p.URL != ""
	}
	if c := r.Reconcile; c != nil {
		v.Reconcile = reconcileView{Known: true, UTC: c.At.UTC().Format("2006-01-02 15:04:05 UTC"),
			Relative: publish.Humanize(c.At.Sub(now).Round(time.Second)), Took: took(c.Took), Errors: c.Errors}
	}
	return v
}

func newPostView(p Post, loc *time.Location, now time.Time) postView {
	v := postView{Title: orPath(p.Title, p.Path), Path: p.Path, URL: p.URL, Link: linkText(p.PR),
		State: string(p.State), Class: string(p.State), Blockers: p.Blockers, Said: publish.SayBlockers(p.Blockers), Reason: publish.Explanation(p.Blockers, p.Reason)}
	if p.Expiry {
		v.Title += " (expiry)"
	}
	if p.At.IsZero() {
		v.UTC, v.Local, v.Relative = "date unresolved", "", ""
	} else {
		v.UTC, v.Local, v.Relative = times(p.At, loc, now)
	}
	switch p.State {
	case Late:
		v.State = "late"
		v.Late = "by " + publish.PreciseLateness(now.Sub(p.At))
	case "":
		v.State, v.Class = string(Scheduled), string(Scheduled)
	}
	if p.State == Blocked && len(p.Blockers) == 0 && p.Reason == "" {
		v.Reason = "herald named no reason"
	}
	return v
}

// noUpcoming says why a repository has no upcoming post, from where its
// posts would come.
func noUpcoming(r Repo) string {
	if r.Reconcile == nil {
		return "No upcoming posts: herald has not finished reading this repository yet."
	}
	var why string
	switch r.Strategy {
	case string(publish.StrategyDraft):
		why = "no draft on the default branch has a date (posts go live by turning draft: true off)"
	case string(publish.StrategyRebuild):
		why = "no post is dated in the future (posts go live by a rebuild of the site)"
	default:
		why = "no open pull request adds a dated post (posts go live by merging their pull request)"
	}
	s := "No upcoming posts: " + why + "."
	if len(r.Reconcile.Errors) > 0 {
		s += " The last reconcile failed, so this may be incomplete."
	}
	return s
}

// times renders t in UTC, in the site's zone and relative to now.
func times(t time.Time, loc *time.Location, now time.Time) (utc, local, rel string) {
	utc = t.UTC().Format("2006-01-02 15:04 UTC")
	if loc.String() != "UTC" {
		local = t.In(loc).Format("2006-01-02 15:04 MST") + " (" + loc.String() + ")"
	}
	return utc, local, publish.Humanize(t.Sub(now).Round(time.Second))
}

func took(d time.Duration) string {
	if d < time.Second {
		return d.Round(time.Millisecond).String()
	}
	return d.Round(100 * time.Millisecond).String()
}

func linkText(pr int) string {
	if pr != 0 {
		return fmt.Sprintf("PR #%d", pr)
	}
	return "file"
}

func orPath(title, path string) string {
	if strings.TrimSpace(title) == "" {
		return path
	}
	return title
}
