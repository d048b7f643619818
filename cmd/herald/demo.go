package main

import (
	"bufio"
	"bytes"
	"context"
	"embed"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"github.com/go-git/go-billy/v5/memfs"
	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/format/diff"
	"github.com/go-git/go-git/v5/plumbing/object"

	"github.com/heraldhq/herald/bot"
	"github.com/heraldhq/herald/content/check"
	"github.com/heraldhq/herald/publish"
	"github.com/heraldhq/herald/publish/feed"
)

// demoSite is the example site of herald demo: a Docusaurus blog whose
// drafts get dates relative to the moment the demo starts.
//
//go:embed all:demosite
var demoSite embed.FS

// demoDates are the drafts of the example site and when, after the demo
// starts, each is due; "" is the post that goes out during the demo.
var demoDates = map[string]time.Duration{
	"blog/release-1-4/index.md":  0, // --due-in
	"blog/fosdem-recap/index.md": 3 * 24 * time.Hour,
	"blog/roadmap-2027/index.md": 40 * 24 * time.Hour,
	"blog/welcome/index.md":      -1, // published, keeps its date
	"docusaurus.config.js":       -1,
	".herald.yml":                -1,
	"blog/authors.yml":           -1,
	"blog/tags.yml":              -1,
}

const demoUsage = `usage: herald demo [--keep] [--timeout DURATION] [--due-in DURATION]

Runs herald on a throwaway example site, with no credentials and no network:
it creates a Git repository from an example Docusaurus blog, serves it in
local mode (as herald serve --repo does), prints what the checks found and
when each post goes out, waits for the draft due in a few seconds to be
published by a commit, shows that commit and exits. Nothing is left behind
unless --keep is given.

`

var dateLine = regexp.MustCompile(`(?m)^date: .*$`)

func runDemo(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fl := flag.NewFlagSet("herald demo", flag.ContinueOnError)
	fl.SetOutput(io.Discard)
	keep := fl.Bool("keep", false, "keep the example repository and herald's logs, and print where they are")
	timeout := fl.Duration("timeout", 2*time.Minute, "give up (exit 1) when the post has not gone out after this long")
	dueIn := fl.Duration("due-in", 20*time.Second, "how long after the start the example draft is due")
	if err := fl.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fmt.Fprint(stderr, demoUsage)
			fl.SetOutput(stderr)
			fl.PrintDefaults()
			return exitOK
		}
		fmt.Fprintf(stderr, "herald demo: %v\n", err)
		return exitUsage
	}
	switch {
	case fl.NArg() > 0:
		fmt.Fprintf(stderr, "herald demo: unexpected argument %q (herald demo takes flags only)\n", fl.Arg(0))
		return exitUsage
	case *timeout <= 0:
		fmt.Fprintf(stderr, "herald demo: --timeout %s: want a positive duration\n", *timeout)
		return exitUsage
	case *dueIn < time.Second || *dueIn >= *timeout:
		fmt.Fprintf(stderr, "herald demo: --due-in %s: want at least 1s and less than --timeout (%s)\n", *dueIn, *timeout)
		return exitUsage
	}
	// The example repository is a bare repository on disk, which Git
	// reaches through the git command.
	if _, err := exec.LookPath("git"); err != nil {
		fmt.Fprintln(stderr, "herald demo: the example repository is served with the git command, which is not installed: install git and run herald demo again")
		return exitUsage
	}
	d := &demo{out: stdout, stderr: stderr, keep: *keep, timeout: *timeout, dueIn: *dueIn}
	return d.run(ctx)
}

// demo is one run of herald demo.
type demo struct {
	out, stderr io.Writer
	keep        bool
	timeout     time.Duration
	dueIn       time.Duration

	dir, bare string
	logFile   *os.File
}

