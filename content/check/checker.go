package check

import (
	"bytes"
	"context"
	"fmt"
	"path"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"

	"github.com/heraldhq/herald/content"
	"github.com/heraldhq/herald/content/prose"
)

// Option adjusts a Checker.
type Option func(*Checker)

// WithNow sets the clock used by date-backdated (time.Now by default).
func WithNow(now func() time.Time) Option {
	return func(c *Checker) { c.now = now }
}

// WithWorkers sets how many posts CheckSite checks in parallel
// (GOMAXPROCS by default).
func WithWorkers(n int) Option {
	return func(c *Checker) {
		if n > 0 {
			c.workers = n
		}
	}
}

// GCPercent is the GOGC a run of checks is made for, and the one herald
// check sets unless the GOGC environment variable says otherwise. A post's
// check allocates about 170 KB and keeps little of it (the findings), so
// with Go's default of 100 the collector runs every few hundred posts over a
// small live heap and takes about a fifth of the CPU; at 400 a realistic
// post's check took 0.78x the CPU time (BenchmarkCheckPost, which runs at
// it, against the same run at 100). What bounds the memory of a large site's
// run is the soft memory limit herald check sets beside it.
const GCPercent = 400

// Checker runs the rules with one configuration. It is safe for
// concurrent use.
type Checker struct {
	cfg      *content.Config
	now      func() time.Time
	workers  int
	md       goldmark.Markdown
	severity map[string]string
	rules    map[string]Rule
	docs     sync.Pool // of *doc, see newDoc

	mu    sync.Mutex
	site  *content.Site // the site idx was built for
	idx   *Index
	prose *prose.Checker
}

// New returns a Checker for the configuration cfg (defaults when nil).
func New(cfg *content.Config, opts ...Option) *Checker {
	if cfg == nil {
		cfg = content.DefaultConfig()
	}
	c := &Checker{
		cfg:      cfg,
		now:      time.Now,
		workers:  runtime.GOMAXPROCS(0),
		severity: map[string]string{},
		rules:    map[string]Rule{},
		md: goldmark.New(
			goldmark.WithExtensions(extension.Table, extension.Strikethrough, extension.TaskList, extension.Footnote),
			goldmark.WithParserOptions(parser.WithAttribute()),
		),
	}
	for _, r := range Rules() {
		c.rules[r.ID] = r
		c.severity[r.ID] = r.Severity
		if rc, ok := cfg.Rules[r.ID]; ok && rc.Severity != "" {
			c.severity[r.ID] = string(rc.Severity)
		}
	}
	for _, o := range opts {
		o(c)
	}
	return c
}

// ConfigFindings returns the defects of the site's configuration as
// findings on the configuration file, including rules that do not exist.
func (c *Checker) ConfigFindings(site *content.Site) []Finding {
	var out []Finding
	p := site.ConfigPath
	if p == "" {
		p = content.ConfigFile
	}
	for _, pr := range site.ConfigProblems {
		out = append(out, Finding{Rule: RuleInvalidConfig, Severity: c.severity[RuleInvalidConfig], Path: p,
			Line: pr.Line, Column: max(pr.Column, 1), Message: pr.Message})
	}
	ids := make([]string, 0, len(c.rules))
	for id := range c.rules {
		ids = append(ids, id)
	}
	for name, rc := range c.cfg.Rules {
		if _, ok := c.rules[name]; ok {
			continue
		}
		msg := fmt.Sprintf("unknown rule %q", name)
		if s := content.Nearest(name, ids); s != "" {
			msg += fmt.Sprintf(" (did you mean %q?)", s)
		}
		out = append(out, Finding{Rule: RuleInvalidConfig, Severity: c.severity[RuleInvalidConfig], Path: p,
			Line: max(rc.Line, 1), Column: max(rc.Column, 1), Message: msg})
	}
	for _, sk := range site.Skipped {
		if site.IsPost(sk.Path) {
			continue // reported with the post
		}
		out = append(out, Finding{Rule: RuleUnreadableFile, Severity: c.severity[RuleUnreadableFile], Path: sk.Path,
			Line: 1, Column: 1, Message: "this is a " + sk.Reason})
	}
	for _, r := range []*content.Registry{site.Authors, site.Tags} {
		if r != nil && r.Problem != nil {
			out = append(out, Finding{Rule: RuleInvalidConfig, Severity: c.severity[RuleInvalidConfig], Path: r.Path,
				Line: 1, Column: 1, Message: "the registry cannot be read: " + r.Problem.Error()})
		}
	}
	return out
}

