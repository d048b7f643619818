package bot

import (
	"bytes"
	"embed"
	"fmt"
	"strings"
	"text/template"
	"time"

	"github.com/heraldhq/herald/content"
	"github.com/heraldhq/herald/content/check"
	"github.com/heraldhq/herald/publish"
)

//go:embed templates/*.tmpl
var templateFS embed.FS

// mdText keeps text from being read as HTML in Markdown (a message quoting
// "<!-- truncate -->" would vanish).
func mdText(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(s)
}

// templates holds each template parsed on its own, by file name.
type templates map[string]*template.Template

func parseTemplates() templates {
	funcs := template.FuncMap{
		"cell": func(s string) string {
			s = strings.NewReplacer("|", `\|`, "&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(s)
			return strings.Join(strings.Fields(s), " ")
		},
		"join": strings.Join,
		"md":   mdText,
		"icon": func(sev string) string {
			switch sev {
			case "error":
				return "❌"
			case "warning":
				return "⚠️"
			}
			return "ℹ️"
		},
	}
	out := templates{}
	entries, _ := templateFS.ReadDir("templates")
	for _, e := range entries {
		out[e.Name()] = template.Must(template.New(e.Name()).Funcs(funcs).ParseFS(templateFS, "templates/"+e.Name()))
	}
	return out
}

// tmpl is parsed once; the templates are part of the binary and a broken one
// is a programming error caught by every test.
var tmpl = parseTemplates()

func render(name string, data any) (string, error) {
	t, ok := tmpl[name]
	if !ok {
		return "", fmt.Errorf("no template %s", name)
	}
	var buf bytes.Buffer
	if err := t.Execute(&buf, data); err != nil {
		return "", fmt.Errorf("render %s: %w", name, err)
	}
	return buf.String(), nil
}

// report is what the summary comment and the check run say.
type report struct {
	SHA, Short                string
	Posts                     []postView
	Files                     []fileView
	Errors, Warnings, Notices int
	AllClear                  bool
	// Fixed reports that an earlier check of the pull request had findings.
	Fixed bool
}

type postView struct {
	Path, Title string
	Authors     []string
	When        string // UTC and the site's zone
	Relative    string // "in 3 days"
	Draft       bool
	DateProblem string
}

type fileView struct {
	Path     string
	Findings []findingView
}

type findingView struct {
	Severity, Rule, Message string
	Line, Column            int
	Suggested               bool
}

// Counts says how many findings of each severity there are.
func (r report) Counts() string {
	var parts []string
	add := func(n int, word string) {
		if n == 0 {
			return
		}
		if n == 1 {
			parts = append(parts, "1 "+word)
		} else {
			parts = append(parts, fmt.Sprintf("%d %ss", n, word))
		}
	}
	add(r.Errors, "error")
	add(r.Warnings, "warning")
	add(r.Notices, "note")
	if len(parts) == 0 {
		return "no findings"
	}
	return strings.Join(parts, ", ")
}

// newReport builds the report of one check.
func newReport(sha string, posts []*content.Post, loc *time.Location, findings []check.Finding, suggested map[int]bool, now time.Time) report {
	r := report{SHA: sha, Short: shortSHA(sha)}
	for _, p := range posts {
		v := postView{Path: p.Path, Title: p.Title, Authors: p.Authors, Draft: p.Draft}
		if v.Title == "" {
			v.Title = p.Path
		}
		switch {
		case p.DateErr != nil:
			v.DateProblem = p.DateErr.Error()
		case !p.Date.IsZero():
			v.When = publish.FormatTime(p.Date, loc)
			v.Relative = publish.Humanize(p.Date.Sub(now))
			if p.Date.Sub(now) <= 0 {
				v.Relative = "due now (" + v.Relative + ")"
			}
		}
		r.Posts = append(r.Posts, v)
	}
	byPath := map[string]int{}
	for i, f := range findings {
		switch f.Severity {
		case "error":
			r.Errors++
		case "warning":
			r.Warnings++
		default:
			r.Notices++
		}
		j, ok := byPath[f.Path]
		if !ok {
			j = len(r.Files)
			byPath[f.Path] = j
			r.Files = append(r.Files, fileView{Path: f.Path})
		}
		r.Files[j].Findings = append(r.Files[j].Findings, findingView{Severity: f.Severity, Rule: f.Rule,
			Message: f.Message, Line: f.Line, Column: f.Column, Suggested: suggested[i]})
	}
	r.AllClear = len(findings) == 0
	return r
}

// Title is the check run's title.
func (r report) Title() string {
	if r.AllClear {
		return "All clear"
	}
	return r.Counts()
}