func (d *demo) run(ctx context.Context) (code int) {
	start := time.Now()
	ctx, cancel := context.WithTimeout(ctx, d.timeout)
	defer cancel()
	var err error
	d.dir, err = os.MkdirTemp("", "herald-demo-")
	if err != nil {
		fmt.Fprintf(d.stderr, "herald demo: create a temporary directory: %v\n", err)
		return exitUsage
	}
	defer func() {
		if d.logFile != nil {
			d.logFile.Close()
		}
		if d.keep {
			fmt.Fprintf(d.out, "\nKept in %s: the repository (site.git), herald's mirror cache (cache) and logs (herald.log).\n", d.dir)
			return
		}
		if err := os.RemoveAll(d.dir); err != nil {
			fmt.Fprintf(d.stderr, "herald demo: remove %s: %v\n", d.dir, err)
		}
	}()
	d.logFile, err = os.Create(filepath.Join(d.dir, "herald.log"))
	if err != nil {
		fmt.Fprintf(d.stderr, "herald demo: %v\n", err)
		return exitUsage
	}
	log := slog.New(slog.NewJSONHandler(d.logFile, logOptions(slog.LevelDebug)))

	due := start.Add(d.dueIn).Truncate(time.Second).Add(time.Second)
	d.bare = filepath.Join(d.dir, "site.git")
	seed, err := seedDemoRepo(d.bare, start, due)
	if err != nil {
		fmt.Fprintf(d.stderr, "herald demo: create the example repository: %v\n", err)
		return exitUsage
	}
	fmt.Fprintf(d.out, "herald demo: an example Docusaurus blog in a throwaway Git repository (%s, commit %s),\n", d.bare, short(seed))
	fmt.Fprintf(d.out, "served in local mode as \"herald serve --repo\" would. Time zone of the site: Europe/Berlin.\n\n")

	// The same wiring as herald serve --repo, without a listener.
	var eng *engine
	sched, err := publish.NewScheduler(
		func(ctx context.Context, f publish.Firing) { eng.OnFire(ctx, f) },
		func(ctx context.Context) {
			if err := eng.ReconcileAll(ctx); err != nil {
				log.Error("resync failed", "err", err)
			}
		},
		publish.WithResyncSpec("@every 30s"), publish.WithLogger(log))
	if err != nil {
		fmt.Fprintf(d.stderr, "herald demo: %v\n", err)
		return exitUsage
	}
	pushedc := make(chan bot.Publication, 4)
	eng, err = newEngine(ctx, forgeFlags{repo: d.bare, dataDir: filepath.Join(d.dir, "cache")}, log, engineOptions{
		bot:         []bot.Option{bot.WithScheduler(sched)},
		checkBranch: true,
		onCheck: func(commit string, posts int, fs []check.Finding) {
			if commit == seed {
				d.printFindings(posts, fs)
			}
		},
		// Never blocks: a push after the demo stopped reading (a fifth
		// one) would otherwise hold the scheduler's job, and the stop
		// waiting for it.
		onPublished: func(p bot.Publication) {
			select {
			case pushedc <- p:
			default:
			}
		},
	})
	if err != nil {
		fmt.Fprintf(d.stderr, "herald demo: %v\n", err)
		return exitUsage
	}
	defer eng.Close()

	runCtx, stopRun := context.WithCancel(context.WithoutCancel(ctx))
	schedDone := make(chan error, 1)
	go func() { schedDone <- sched.Run(runCtx) }()
	defer func() {
		stopRun()
		<-schedDone
	}()

	if err := eng.ReconcileAll(ctx); err != nil {
		fmt.Fprintf(d.stderr, "herald demo: the first reconcile failed: %v\n", err)
		d.tail()
		return exitFindings
	}
	entries, err := eng.Schedule(ctx)
	if err != nil {
		fmt.Fprintf(d.stderr, "herald demo: %v\n", err)
		return exitFindings
	}
	d.printSchedule(entries, time.Now())

	select {
	case p := <-pushedc:
		late := time.Since(due)
		fmt.Fprintf(d.out, "Published %s after its time:\n", roundDuration(late))
		if err := d.show(p.Commit); err != nil {
			fmt.Fprintf(d.stderr, "herald demo: show %s: %v\n", p.Commit, err)
			return exitFindings
		}
		fmt.Fprintf(d.out, "\nDone in %s. Next: run \"herald serve --repo PATH\" on your own site, or see the README for GitHub.\n", roundDuration(time.Since(start)))
		return exitOK
	case <-ctx.Done():
		if errors.Is(ctx.Err(), context.DeadlineExceeded) {
			fmt.Fprintf(d.stderr, "herald demo: the post did not go out within --timeout %s\n", d.timeout)
			d.tail()
		} else {
			fmt.Fprintln(d.stderr, "herald demo: interrupted")
		}
		return exitFindings
	}
}

