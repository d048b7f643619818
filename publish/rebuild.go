package publish

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// recordFile is the file in RecordRef's tree that holds the last rebuild.
const recordFile = ".herald-rebuilds"

// NewHookClient returns the HTTP client used for build hooks when none is
// given: it gives up after timeout and does not follow redirects (a redirect
// is answered as a failure, so a hook URL that moved is noticed).
func NewHookClient(timeout time.Duration) *http.Client {
	return &http.Client{
		Timeout: timeout,
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		},
	}
}

// ReadDone reads back what herald did on the default branch: the time of the
// last confirmed rebuild, from RecordRef. A repository where herald never
// triggered a rebuild gives the zero Done.
func (p *Publisher) ReadDone(ctx context.Context) (Done, error) {
	if p.records == nil {
		return Done{}, fmt.Errorf("read the rebuild record of %s: %w", p.repo, ErrNotConfigured)
	}
	tip, err := p.records.Tip(ctx)
	if err != nil {
		return Done{}, fmt.Errorf("read the rebuild record of %s: %w", p.repo, err)
	}
	rec, err := p.readRecord(ctx, tip)
	if err != nil {
		return Done{}, err
	}
	return Done{LastRebuild: rec.last}, nil
}

// record is the content of the record file: the last confirmed rebuild and
// the claim of a rebuild in flight, if any.
type record struct {
	// last is when the last confirmed rebuild was triggered.
	last time.Time
	// claimedAt is when a replica claimed a rebuild that is not confirmed
	// yet (zero: none); covers is the time that rebuild will record.
	claimedAt, covers time.Time
	reason            string
}

func (p *Publisher) readRecord(ctx context.Context, commit string) (record, error) {
	if commit == "" {
		return record{}, nil
	}
	raw, err := p.records.ReadFile(ctx, commit, recordFile)
	if errors.Is(err, fs.ErrNotExist) {
		return record{}, nil
	}
	if err != nil {
		return record{}, fmt.Errorf("read the rebuild record of %s at %s: %w", p.repo, short(commit), err)
	}
	r, err := parseRecord(raw)
	if err != nil {
		return record{}, fmt.Errorf("the rebuild record of %s at %s: %w", p.repo, short(commit), err)
	}
	return r, nil
}

func parseRecord(raw []byte) (record, error) {
	var r record
	sc := bufio.NewScanner(bytes.NewReader(raw))
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), ":")
		if !ok {
			continue
		}
		v = strings.TrimSpace(v)
		var dst *time.Time
		switch k {
		case "last-rebuild":
			dst = &r.last
		case "claimed-at":
			dst = &r.claimedAt
		case "covers":
			dst = &r.covers
		case "reason":
			r.reason = v
		}
		if dst == nil || v == "" {
			continue
		}
		t, err := time.Parse(time.RFC3339Nano, v)
		if err != nil {
			return record{}, fmt.Errorf("%s %q is not an RFC 3339 time", k, v)
		}
		*dst = t
	}
	return r, nil
}

// format writes the record file. Each write carries a random claim, so that
// two replicas writing at the same second build different commits and only
// one of their guarded pushes wins (pushing the very commit a ref already
// points at succeeds).
func (r record) format() []byte {
	ts := func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.UTC().Format(time.RFC3339Nano)
	}
	return fmt.Appendf(nil, "last-rebuild: %s\nclaimed-at: %s\ncovers: %s\nreason: %s\nnonce: %s\n",
		ts(r.last), ts(r.claimedAt), ts(r.covers), oneLine(r.reason), rand.Text())
}

// writeRecord commits r on parent (or, when the record ref does not exist
// yet, on the default branch's tip) and pushes it guarded by expectedOld.
func (p *Publisher) writeRecord(ctx context.Context, r record, parent, expectedOld, message string) (string, error) {
	if parent == "" {
		if p.branch == nil {
			return "", fmt.Errorf("no default branch to start the record on: %w", ErrNotConfigured)
		}
		var err error
		if parent, err = p.branch.Tip(ctx); err != nil {
			return "", fmt.Errorf("read the branch: %w", err)
		}
	}
	c, err := p.records.Commit(ctx, parent, map[string][]byte{recordFile: r.format()}, message, p.now())
	if err != nil {
		return "", fmt.Errorf("record: %w", err)
	}
	if err := p.records.Push(ctx, c, expectedOld); err != nil {
		return "", err
	}
	return c, nil
}

