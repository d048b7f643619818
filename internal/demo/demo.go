// Package demo is herald demo's example site and run: it seeds a
// throwaway bare Git repository with an example Docusaurus blog whose drafts
// are dated relative to the start, drives herald in local mode on it (the
// caller wires herald, as herald serve --repo does), and prints what a
// newcomer should see: the findings, the schedule, and the commit that
// publishes the draft due a few seconds after the start.
//
// It is not a test helper: it ships in the binary. It never reaches the
// network; the repository is reached through the git command.
package demo

import (
	"bufio"
	"bytes"
	"context"
	"embed"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"github.com/go-git/go-billy/v5/memfs"
	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/format/diff"
	"github.com/go-git/go-git/v5/plumbing/object"

	"github.com/heraldhq/herald/content/check"
	"github.com/heraldhq/herald/publish"
	"github.com/heraldhq/herald/publish/feed"
)

// site is the example site: a Docusaurus blog whose drafts get dates
// relative to the moment the demo starts.
//
//go:embed all:site
var site embed.FS

// Site returns the files of the example site, dated as they are stored.
func Site() fs.FS {
	sub, err := fs.Sub(site, "site")
	if err != nil {
		panic(err) // the folder is embedded
	}
	return sub
}

// dates are the drafts of the example site and when, after the demo
// starts, each is due; 0 is the post that goes out during the demo, -1 a
// file that keeps its date.
var dates = map[string]time.Duration{
	"blog/release-1-4/index.md":  0, // Config.DueIn
	"blog/fosdem-recap/index.md": 3 * 24 * time.Hour,
	"blog/roadmap-2027/index.md": 40 * 24 * time.Hour,
	"blog/welcome/index.md":      -1, // published, keeps its date
	"docusaurus.config.js":       -1,
	".herald.yml":                -1,
	"blog/authors.yml":           -1,
	"blog/tags.yml":              -1,
}

// DateLine matches the date line of a post's front matter.
var DateLine = regexp.MustCompile(`(?m)^date: .*$`)

// ErrSetup marks a demo that could not be set up (exit status 2 for the
// command); other errors of Run are a post that did not go out.
var ErrSetup = errors.New("demo not set up")

// Engine is herald in local mode on the example repository, as Start wired
// it.
type Engine interface {
	ReconcileAll(ctx context.Context) error
	Schedule(ctx context.Context) ([]feed.Entry, error)
}

// Hooks are what Start's herald tells the demo.
type Hooks struct {
	// OnCheck is told each check of the default branch.
	OnCheck func(commit string, posts int, findings []check.Finding)
	// OnPublished is told each commit herald pushed; it never blocks.
	OnPublished func(commit string)
}

// Config is one run of the demo.
type Config struct {
	Out, Stderr io.Writer
	// Keep keeps the repository, the cache and the log, and says where.
	Keep bool
	// Timeout bounds the run; DueIn is when, after the start, the example
	// draft is due.
	Timeout, DueIn time.Duration
	// Color colours the findings.
	Color bool
	// Start wires herald in local mode on the bare repository at repo, its
	// mirror cache in cacheDir and its logs to log, and starts its
	// scheduler; stop stops it and releases it.
	Start func(ctx context.Context, repo, cacheDir string, log *slog.Logger, hooks Hooks) (e Engine, stop func(), err error)
	// LogOptions are the options of herald's log handler.
	LogOptions *slog.HandlerOptions
}

// run is one run of the demo.
type run struct {
	Config
	dir, bare string
	logFile   *os.File
}

// Run runs the demo: it writes what a person reads to cfg.Out and
// cfg.Stderr, and returns nil when the draft went out, an error matching
// ErrSetup when the demo could not be set up, and another error when the
// draft did not go out. The errors were written already.
func Run(ctx context.Context, cfg Config) error {
	d := &run{Config: cfg}
	ctx, cancel := context.WithTimeout(ctx, d.Timeout)
	defer cancel()
	var err error
	if d.dir, err = os.MkdirTemp("", "herald-demo-"); err != nil {
		return d.fail(ErrSetup, "create a temporary directory: %v", err)
	}
	defer d.cleanUp()
	if d.logFile, err = os.Create(filepath.Join(d.dir, "herald.log")); err != nil {
		return d.fail(ErrSetup, "%v", err)
	}
	return d.run(ctx, slog.New(slog.NewJSONHandler(d.logFile, d.LogOptions)))
}

