package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"slices"
	"strings"

	_ "time/tzdata" // time zones of .herald.yml work on any system

	"github.com/heraldhq/herald/content"
	"github.com/heraldhq/herald/content/check"
	"github.com/heraldhq/herald/gitrepo"
	"github.com/heraldhq/herald/publish"
)

// checkHelp is herald check's help.
var checkHelp = help{
	usage: "herald check [PATH] [--diff BASE..HEAD] [--format text|json|sarif|github] [--fix] [--config FILE]",
	about: `Checks the posts of the site at PATH (default "."), or the one post PATH
names, with the rules the bot runs on pull requests. Exit status: 0 when no
finding is an error, 1 when one is, 2 for usage or I/O errors and when PATH
holds no posts.`,
	examples: []example{
		{"herald check", "every post of the site in the current directory"},
		{"herald check blog/2026/02-fosdem-recap/index.md", "one post, read within its site (authors, tags, configuration)"},
		{"herald check --diff origin/main...HEAD", "only the posts the current branch changes, as the bot checks a pull request"},
		{"herald check --fix", "apply the safe fixes in place (the the -> the) and report what changed"},
		{"herald check --format sarif > herald.sarif", "SARIF for GitHub code scanning; --format github writes workflow annotations"},
	},
}

// checkRun is one herald check: its settings, then what it read.
type checkRun struct {
	root, only     string // the site's folder; the one post PATH named
	diff, format   string
	color, cfgFile string
	fix            bool
	opts           []content.LoadOption
	stdout, stderr io.Writer
	site           *content.Site
	changed, moved []string // the posts --diff changed, and moved only
	cleanup        func()
	findings       []check.Finding
}

func runCheck(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	c := &checkRun{stdout: stdout, stderr: stderr, cleanup: func() {}}
	defer func() { c.cleanup() }()
	err := c.parse(args)
	if errors.Is(err, flag.ErrHelp) {
		return exitOK
	}
	if err == nil {
		// The process is this one check: its collector is tuned for it.
		tuneGC(os.Getenv, checkGCPercent, checkMemoryLimit)
		err = c.load(ctx)
	}
	if err == nil {
		err = c.check(ctx)
	}
	if err == nil {
		err = c.report()
	}
	switch {
	case err != nil:
		fmt.Fprintf(stderr, "herald check: %v\n", err)
		return exitUsage
	case check.HasErrors(c.findings):
		return exitFindings
	}
	return exitOK
}

// parse reads the command line, flags before or after PATH.
func (c *checkRun) parse(args []string) error {
	fl := flag.NewFlagSet("check", flag.ContinueOnError)
	// A mistake is one line on stderr, as with the other commands; -h
	// gets the help on stdout.
	fl.SetOutput(io.Discard)
	fl.Usage = func() {}
	fl.StringVar(&c.diff, "diff", "", "check only the posts changed between two commits of the repository at PATH (BASE..HEAD, or BASE...HEAD from their merge base), read from git")
	fl.StringVar(&c.format, "format", "text", "output format: text, json, sarif or github")
	fl.BoolVar(&c.fix, "fix", false, "apply the safe fixes in place and report what changed")
	fl.StringVar(&c.cfgFile, "config", "", "read the configuration from FILE instead of PATH/.herald.yml")
	fl.StringVar(&c.color, "color", "auto", "colour the text output: auto, always or never")
	var positional []string
	for rest := args; ; rest = fl.Args()[1:] {
		if err := fl.Parse(rest); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				checkHelp.print(c.stdout, fl)
				return err
			}
			return suggestFlag(err, fl)
		}
		if fl.NArg() == 0 {
			break
		}
		positional = append(positional, fl.Arg(0))
	}
	switch {
	case len(positional) > 1:
		return fmt.Errorf("one PATH expected, got %d", len(positional))
	case !slices.Contains(check.Formats(), c.format):
		return fmt.Errorf("unknown format %q (text, json, sarif or github)", c.format)
	case c.fix && c.diff != "":
		return errors.New("--fix works on the working tree and cannot be combined with --diff")
	}
	c.root = "."
	if len(positional) == 1 {
		c.root = positional[0]
	}
	return nil
}

// load finds the site (PATH may be one post: it is checked within its
// repository) and loads it, at --diff's head when given.
func (c *checkRun) load(ctx context.Context) error {
	fi, err := os.Stat(c.root)
	if err != nil {
		return err
	}
	if !fi.IsDir() {
		if c.diff != "" {
			return errors.New("--diff takes the repository folder as PATH, not a file")
		}
		if c.root, c.only, err = content.FindSiteRoot(c.root); err != nil {
			return err
		}
	}
	if c.cfgFile != "" {
		src, err := os.ReadFile(c.cfgFile)
		if err != nil {
			return fmt.Errorf("read config: %v", err)
		}
		c.opts = append(c.opts, content.WithConfig(c.cfgFile, src))
	}
	var fsys fs.FS = os.DirFS(c.root)
	if c.diff != "" {
		r, err := gitrepo.ReadRange(ctx, c.root, c.diff)
		if err != nil {
			return fmt.Errorf("--diff %s: %v", c.diff, err)
		}
		c.cleanup = func() { r.Close() }
		fsys, c.changed, c.moved = r.Files, r.Changed, r.Moved
	}
	if c.site, err = content.LoadSite(ctx, fsys, c.opts...); err != nil {
		return fmt.Errorf("load %s: %v", c.root, err)
	}
	return nil
}

