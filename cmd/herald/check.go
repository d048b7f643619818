package main

import (
	"archive/tar"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"strings"

	"github.com/heraldhq/herald/content"
	"github.com/heraldhq/herald/content/check"
	_ "time/tzdata" // time zones of .herald.yml work on any system
)

const checkUsage = `usage: herald check [PATH] [--diff BASE..HEAD] [--format text|json|sarif|github] [--fix] [--config FILE]

Checks the posts of the site at PATH (default "."), or the one post PATH
names. Exit status: 0 when no finding is an error, 1 when one is, 2 for
usage or I/O errors.
`

func runCheck(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fl := flag.NewFlagSet("check", flag.ContinueOnError)
	fl.SetOutput(stderr)
	fl.Usage = func() { fmt.Fprint(stderr, checkUsage); fl.PrintDefaults() }
	diff := fl.String("diff", "", "check only the posts changed between two commits of the repository at PATH (BASE..HEAD, or BASE...HEAD from their merge base), read from git")
	format := fl.String("format", "text", "output format: text, json, sarif or github")
	fix := fl.Bool("fix", false, "apply the safe fixes in place and report what changed")
	cfgFile := fl.String("config", "", "read the configuration from FILE instead of PATH/.herald.yml")
	color := fl.String("color", "auto", "colour the text output: auto, always or never")
	// Allow flags after the path: herald check site --format json.
	var positional []string
	rest := args
	for {
		if err := fl.Parse(rest); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return exitOK
			}
			return exitUsage
		}
		if fl.NArg() == 0 {
			break
		}
		positional = append(positional, fl.Arg(0))
		rest = fl.Args()[1:]
	}
	if len(positional) > 1 {
		fmt.Fprintf(stderr, "herald check: one PATH expected, got %d\n", len(positional))
		return exitUsage
	}
	root := "."
	if len(positional) == 1 {
		root = positional[0]
	}
	switch *format {
	case "text", "json", "sarif", "github":
	default:
		fmt.Fprintf(stderr, "herald check: unknown format %q (text, json, sarif or github)\n", *format)
		return exitUsage
	}
	if *fix && *diff != "" {
		fmt.Fprintln(stderr, "herald check: --fix works on the working tree and cannot be combined with --diff")
		return exitUsage
	}
	// PATH may be one post: check it within its repository.
	var only string
	if fi, err := os.Stat(root); err != nil {
		fmt.Fprintf(stderr, "herald check: %v\n", err)
		return exitUsage
	} else if !fi.IsDir() {
		if *diff != "" {
			fmt.Fprintln(stderr, "herald check: --diff takes the repository folder as PATH, not a file")
			return exitUsage
		}
		repo, rel, err := repositoryOf(root)
		if err != nil {
			fmt.Fprintf(stderr, "herald check: %v\n", err)
			return exitUsage
		}
		root, only = repo, rel
	}

	var opts []content.LoadOption
	if *cfgFile != "" {
		src, err := os.ReadFile(*cfgFile)
		if err != nil {
			fmt.Fprintf(stderr, "herald check: read config: %v\n", err)
			return exitUsage
		}
		opts = append(opts, content.WithConfig(*cfgFile, src))
	}

	var fsys fs.FS = os.DirFS(root)
	var changed, moved []string
	if *diff != "" {
		tree, files, renamed, cleanup, err := gitDiffTree(ctx, root, *diff)
		if err != nil {
			fmt.Fprintf(stderr, "herald check: --diff %s: %v\n", *diff, err)
			return exitUsage
		}
		defer cleanup()
		fsys, changed, moved = tree, files, renamed
	}
	site, err := content.LoadSite(ctx, fsys, opts...)
	if err != nil {
		fmt.Fprintf(stderr, "herald check: load %s: %v\n", root, err)
		return exitUsage
	}
	checkSite := func(site *content.Site) ([]check.Finding, error) {
		checker := check.New(site.Config)
		switch {
		case only != "":
			post, err := site.ReadPost(ctx, only)
			if err != nil {
				return nil, err
			}
			out := append(checker.ConfigFindings(site), checker.Check(ctx, site, post)...)
			check.SortFindings(out)
			return out, nil
		case *diff != "":
			// Posts only moved are not new: no date-backdated for them.
			return checker.CheckChange(ctx, site, changed, moved)
		}
		return checker.CheckSite(ctx, site)
	}
	findings, err := checkSite(site)
	if err != nil {
		fmt.Fprintf(stderr, "herald check: %v\n", err)
		return exitUsage
	}
	if *fix {
		findings, err = applyFixes(ctx, root, opts, checkSite, findings, stderr)
		if err != nil {
			fmt.Fprintf(stderr, "herald check: --fix: %v\n", err)
			return exitUsage
		}
	}
	// SARIF and workflow commands name files from the top of the Git
	// repository, where GitHub looks for them, also when PATH is a folder
	// inside it.
	out := findings
	if *format == "sarif" || *format == "github" {
		if prefix := repoPrefix(root); prefix != "" {
			out = make([]check.Finding, len(findings))
			for i, f := range findings {
				f.Path = prefix + "/" + f.Path
				out[i] = f
			}
		}
	}
	if err := writeFindings(stdout, *format, out, useColor(*color, stdout)); err != nil {
		fmt.Fprintf(stderr, "herald check: write: %v\n", err)
		return exitUsage
	}
	posts := len(site.Posts)
	switch {
	case only != "":
		posts = 1
	case *diff != "":
		posts = 0 // the posts the diff changed
		for _, p := range append(changed, moved...) {
			if site.IsPost(p) && site.HasFile(p) {
				posts++
			}
		}
	}
	if posts == 0 && *diff == "" {
		// A wrong path or an unknown layout must not pass CI as a clean site.
		fmt.Fprintf(stderr, "herald check: no posts found: the %s profile (%s) looks for %s; "+
			"point herald check at the site's folder, or set content: in %s\n",
			site.Profile.Name, profileSource(site), strings.Join(site.ContentGlobs(), ", "), content.ConfigFile)
		return exitUsage
	}
	if *format == "text" {
		switch {
		case posts == 0:
			fmt.Fprintf(stderr, "herald check: %s changes no posts\n", *diff)
		case len(findings) == 0:
			fmt.Fprintf(stderr, "herald check: %s, no findings\n", plural(posts, "post"))
		default:
			fmt.Fprintf(stderr, "herald check: %s\n", summary(findings, posts))
		}
	}
	if check.HasErrors(findings) {
		return exitFindings
	}
	return exitOK
}

