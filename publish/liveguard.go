package publish

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"syscall"
	"time"
)

// Bounds of one request of the live check.
const (
	// liveMaxRedirects is how many redirects within the site are followed.
	liveMaxRedirects = 5
	// liveMaxRead is the most of an answer's body read (the status is what
	// counts; the rest is read only so that the connection can be reused).
	liveMaxRead = 64 << 10
	// liveMaxHeader bounds an answer's headers.
	liveMaxHeader = 64 << 10
	// liveRequestTimeout bounds one request when LiveCheck sets none shorter.
	liveRequestTimeout = 30 * time.Second
)

// refusedError is a request the live check would not make: a redirect off
// the site, or a connection to an internal address. Its text completes the
// sentence "Not checked: <url> ...".
type refusedError struct{ why string }

func (e *refusedError) Error() string { return e.why }

// liveClient returns a copy of client that reaches only the site of
// postURL: redirects are followed within its host only, and connections go
// to no loopback, private, link-local, shared or reserved address unless
// the site's own host is one (a site served locally for testing). The
// proxy settings of the environment are not used: a proxy would make the
// address checked the proxy's. close releases its idle connections.
func liveClient(ctx context.Context, client *http.Client, site *url.URL) (c *http.Client, close func(), err error) {
	if client == nil {
		client = &http.Client{}
	}
	var base *http.Transport
	switch t := client.Transport.(type) {
	case nil:
		base = http.DefaultTransport.(*http.Transport)
	case *http.Transport:
		base = t
	default:
		return nil, nil, fmt.Errorf("live check: the HTTP client's transport is a %T, not an *http.Transport, so its connections cannot be kept to the site", t)
	}
	allowInternal := internalHost(ctx, site.Hostname())
	t := base.Clone()
	t.Proxy = nil
	t.MaxResponseHeaderBytes = liveMaxHeader
	if t.ResponseHeaderTimeout == 0 || t.ResponseHeaderTimeout > liveRequestTimeout {
		t.ResponseHeaderTimeout = liveRequestTimeout
	}
	d := &net.Dialer{Timeout: 10 * time.Second, Control: dialGuard(allowInternal)}
	t.DialContext = d.DialContext
	t.DialTLSContext = nil // TLS is done by the transport over the guarded dial
	host := site.Hostname()
	c = &http.Client{
		Transport: t,
		Timeout:   client.Timeout,
		Jar:       nil,
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if len(via) > liveMaxRedirects {
				return &refusedError{fmt.Sprintf("redirects more than %d times", liveMaxRedirects)}
			}
			if !strings.EqualFold(req.URL.Hostname(), host) {
				return &refusedError{fmt.Sprintf("redirects to %s, which is not %s; the live check follows redirects within the site only", redactURL(req.URL), host)}
			}
			if req.URL.Scheme != "http" && req.URL.Scheme != "https" {
				return &refusedError{fmt.Sprintf("redirects to a %s URL; the live check follows http and https only", req.URL.Scheme)}
			}
			return nil
		},
	}
	return c, t.CloseIdleConnections, nil
}

// dialGuard refuses connections to internal addresses unless allowed. It
// runs after name resolution, on the address actually dialled, so that a
// name that resolves (or is made to resolve) to an internal address is
// refused as well.
func dialGuard(allowInternal bool) func(network, address string, _ syscall.RawConn) error {
	return func(network, address string, _ syscall.RawConn) error {
		if allowInternal {
			return nil
		}
		host, _, err := net.SplitHostPort(address)
		if err != nil {
			return &refusedError{fmt.Sprintf("connects to %q, which is not an address", address)}
		}
		ip, err := netip.ParseAddr(host)
		if err != nil {
			return &refusedError{fmt.Sprintf("connects to %q, which is not an IP address", host)}
		}
		if internalAddr(ip) {
			return &refusedError{fmt.Sprintf("resolves to %s, an internal address; the live check connects to such addresses only when site_url names one itself", ip)}
		}
		return nil
	}
}

// internalHost reports whether the site's host is itself internal: an
// internal IP address, localhost, or a name all of whose addresses are
// internal (an intranet or local test site). Then the live check may reach
// internal addresses.
func internalHost(ctx context.Context, host string) bool {
	if ip, err := netip.ParseAddr(host); err == nil {
		return internalAddr(ip)
	}
	h := strings.ToLower(strings.TrimSuffix(host, "."))
	if h == "localhost" || strings.HasSuffix(h, ".localhost") {
		return true
	}
	lctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	ips, err := net.DefaultResolver.LookupNetIP(lctx, "ip", host)
	if err != nil || len(ips) == 0 {
		return false
	}
	for _, ip := range ips {
		if !internalAddr(ip) {
			return false
		}
	}
	return true
}

// internalPrefixes are the ranges, beyond what netip classifies, that are
// not the public internet: shared address space (RFC 6598, where some
// clouds put their metadata service), IETF protocol assignments,
// benchmarking, reserved, and NAT64 (which maps IPv4 addresses, internal
// ones included, into IPv6).
var internalPrefixes = []netip.Prefix{
	netip.MustParsePrefix("0.0.0.0/8"),
	netip.MustParsePrefix("100.64.0.0/10"),
	netip.MustParsePrefix("192.0.0.0/24"),
	netip.MustParsePrefix("198.18.0.0/15"),
	netip.MustParsePrefix("240.0.0.0/4"),
	netip.MustParsePrefix("64:ff9b::/96"),
	netip.MustParsePrefix("64:ff9b:1::/48"),
}

// internalAddr reports whether ip is not a public internet address:
// loopback, private (RFC 1918, unique local IPv6), link-local (where cloud
// metadata services listen, 169.254.169.254), multicast, unspecified, or one
// of internalPrefixes.
func internalAddr(ip netip.Addr) bool {
	ip = ip.Unmap()
	if !ip.IsGlobalUnicast() || ip.IsPrivate() || ip.IsLoopback() || ip.IsLinkLocalUnicast() {
		return true
	}
	for _, p := range internalPrefixes {
		if p.Contains(ip) {
			return true
		}
	}
	return false
}

// redactURL shows a URL without its user information and query, which may
// carry secrets, for a message on a pull request.
func redactURL(u *url.URL) string {
	c := *u
	c.User, c.RawQuery, c.Fragment = nil, "", ""
	return c.String()
}

// refusal returns the refusal inside err, if any.
func refusal(err error) (*refusedError, bool) {
	var r *refusedError
	ok := errors.As(err, &r)
	return r, ok
}
