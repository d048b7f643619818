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
// last rebuild, from RecordRef. A repository where herald never triggered a
// rebuild gives the zero Done.
func (p *Publisher) ReadDone(ctx context.Context) (Done, error) {
	if p.records == nil {
		return Done{}, fmt.Errorf("read the rebuild record of %s: %w", p.repo, ErrNotConfigured)
	}
	tip, err := p.records.Tip(ctx)
	if err != nil {
		return Done{}, fmt.Errorf("read the rebuild record of %s: %w", p.repo, err)
	}
	last, err := p.readRecord(ctx, tip)
	if err != nil {
		return Done{}, err
	}
	return Done{LastRebuild: last}, nil
}

func (p *Publisher) readRecord(ctx context.Context, commit string) (time.Time, error) {
	if commit == "" {
		return time.Time{}, nil
	}
	raw, err := p.records.ReadFile(ctx, commit, recordFile)
	if errors.Is(err, fs.ErrNotExist) {
		return time.Time{}, nil
	}
	if err != nil {
		return time.Time{}, fmt.Errorf("read the rebuild record of %s at %s: %w", p.repo, short(commit), err)
	}
	return parseRecord(raw)
}

func parseRecord(raw []byte) (time.Time, error) {
	sc := bufio.NewScanner(bytes.NewReader(raw))
	for sc.Scan() {
		v, ok := strings.CutPrefix(sc.Text(), "last-rebuild:")
		if !ok {
			continue
		}
		v = strings.TrimSpace(v)
		if v == "" {
			return time.Time{}, nil
		}
		t, err := time.Parse(time.RFC3339Nano, v)
		if err != nil {
			return time.Time{}, fmt.Errorf("the rebuild record says %q, which is not an RFC 3339 time: %w", v, err)
		}
		return t, nil
	}
	return time.Time{}, nil
}

// formatRecord writes the record file. Each record carries a random claim,
// so that two replicas recording at the same second build different commits
// and only one of their guarded pushes wins (pushing the very commit a ref
// already points at succeeds).
func formatRecord(last time.Time, reason string) []byte {
	v := ""
	if !last.IsZero() {
		v = last.UTC().Format(time.RFC3339Nano)
	}
	return fmt.Appendf(nil, "last-rebuild: %s\nreason: %s\nclaim: %s\n", v, oneLine(reason), rand.Text())
}

// rebuild triggers one deploy for the items. The record ref decides first,
// by a guarded push, which replica triggers: the loser finds the items
// covered and reports already-done.
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
		last, err := p.readRecord(ctx, recTip)
		if err != nil {
			return fail(err)
		}
		if !last.IsZero() && !last.Before(maxDue) {
			l.Info("already rebuilt", "last_rebuild", last)
			return Outcome{Action: a, Status: OutcomeAlreadyDone}
		}
		at := p.now()
		if at.Before(maxDue) {
			at = maxDue
		}
		if p.dry(ctx, l, "record and trigger a rebuild", "kind", string(a.Kind), "reason", a.Reason, "at", at) {
			return Outcome{Action: a, Status: OutcomeDryRun}
		}
		parent := recTip
		if parent == "" {
			if p.branch == nil {
				return fail(fmt.Errorf("rebuild %s: no default branch to start the record on: %w", p.repo, ErrNotConfigured))
			}
			if parent, err = p.branch.Tip(ctx); err != nil {
				return fail(fmt.Errorf("rebuild %s: read the branch: %w", p.repo, err))
			}
		}
		msg := fmt.Sprintf("rebuild: %s\n\nHerald-Rebuild: %s\n", oneLine(a.Reason), at.UTC().Format(time.RFC3339))
		rec, err := p.records.Commit(ctx, CommitRequest{Parent: parent, Files: map[string][]byte{recordFile: formatRecord(at, a.Reason)},
			Message: msg, Author: p.identity, Time: at})
		if err != nil {
			return fail(fmt.Errorf("rebuild %s: record: %w", p.repo, err))
		}
		err = p.records.Push(ctx, rec, recTip)
		if errors.Is(err, ErrBranchMoved) {
			l.Info("record moved; re-reading", "attempt", attempt)
			continue
		}
		if err != nil {
			return fail(fmt.Errorf("rebuild %s: push the record: %w", p.repo, err))
		}
		commit, err := p.fire(ctx, a, at)
		if err != nil {
			p.release(ctx, rec, last, a.Reason)
			return fail(fmt.Errorf("rebuild %s (%s): %w", p.repo, a.Kind, err))
		}
		l.Info("rebuild triggered", "kind", string(a.Kind), "reason", a.Reason)
		return Outcome{Action: a, Status: OutcomeDone, Commit: commit}
	}
	return fail(fmt.Errorf("rebuild %s: the record moved on each of %d attempts: %w", p.repo, p.maxAttempts, ErrBranchMoved))
}

// release puts the previous record back after a trigger failed, so that the
// next plan triggers again. It is guarded like every push: if another replica
// moved the record meanwhile, its record stands.
func (p *Publisher) release(ctx context.Context, rec string, last time.Time, reason string) {
	l := p.logger("rebuild", 0, "")
	back, err := p.records.Commit(ctx, CommitRequest{Parent: rec, Files: map[string][]byte{recordFile: formatRecord(last, "released after a failed trigger: "+reason)},
		Message: "rebuild: released after a failed trigger\n", Author: p.identity, Time: p.now()})
	if err == nil {
		err = p.records.Push(ctx, back, rec)
	}
	if err != nil {
		l.Error("could not release the rebuild record; the rebuild will not be retried by itself", "err", err)
	}
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

func (p *Publisher) emptyCommit(ctx context.Context, a TriggerRebuild, at time.Time) (string, error) {
	msg := fmt.Sprintf("rebuild: %s\n\nHerald-Rebuild: %s\n", oneLine(a.Reason), at.UTC().Format(time.RFC3339))
	for attempt := 1; attempt <= p.maxAttempts; attempt++ {
		tip, err := p.branch.Tip(ctx)
		if err != nil {
			return "", fmt.Errorf("read the branch: %w", err)
		}
		c, err := p.branch.Commit(ctx, CommitRequest{Parent: tip, Message: msg, Author: p.identity, Time: at, AllowEmpty: true})
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
