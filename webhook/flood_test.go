package webhook_test

import (
	"bufio"
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/exec"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/heraldhq/herald/webhook"
	"github.com/prometheus/client_golang/prometheus"
)

// envFloodServer makes the test binary a webhook server in a process of its
// own, so that its peak memory can be read apart from the load generator's.
const envFloodServer = "HERALD_FLOOD_SERVER"

// TestFloodServerProcess is not a test: run with HERALD_FLOOD_SERVER set (by
// BenchmarkUnsignedFlood), it serves until its standard input closes.
// "herald" serves the receiver as herald serve builds it (GOGC 400, a soft
// memory limit of 128 MiB, the default bounds); "baseline" reads every body
// whole, then checks its HMAC, with no bound, as herald did before.
func TestFloodServerProcess(t *testing.T) {
	mode := os.Getenv(envFloodServer)
	if mode == "" {
		t.Skip("a helper process for BenchmarkUnsignedFlood")
	}
	debug.SetGCPercent(400)
	debug.SetMemoryLimit(128 << 20)
	var h http.Handler
	var herald *webhook.Server
	switch mode {
	case "baseline":
		h = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			b, err := io.ReadAll(io.LimitReader(r.Body, webhook.DefaultMaxBodyBytes+1))
			if err != nil {
				w.WriteHeader(400)
				return
			}
			m := hmac.New(sha256.New, []byte(secret))
			m.Write(b)
			want := "sha256=" + hex.EncodeToString(m.Sum(nil))
			if !hmac.Equal([]byte(want), []byte(r.Header.Get("X-Hub-Signature-256"))) {
				w.WriteHeader(401)
				return
			}
			w.WriteHeader(202)
		})
	case "herald":
		q := webhook.NewQueue(webhook.HandlerFunc(func(ctx context.Context, r webhook.Request) error { return nil }))
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		go q.Run(ctx)
		m, err := webhook.NewMetrics(prometheus.NewRegistry())
		if err != nil {
			t.Fatal(err)
		}
		recv, err := webhook.NewReceiver(q, []string{secret}, webhook.WithMetrics(m),
			webhook.WithLogger(slog.New(slog.NewJSONHandler(io.Discard, nil))))
		if err != nil {
			t.Fatal(err)
		}
		srv, err := webhook.NewServer(recv, webhook.WithServerMetrics(m))
		if err != nil {
			t.Fatal(err)
		}
		herald = srv
	default:
		t.Fatalf("%s=%q: want herald or baseline", envFloodServer, mode)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	go func() { io.Copy(io.Discard, os.Stdin); cancel() }()
	fmt.Println("addr", ln.Addr().String())
	if herald != nil {
		// As herald serve runs it: its own timeouts and connection cap.
		if err := herald.Serve(ctx, ln); err != nil {
			t.Error(err)
		}
		return
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 60 * time.Second}
	go srv.Serve(ln)
	<-ctx.Done()
	srv.Close()
}

// BenchmarkUnsignedFlood sends, three times over, 60 wrongly signed bodies of
// 24 MiB at once to a server in another process, while one sender delivers
// signed ones every 20ms, and reports the server's peak resident memory
// (VmHWM) next to that of a baseline server that reads each body whole before
// checking it, in the same run:
//
//	go test ./webhook -run '^$' -bench UnsignedFlood -benchtime 1x
//
// HERALD_FLOOD_CLIENTS changes the 60.
func BenchmarkUnsignedFlood(b *testing.B) {
	clients := envInt(b, "HERALD_FLOOD_CLIENTS", 60)
	big := bytes.Repeat([]byte(`{"x":"outsider"}`), (24<<20)/16)
	wrong := webhook.Sign([]byte("a guess"), big)
	legit := fixture(b, "pull_request/opened.json")
	var peaks = map[string]float64{}
	for _, mode := range []string{"baseline", "herald"} {
		b.Run(mode, func(b *testing.B) {
			for range b.N {
				res := flood(b, mode, clients, big, wrong, legit)
				peaks[mode] = res.peakMB
				b.ReportMetric(res.peakMB, "peak-RSS-MB")
				b.ReportMetric(float64(res.legit202), "legit-202")
				b.ReportMetric(float64(res.legitOther), "legit-not-202")
				b.ReportMetric(float64(res.flood[401]), "flood-401")
				b.ReportMetric(float64(res.flood[503]), "flood-503")
				b.ReportMetric(float64(res.flood[-1]), "flood-conn-closed")
				b.ReportMetric(0, "ns/op")
				if mode == "herald" && res.legitOther > 0 {
					b.Errorf("%d signed deliveries were not answered 202 during the flood", res.legitOther)
				}
			}
		})
	}
	if peaks["baseline"] > 0 && peaks["herald"] > 0 {
		b.Logf("peak RSS: herald %.0f MB, baseline %.0f MB: %.2fx", peaks["herald"], peaks["baseline"], peaks["herald"]/peaks["baseline"])
	}
}

type floodResult struct {
	peakMB               float64
	legit202, legitOther int
	flood                map[int]int // status, or -1 when the connection closed first
}

