package github

import (
	"bytes"
	"container/list"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/gohugoio/httpcache"

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
// kept. The conditional requests themselves are
// github.com/gohugoio/httpcache's (a maintained fork of
// gregjones/httpcache, Hugo's HTTP cache); the Cache is its store.
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
	key string
	val []byte
}

// NewCache returns a Cache that keeps at most maxBytes of answers; zero or
// less keeps none (every request costs) but still follows rate limits.
func NewCache(maxBytes int64) *Cache {
	return &Cache{max: maxBytes, order: list.New(), items: map[string]*list.Element{}, rates: map[string]forge.RateLimit{}}
}

// store is the Cache as httpcache's storage.
type store struct{ c *Cache }

func (s store) Get(key string) ([]byte, bool) {
	c := s.c
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.items[key]
	if !ok {
		return nil, false
	}
	c.order.MoveToFront(el)
	return el.Value.(*cached).val, true
}

func (s store) Set(key string, val []byte) {
	c := s.c
	n := int64(len(key) + len(val))
	c.mu.Lock()
	defer c.mu.Unlock()
	c.deleteLocked(key)
	if n > c.max/8 {
		return // one answer may not push out most of the others
	}
	c.items[key] = c.order.PushFront(&cached{key: key, val: val})
	c.size += n
	for c.size > c.max {
		c.deleteLocked(c.order.Back().Value.(*cached).key)
	}
}

func (s store) Delete(key string) {
	s.c.mu.Lock()
	defer s.c.mu.Unlock()
	s.c.deleteLocked(key)
}

func (c *Cache) deleteLocked(key string) {
	el, ok := c.items[key]
	if !ok {
		return
	}
	e := el.Value.(*cached)
	c.size -= int64(len(e.key) + len(e.val))
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
	ht := &httpcache.Transport{
		Transport: &meterTransport{next: next, cache: c, credential: credential, label: label, metrics: m},
		Cache:     store{c},
		CacheKey: func(r *http.Request) string {
			if r.Method != http.MethodGet || r.Header.Get("Range") != "" {
				return "" // writes are never kept
			}
			return credential + " " + r.Header.Get("Accept") + " " + r.URL.String()
		},
		ShouldCache: func(_ *http.Request, resp *http.Response, _ string) bool {
			return resp.StatusCode == http.StatusOK && resp.Header.Get("ETag") != ""
		},
	}
	return wholeBody{ht}
}

// wholeBody reads each GET answer to its end before handing it on:
// httpcache keeps an answer when its body reaches EOF, and go-github's JSON
// decoder stops at the end of the value, which may come before EOF is read.
type wholeBody struct{ next http.RoundTripper }

func (t wholeBody) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := t.next.RoundTrip(r)
	if err != nil || r.Method != http.MethodGet {
		return resp, err
	}
	b, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return nil, err
	}
	resp.Body = io.NopCloser(bytes.NewReader(b))
	resp.ContentLength = int64(len(b))
	return resp, nil
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
	if r.Method == http.MethodGet {
		// GitHub allows 60 seconds of reuse (max-age=60, on 200s and on
		// the 304s whose headers refresh a kept answer); herald reads
		// what it is about to act on, so a kept answer is always
		// revalidated, which costs nothing when it still holds.
		resp.Header.Set("Cache-Control", "no-cache")
		resp.Header.Del("Expires")
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