// check checks the site, and with --fix applies the safe fixes.
func (c *checkRun) check(ctx context.Context) error {
	var err error
	if c.findings, err = c.checkSite(ctx, c.site); err != nil {
		return err
	}
	if c.fix {
		if err := c.applyFixes(ctx); err != nil {
			return fmt.Errorf("--fix: %v", err)
		}
	}
	return nil
}

// checkSite checks the one post, the posts --diff changed, or every post.
func (c *checkRun) checkSite(ctx context.Context, site *content.Site) ([]check.Finding, error) {
	checker := check.New(site.Config)
	switch {
	case c.only != "":
		post, err := site.ReadPost(ctx, c.only)
		if err != nil {
			return nil, err
		}
		out := append(checker.ConfigFindings(site), checker.Check(ctx, site, post)...)
		check.SortFindings(out)
		return out, nil
	case c.diff != "":
		// Posts only moved are not new: no date-backdated for them.
		return checker.CheckChange(ctx, site, c.changed, c.moved)
	}
	return checker.CheckSite(ctx, site)
}

// maxFixPasses bounds the rounds of --fix: a fix may only show once
// another is applied ("the the the" needs two), or be held back because
// it overlaps one applied in the same round.
const maxFixPasses = 5

// applyFixes writes the safe fixes into the files, checks the fixed files
// again, and repeats while fixes remain (at most maxFixPasses rounds),
// keeping the findings that remain.
func (c *checkRun) applyFixes(ctx context.Context) error {
	for range maxFixPasses {
		fixed, err := check.FixFiles(c.root, c.findings)
		n := 0
		for _, ff := range fixed {
			if ff.NotRegular {
				fmt.Fprintf(c.stderr, "%s: not a regular file; fixes not applied\n", ff.Path)
			}
			for _, f := range ff.Applied {
				fmt.Fprintf(c.stderr, "fixed %s:%d:%d: %s: %s\n", f.Path, f.Line, f.Column, f.Rule, f.Fix.Description)
			}
			n += len(ff.Applied)
		}
		if err != nil || n == 0 {
			return err
		}
		// Re-check from disk: what is left is what the author still has to do.
		site, err := content.LoadSite(ctx, os.DirFS(c.root), c.opts...)
		if err != nil {
			return err
		}
		if c.findings, err = c.checkSite(ctx, site); err != nil {
			return err
		}
	}
	return nil
}

// report writes the findings and the summary line.
func (c *checkRun) report() error {
	// SARIF and workflow commands name files from the top of the Git
	// repository, where GitHub looks for them, also when PATH is a folder
	// inside it.
	out := c.findings
	if c.format == check.FormatSARIF || c.format == check.FormatGitHub {
		if prefix := content.RepoPrefix(c.root); prefix != "" {
			out = make([]check.Finding, len(c.findings))
			for i, f := range c.findings {
				f.Path = prefix + "/" + f.Path
				out[i] = f
			}
		}
	}
	if err := check.WriteReport(c.stdout, c.format, out, check.ReportOptions{Color: useColor(c.color, c.stdout), Version: version}); err != nil {
		return fmt.Errorf("write: %v", err)
	}
	posts := c.posts()
	if posts == 0 && c.diff == "" {
		// A wrong path or an unknown layout must not pass CI as a clean site.
		site := c.site
		return fmt.Errorf("no posts found: the %s profile (%s) looks for %s; "+
			"point herald check at the site's folder, or set content: in %s",
			site.Profile.Name, site.ProfileReason(), strings.Join(site.ContentGlobs(), ", "), content.ConfigFile)
	}
	if c.format == check.FormatText {
		switch {
		case posts == 0:
			fmt.Fprintf(c.stderr, "herald check: %s changes no posts\n", c.diff)
		case len(c.findings) == 0:
			fmt.Fprintf(c.stderr, "herald check: %s, no findings\n", publish.Plural(posts, "post"))
		default:
			fmt.Fprintf(c.stderr, "herald check: %s\n", check.Summary(c.findings, posts, c.site))
		}
	}
	return nil
}

// posts counts the posts checked: the one, those --diff changed, or all.
func (c *checkRun) posts() int {
	switch {
	case c.only != "":
		return 1
	case c.diff != "":
		n := 0
		for _, p := range append(c.changed, c.moved...) {
			if c.site.IsPost(p) && c.site.HasFile(p) {
				n++
			}
		}
		return n
	}
	return len(c.site.Posts)
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