// fail writes one line for the command and returns an error marked kind.
func (d *run) fail(kind error, format string, args ...any) error {
	msg := fmt.Sprintf(format, args...)
	fmt.Fprintf(d.Stderr, "herald demo: %s\n", msg)
	return fmt.Errorf("%w: %s", kind, msg)
}

// errNotOut marks a draft that did not go out.
var errNotOut = errors.New("the draft did not go out")

// cleanUp removes the demo's folder, or says where it is kept.
func (d *run) cleanUp() {
	if d.logFile != nil {
		d.logFile.Close()
	}
	if d.Keep {
		fmt.Fprintf(d.Out, "\nKept in %s: the repository (site.git), herald's mirror cache (cache) and logs (herald.log).\n", d.dir)
		return
	}
	if err := os.RemoveAll(d.dir); err != nil {
		fmt.Fprintf(d.Stderr, "herald demo: remove %s: %v\n", d.dir, err)
	}
}

func (d *run) run(ctx context.Context, log *slog.Logger) error {
	start := time.Now()
	due := start.Add(d.DueIn).Truncate(time.Second).Add(time.Second)
	d.bare = filepath.Join(d.dir, "site.git")
	seed, err := Seed(d.bare, start, due)
	if err != nil {
		return d.fail(ErrSetup, "create the example repository: %v", err)
	}
	fmt.Fprintf(d.Out, "herald demo: an example Docusaurus blog in a throwaway Git repository (%s, commit %s),\n", d.bare, seed[:7])
	fmt.Fprintf(d.Out, "served in local mode as \"herald serve --repo\" would. Time zone of the site: Europe/Berlin.\n\n")
	pushed := make(chan string, 4)
	eng, stop, err := d.Start(ctx, d.bare, filepath.Join(d.dir, "cache"), log, Hooks{
		OnCheck: func(commit string, posts int, fs []check.Finding) {
			if commit == seed {
				d.printFindings(posts, fs)
			}
		},
		// Never blocks: a push after the demo stopped reading (a fifth
		// one) would otherwise hold the scheduler's job, and the stop
		// waiting for it.
		OnPublished: func(commit string) {
			select {
			case pushed <- commit:
			default:
			}
		},
	})
	if err != nil {
		return d.fail(ErrSetup, "%v", err)
	}
	defer stop()
	if err := eng.ReconcileAll(ctx); err != nil {
		err = d.fail(errNotOut, "the first reconcile failed: %v", err)
		d.tail()
		return err
	}
	entries, err := eng.Schedule(ctx)
	if err != nil {
		return d.fail(errNotOut, "%v", err)
	}
	d.printSchedule(entries, time.Now())
	return d.wait(ctx, pushed, start, due)
}

// wait waits for the draft's publish commit and shows it.
func (d *run) wait(ctx context.Context, pushed <-chan string, start, due time.Time) error {
	select {
	case commit := <-pushed:
		fmt.Fprintf(d.Out, "Published %s after its time:\n", roundDuration(time.Since(due)))
		if err := d.show(commit); err != nil {
			return d.fail(errNotOut, "show %s: %v", commit, err)
		}
		fmt.Fprintf(d.Out, "\nDone in %s. Next: run \"herald serve --repo PATH\" on your own site, or see the README for GitHub.\n", roundDuration(time.Since(start)))
		return nil
	case <-ctx.Done():
		if !errors.Is(ctx.Err(), context.DeadlineExceeded) {
			return d.fail(errNotOut, "interrupted")
		}
		err := d.fail(errNotOut, "the post did not go out within --timeout %s", d.Timeout)
		d.tail()
		return err
	}
}

// printFindings prints what the check of the example site found.
func (d *run) printFindings(posts int, fs []check.Finding) {
	fmt.Fprintf(d.Out, "Checked %d posts: %s\n", posts, findingSummary(fs))
	var b bytes.Buffer
	_ = check.WriteReport(&b, check.FormatText, fs, check.ReportOptions{Color: d.Color})
	for line := range strings.Lines(b.String()) {
		fmt.Fprint(d.Out, "  "+line)
	}
	fmt.Fprintln(d.Out)
}

