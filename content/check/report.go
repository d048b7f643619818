package check

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"slices"
	"strings"

	"github.com/heraldhq/herald/content"
)

// The report formats of WriteReport.
const (
	FormatText   = "text"   // path:line:col: severity rule: message
	FormatJSON   = "json"   // the documented, stable JSON shape
	FormatSARIF  = "sarif"  // SARIF 2.1.0, for code scanning
	FormatGitHub = "github" // GitHub Actions workflow commands (annotations)
)

// Formats lists the report formats, in the order help texts name them.
func Formats() []string { return []string{FormatText, FormatJSON, FormatSARIF, FormatGitHub} }

// ReportOptions tune WriteReport.
type ReportOptions struct {
	// Color colours the severities of the text format (ANSI escapes).
	Color bool
	// Version is herald's version, named as the tool's in SARIF.
	Version string
}

// WriteReport writes findings to w in format (one of Formats), as herald
// check prints them. Paths are written as the findings hold them.
func WriteReport(w io.Writer, format string, findings []Finding, opts ReportOptions) error {
	switch format {
	case FormatJSON:
		return writeJSON(w, findings)
	case FormatSARIF:
		return writeSARIF(w, findings, opts.Version)
	case FormatGitHub:
		return writeGitHub(w, findings)
	case FormatText:
		return writeText(w, findings, opts.Color)
	}
	return fmt.Errorf("unknown report format %q (want %s)", format, strings.Join(Formats(), ", "))
}

func writeText(w io.Writer, findings []Finding, color bool) error {
	var buf bytes.Buffer
	for _, f := range findings {
		sev := f.Severity
		if color {
			c := map[string]string{"error": "31", "warning": "33", "info": "36"}[sev]
			sev = "\x1b[" + c + "m" + sev + "\x1b[0m"
		}
		fmt.Fprintf(&buf, "%s:%d:%d: %s %s: %s\n", f.Path, f.Line, f.Column, sev, f.Rule, f.Message)
	}
	_, err := w.Write(buf.Bytes())
	return err
}

// JSONFinding is the documented, stable JSON shape of a finding
// (FormatJSON writes an array of them).
type JSONFinding struct {
	Path      string   `json:"path"`
	Line      int      `json:"line"`
	Column    int      `json:"column"`
	EndLine   int      `json:"end_line,omitempty"`
	EndColumn int      `json:"end_column,omitempty"`
	Rule      string   `json:"rule"`
	Severity  string   `json:"severity"`
	Message   string   `json:"message"`
	Fix       *JSONFix `json:"fix"`
}

// JSONFix is the JSON shape of a finding's fix.
type JSONFix struct {
	Description string     `json:"description"`
	Edits       []JSONEdit `json:"edits"`
	Review      bool       `json:"review"` // a suggestion for a person; --fix does not apply it
}

// JSONEdit is the JSON shape of one edit of a fix.
type JSONEdit struct {
	Start   int    `json:"start"` // byte offset in the file
	End     int    `json:"end"`
	NewText string `json:"new_text"`
}

