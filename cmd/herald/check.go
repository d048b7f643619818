package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/heraldhq/herald/content"
	"github.com/heraldhq/herald/content/check"
	"github.com/heraldhq/herald/gitrepo"
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
	if !slices.Contains(check.Formats(), *format) {
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
		repo, rel, err := content.FindSiteRoot(root)
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
		r, err := gitrepo.ReadRange(ctx, root, *diff)
		if err != nil {
			fmt.Fprintf(stderr, "herald check: --diff %s: %v\n", *diff, err)
			return exitUsage
		}
		defer r.Close()
		fsys, changed, moved = r.Files, r.Changed, r.Moved
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
		if prefix := content.RepoPrefix(root); prefix != "" {
			out = make([]check.Finding, len(findings))
			for i, f := range findings {
				f.Path = prefix + "/" + f.Path
				out[i] = f
			}
		}
	}
	if err := check.WriteReport(stdout, *format, out, check.ReportOptions{Color: useColor(*color, stdout), Version: version}); err != nil {
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

// summary counts findings by severity: "2 errors, 1 warning in 1 of 3 posts".
func summary(findings []check.Finding, posts int) string {
	return fmt.Sprintf("%s in %d of %s", check.Tally(findings), check.Files(findings), plural(posts, "post"))
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