// maxFixPasses bounds the rounds of --fix: a fix may only show once
// another is applied ("the the the" needs two), or be held back because
// it overlaps one applied in the same round.
const maxFixPasses = 5

// applyFixes writes the safe fixes into the files under root, checks the
// fixed files again, and repeats while fixes remain (at most maxFixPasses
// rounds); it returns the findings that remain. opts are the options the
// site was first loaded with.
func applyFixes(ctx context.Context, root string, opts []content.LoadOption, recheck func(*content.Site) ([]check.Finding, error), findings []check.Finding, stderr io.Writer) ([]check.Finding, error) {
	for range maxFixPasses {
		n, err := applyFixPass(root, findings, stderr)
		if err != nil || n == 0 {
			return findings, err
		}
		// Re-check from disk: what is left is what the author still has to do.
		site, err := content.LoadSite(ctx, os.DirFS(root), opts...)
		if err != nil {
			return nil, err
		}
		if findings, err = recheck(site); err != nil {
			return nil, err
		}
	}
	return findings, nil
}

// applyFixPass writes the safe fixes of findings into the files under root
// and returns how many it applied.
func applyFixPass(root string, findings []check.Finding, stderr io.Writer) (int, error) {
	total := 0
	byPath := map[string][]check.Finding{}
	var order []string
	for _, f := range findings {
		if f.Fix == nil {
			continue
		}
		if _, ok := byPath[f.Path]; !ok {
			order = append(order, f.Path)
		}
		byPath[f.Path] = append(byPath[f.Path], f)
	}
	for _, p := range order {
		name := filepath.Join(root, filepath.FromSlash(p))
		fi, err := os.Lstat(name)
		if err != nil {
			return total, err
		}
		if !fi.Mode().IsRegular() {
			fmt.Fprintf(stderr, "%s: not a regular file; fixes not applied\n", p)
			continue
		}
		src, err := os.ReadFile(name)
		if err != nil {
			return total, err
		}
		out, applied := check.ApplyFixes(src, byPath[p])
		if len(applied) == 0 {
			continue
		}
		// Write next to the file and rename, so a crash never leaves half a post.
		tmp, err := os.CreateTemp(filepath.Dir(name), ".herald-fix-*")
		if err != nil {
			return total, err
		}
		if _, err := tmp.Write(out); err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
			return total, fmt.Errorf("write %s: %w", p, err)
		}
		if err := tmp.Close(); err != nil {
			os.Remove(tmp.Name())
			return total, fmt.Errorf("write %s: %w", p, err)
		}
		if err := os.Chmod(tmp.Name(), fi.Mode().Perm()); err != nil {
			os.Remove(tmp.Name())
			return total, err
		}
		if err := os.Rename(tmp.Name(), name); err != nil {
			os.Remove(tmp.Name())
			return total, fmt.Errorf("replace %s: %w", p, err)
		}
		for _, f := range applied {
			fmt.Fprintf(stderr, "fixed %s:%d:%d: %s: %s\n", f.Path, f.Line, f.Column, f.Rule, f.Fix.Description)
		}
		total += len(applied)
	}
	return total, nil
}

