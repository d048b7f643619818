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

// mdEscaper keeps text from being read as HTML or Markdown: a message
// quoting "<!-- truncate -->" would vanish, one quoting "[text](url)" would
// turn into a link, and an author named john_doe_jr would be set in italics.
var mdEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;",
	`\`, `\\`, "`", "\\`", "*", `\*`, "_", `\_`, "[", `\[`, "]", `\]`, "~", `\~`)

// mdText writes s as literal text in Markdown.
func mdText(s string) string {
	return mdEscaper.Replace(s)
}

// maxOpenFindings is how many findings of one file the summary comment
// lists before it folds the rest away; errors are always listed.
const maxOpenFindings = 10

// templates holds each template parsed on its own, by file name.
type templates map[string]*template.Template

func parseTemplates() templates {
	funcs := template.FuncMap{
		// cell is text in a table cell; codecell is the text of a code span
		// in one, where only the pipe needs its escape.
		"cell": func(s string) string {
			s = strings.ReplaceAll(mdText(s), "|", `\|`)
			return strings.Join(strings.Fields(s), " ")
		},
		"codecell": func(s string) string {
			s = strings.ReplaceAll(s, "|", `\|`)
			return strings.Join(strings.Fields(strings.ReplaceAll(s, "`", "'")), " ")
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
	// Errors counts the post's error-level findings: it is not published
	// until they are fixed. Rules are their rule IDs, one per finding.
	Errors int
	Rules  []string
	// Published says, once herald published the post, when and how late:
	// "published 2026-12-03 18:00 UTC, 0.4 s after its time".
	Published string
}

// Blocked says what keeps the post from going live at its date.
func (v postView) Blocked() string {
	if len(v.Rules) == 0 && v.Errors == 0 {
		return ""
	}
	// The words the schedule, the feeds and the dashboard use.
	return publish.SayErrors(v.Rules, v.Errors)
}

// MoreSummary names the folded findings: "6 more warnings".
func (f fileView) MoreSummary() string {
	var w, n int
	for _, v := range f.More {
		if v.Severity == "warning" {
			w++
		} else {
			n++
		}
	}
	switch {
	case n == 0:
		return fmt.Sprintf("%d more %s", w, pluralWord(w, "warning"))
	case w == 0:
		return fmt.Sprintf("%d more %s", n, pluralWord(n, "note"))
	}
	return fmt.Sprintf("%d more warnings and notes", w+n)
}

func pluralWord(n int, w string) string {
	if n == 1 {
		return w
	}
	return w + "s"
}

type fileView struct {
	Path string
	// Findings are listed; More, past maxOpenFindings, are folded away.
	Findings, More []findingView
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
	errs := map[string][]string{}
	for _, f := range findings {
		if f.Severity == "error" {
			errs[f.Path] = append(errs[f.Path], f.Rule)
		}
	}
	for i := range r.Posts {
		r.Posts[i].Rules = errs[r.Posts[i].Path]
		r.Posts[i].Errors = len(r.Posts[i].Rules)
	}
	for i := range r.Files {
		r.Files[i].Findings, r.Files[i].More = fold(r.Files[i].Findings, maxOpenFindings)
	}
	return r
}

// fold keeps the first n findings in line order, and every error, and
// returns the others apart, so a long list stays readable and no error is
// hidden.
func fold(fs []findingView, n int) (open, more []findingView) {
	if len(fs) <= n {
		return fs, nil
	}
	errors := 0
	for _, f := range fs {
		if f.Severity == "error" {
			errors++
		}
	}
	room := max(n-errors, 0)
	for _, f := range fs {
		if f.Severity == "error" || room > 0 {
			if f.Severity != "error" {
				room--
			}
			open = append(open, f)
			continue
		}
		more = append(more, f)
	}
	return open, more
}

// Title is the check run's title.
func (r report) Title() string {
	if r.AllClear {
		return "All clear"
	}
	return r.Counts()
}