// Index is what the checks need to know about the whole site: the URL of
// every post, the vocabulary of the posts, and the front-matter keys in use.
type Index struct {
	mu     sync.Mutex          // guards urls and fields while posts are added or removed
	urls   map[string][]string // URL path -> post paths, sorted
	fields map[string]int      // front-matter key -> number of posts using it
	vocab  *prose.Vocabulary
}

// Index reads every post of site and builds its index. Check builds it on
// first use; call Index to control when the reading happens.
func (c *Checker) Index(ctx context.Context, site *content.Site) (*Index, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.site == site && c.idx != nil {
		return c.idx, nil
	}
	// One post at a time per worker: each is parsed, added and dropped, so
	// the memory does not grow with the number of posts.
	idx := c.NewIndex()
	err := c.each(ctx, site, site.Posts, func(p *content.Post) { c.AddPost(idx, p) })
	if err != nil {
		return nil, err
	}
	c.site, c.idx = site, idx
	c.prose = c.newProse(idx.vocab)
	return idx, nil
}

// UseIndex makes the checker use idx as the index of site instead of reading
// every post of site again. idx may come from another commit of the same
// repository, such as the base of a pull request: the posts the pull request
// adds or changes are then missing from the vocabulary and URLs of the index
// (their own findings are unaffected), which is what makes checking a
// one-post pull request in a large site cheap.
func (c *Checker) UseIndex(site *content.Site, idx *Index) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.site, c.idx = site, idx
	c.prose = c.newProse(idx.vocab)
}

// newProse returns the text checker for the site's words and vocabulary
// (nil for none).
func (c *Checker) newProse(vocab *prose.Vocabulary) *prose.Checker {
	return prose.NewChecker(prose.Options{Words: c.cfg.Words, Vocabulary: vocab, MinDocs: c.intOption(RuleMisspelling, "min_docs", 0)})
}

// vocabularyText returns the prose of a Markdown body for the site
// vocabulary, cheaply and without a full parse: fenced code, inline code,
// HTML comments and URLs are left out. (The rules themselves read the
// goldmark tree; the vocabulary only counts words.)
func vocabularyText(body []byte) string {
	var b strings.Builder
	b.Grow(len(body))
	inFence := false
	var fence string
	inComment := false
	for len(body) > 0 {
		line := body
		if i := bytes.IndexByte(body, '\n'); i >= 0 {
			line, body = body[:i], body[i+1:]
		} else {
			body = nil
		}
		t := trimIndent(line)
		if inFence {
			if bytes.HasPrefix(t, []byte(fence)) {
				inFence = false
			}
			continue
		}
		if bytes.HasPrefix(t, []byte("```")) || bytes.HasPrefix(t, []byte("~~~")) {
			inFence, fence = true, string(t[:3])
			continue
		}
		inCode := false
		for i := 0; i < len(line); {
			for i < len(line) && (line[i] == ' ' || line[i] == '\t' || line[i] == '\r') {
				i++
			}
			if !inComment {
				// The plain words up to the next word that needs a look
				// (one with a backtick, '<' or ':') are copied in one go.
				end := len(line)
				if k := bytes.IndexAny(line[i:], "`<:"); k >= 0 {
					end = i + k
					for end > i && line[end-1] != ' ' && line[end-1] != '\t' && line[end-1] != '\r' {
						end--
					}
				}
				if end > i {
					if !inCode {
						b.Write(line[i:end])
						b.WriteByte(' ')
					}
					i = end
					continue
				}
			}
			// One pass over the word: its end, its backticks, and whether
			// it may hold "://" or "-->" (both need a ':' or a '>').
			j, ticks, colon, gt := i, 0, false, false
			for ; j < len(line); j++ {
				c := line[j]
				if c == ' ' || c == '\t' || c == '\r' {
					break
				}
				switch c {
				case '`':
					ticks++
				case ':':
					colon = true
				case '>':
					gt = true
				}
			}
			w := line[i:j]
			i = j
			if len(w) == 0 {
				continue
			}
			if inComment {
				if gt && bytes.Contains(w, []byte("-->")) {
					inComment = false
				}
				continue
			}
			if w[0] == '<' && bytes.HasPrefix(w, []byte("<!--")) {
				inComment = !gt || !bytes.Contains(w, []byte("-->"))
				continue
			}
			if ticks > 0 {
				if ticks%2 == 1 {
					inCode = !inCode
				}
				continue
			}
			if inCode || colon && bytes.Contains(w, []byte("://")) {
				continue
			}
			b.Write(w)
			b.WriteByte(' ')
		}
		b.WriteByte('\n')
	}
	return b.String()
}