// printSchedule prints when each post goes out.
func (d *run) printSchedule(entries []feed.Entry, now time.Time) {
	fmt.Fprintln(d.Out, "Schedule:")
	var next *feed.Entry
	width, blocked := 0, 0
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
		fmt.Fprintf(d.Out, "  %-14s %s UTC (%s)  %-9s  %-*s  %q\n", relative(e.At.Sub(now)), e.At.UTC().Format("2006-01-02 15:04:05"),
			e.At.In(loc).Format("15:04 MST"), e.Status, width, e.Path, e.Title)
		if e.Status == publish.ItemBlocked {
			// The post with errors stays a draft at its time: the demo
			// says so, with the rules herald check printed above.
			fmt.Fprintf(d.Out, "  %14s %s\n", "", publish.ItemReason(e.Item))
			blocked++
		}
		if next == nil && e.At.After(now) && e.Status != publish.ItemBlocked {
			next = &entries[i]
		}
	}
	fmt.Fprintln(d.Out)
	if blocked > 0 {
		fmt.Fprintf(d.Out, "An error blocks publishing: fix the errors and commit, and the post goes out at its time (or at once, said late, if its time has passed).\n")
	}
	if next != nil {
		fmt.Fprintf(d.Out, "Waiting for %q to go out %s...\n\n", next.Title, relative(next.At.Sub(now)))
	}
}

// show prints a commit of the example repository: hash, message and the
// lines it changed.
func (d *run) show(hash string) error {
	r, err := git.PlainOpen(d.bare)
	if err != nil {
		return err
	}
	c, err := r.CommitObject(plumbing.NewHash(hash))
	if err != nil {
		return err
	}
	fmt.Fprintf(d.Out, "  commit %s\n  Author: %s <%s>\n  Date:   %s\n\n", c.Hash, c.Author.Name, c.Author.Email,
		c.Author.When.UTC().Format("2006-01-02 15:04:05 UTC"))
	for line := range strings.Lines(strings.TrimSpace(c.Message)) {
		if line = strings.TrimRight(line, "\n"); line == "" {
			fmt.Fprintln(d.Out)
			continue
		}
		fmt.Fprintf(d.Out, "      %s\n", line)
	}
	fmt.Fprintln(d.Out)
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
		fmt.Fprintf(d.Out, "  %s\n", name)
		for _, ch := range fp.Chunks() {
			sign := map[diff.Operation]string{diff.Add: "+", diff.Delete: "-"}[ch.Type()]
			if sign == "" {
				continue
			}
			for line := range strings.Lines(ch.Content()) {
				fmt.Fprintf(d.Out, "  %s %s\n", sign, strings.TrimRight(line, "\n"))
			}
		}
	}
	return nil
}

// tail prints the end of herald's log, for a demo that went wrong.
func (d *run) tail() {
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
	fmt.Fprintln(d.Stderr, "herald demo: the last lines of herald's log:")
	for _, l := range lines {
		fmt.Fprintln(d.Stderr, "  "+l)
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

// Seed creates the bare repository at dir with one commit holding
// the example site, the drafts dated relative to start (the one that goes
// out during the demo at due), and returns the commit.
func Seed(dir string, start, due time.Time) (string, error) {
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
	err = fs.WalkDir(site, "site", func(p string, de fs.DirEntry, err error) error {
		if err != nil || de.IsDir() {
			return err
		}
		rel := strings.TrimPrefix(p, "site/")
		src, err := site.ReadFile(p)
		if err != nil {
			return err
		}
		after, known := dates[rel]
		if !known {
			return fmt.Errorf("%s is in the example site but has no date rule", rel)
		}
		if after >= 0 {
			at := due
			if after > 0 {
				at = nineNearest(start.Add(after), berlin)
			}
			src = DateLine.ReplaceAll(src, []byte("date: "+at.In(berlin).Format(time.RFC3339)))
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
	posts := fmt.Sprintf("%d posts", check.Files(fs))
	if check.Files(fs) == 1 {
		posts = "1 post"
	}
	return check.Tally(fs) + " in " + posts
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