// rebuild triggers one deploy for the items, in three guarded steps on the
// record ref: claim, trigger, confirm. The claim decides, by a guarded push,
// which replica triggers: the others find the items claimed or covered and
// report already-done. A claim not confirmed within the lease (its replica
// died before or while triggering) is taken over, so a rebuild is delayed,
// never lost; a replica that dies after triggering and before confirming
// makes the rebuild run twice.
func (p *Publisher) rebuild(ctx context.Context, a TriggerRebuild) Outcome {
	l := p.logger("rebuild", 0, "")
	fail := func(err error) Outcome {
		l.Warn("rebuild failed", "err", err)
		return Outcome{Action: a, Status: OutcomeFailed, Err: err}
	}
	if err := p.triggerReady(a.Kind); err != nil {
		return fail(fmt.Errorf("rebuild %s: %w", p.repo, err))
	}
	if p.records == nil {
		return fail(fmt.Errorf("rebuild %s: no record ref: %w", p.repo, ErrNotConfigured))
	}
	var maxDue time.Time
	for _, it := range a.Items {
		if it.Due.After(maxDue) {
			maxDue = it.Due
		}
	}
	for attempt := 1; attempt <= p.maxAttempts; attempt++ {
		recTip, err := p.records.Tip(ctx)
		if err != nil {
			return fail(fmt.Errorf("rebuild %s: read the record: %w", p.repo, err))
		}
		prev, err := p.readRecord(ctx, recTip)
		if err != nil {
			return fail(err)
		}
		now := p.now()
		if !prev.last.IsZero() && !prev.last.Before(maxDue) {
			l.Info("already rebuilt", "last_rebuild", prev.last)
			return Outcome{Action: a, Status: OutcomeAlreadyDone}
		}
		if !prev.claimedAt.IsZero() && !prev.covers.Before(maxDue) && now.Sub(prev.claimedAt) < p.lease {
			l.Info("another replica is triggering this rebuild", "claimed_at", prev.claimedAt)
			return Outcome{Action: a, Status: OutcomeAlreadyDone}
		}
		at := now
		if at.Before(maxDue) {
			at = maxDue
		}
		if p.dry(ctx, l, "record and trigger a rebuild", "kind", string(a.Kind), "reason", a.Reason, "at", at) {
			return Outcome{Action: a, Status: OutcomeDryRun}
		}
		claim := record{last: prev.last, claimedAt: now, covers: at, reason: a.Reason}
		claimCommit, err := p.writeRecord(ctx, claim, recTip, recTip, fmt.Sprintf("rebuild claimed: %s\n", oneLine(a.Reason)))
		if errors.Is(err, ErrBranchMoved) {
			l.Info("record moved; re-reading", "attempt", attempt)
			continue
		}
		if err != nil {
			return fail(fmt.Errorf("rebuild %s: claim: %w", p.repo, err))
		}
		commit, err := p.fire(ctx, a, at)
		if err != nil {
			// Give the claim back so the next plan triggers again at once.
			back := record{last: prev.last, reason: "released after a failed trigger: " + a.Reason}
			if _, rerr := p.writeRecord(ctx, back, claimCommit, claimCommit, "rebuild released after a failed trigger\n"); rerr != nil {
				l.Warn("could not release the rebuild claim; it is taken over when its lease ends", "err", rerr, "lease", p.lease)
			}
			return fail(fmt.Errorf("rebuild %s (%s): %w", p.repo, a.Kind, err))
		}
		if _, err := p.writeRecord(ctx, record{last: at, reason: a.Reason}, claimCommit, claimCommit, rebuildMessage(a, at)); err != nil {
			// The deploy started; only its record is missing. Report it,
			// since the claim's lease ending will trigger once more.
			l.Warn("rebuild triggered but not confirmed; it may run again when the claim's lease ends", "err", err)
		}
		l.Info("rebuild triggered", "kind", string(a.Kind), "reason", a.Reason)
		o := Outcome{Action: a, Status: OutcomeDone, Commit: commit}
		if commit != "" {
			o.Message = rebuildMessage(a, at) // the empty commit's
		}
		return o
	}
	return fail(fmt.Errorf("rebuild %s: the record moved on each of %d attempts: %w", p.repo, p.maxAttempts, ErrBranchMoved))
}