func writeJSON(w io.Writer, findings []Finding) error {
	out := make([]JSONFinding, 0, len(findings))
	for _, f := range findings {
		jf := JSONFinding{Path: f.Path, Line: f.Line, Column: f.Column, EndLine: f.EndLine, EndColumn: f.EndColumn,
			Rule: f.Rule, Severity: f.Severity, Message: f.Message}
		if f.Fix != nil {
			jf.Fix = &JSONFix{Description: f.Fix.Description, Review: f.Fix.Review}
			for _, e := range f.Fix.Edits {
				jf.Fix.Edits = append(jf.Fix.Edits, JSONEdit(e))
			}
		}
		out = append(out, jf)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

// writeGitHub writes one workflow command per finding, which GitHub
// Actions shows as an annotation on the line.
func writeGitHub(w io.Writer, findings []Finding) error {
	for _, f := range findings {
		level := map[string]string{"error": "error", "warning": "warning"}[f.Severity]
		if level == "" {
			level = "notice"
		}
		end := ""
		if f.EndLine > 0 {
			end = fmt.Sprintf(",endLine=%d,endColumn=%d", f.EndLine, f.EndColumn)
		}
		if _, err := fmt.Fprintf(w, "::%s file=%s,line=%d,col=%d%s,title=%s::%s\n", level, ghProp(f.Path), f.Line, f.Column, end, ghProp(f.Rule), ghData(f.Message)); err != nil {
			return err
		}
	}
	return nil
}

// ghData escapes the message of a workflow command.
func ghData(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A").Replace(s)
}

// ghProp escapes a property value of a workflow command.
func ghProp(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C").Replace(s)
}

type sarifMsg struct {
	Text string `json:"text"`
}

type sarifRule struct {
	ID                   string            `json:"id"`
	ShortDescription     sarifMsg          `json:"shortDescription"`
	FullDescription      sarifMsg          `json:"fullDescription"`
	HelpURI              string            `json:"helpUri"`
	DefaultConfiguration map[string]string `json:"defaultConfiguration"`
}

type sarifRegion struct {
	StartLine   int `json:"startLine"`
	StartColumn int `json:"startColumn"`
	EndLine     int `json:"endLine,omitempty"`
	EndColumn   int `json:"endColumn,omitempty"`
}

type sarifArtifact struct {
	URI       string `json:"uri"`
	URIBaseID string `json:"uriBaseId"`
}

type sarifPhysical struct {
	ArtifactLocation sarifArtifact `json:"artifactLocation"`
	Region           sarifRegion   `json:"region"`
}

type sarifLocation struct {
	PhysicalLocation sarifPhysical `json:"physicalLocation"`
}

type sarifResult struct {
	RuleID    string          `json:"ruleId"`
	RuleIndex int             `json:"ruleIndex"`
	Level     string          `json:"level"`
	Message   sarifMsg        `json:"message"`
	Locations []sarifLocation `json:"locations"`
}

// sarifLevel maps a severity to a SARIF level.
var sarifLevel = map[string]string{"error": "error", "warning": "warning", "info": "note"}

func writeSARIF(w io.Writer, findings []Finding, version string) error {
	var rules []sarifRule
	index := map[string]int{}
	for i, r := range Rules() {
		index[r.ID] = i
		rules = append(rules, sarifRule{ID: r.ID, ShortDescription: sarifMsg{r.Summary}, FullDescription: sarifMsg{r.Details},
			HelpURI:              "https://github.com/heraldhq/herald/blob/main/docs/rules.md#" + r.ID,
			DefaultConfiguration: map[string]string{"level": sarifLevel[r.Severity]}})
	}
	results := []sarifResult{}
	for _, f := range findings {
		reg := sarifRegion{StartLine: f.Line, StartColumn: f.Column}
		if f.EndLine > 0 {
			reg.EndLine, reg.EndColumn = f.EndLine, f.EndColumn
		}
		loc := sarifLocation{PhysicalLocation: sarifPhysical{ArtifactLocation: sarifArtifact{URI: sarifURI(f.Path), URIBaseID: "%SRCROOT%"}, Region: reg}}
		results = append(results, sarifResult{RuleID: f.Rule, RuleIndex: index[f.Rule], Level: sarifLevel[f.Severity], Message: sarifMsg{f.Message},
			Locations: []sarifLocation{loc}})
	}
	doc := map[string]any{
		"$schema": "https://json.schemastore.org/sarif-2.1.0.json",
		"version": "2.1.0",
		"runs": []any{map[string]any{
			"tool": map[string]any{"driver": map[string]any{
				"name": "herald", "informationUri": "https://github.com/heraldhq/herald", "version": version, "rules": rules,
			}},
			// herald counts columns in characters, not in UTF-16 code
			// units (SARIF's default).
			"columnKind": "unicodeCodePoints",
			"results":    results,
		}},
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(doc)
}

// sarifURI writes a slash path as a relative URI reference: spaces and
// other characters that URIs do not allow are percent-encoded.
func sarifURI(p string) string {
	return (&url.URL{Path: p}).EscapedPath()
}

// Tally counts findings by severity: "2 errors, 1 warning, 3 info"; ""
// when there are none.
func Tally(findings []Finding) string {
	count := map[string]int{}
	for _, f := range findings {
		count[f.Severity]++
	}
	var parts []string
	for _, sev := range []string{"error", "warning", "info"} {
		if n := count[sev]; n > 0 {
			word := sev
			if n > 1 && sev != "info" {
				word += "s"
			}
			parts = append(parts, fmt.Sprintf("%d %s", n, word))
		}
	}
	return strings.Join(parts, ", ")
}

// Files counts the files the findings are in.
func Files(findings []Finding) int {
	files := map[string]bool{}
	for _, f := range findings {
		files[f.Path] = true
	}
	return len(files)
}

// Summary is the last line of a text report: the findings by severity and
// where they are, "2 errors, 1 warning in 1 of 3 posts". Only posts are
// counted as posts; the other files with findings (the configuration, a
// registry) are named after them.
func Summary(findings []Finding, posts int, site *content.Site) string {
	inPosts := map[string]bool{}
	var others []string
	for _, f := range findings {
		switch {
		case site.IsPost(f.Path):
			inPosts[f.Path] = true
		case !slices.Contains(others, f.Path):
			others = append(others, f.Path)
		}
	}
	word := "posts"
	if posts == 1 {
		word = "post"
	}
	out := fmt.Sprintf("%s in %d of %d %s", Tally(findings), len(inPosts), posts, word)
	if len(others) > 0 {
		out += " and " + strings.Join(others, ", ")
	}
	return out
}