// repositoryOf finds the repository a file belongs to: the nearest folder
// above it holding .git or .herald.yml, else the nearest holding a site
// generator's marker (docusaurus.config.js, hugo.toml, _config.yml), else
// the file's folder. It returns that folder and the file's slash path
// inside it.
func repositoryOf(file string) (root, rel string, err error) {
	abs, err := filepath.Abs(file)
	if err != nil {
		return "", "", err
	}
	root = filepath.Dir(abs)
	site := ""
	for dir := root; ; {
		if _, err := os.Lstat(filepath.Join(dir, ".git")); err == nil {
			site = dir
			break
		}
		if _, err := os.Lstat(filepath.Join(dir, content.ConfigFile)); err == nil {
			site = dir
			break
		}
		if site == "" && hasMarker(dir) {
			site = dir // a site outside any repository; keep looking for one
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			break
		}
		dir = parent
	}
	if site != "" {
		root = site
	}
	rel, err = filepath.Rel(root, abs)
	if err != nil {
		return "", "", err
	}
	return root, filepath.ToSlash(rel), nil
}

// hasMarker reports whether dir holds the marker file of a site profile.
func hasMarker(dir string) bool { return content.HasSiteMarker(os.DirFS(dir)) }

// repoPrefix returns the slash path of the folder dir inside the Git
// work tree that holds it: "" when dir is the top of the work tree or in
// none.
func repoPrefix(dir string) string {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return ""
	}
	for d := abs; ; {
		if _, err := os.Lstat(filepath.Join(d, ".git")); err == nil {
			rel, err := filepath.Rel(d, abs)
			if err != nil || rel == "." {
				return ""
			}
			return filepath.ToSlash(rel)
		}
		parent := filepath.Dir(d)
		if parent == d {
			return ""
		}
		d = parent
	}
}