// printFindings prints what the check of the example site found.
func (d *demo) printFindings(posts int, fs []check.Finding) {
	fmt.Fprintf(d.out, "Checked %d posts: %s\n", posts, findingSummary(fs))
	var b bytes.Buffer
	_ = check.WriteReport(&b, check.FormatText, fs, check.ReportOptions{Color: useColor("auto", d.out)})
	for line := range strings.Lines(b.String()) {
		fmt.Fprint(d.out, "  "+line)
	}
	fmt.Fprintln(d.out)
}

// printSchedule prints when each post goes out.
func (d *demo) printSchedule(entries []feed.Entry, now time.Time) {
	fmt.Fprintln(d.out, "Schedule:")
	var next *feed.Entry
	width := 0
	for _, e := range entries {
		width = max(width, len(e.Path))
	}
	for i, e := range entries {
		if e.Status == publish.ItemPublished {
			continue
		}
		loc := e.Location
		if loc == nil {
			loc = time.UTC
		}
		fmt.Fprintf(d.out, "  %-14s %s UTC (%s)  %-*s  %q\n", relative(e.At.Sub(now)), e.At.UTC().Format("2006-01-02 15:04:05"),
			e.At.In(loc).Format("15:04 MST"), width, e.Path, e.Title)
		if next == nil && e.At.After(now) {
			next = &entries[i]
		}
	}
	fmt.Fprintln(d.out)
	if next != nil {
		fmt.Fprintf(d.out, "Waiting for %q to go out %s...\n\n", next.Title, relative(next.At.Sub(now)))
	}
}

// show prints a commit of the example repository: hash, message and the
// lines it changed.
func (d *demo) show(hash string) error {
	r, err := git.PlainOpen(d.bare)
	if err != nil {
		return err
	}
	c, err := r.CommitObject(plumbing.NewHash(hash))
	if err != nil {
		return err
	}
	fmt.Fprintf(d.out, "  commit %s\n  Author: %s <%s>\n  Date:   %s\n\n", c.Hash, c.Author.Name, c.Author.Email,
		c.Author.When.UTC().Format("2006-01-02 15:04:05 UTC"))
	for line := range strings.Lines(strings.TrimSpace(c.Message)) {
		if line = strings.TrimRight(line, "\n"); line == "" {
			fmt.Fprintln(d.out)
			continue
		}
		fmt.Fprintf(d.out, "      %s\n", line)
	}
	fmt.Fprintln(d.out)
	parent, err := c.Parent(0)
	if err != nil {
		return err
	}
	patch, err := parent.Patch(c)
	if err != nil {
		return err
	}
	for _, fp := range patch.FilePatches() {
		from, to := fp.Files()
		name := ""
		if to != nil {
			name = to.Path()
		} else if from != nil {
			name = from.Path()
		}
		fmt.Fprintf(d.out, "  %s\n", name)
		for _, ch := range fp.Chunks() {
			sign := map[diff.Operation]string{diff.Add: "+", diff.Delete: "-"}[ch.Type()]
			if sign == "" {
				continue
			}
			for line := range strings.Lines(ch.Content()) {
				fmt.Fprintf(d.out, "  %s %s\n", sign, strings.TrimRight(line, "\n"))
			}
		}
	}
	return nil
}

// tail prints the end of herald's log, for a demo that went wrong.
func (d *demo) tail() {
	if d.logFile == nil {
		return
	}
	b, err := os.ReadFile(d.logFile.Name())
	if err != nil {
		return
	}
	var lines []string
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	for sc.Scan() {
		lines = append(lines, sc.Text())
	}
	if len(lines) > 15 {
		lines = lines[len(lines)-15:]
	}
	fmt.Fprintln(d.stderr, "herald demo: the last lines of herald's log:")
	for _, l := range lines {
		fmt.Fprintln(d.stderr, "  "+l)
	}
}