// each reads the posts at paths with c.workers goroutines and calls fn for
// each; it stops at the first I/O error.
func (c *Checker) each(ctx context.Context, site *content.Site, paths []string, fn func(*content.Post)) error {
	return site.ReadEach(ctx, paths, c.workers, func(_ int, p *content.Post) { fn(p) })
}

// CheckSite checks every post of the site and the site's configuration.
// Posts already in the repository are not new, so date-backdated is left
// out; it applies to the posts of CheckPaths and Check.
func (c *Checker) CheckSite(ctx context.Context, site *content.Site) ([]Finding, error) {
	return c.checkPaths(ctx, site, site.Posts, false)
}

// CheckPaths checks the posts at paths (what a pull request changed) and
// the site's configuration. Paths that are not posts of the site, or that
// the site no longer has (a deleted post), are ignored.
func (c *Checker) CheckPaths(ctx context.Context, site *content.Site, paths []string) ([]Finding, error) {
	return c.checkPaths(ctx, site, paths, true)
}

// CheckMoved checks the posts at paths as posts already in the repository
// that a change only moved or renamed: like CheckPaths, but date-backdated
// is left out, since a moved post is not a new one.
func (c *Checker) CheckMoved(ctx context.Context, site *content.Site, paths []string) ([]Finding, error) {
	return c.checkPaths(ctx, site, paths, false)
}

// CheckChange checks what a change (a pull request, a range of commits)
// did to the site: the posts at changed as new or changed posts (as
// CheckPaths), the posts at moved as posts the change only moved or renamed
// (as CheckMoved), and the site's configuration once. A path in both lists
// counts as moved.
func (c *Checker) CheckChange(ctx context.Context, site *content.Site, changed, moved []string) ([]Finding, error) {
	isMoved := make(map[string]bool, len(moved))
	for _, p := range moved {
		isMoved[p] = true
	}
	fresh := slices.DeleteFunc(slices.Clone(changed), func(p string) bool { return isMoved[p] })
	out, err := c.checkPaths(ctx, site, fresh, true)
	if err != nil || len(moved) == 0 {
		return out, err
	}
	more, err := c.checkPosts(ctx, site, moved, false)
	if err != nil {
		return nil, err
	}
	out = append(out, more...)
	SortFindings(out)
	return out, nil
}

func (c *Checker) checkPaths(ctx context.Context, site *content.Site, paths []string, changed bool) ([]Finding, error) {
	if _, err := c.Index(ctx, site); err != nil {
		return nil, err
	}
	// Each post is read again and parsed here rather than kept from the
	// index pass: keeping them made the memory grow with the site (about
	// 90 KB a post), and the front matter is a small part of a check.
	posts, err := c.checkPosts(ctx, site, paths, changed)
	if err != nil {
		return nil, err
	}
	out := append(c.ConfigFindings(site), posts...)
	SortFindings(out)
	return out, nil
}

