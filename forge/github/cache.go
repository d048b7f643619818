package github

import (
	"bytes"
	"container/list"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/heraldhq/herald/forge"
)

// DefaultCacheBytes bounds the answers a Cache made by default keeps.
const DefaultCacheBytes = 32 << 20

// Cache keeps GitHub's answers to GET requests and what each credential's
// rate limit was at its last answer. A GET whose answer is kept is sent
// again with If-None-Match; GitHub answers 304 Not Modified when nothing
// changed, which costs no rate limit, and the kept answer is returned as if
// it had come again. A kept answer is never used without asking GitHub: it
// only saves the quota, never shows something older than GitHub has.
//
// Answers are kept per credential (an App installation, a token, the App
// itself), so one installation's answers are never shown to another; the
// least recently used ones are dropped past the byte bound. Writes are never
// kept. An answer is kept as read (its status, headers and body, the body
// read once and shared by every later use, which only read it), so a 304
// costs no copy of it.
//
// One Cache may be shared by every client of a process; it is safe for
// concurrent use.
type Cache struct {
	max int64

	mu    sync.Mutex
	size  int64
	order *list.List // of *cached, most recently used first
	items map[string]*list.Element
	rates map[string]forge.RateLimit
}

type cached struct {
	key  string
	a    *answer
	size int64
}

// answer is a kept answer to a GET. It is not changed once kept.
type answer struct {
	status string
	header http.Header
	body   []byte
	etag   string
	// varied are the request's values of the headers the answer varies
	// by (its Vary header), as sent when it was kept.
	varied map[string]string
}

// size is about what the answer holds, for the Cache's bound.
func (a *answer) size() int64 {
	n := len(a.body) + len(a.status) + len(a.etag)
	for k, vs := range a.header {
		n += len(k)
		for _, v := range vs {
			n += len(v)
		}
	}
	return int64(n)
}

// NewCache returns a Cache that keeps at most maxBytes of answers; zero or
// less keeps none (every request costs) but still follows rate limits.
func NewCache(maxBytes int64) *Cache {
	return &Cache{max: maxBytes, order: list.New(), items: map[string]*list.Element{}, rates: map[string]forge.RateLimit{}}
}

func (c *Cache) get(key string) (*answer, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.items[key]
	if !ok {
		return nil, false
	}
	c.order.MoveToFront(el)
	return el.Value.(*cached).a, true
}

func (c *Cache) set(key string, a *answer) {
	n := int64(len(key)) + a.size()
	c.mu.Lock()
	defer c.mu.Unlock()
	c.deleteLocked(key)
	if n > c.max/8 {
		return // one answer may not push out most of the others
	}
	c.items[key] = c.order.PushFront(&cached{key: key, a: a, size: n})
	c.size += n
	for c.size > c.max {
		c.deleteLocked(c.order.Back().Value.(*cached).key)
	}
}

func (c *Cache) delete(key string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.deleteLocked(key)
}

func (c *Cache) deleteLocked(key string) {
	el, ok := c.items[key]
	if !ok {
		return
	}
	c.size -= el.Value.(*cached).size
	c.order.Remove(el)
	delete(c.items, key)
}

// Bytes returns the size of the answers kept.
func (c *Cache) Bytes() int64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.size
}

func (c *Cache) setRate(credential string, r forge.RateLimit) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.rates[credential] = r
}

func (c *Cache) rate(credential string) (forge.RateLimit, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	r, ok := c.rates[credential]
	return r, ok
}

// tokenCredential names a token without holding it.
func tokenCredential(token string) string {
	sum := sha256.Sum256([]byte(token))
	return "token:" + hex.EncodeToString(sum[:8])
}

// transport returns the round tripper of one credential: GET requests go
// through the kept answers, every answer is counted and its rate limit
// noted, then next adds the credential and sends it.
func (c *Cache) transport(credential, label string, next http.RoundTripper, m *Metrics) http.RoundTripper {
	return &conditional{next: &meterTransport{next: next, cache: c, credential: credential, label: label, metrics: m},
		cache: c, credential: credential}
}

// conditional sends a GET whose answer is kept with If-None-Match (and
// If-Modified-Since when the answer had a Last-Modified) and answers a 304
// with the kept answer, its headers refreshed by the 304's; it keeps each
// 200 that carries an ETag and may be stored. Every GET answer is read to
// its end before it is handed on (go-github's JSON decoder stops at the end
// of the value), so a kept body is read once. Other requests pass through.
// The kept answer is always revalidated: herald reads what it is about to
// act on, so GitHub's 60 seconds of reuse (max-age=60) are not used.
type conditional struct {
	next       http.RoundTripper
	cache      *Cache
	credential string
}