// nineNearest returns nine in the morning in loc nearest to t: the other
// drafts go out at a plausible hour, and the demo says "in 3 days" for a
// draft due three days after it starts, whatever the time of day (nine
// o'clock on the third day may be two and a half days away in the evening).
func nineNearest(t time.Time, loc *time.Location) time.Time {
	day := t.In(loc)
	at := time.Date(day.Year(), day.Month(), day.Day(), 9, 0, 0, 0, loc)
	switch {
	case at.Sub(t) > 12*time.Hour:
		at = at.AddDate(0, 0, -1)
	case t.Sub(at) > 12*time.Hour:
		at = at.AddDate(0, 0, 1)
	}
	return at
}

// seedDemoRepo creates the bare repository at dir with one commit holding
// the example site, the drafts dated relative to start (the one that goes
// out during the demo at due), and returns the commit.
func seedDemoRepo(dir string, start, due time.Time) (string, error) {
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		return "", err
	}
	repo, err := git.PlainInitWithOptions(dir, &git.PlainInitOptions{Bare: true,
		InitOptions: git.InitOptions{DefaultBranch: plumbing.Main}})
	if err != nil {
		return "", err
	}
	wt := memfs.New()
	err = fs.WalkDir(demoSite, "demosite", func(p string, de fs.DirEntry, err error) error {
		if err != nil || de.IsDir() {
			return err
		}
		rel := strings.TrimPrefix(p, "demosite/")
		src, err := demoSite.ReadFile(p)
		if err != nil {
			return err
		}
		after, known := demoDates[rel]
		if !known {
			return fmt.Errorf("%s is in the example site but has no date rule", rel)
		}
		if after >= 0 {
			at := due
			if after > 0 {
				at = nineNearest(start.Add(after), berlin)
			}
			src = dateLine.ReplaceAll(src, []byte("date: "+at.In(berlin).Format(time.RFC3339)))
		}
		f, err := wt.Create(rel)
		if err != nil {
			return err
		}
		if _, err := f.Write(src); err != nil {
			f.Close()
			return err
		}
		return f.Close()
	})
	if err != nil {
		return "", err
	}
	r, err := git.Open(repo.Storer, wt)
	if err != nil {
		return "", err
	}
	w, err := r.Worktree()
	if err != nil {
		return "", err
	}
	if err := w.AddWithOptions(&git.AddOptions{All: true}); err != nil {
		return "", err
	}
	sig := &object.Signature{Name: "Ada Example", Email: "ada@example.org", When: start}
	h, err := w.Commit("Add the example blog with three drafts", &git.CommitOptions{Author: sig, Committer: sig})
	if err != nil {
		return "", err
	}
	// The index go-git wrote for the in-memory work tree has no place in
	// a bare repository.
	_ = os.Remove(filepath.Join(dir, "index"))
	return h.String(), nil
}

// findingSummary says how many findings of each severity there are.
func findingSummary(fs []check.Finding) string {
	if len(fs) == 0 {
		return "no findings"
	}
	return fmt.Sprintf("%s in %s", check.Tally(fs), plural(check.Files(fs), "post"))
}

func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return fmt.Sprintf("%d %ss", n, what)
}

// relative renders d like publish.Humanize, with seconds below a minute.
func relative(d time.Duration) string {
	switch {
	case d > 0 && d < time.Minute:
		return fmt.Sprintf("in %d seconds", int(d.Round(time.Second)/time.Second))
	case d <= 0 && d > -time.Minute:
		return "now"
	}
	return publish.Humanize(d)
}

// roundDuration shows d in milliseconds below a second, else to a tenth
// of a second.
func roundDuration(d time.Duration) string {
	if d < 0 {
		d = 0
	}
	if d < time.Second {
		return fmt.Sprintf("%d ms", d.Milliseconds())
	}
	return fmt.Sprintf("%.1f s", d.Seconds())
}
