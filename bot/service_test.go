package bot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/heraldhq/herald/publish"
)

// TestServicePublications shows which outcomes are publications a person is
// told about: done merges, draft flips and empty-commit rebuilds, nothing
// dry, already done, failed, or without a commit.
func TestServicePublications(t *testing.T) {
	var told []Publication
	s, err := NewService(ServiceConfig{Clients: ClientsFunc(nil), Mirrors: MirrorsFunc(nil), Targets: TargetList{},
		Record: true, OnPublished: func(p Publication) { told = append(told, p) }})
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range []publish.Outcome{
		{Action: publish.CommitDraftFlip{Path: "blog/a.md"}, Status: publish.OutcomeDone, Commit: "c1", Message: "publish: A\n\nmore"},
		{Action: publish.CommitDraftFlip{Path: "blog/b.md"}, Status: publish.OutcomeDryRun},
		{Action: publish.CommitDraftFlip{Path: "blog/c.md"}, Status: publish.OutcomeAlreadyDone},
		{Action: publish.Merge{PR: 7}, Status: publish.OutcomeDone, Commit: "m7"},
		{Action: publish.Merge{PR: 8}, Status: publish.OutcomeFailed, Err: errors.New("refused")},
		{Action: publish.TriggerRebuild{Kind: publish.TriggerHook}, Status: publish.OutcomeDone},
		{Action: publish.TriggerRebuild{Kind: publish.TriggerEmptyCommit}, Status: publish.OutcomeDone, Commit: "e1", Message: "rebuild: x"},
		{Action: publish.SetStatus{PR: 7}, Status: publish.OutcomeDone, Commit: "never"},
	} {
		s.observe("acme/blog", "main", o)
	}
	want := []Publication{
		{Repo: "acme/blog", Branch: "main", Commit: "c1", Message: "publish: A\n\nmore"},
		{Repo: "acme/blog", PR: 7, Commit: "m7"},
		{Repo: "acme/blog", Branch: "main", Commit: "e1", Message: "rebuild: x"},
	}
	if diff := cmp.Diff(want, s.Published()); diff != "" {
		t.Errorf("Published (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(want, told); diff != "" {
		t.Errorf("OnPublished (-want +got):\n%s", diff)
	}
}

func TestServiceNeedsItsParts(t *testing.T) {
	_, err := NewService(ServiceConfig{Mirrors: MirrorsFunc(nil), Targets: TargetList{}})
	if err == nil || err.Error() != "bot: a service needs clients, mirrors and targets" {
		t.Errorf("NewService without clients: %v", err)
	}
}

// TestPartial shows when a full reconcile's failure is partial: some
// repositories failed, not all.
func TestPartial(t *testing.T) {
	one, two := errors.New("reconcile a: down"), errors.New("reconcile b: down")
	ctx := context.Background()
	done, cancel := context.WithCancel(ctx)
	cancel()
	tests := []struct {
		name    string
		ctx     context.Context
		err     error
		total   int
		partial bool
	}{
		{"none failed", ctx, nil, 3, false},
		{"one of three", ctx, errors.Join(one), 3, true},
		{"two of three", ctx, errors.Join(one, two), 3, true},
		{"all of two", ctx, errors.Join(one, two), 2, false},
		{"the only one", ctx, one, 1, false},
		{"stopped", done, errors.Join(one), 3, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := partial(tt.ctx, tt.err, tt.total)
			var p *PartialError
			if got := errors.As(err, &p); got != tt.partial {
				t.Fatalf("partial(%v) = %v, partial %v, want %v", tt.err, err, got, tt.partial)
			}
			if p != nil && (p.Total != tt.total || !errors.Is(err, one) || p.Error() != tt.err.Error()) {
				t.Errorf("PartialError %+v (%s)", p, fmt.Sprint(p.Unwrap()))
			}
		})
	}
}

// resyncs is a Resyncer answering with errs in turn.
type resyncs struct{ errs []error }

func (r *resyncs) ReconcileAll(context.Context) error {
	err := r.errs[0]
	r.errs = r.errs[1:]
	return err
}

// TestStartUp shows when a process starting up becomes ready, keeps
// trying, or stops on a setting the forge refused.
func TestStartUp(t *testing.T) {
	refused := errors.New("--github-token: GitHub refused it")
	down := errors.New("cannot reach GitHub")
	tests := []struct {
		name      string
		errs      []error
		wantReady bool
		wantErr   error
	}{
		{"at once", []error{nil}, true, nil},
		{"after an outage", []error{down, down, nil}, true, nil},
		{"some repositories failed", []error{&PartialError{Failed: 1, Total: 2, err: down}}, true, nil},
		{"a setting refused", []error{down, refused}, false, refused},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ready := false
			s := StartUp{Ready: func() { ready = true }, RetryEvery: time.Millisecond, Log: slog.New(slog.DiscardHandler),
				Fatal: func(err error) error {
					if err == refused {
						return err
					}
					return nil
				}}
			err := s.Run(context.Background(), &resyncs{errs: tt.errs})
			if ready != tt.wantReady || err != tt.wantErr {
				t.Errorf("ready %v, error %v; want %v, %v", ready, err, tt.wantReady, tt.wantErr)
			}
		})
	}
}
