package publish

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// TestLiveCheckStaysOnTheSite shows the message a pull request gets when a
// published post's address redirects off the site, and that redirects within
// the site are followed.
func TestLiveCheckStaysOnTheSite(t *testing.T) {
	t.Parallel()
	var elsewhereHits atomic.Int32
	elsewhere := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		elsewhereHits.Add(1)
		io.WriteString(w, `{"AccessKeyId":"secret"}`)
	}))
	t.Cleanup(elsewhere.Close)
	// The same machine under another name: a different host to the check.
	other := strings.Replace(elsewhere.URL, "127.0.0.1", "localhost", 1)
	site := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/blog/moved":
			http.Redirect(w, r, "/blog/hello/", http.StatusMovedPermanently)
		case "/blog/hello/":
			io.WriteString(w, "hello")
		case "/blog/metadata":
			http.Redirect(w, r, "http://169.254.169.254/latest/meta-data/iam?token=x", http.StatusFound)
		case "/blog/other":
			http.Redirect(w, r, other+"/steal", http.StatusFound)
		case "/blog/loop":
			http.Redirect(w, r, "/blog/loop", http.StatusFound)
		case "/blog/ftp":
			http.Redirect(w, r, "ftp://"+r.Host+"/x", http.StatusFound)
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(site.Close)
	// Each request is bounded by the interval (CheckLive), so the interval
	// is a real one and the wait between attempts is skipped instead: with a
	// 1ms interval a request slowed by load ran out of time, counted as an
	// attempt, and the refusal came on the next one.
	lc := LiveCheck{Attempts: 3, Interval: time.Minute,
		Sleep: func(context.Context, time.Duration) error { return nil }}
	tests := []struct {
		path string
		live bool
		want string
	}{
		{"/blog/moved", true, "Live at " + site.URL + "/blog/moved."},
		{"/blog/metadata", false, "Not checked: " + site.URL + "/blog/metadata redirects to http://169.254.169.254/latest/meta-data/iam, which is not 127.0.0.1; the live check follows redirects within the site only."},
		{"/blog/other", false, "Not checked: " + site.URL + "/blog/other redirects to " + other + "/steal, which is not 127.0.0.1; the live check follows redirects within the site only."},
		{"/blog/loop", false, "Not checked: " + site.URL + "/blog/loop redirects more than 5 times."},
		{"/blog/ftp", false, "Not checked: " + site.URL + "/blog/ftp redirects to a ftp URL; the live check follows http and https only."},
	}
	for _, tt := range tests {
		res, err := CheckLive(context.Background(), site.Client(), site.URL+tt.path, lc)
		if err != nil {
			t.Fatalf("%s: %v", tt.path, err)
		}
		if res.Live != tt.live || res.Message() != tt.want {
			t.Errorf("%s: live %v, message\n%q\nwant live %v,\n%q", tt.path, res.Live, res.Message(), tt.live, tt.want)
		}
		if !tt.live && res.Attempts != 1 {
			t.Errorf("%s: %d attempts, want the check to stop at the first refusal (last: %s)", tt.path, res.Attempts, res.Last)
		}
	}
	if n := elsewhereHits.Load(); n != 0 {
		t.Errorf("the other host was reached %d times", n)
	}
}

// TestLiveCheckRefusesInternalAddresses connects, with a real client, to a
// real server on loopback as if the site's public name had resolved there
// (DNS rebinding, or a record pointing inside): the connection is refused
// before it is made. With a site that is itself on loopback it is allowed.
func TestLiveCheckRefusesInternalAddresses(t *testing.T) {
	t.Parallel()
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { hits.Add(1) }))
	t.Cleanup(srv.Close)
	site, _ := url.Parse(srv.URL)
	c, closeIdle, err := liveClient(context.Background(), srv.Client(), site)
	if err != nil {
		t.Fatal(err)
	}
	defer closeIdle()
	// Force the guard as for a public site name.
	c.Transport.(*http.Transport).DialContext = (&net.Dialer{Control: dialGuard(false)}).DialContext
	_, err = c.Get(srv.URL + "/blog/hello")
	r, ok := refusal(err)
	if !ok || r.why != "resolves to 127.0.0.1, an internal address; the live check connects to such addresses only when site_url names one itself" {
		t.Errorf("err = %v, want a refusal of 127.0.0.1", err)
	}
	if hits.Load() != 0 {
		t.Error("the server was reached")
	}
	res, err := CheckLive(context.Background(), srv.Client(), srv.URL+"/blog/hello", LiveCheck{Attempts: 1})
	if err != nil || !res.Live {
		t.Errorf("site on loopback itself: %+v, %v; want live", res, err)
	}
}

func TestInternalAddr(t *testing.T) {
	for addr, want := range map[string]bool{
		"127.0.0.1": true, "::1": true, "10.1.2.3": true, "172.16.0.1": true, "192.168.1.1": true,
		"169.254.169.254": true, "fe80::1": true, "fd00:ec2::254": true, "100.100.100.200": true,
		"0.0.0.0": true, "::": true, "224.0.0.1": true, "255.255.255.255": true, "::ffff:10.0.0.1": true,
		"64:ff9b::a00:1": true, "198.18.0.1": true,
		"93.184.216.34": false, "2606:4700::6810:85e5": false, "8.8.8.8": false, "::ffff:8.8.8.8": false,
	} {
		if got := internalAddr(netip.MustParseAddr(addr)); got != want {
			t.Errorf("internalAddr(%s) = %v, want %v", addr, got, want)
		}
	}
	for host, want := range map[string]bool{"127.0.0.1": true, "localhost": true, "blog.localhost": true, "10.0.0.8": true, "93.184.216.34": false} {
		if got := internalHost(context.Background(), host); got != want {
			t.Errorf("internalHost(%s) = %v, want %v", host, got, want)
		}
	}
}

// TestLiveCheckReadsLittle answers with a large body: the check reads the
// status and at most 64 KiB, and still reports the post live.
func TestLiveCheckReadsLittle(t *testing.T) {
	t.Parallel()
	var written atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		chunk := make([]byte, 32<<10)
		for range 1024 { // 32 MiB, if anyone reads it
			n, err := w.Write(chunk)
			written.Add(int64(n))
			if err != nil {
				return
			}
		}
	}))
	t.Cleanup(srv.Close)
	res, err := CheckLive(context.Background(), srv.Client(), srv.URL+"/blog/big", LiveCheck{Attempts: 1})
	if err != nil || !res.Live {
		t.Fatalf("%+v, %v", res, err)
	}
	srv.CloseClientConnections()
	if n := written.Load(); n > 8<<20 {
		t.Errorf("the server wrote %d bytes: the check read far more than it needs", n)
	}
}