// triggerReady checks that kind can be carried out before anything is
// recorded.
func (p *Publisher) triggerReady(kind TriggerKind) error {
	switch kind {
	case TriggerWorkflowDispatch:
		if p.dispatch == nil || p.trigger.Workflow == "" {
			return fmt.Errorf("workflow_dispatch needs a forge and a workflow name: %w", ErrNotConfigured)
		}
	case TriggerRepositoryDispatch:
		if p.dispatch == nil {
			return fmt.Errorf("repository_dispatch needs a forge: %w", ErrNotConfigured)
		}
	case TriggerHook:
		if p.trigger.HookURL == "" {
			return fmt.Errorf("the hook trigger needs a URL: %w", ErrNotConfigured)
		}
	case TriggerEmptyCommit:
		if p.branch == nil {
			return fmt.Errorf("the empty-commit trigger needs the default branch: %w", ErrNotConfigured)
		}
	default:
		return fmt.Errorf("unknown rebuild trigger %q", kind)
	}
	return nil
}

// payload is what repository_dispatch and build hooks receive.
func payload(a TriggerRebuild, at time.Time) map[string]any {
	items := make([]any, 0, len(a.Items))
	for _, it := range a.Items {
		items = append(items, map[string]any{
			"path":  it.Path,
			"title": it.Title,
			"cause": string(it.Cause),
			"due":   it.Due.UTC().Format(time.RFC3339),
		})
	}
	return map[string]any{
		"reason":       a.Reason,
		"triggered_at": at.UTC().Format(time.RFC3339),
		"items":        items,
	}
}

// fire starts the deploy and returns the commit pushed, if any.
func (p *Publisher) fire(ctx context.Context, a TriggerRebuild, at time.Time) (string, error) {
	switch a.Kind {
	case TriggerWorkflowDispatch:
		ref := p.trigger.Ref
		if ref == "" {
			ref = p.branchName
		}
		return "", p.dispatch.WorkflowDispatch(ctx, p.trigger.Workflow, ref, nil)
	case TriggerRepositoryDispatch:
		return "", p.dispatch.RepositoryDispatch(ctx, p.trigger.EventType, payload(a, at))
	case TriggerHook:
		return "", p.postHook(ctx, a, at)
	case TriggerEmptyCommit:
		return p.emptyCommit(ctx, a, at)
	}
	return "", fmt.Errorf("unknown rebuild trigger %q", a.Kind)
}

// rebuildMessage is the message of the commit that confirms a rebuild on
// the record ref, and of the empty commit that triggers one.
func rebuildMessage(a TriggerRebuild, at time.Time) string {
	return fmt.Sprintf("rebuild: %s\n\nHerald-Rebuild: %s\n", oneLine(a.Reason), at.UTC().Format(time.RFC3339))
}

func (p *Publisher) emptyCommit(ctx context.Context, a TriggerRebuild, at time.Time) (string, error) {
	msg := rebuildMessage(a, at)
	for attempt := 1; attempt <= p.maxAttempts; attempt++ {
		tip, err := p.branch.Tip(ctx)
		if err != nil {
			return "", fmt.Errorf("read the branch: %w", err)
		}
		c, err := p.branch.Commit(ctx, tip, nil, msg, at)
		if err != nil {
			return "", fmt.Errorf("empty commit: %w", err)
		}
		err = p.branch.Push(ctx, c, tip)
		if errors.Is(err, ErrBranchMoved) {
			continue
		}
		if err != nil {
			return "", fmt.Errorf("push the empty commit: %w", err)
		}
		return c, nil
	}
	return "", fmt.Errorf("the branch moved on each of %d attempts: %w", p.maxAttempts, ErrBranchMoved)
}

func (p *Publisher) postHook(ctx context.Context, a TriggerRebuild, at time.Time) error {
	body, err := json.Marshal(payload(a, at))
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, p.trigger.HookURL, bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("build hook: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "herald")
	c := p.trigger.HookClient
	if c == nil {
		c = NewHookClient(30 * time.Second)
	}
	resp, err := c.Do(req)
	if err != nil {
		// A hook URL often carries its secret: keep it out of the error.
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return fmt.Errorf("build hook: %w", err)
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return fmt.Errorf("build hook answered %s", resp.Status)
	}
	return nil
}
