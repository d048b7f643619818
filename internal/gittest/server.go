package gittest

import (
	"context"
	"crypto/subtle"
	"io"
	"maps"
	"net"
	"net/http"
	"net/http/cgi"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// FaultKind names a failure the Server can inject.
type FaultKind int

const (
	// Status500 answers 500 Internal Server Error without running git.
	Status500 FaultKind = iota + 1
	// CloseMidResponse sends the first half of git's response, then drops
	// the connection without finishing the HTTP response.
	CloseMidResponse
	// TruncatePack sends a well-formed HTTP response whose body is git's
	// response cut in half: the pack inside ends early.
	TruncatePack
	// Block signals Fault.Arrived when a matching request comes in and
	// holds it until Fault.Release is closed, then serves it normally.
	Block
)

// String names the fault for test output.
func (k FaultKind) String() string {
	switch k {
	case Status500:
		return "500"
	case CloseMidResponse:
		return "close mid-response"
	case TruncatePack:
		return "truncated pack"
	case Block:
		return "block"
	}
	return "unknown fault"
}

// Fault is a failure injected into matching requests.
type Fault struct {
	// Kind is what goes wrong.
	Kind FaultKind
	// Match selects requests by the end of their path: "info/refs" (the
	// ref advertisement), "git-upload-pack" (the fetch exchange) or
	// "git-receive-pack" (the push exchange). Empty matches every request.
	Match string
	// Times is how many matching requests fail; 0 means until ClearFaults.
	Times int
	// Arrived receives a value when a request is held by Block (the send
	// does not wait; give it a buffer).
	Arrived chan<- struct{}
	// Release ends the hold of Block when closed.
	Release <-chan struct{}
}

// Stats counts the traffic a Server has handled since it started or since
// the last ResetStats.
type Stats struct {
	// Requests is the number of HTTP requests.
	Requests int
	// BytesSent is the number of response body bytes written to clients.
	BytesSent int64
	// BytesReceived is the number of request body bytes read from clients.
	BytesReceived int64
}

// Server is a Git smart-HTTP server: git http-backend behind net/http/cgi
// on 127.0.0.1, with fetch and push enabled for every repository under its
// root.
type Server struct {
	// URL is the base address, e.g. http://127.0.0.1:41234.
	URL string

	tb    testing.TB
	root  string
	token string
	addr  string
	cgi   *cgi.Handler

	// life guards hs: the running http.Server, nil while refusing.
	life sync.Mutex
	hs   *http.Server
	done chan struct{}

	mu     sync.Mutex
	faults []*Fault
	stats  Stats
}

// ServerOption configures NewServer.
type ServerOption func(*Server)

// WithToken makes the server require HTTP basic auth with the user
// "x-access-token" and token as the password, as GitHub does for App and
// personal access tokens. Other requests get 401.
func WithToken(token string) ServerOption {
	return func(s *Server) { s.token = token }
}

// NewServer starts a server on 127.0.0.1 and stops it when the test ends.
func NewServer(tb testing.TB, opts ...ServerOption) *Server {
	tb.Helper()
	gitPath, err := exec.LookPath("git")
	if err != nil {
		tb.Fatalf("gittest needs git on PATH: %v", err)
	}
	s := &Server{tb: tb, root: tb.TempDir()}
	for _, o := range opts {
		o(s)
	}
	s.cgi = &cgi.Handler{
		Path: gitPath,
		Args: []string{"http-backend"},
		Dir:  s.root,
		Env: []string{
			"GIT_PROJECT_ROOT=" + s.root,
			"GIT_HTTP_EXPORT_ALL=1",
			"GIT_CONFIG_NOSYSTEM=1",
			"GIT_CONFIG_GLOBAL=/dev/null",
		},
		InheritEnv: []string{"PATH"},
		// git's messages (e.g. a refused ref update) reach the client
		// through the protocol; keep test output clean.
		Stderr: io.Discard,
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatalf("gittest: listen: %v", err)
	}
	s.addr = l.Addr().String()
	s.URL = "http://" + s.addr
	s.serveOn(l)
	tb.Cleanup(func() {
		s.life.Lock()
		defer s.life.Unlock()
		s.stopLocked()
	})
	return s
}

func (s *Server) serveOn(l net.Listener) {
	hs := &http.Server{Handler: http.HandlerFunc(s.serve), ReadHeaderTimeout: 10 * time.Second}
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = hs.Serve(l)
	}()
	s.hs, s.done = hs, done
}

func (s *Server) stopLocked() {
	if s.hs == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := s.hs.Shutdown(ctx); err != nil {
		_ = s.hs.Close()
	}
	<-s.done
	s.hs, s.done = nil, nil
}

// Refuse stops listening: until Accept is called, connecting to the
// server is refused. Requests in flight finish first.
func (s *Server) Refuse() {
	s.life.Lock()
	defer s.life.Unlock()
	s.stopLocked()
}

// Accept listens again on the same address after Refuse.
func (s *Server) Accept() {
	s.tb.Helper()
	s.life.Lock()
	defer s.life.Unlock()
	if s.hs != nil {
		return
	}
	l, err := net.Listen("tcp", s.addr)
	if err != nil {
		s.tb.Fatalf("gittest: listen again on %s: %v", s.addr, err)
	}
	s.serveOn(l)
}