// summary counts findings by severity: "2 errors, 1 warning in 1 of 3 posts".
func summary(findings []check.Finding, posts int) string {
	count := map[string]int{}
	files := map[string]bool{}
	for _, f := range findings {
		count[f.Severity]++
		files[f.Path] = true
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
	return fmt.Sprintf("%s in %d of %s", strings.Join(parts, ", "), len(files), plural(posts, "post"))
}

func profileSource(site *content.Site) string {
	switch site.ProfileSource {
	case "config":
		return "set in " + site.ConfigPath
	case "detected":
		return "detected from " + site.Marker
	}
	return "the default: no docusaurus.config.*, hugo.toml, config/_default/hugo.toml or _config.yml found"
}

func useColor(mode string, w io.Writer) bool {
	switch mode {
	case "always":
		return true
	case "never":
		return false
	}
	if os.Getenv("NO_COLOR") != "" {
		return false
	}
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// jsonFinding is the documented, stable JSON shape of a finding.
type jsonFinding struct {
	Path      string   `json:"path"`
	Line      int      `json:"line"`
	Column    int      `json:"column"`
	EndLine   int      `json:"end_line,omitempty"`
	EndColumn int      `json:"end_column,omitempty"`
	Rule      string   `json:"rule"`
	Severity  string   `json:"severity"`
	Message   string   `json:"message"`
	Fix       *jsonFix `json:"fix"`
}

type jsonFix struct {
	Description string     `json:"description"`
	Edits       []jsonEdit `json:"edits"`
	Review      bool       `json:"review"` // a suggestion for a person; --fix does not apply it
}

type jsonEdit struct {
	Start   int    `json:"start"` // byte offset in the file
	End     int    `json:"end"`
	NewText string `json:"new_text"`
}

func writeFindings(w io.Writer, format string, findings []check.Finding, color bool) error {
	switch format {
	case "json":
		out := make([]jsonFinding, 0, len(findings))
		for _, f := range findings {
			jf := jsonFinding{Path: f.Path, Line: f.Line, Column: f.Column, EndLine: f.EndLine, EndColumn: f.EndColumn,
				Rule: f.Rule, Severity: f.Severity, Message: f.Message}
			if f.Fix != nil {
				jf.Fix = &jsonFix{Description: f.Fix.Description, Review: f.Fix.Review}
				for _, e := range f.Fix.Edits {
					jf.Fix.Edits = append(jf.Fix.Edits, jsonEdit{Start: e.Start, End: e.End, NewText: e.NewText})
				}
			}
			out = append(out, jf)
		}
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(out)
	case "sarif":
		return writeSARIF(w, findings)
	case "github":
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

func ghData(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A").Replace(s)
}

func ghProp(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C").Replace(s)
}

func writeSARIF(w io.Writer, findings []check.Finding) error {
	type msg struct {
		Text string `json:"text"`
	}
	type rule struct {
		ID                   string            `json:"id"`
		ShortDescription     msg               `json:"shortDescription"`
		FullDescription      msg               `json:"fullDescription"`
		HelpURI              string            `json:"helpUri"`
		DefaultConfiguration map[string]string `json:"defaultConfiguration"`
	}
	type region struct {
		StartLine   int `json:"startLine"`
		StartColumn int `json:"startColumn"`
		EndLine     int `json:"endLine,omitempty"`
		EndColumn   int `json:"endColumn,omitempty"`
	}
	type artifact struct {
		URI       string `json:"uri"`
		URIBaseID string `json:"uriBaseId"`
	}
	type physical struct {
		ArtifactLocation artifact `json:"artifactLocation"`
		Region           region   `json:"region"`
	}
	type location struct {
		PhysicalLocation physical `json:"physicalLocation"`
	}
	type result struct {
		RuleID    string     `json:"ruleId"`
		RuleIndex int        `json:"ruleIndex"`
		Level     string     `json:"level"`
		Message   msg        `json:"message"`
		Locations []location `json:"locations"`
	}
	var rules []rule
	index := map[string]int{}
	for i, r := range check.Rules() {
		index[r.ID] = i
		lvl := map[string]string{"error": "error", "warning": "warning", "info": "note"}[r.Severity]
		rules = append(rules, rule{ID: r.ID, ShortDescription: msg{r.Summary}, FullDescription: msg{r.Details},
			HelpURI:              "https://github.com/heraldhq/herald/blob/main/docs/rules.md#" + r.ID,
			DefaultConfiguration: map[string]string{"level": lvl}})
	}
	results := []result{}
	for _, f := range findings {
		lvl := map[string]string{"error": "error", "warning": "warning", "info": "note"}[f.Severity]
		reg := region{StartLine: f.Line, StartColumn: f.Column}
		if f.EndLine > 0 {
			reg.EndLine, reg.EndColumn = f.EndLine, f.EndColumn
		}
		results = append(results, result{RuleID: f.Rule, RuleIndex: index[f.Rule], Level: lvl, Message: msg{f.Message},
			Locations: []location{{PhysicalLocation: physical{ArtifactLocation: artifact{URI: sarifURI(f.Path), URIBaseID: "%SRCROOT%"}, Region: reg}}}})
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

// gitDiffTree reads the commit HEAD of spec (BASE..HEAD or BASE...HEAD)
// of the repository at root into a temporary folder with `git archive`
// and lists the files changed between BASE (or the merge base) and HEAD,
// and apart, the files only moved there (renamed with the same content).
//
// It runs git rather than the gitrepo package: BASE and HEAD are any
// revision git reads (HEAD~1, origin/main, a short hash) of the local
// repository, where gitrepo.Mirror.Resolve takes refs and full hashes of
// a mirror it would first clone.
func gitDiffTree(ctx context.Context, root, spec string) (fs.FS, []string, []string, func(), error) {
	base, head, ok := strings.Cut(spec, "...")
	mergeBase := ok
	if !ok {
		base, head, ok = strings.Cut(spec, "..")
	}
	if !ok || base == "" || head == "" || strings.HasPrefix(base, "-") || strings.HasPrefix(head, "-") {
		return nil, nil, nil, nil, fmt.Errorf("want BASE..HEAD or BASE...HEAD, got %q", spec)
	}
	git := func(args ...string) ([]byte, error) {
		cmd := exec.CommandContext(ctx, "git", append([]string{"-C", root}, args...)...)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err != nil {
			return nil, fmt.Errorf("git %s: %w: %s", strings.Join(args, " "), err, strings.TrimSpace(stderr.String()))
		}
		return out, nil
	}
	for _, rev := range []string{base, head} {
		if _, err := git("rev-parse", "--verify", "--quiet", rev+"^{commit}"); err != nil {
			return nil, nil, nil, nil, fmt.Errorf("%s is not a commit of %s", rev, root)
		}
	}
	from := base
	if mergeBase {
		out, err := git("merge-base", base, head)
		if err != nil {
			return nil, nil, nil, nil, err
		}
		from = strings.TrimSpace(string(out))
	}
	// Exact renames (R100) are moves; any other rename counts as an added
	// file, as without rename detection.
	out, err := git("diff", "--name-status", "-z", "-M100%", "--diff-filter=ACMRT", from, head, "--")
	if err != nil {
		return nil, nil, nil, nil, err
	}
	var changed, moved []string
	fields := strings.Split(strings.TrimSuffix(string(out), "\x00"), "\x00")
	for i := 0; i < len(fields); i++ {
		status := fields[i]
		switch {
		case status == "":
		case strings.HasPrefix(status, "R") || strings.HasPrefix(status, "C"):
			if i+2 >= len(fields) {
				return nil, nil, nil, nil, fmt.Errorf("git diff: a rename without its two paths")
			}
			if status == "R100" {
				moved = append(moved, fields[i+2])
			} else {
				changed = append(changed, fields[i+2])
			}
			i += 2
		default:
			if i+1 >= len(fields) {
				return nil, nil, nil, nil, fmt.Errorf("git diff: status %q without a path", status)
			}
			changed = append(changed, fields[i+1])
			i++
		}
	}
	prefix, err := git("rev-parse", "--show-prefix")
	if err != nil {
		return nil, nil, nil, nil, err
	}
	archive, err := git("archive", "--format=tar", head)
	if err != nil {
		return nil, nil, nil, nil, err
	}
	dir, err := os.MkdirTemp("", "herald-check-*")
	if err != nil {
		return nil, nil, nil, nil, err
	}
	cleanup := func() { os.RemoveAll(dir) }
	if err := untar(dir, bytes.NewReader(archive)); err != nil {
		cleanup()
		return nil, nil, nil, nil, err
	}
	// PATH may be a folder inside the repository: git archive then holds
	// that folder only, and git diff names paths from the repository root.
	sub := strings.TrimSuffix(strings.TrimSpace(string(prefix)), "/")
	if sub != "" {
		inSub := func(paths []string) []string {
			var out []string
			for _, p := range paths {
				if rel, ok := strings.CutPrefix(p, sub+"/"); ok {
					out = append(out, rel)
				}
			}
			return out
		}
		changed, moved = inSub(changed), inSub(moved)
	}
	return os.DirFS(dir), changed, moved, cleanup, nil
}

// untar extracts a git archive into dir. Symbolic links are recreated as
// they are; the site loader refuses to follow those leaving the tree.
func untar(dir string, r io.Reader) error {
	tr := tar.NewReader(r)
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("read archive: %w", err)
		}
		name := path.Clean(h.Name)
		if !fs.ValidPath(name) {
			return fmt.Errorf("archive entry %q leaves the tree", h.Name)
		}
		target := filepath.Join(dir, filepath.FromSlash(name))
		switch h.Typeflag {
		case tar.TypeDir:
			if err := os.MkdirAll(target, 0o755); err != nil {
				return err
			}
		case tar.TypeReg:
			if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
				return err
			}
			f, err := os.OpenFile(target, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o644)
			if err != nil {
				return err
			}
			if _, err := io.Copy(f, tr); err != nil {
				f.Close()
				return err
			}
			if err := f.Close(); err != nil {
				return err
			}
		case tar.TypeSymlink:
			if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
				return err
			}
			if err := os.Symlink(h.Linkname, target); err != nil {
				return err
			}
		}
	}
}