// floodServer starts the server process in mode and returns its address and
// process; stop ends it.
func floodServer(b *testing.B, mode string) (addr string, proc *os.Process, stop func()) {
	b.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestFloodServerProcess$", "-test.bench=^$")
	cmd.Env = append(os.Environ(), envFloodServer+"="+mode)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		b.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		b.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	stop = func() {
		stdin.Close()
		cmd.Wait()
	}
	sc := bufio.NewScanner(stdout)
	for sc.Scan() {
		if a, ok := strings.CutPrefix(sc.Text(), "addr "); ok {
			addr = a
			break
		}
	}
	if addr == "" {
		stop()
		b.Fatal("the server process did not say where it listens")
	}
	go io.Copy(io.Discard, stdout)
	return addr, cmd.Process, stop
}

func flood(b *testing.B, mode string, clients int, big []byte, wrong string, legit []byte) floodResult {
	b.Helper()
	addr, proc, stop := floodServer(b, mode)
	defer stop()
	url := "http://" + addr + "/webhook"
	send := func(client *http.Client, body []byte, sig, id string) int {
		req, _ := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-GitHub-Event", "pull_request")
		req.Header.Set("X-GitHub-Delivery", id)
		req.Header.Set("X-Hub-Signature-256", sig)
		resp, err := client.Do(req)
		if err != nil {
			return -1
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return resp.StatusCode
	}

	res := floodResult{flood: map[int]int{}}
	var mu sync.Mutex
	var flooding atomic.Bool
	flooding.Store(true)
	legitDone := make(chan struct{})
	go func() {
		defer close(legitDone)
		client := &http.Client{Timeout: 30 * time.Second}
		defer client.CloseIdleConnections()
		sig := webhook.Sign([]byte(secret), legit)
		for i := 0; flooding.Load(); i++ {
			code := send(client, legit, sig, "legit-"+strconv.Itoa(i))
			if code == 202 {
				res.legit202++
			} else {
				res.legitOther++
			}
			time.Sleep(20 * time.Millisecond)
		}
	}()
	for round := range 3 {
		var wg sync.WaitGroup
		for i := range clients {
			wg.Go(func() {
				client := &http.Client{Timeout: 60 * time.Second, Transport: &http.Transport{}}
				defer client.CloseIdleConnections()
				code := send(client, big, wrong, fmt.Sprintf("flood-%d-%d", round, i))
				mu.Lock()
				res.flood[code]++
				mu.Unlock()
			})
		}
		wg.Wait()
	}
	flooding.Store(false)
	<-legitDone
	res.peakMB = vmHWM(b, proc.Pid) / 1e6
	return res
}

// BenchmarkIdleConnections opens 8,000 connections to a server in another
// process, each sending half a request's headers and then nothing (as a
// slow client does, within the 10s header timeout), while one sender
// delivers signed deliveries, and reports the server's peak resident memory
// and how many deliveries were answered 202, next to a baseline server
// without a connection cap, in the same run:
//
//	go test ./webhook -run '^$' -bench IdleConnections -benchtime 1x
func BenchmarkIdleConnections(b *testing.B) {
	const conns = 8000
	legit := fixture(b, "pull_request/opened.json")
	sig := webhook.Sign([]byte(secret), legit)
	for _, mode := range []string{"baseline", "herald"} {
		b.Run(mode, func(b *testing.B) {
			for range b.N {
				addr, proc, stop := floodServer(b, mode)
				var open []net.Conn
				refused := 0
				for range conns {
					c, err := net.Dial("tcp", addr)
					if err != nil { // closed by the server's cap at once
						refused++
						continue
					}
					io.WriteString(c, "POST /webhook HTTP/1.1\r\nHost: herald\r\n")
					open = append(open, c)
				}
				time.Sleep(time.Second) // let the server take them all
				ok := 0
				client := &http.Client{Timeout: 5 * time.Second}
				for i := range 20 {
					req, _ := http.NewRequest(http.MethodPost, "http://"+addr+"/webhook", bytes.NewReader(legit))
					req.Header.Set("Content-Type", "application/json")
					req.Header.Set("X-GitHub-Event", "pull_request")
					req.Header.Set("X-GitHub-Delivery", "idle-"+strconv.Itoa(i))
					req.Header.Set("X-Hub-Signature-256", sig)
					if resp, err := client.Do(req); err == nil {
						io.Copy(io.Discard, resp.Body)
						resp.Body.Close()
						if resp.StatusCode == 202 {
							ok++
						}
					}
					client.CloseIdleConnections()
				}
				b.ReportMetric(vmHWM(b, proc.Pid)/1e6, "peak-RSS-MB")
				b.ReportMetric(float64(ok), "signed-202-of-20")
				b.ReportMetric(float64(refused), "dials-reset")
				b.ReportMetric(0, "ns/op")
				for _, c := range open {
					c.Close()
				}
				stop()
			}
		})
	}
}

// vmHWM reads a process's peak resident set size, in bytes.
func vmHWM(tb testing.TB, pid int) float64 {
	tb.Helper()
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		tb.Skipf("peak memory is read from /proc: %v", err)
	}
	for line := range strings.Lines(string(b)) {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			f := strings.Fields(rest)
			kb, _ := strconv.ParseFloat(f[0], 64)
			return kb * 1024
		}
	}
	tb.Fatal("no VmHWM in /proc/<pid>/status")
	return 0
}