func (t *conditional) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Method != http.MethodGet || r.Header.Get("Range") != "" {
		return t.next.RoundTrip(r) // writes are never kept
	}
	key := t.credential + " " + r.Header.Get("Accept") + " " + r.URL.String()
	kept, ok := t.cache.get(key)
	if ok && !kept.matches(r) {
		ok = false // asked for another variant: sent as is, and kept anew
	}
	send := r
	if ok {
		send = r.Clone(r.Context())
		send.Header.Set("If-None-Match", kept.etag)
		if lm := kept.header.Get("Last-Modified"); lm != "" {
			send.Header.Set("If-Modified-Since", lm)
		}
	}
	resp, err := t.next.RoundTrip(send)
	if err != nil {
		return nil, err
	}
	if ok && resp.StatusCode == http.StatusNotModified {
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return kept.response(r, resp.Header), nil
	}
	b, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return nil, err
	}
	resp.Body = io.NopCloser(bytes.NewReader(b))
	resp.ContentLength = int64(len(b))
	etag := resp.Header.Get("ETag")
	switch {
	case resp.StatusCode == http.StatusOK && etag != "" && storable(r.Header, resp.Header):
		a := &answer{status: resp.Status, header: resp.Header.Clone(), body: b, etag: etag}
		for _, v := range headerValues(resp.Header, "Vary") {
			if a.varied == nil {
				a.varied = map[string]string{}
			}
			a.varied[http.CanonicalHeaderKey(v)] = r.Header.Get(v)
		}
		t.cache.set(key, a)
	case ok:
		t.cache.delete(key) // gone, or no longer the same resource
	}
	return resp, nil
}

// matches reports whether r asks for the variant the answer is: the same
// values of the request headers it varies by.
func (a *answer) matches(r *http.Request) bool {
	for k, v := range a.varied {
		if r.Header.Get(k) != v {
			return false
		}
	}
	return true
}

// response is the kept answer to r, with the end-to-end headers of a 304
// (its rate limits among them) in place of the kept ones.
func (a *answer) response(r *http.Request, fresh http.Header) *http.Response {
	h := a.header.Clone()
	for k, vs := range fresh {
		if !hopByHop(k, fresh) {
			h[k] = vs
		}
	}
	return &http.Response{Status: a.status, StatusCode: http.StatusOK, Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
		Header: h, Body: io.NopCloser(bytes.NewReader(a.body)), ContentLength: int64(len(a.body)), Request: r}
}

// hopByHop reports whether the header k of h belongs to one connection
// only (RFC 9110, section 7.6.1), as those h's Connection header names.
func hopByHop(k string, h http.Header) bool {
	switch k {
	case "Connection", "Keep-Alive", "Proxy-Authenticate", "Proxy-Authorization", "Te", "Trailer", "Trailers", "Transfer-Encoding", "Upgrade":
		return true
	}
	for _, c := range headerValues(h, "Connection") {
		if http.CanonicalHeaderKey(c) == k {
			return true
		}
	}
	return false
}

// storable reports whether neither the request nor the answer says
// no-store.
func storable(req, resp http.Header) bool {
	for _, h := range []http.Header{req, resp} {
		for _, d := range headerValues(h, "Cache-Control") {
			if strings.EqualFold(d, "no-store") {
				return false
			}
		}
	}
	return true
}

// headerValues returns the comma-separated values of h's header k.
func headerValues(h http.Header, k string) []string {
	var out []string
	for _, line := range h.Values(k) {
		for v := range strings.SplitSeq(line, ",") {
			if v = strings.TrimSpace(v); v != "" {
				out = append(out, v)
			}
		}
	}
	return out
}

// meterTransport counts each answer as costly or free (a 304), notes the
// credential's rate limit, and makes every kept answer one to revalidate.
type meterTransport struct {
	next       http.RoundTripper
	cache      *Cache
	credential string
	label      string // the credential as the metrics name it
	metrics    *Metrics
}

func (t *meterTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := t.next.RoundTrip(r)
	if err != nil {
		return nil, err
	}
	t.metrics.answered(resp.StatusCode == http.StatusNotModified)
	if rl, ok := rateOf(resp.Header); ok {
		t.cache.setRate(t.credential, rl)
		t.metrics.rate(t.label, rl)
	}
	return resp, nil
}

// rateOf reads the rate-limit headers of an answer.
func rateOf(h http.Header) (forge.RateLimit, bool) {
	limit, err1 := strconv.Atoi(h.Get("X-RateLimit-Limit"))
	remaining, err2 := strconv.Atoi(h.Get("X-RateLimit-Remaining"))
	reset, err3 := strconv.ParseInt(h.Get("X-RateLimit-Reset"), 10, 64)
	if err1 != nil || err2 != nil || err3 != nil {
		return forge.RateLimit{}, false
	}
	return forge.RateLimit{Limit: limit, Remaining: remaining, Reset: time.Unix(reset, 0)}, true
}