// checkPosts checks the posts of site at paths, without the configuration;
// the findings are not sorted. Paths that are not posts of the site, or
// that the site no longer has, are ignored.
func (c *Checker) checkPosts(ctx context.Context, site *content.Site, paths []string, changed bool) ([]Finding, error) {
	var posts []string
	skipped := map[string]bool{}
	for _, sk := range site.Skipped {
		skipped[sk.Path] = true
	}
	for _, p := range paths {
		if site.IsPost(p) && (site.HasFile(p) || skipped[p]) {
			posts = append(posts, p)
		}
	}
	var out []Finding
	var mu sync.Mutex
	err := c.each(ctx, site, posts, func(p *content.Post) {
		fs := c.check(ctx, site, p, changed)
		mu.Lock()
		out = append(out, fs...)
		mu.Unlock()
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// Check runs every rule on one post of site and returns the findings
// sorted by line and column. The site index (URLs, vocabulary) is built on
// first use; an I/O error while building it leaves the site-wide rules out.
func (c *Checker) Check(ctx context.Context, site *content.Site, post *content.Post) []Finding {
	return c.check(ctx, site, post, true)
}

func (c *Checker) check(ctx context.Context, site *content.Site, post *content.Post, changed bool) []Finding {
	idx, err := c.Index(ctx, site)
	c.mu.Lock()
	pc := c.prose
	c.mu.Unlock()
	if err != nil || pc == nil {
		idx = &Index{urls: map[string][]string{}, fields: map[string]int{}}
		pc = c.newProse(nil)
	}
	r := &run{c: c, site: site, post: post, idx: idx, prose: pc, changed: changed}
	r.all()
	SortFindings(r.out)
	return r.out
}

// run is one check of one post.
type run struct {
	c     *Checker
	site  *content.Site
	post  *content.Post
	idx   *Index
	prose *prose.Checker
	// changed is true for a post being added or changed, false for one
	// already in the repository.
	changed bool
	out     []Finding
}

func (r *run) add(rule string, start, end int, fix *Fix, format string, args ...any) {
	sev := r.severity(rule)
	if sev == "" || sev == string(content.SeverityOff) {
		return
	}
	var msg string
	switch {
	case len(args) == 0:
		msg = format
	case format == "%s" && len(args) == 1:
		// The message is ready: no formatting, no copy.
		if s, ok := args[0].(string); ok {
			msg = s
		} else {
			msg = fmt.Sprintf(format, args...)
		}
	default:
		msg = fmt.Sprintf(format, args...)
	}
	f := Finding{Rule: rule, Severity: sev, Path: r.post.Path, Message: msg, Fix: fix}
	if r.post.Lines != nil {
		s := r.post.Lines.Pos(start)
		f.Line, f.Column = s.Line, s.Column
		if end > start {
			e := r.post.Lines.Pos(end)
			f.EndLine, f.EndColumn = e.Line, e.Column
		}
	} else {
		f.Line, f.Column = 1, 1
	}
	r.out = append(r.out, f)
}

// addCapped reports like add, at warning level at most: a finding that
// may be what the author meant never blocks publishing.
func (r *run) addCapped(rule string, start, end int, fix *Fix, msg string) {
	n := len(r.out)
	r.add(rule, start, end, fix, "%s", msg)
	if len(r.out) > n && r.out[n].Severity == string(content.SeverityError) {
		r.out[n].Severity = string(content.SeverityWarning)
	}
}

func (r *run) addAt(rule string, pos content.Pos, fix *Fix, format string, args ...any) {
	r.add(rule, pos.Offset, pos.Offset, fix, format, args...)
}

func (r *run) enabled(rule string) bool {
	s := r.severity(rule)
	return s != "" && s != string(content.SeverityOff)
}

func (r *run) all() {
	p := r.post
	for _, pr := range p.Problems {
		switch pr.Kind {
		case content.ProblemSyntax:
			r.addAt(RuleFrontmatterSyntax, pr.Pos, nil, "%s", pr.Message)
		default:
			r.addAt(RuleUnreadableFile, pr.Pos, nil, "%s", pr.Message)
		}
	}
	if !p.Readable() {
		return
	}
	r.frontMatter()
	r.dates()
	r.registries()
	r.slug()
	if msg, at := tooComplex(p.Body()); msg != "" {
		// Refuse rather than spend minutes: the rest is not checked.
		r.add(RuleUnreadableFile, p.BodyStart+at, p.BodyStart+at, nil, "%s", msg)
		return
	}
	doc := r.c.parse(p, postSyntax(r.site, p))
	r.markdown(doc)
	r.c.releaseDoc(doc)
}

// intOption reads an integer option of a rule.
func (c *Checker) intOption(rule, name string, def int) int {
	rc, ok := c.cfg.Rules[rule]
	if !ok {
		return def
	}
	switch v := rc.Options[name].(type) {
	case int:
		return v
	case string:
		if n, err := strconv.Atoi(v); err == nil {
			return n
		}
	}
	return def
}

func (c *Checker) boolOption(rule, name string) bool {
	rc, ok := c.cfg.Rules[rule]
	if !ok {
		return false
	}
	b, _ := rc.Options[name].(bool)
	return b
}

// siteJoin resolves a site-relative path.
func siteJoin(site *content.Site, p string) string {
	if site.Root == "." || site.Root == "" {
		return path.Clean(p)
	}
	return path.Join(site.Root, p)
}