// NewRepo creates the bare repository name.git on the server. With files
// non-nil, refs/heads/main gets one commit holding them.
func (s *Server) NewRepo(name string, files map[string]string) *Repo {
	s.tb.Helper()
	dir := filepath.Join(s.root, name+".git")
	r := initRepo(s.tb, dir)
	r.URL = s.URL + "/" + name + ".git"
	if files != nil {
		r.Commit("refs/heads/main", files)
	}
	return r
}

// Mount serves the existing bare repository r as name.git (through a
// symlink; nothing is copied) and returns a handle whose URL points at the
// server.
func (s *Server) Mount(name string, r *Repo) *Repo {
	s.tb.Helper()
	link := filepath.Join(s.root, name+".git")
	if err := os.Symlink(r.Dir, link); err != nil {
		s.tb.Fatalf("gittest: mount %s: %v", r.Dir, err)
	}
	runGit(s.tb, r.Dir, nil, "config", "http.receivepack", "true")
	m := OpenRepo(s.tb, r.Dir)
	m.URL = s.URL + "/" + name + ".git"
	return m
}

// InjectFault makes matching requests fail as f says. Faults are checked in
// the order they were injected; the first match applies.
func (s *Server) InjectFault(f Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = append(s.faults, &f)
}

// ClearFaults removes every injected fault.
func (s *Server) ClearFaults() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = nil
}

// Stats returns the traffic counted so far.
func (s *Server) Stats() Stats {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.stats
}

// ResetStats sets every counter back to zero.
func (s *Server) ResetStats() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.stats = Stats{}
}

// takeFault returns the fault for r, if any, and uses one of its Times.
func (s *Server) takeFault(r *http.Request) Fault {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, f := range s.faults {
		if f.Match != "" && !strings.HasSuffix(r.URL.Path, f.Match) {
			continue
		}
		if f.Times > 0 {
			f.Times--
			if f.Times == 0 {
				s.faults = append(s.faults[:i:i], s.faults[i+1:]...)
			}
		}
		return *f
	}
	return Fault{}
}

func (s *Server) count(sent, received int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.stats.BytesSent += sent
	s.stats.BytesReceived += received
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.stats.Requests++
	s.mu.Unlock()

	if s.token != "" {
		user, pass, ok := r.BasicAuth()
		if !ok || user != "x-access-token" || subtle.ConstantTimeCompare([]byte(pass), []byte(s.token)) != 1 {
			w.Header().Set("WWW-Authenticate", `Basic realm="gittest"`)
			http.Error(w, "authentication required", http.StatusUnauthorized)
			return
		}
	}

	body := &countingReader{r: r.Body}
	r.Body = body
	cw := &countingWriter{ResponseWriter: w}
	defer func() { s.count(cw.n, body.n) }()

	f := s.takeFault(r)
	switch f.Kind {
	case Block:
		select {
		case f.Arrived <- struct{}{}:
		default:
		}
		select {
		case <-f.Release:
		case <-r.Context().Done():
			return
		}
		s.cgi.ServeHTTP(cw, r)
	case Status500:
		http.Error(cw, "injected failure", http.StatusInternalServerError)
	case CloseMidResponse:
		rec := httptest.NewRecorder()
		s.cgi.ServeHTTP(rec, r)
		maps.Copy(cw.Header(), rec.Header().Clone())
		cw.Header().Del("Content-Length")
		cw.WriteHeader(rec.Code)
		b := rec.Body.Bytes()
		_, _ = cw.Write(b[:len(b)/2])
		if f, ok := cw.ResponseWriter.(http.Flusher); ok {
			f.Flush()
		}
		s.count(cw.n, body.n)
		cw.n, body.n = 0, 0
		// Abort without the final chunk: the client sees the connection
		// end in the middle of the body.
		panic(http.ErrAbortHandler)
	case TruncatePack:
		rec := httptest.NewRecorder()
		s.cgi.ServeHTTP(rec, r)
		maps.Copy(cw.Header(), rec.Header().Clone())
		b := rec.Body.Bytes()
		b = b[:len(b)/2]
		cw.Header().Set("Content-Length", strconv.Itoa(len(b)))
		cw.WriteHeader(rec.Code)
		_, _ = cw.Write(b)
	default:
		s.cgi.ServeHTTP(cw, r)
	}
}

// RefusedURL returns the URL of a repository on a 127.0.0.1 port where
// nothing listens, so connecting to it is refused.
func RefusedURL(tb testing.TB) string {
	tb.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatalf("gittest: find a free port: %v", err)
	}
	addr := l.Addr().String()
	if err := l.Close(); err != nil {
		tb.Fatalf("gittest: close listener: %v", err)
	}
	return "http://" + addr + "/refused.git"
}

type countingReader struct {
	r io.ReadCloser
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

func (c *countingReader) Close() error { return c.r.Close() }

type countingWriter struct {
	http.ResponseWriter
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.ResponseWriter.Write(p)
	c.n += int64(n)
	return n, err
}

func (c *countingWriter) Flush() {
	if f, ok := c.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}
