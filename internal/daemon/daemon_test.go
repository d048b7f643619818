package daemon_test

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/heraldhq/herald/internal/daemon"
	"github.com/heraldhq/herald/webhook"
)

// recorder is a reconciler that counts what it is asked.
type recorder struct {
	mu        sync.Mutex
	all       int
	requests  []webhook.Request
	failFirst error // returned by the first ReconcileAll
}

func (r *recorder) Reconcile(_ context.Context, req webhook.Request) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.requests = append(r.requests, req)
	return nil
}

func (r *recorder) ReconcileAll(context.Context) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.all++
	if r.all == 1 && r.failFirst != nil {
		return r.failFirst
	}
	return nil
}

func (r *recorder) counts() (int, int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.all, len(r.requests)
}

func config() daemon.Config {
	return daemon.Config{
		AdminListen: "off", MaxInFlight: 4, MaxConns: 16, BodyBudget: webhook.DefaultBodyBudget,
		Secrets: []string{"s3cret"}, SecretSource: "test", Path: webhook.DefaultPath, MaxBody: webhook.DefaultMaxBodyBytes,
		Workers: 1, ShutdownTimeout: 5 * time.Second, ReconcileTimeout: 5 * time.Second,
		ResyncSpec: "@every 1h", ResyncSetting: "--resync \"@every 1h\"", Version: "test",
	}
}

// start runs the daemon on a loopback listener until the test ends and
// returns its URL, its stop, and a wait for Run's result.
func start(t *testing.T, cfg daemon.Config, rec daemon.Reconciler) (string, context.CancelFunc, func() error) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	var runErr error
	go func() {
		defer close(done)
		runErr = daemon.Run(ctx, cfg, daemon.Deps{Log: slog.New(slog.DiscardHandler), Listener: ln, Reconciler: rec, RetryEvery: 10 * time.Millisecond})
	}()
	wait := func() error {
		<-done
		return runErr
	}
	t.Cleanup(func() {
		cancel()
		wait()
	})
	return "http://" + ln.Addr().String(), cancel, wait
}

// waitReady polls /readyz until it answers 200.
func waitReady(t *testing.T, url string) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		resp, err := http.Get(url + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
	}
	t.Fatal("never ready")
}

// TestRunReadyAfterTheFirstReconcile shows the order a person relies on:
// the daemon is not ready until its first full reconcile succeeded (here
// the second try), a signed delivery reaches the reconciler, and a
// cancelled context stops it cleanly.
func TestRunReadyAfterTheFirstReconcile(t *testing.T) {
	t.Parallel()
	rec := &recorder{failFirst: errors.New("git server down")}
	url, cancel, wait := start(t, config(), rec)
	waitReady(t, url)
	if all, _ := rec.counts(); all < 2 {
		t.Errorf("ready after %d full reconciles, want the failed one and a retry", all)
	}

	body := []byte(`{"action":"opened","number":7,"repository":{"full_name":"acme/blog"},"pull_request":{"number":7,"head":{"sha":"` + strings.Repeat("a", 40) + `"}}}`)
	mac := hmac.New(sha256.New, []byte("s3cret"))
	mac.Write(body)
	req, _ := http.NewRequest(http.MethodPost, url+webhook.DefaultPath, bytes.NewReader(body))
	req.Header.Set("X-GitHub-Event", "pull_request")
	req.Header.Set("X-GitHub-Delivery", "d-1")
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Hub-Signature-256", "sha256="+hex.EncodeToString(mac.Sum(nil)))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusAccepted {
		t.Fatalf("signed delivery answered %d, want 202", resp.StatusCode)
	}
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		if _, n := rec.counts(); n == 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the delivery never reached the reconciler")
		}
	}

	cancel()
	if err := wait(); err != nil {
		t.Errorf("Run after a clean stop = %v, want nil", err)
	}
}

// TestRunRefusesBadSettings shows the one line a person reads for a
// setting the daemon cannot start with: a *SettingError naming it.
func TestRunRefusesBadSettings(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		edit func(*daemon.Config)
		want string
	}{
		{"bad resync spec", func(c *daemon.Config) { c.ResyncSpec, c.ResyncSetting = "every 5", `--resync "every 5"` }, `--resync "every 5": `},
		{"listen address taken", func(c *daemon.Config) { c.Listen = "127.0.0.1:-1" }, "--listen 127.0.0.1:-1: "},
		{"bad webhook path", func(c *daemon.Config) { c.Path = "no-slash" }, "--webhook-path: "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			cfg := config()
			tt.edit(&cfg)
			var ln net.Listener
			if cfg.Listen == "" {
				var err error
				if ln, err = net.Listen("tcp", "127.0.0.1:0"); err != nil {
					t.Fatal(err)
				}
				defer ln.Close()
			}
			err := daemon.Run(context.Background(), cfg, daemon.Deps{Log: slog.New(slog.DiscardHandler), Listener: ln, Reconciler: &recorder{}})
			var bad *daemon.SettingError
			if !errors.As(err, &bad) || !strings.HasPrefix(bad.Error(), tt.want) {
				t.Fatalf("Run = %v, want a setting error starting %q", err, tt.want)
			}
			if n := strings.Count(bad.Error(), "(want "); n > 1 {
				t.Errorf("the hint is given %d times: %v", n, bad)
			}
			t.Logf("herald serve: %v", bad)
		})
	}
}
