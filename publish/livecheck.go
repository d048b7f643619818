package publish

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// PostURL joins the site's public address (the "site_url" setting, such as
// "https://example.com/" or "https://example.com/docs") and a post's URL path
// as the site profile computes it ("/blog/hello").
func PostURL(siteURL, urlPath string) (string, error) {
	u, err := url.Parse(siteURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", fmt.Errorf("site URL %q is not an http(s) URL", siteURL)
	}
	if urlPath == "" {
		return "", errors.New("the post has no URL path")
	}
	base := strings.TrimSuffix(u.Path, "/")
	if !strings.HasPrefix(urlPath, "/") {
		urlPath = "/" + urlPath
	}
	u.Path = base + urlPath
	u.RawQuery, u.Fragment = "", ""
	return u.String(), nil
}

// LiveCheck bounds CheckLive.
type LiveCheck struct {
	// Attempts is the most requests made; zero means 10.
	Attempts int
	// Interval is the wait between requests; zero means 30s.
	Interval time.Duration
	// Total bounds the whole check; zero means 10 minutes.
	Total time.Duration
	// Sleep waits between attempts; nil waits on a timer (tests inject it).
	Sleep func(ctx context.Context, d time.Duration) error
}

// LiveResult is what CheckLive found.
type LiveResult struct {
	URL  string
	Live bool
	// Attempts is how many requests were made; Waited how long it took.
	Attempts int
	Waited   time.Duration
	// Last is the last status seen or the last error, for logs.
	Last string
	// Refused says why a request was not made, when the live check would
	// have left the site (a redirect to another host, an internal address);
	// the check stops there.
	Refused string
}

// Message is the sentence for the pull request: "Live at <url>." or "Not
// live yet after 10 minutes: <url> answered 404 Not Found."
func (r LiveResult) Message() string {
	if r.Live {
		return "Live at " + r.URL + "."
	}
	if r.Refused != "" {
		return "Not checked: " + r.URL + " " + r.Refused + "."
	}
	return fmt.Sprintf("Not live yet after %s: %s answered %s. It may still be deploying.", HumanDuration(r.Waited), r.URL, r.Last)
}

// CheckLive polls the post's public URL until it answers 2xx, within the
// bounds of lc. Only http and https URLs are polled, and the check reaches
// only the site: redirects are followed within the URL's host only (at most
// five), no connection goes to a loopback, private, link-local (cloud
// metadata) or otherwise internal address unless the URL's host is such an
// address itself (a site served locally for testing), each request is
// bounded by the shorter of lc.Interval and 30 seconds, and at most 64 KiB
// of each answer is read. A request that would leave the site ends the
// check with LiveResult.Refused set. client provides the transport settings
// (TLS, timeouts); it must use an *http.Transport, or none.
func CheckLive(ctx context.Context, client *http.Client, postURL string, lc LiveCheck) (LiveResult, error) {
	u, err := url.Parse(postURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return LiveResult{}, fmt.Errorf("live check: %q is not an http(s) URL", postURL)
	}
	if lc.Attempts <= 0 {
		lc.Attempts = 10
	}
	if lc.Interval <= 0 {
		lc.Interval = 30 * time.Second
	}
	if lc.Total <= 0 {
		lc.Total = 10 * time.Minute
	}
	sleep := lc.Sleep
	if sleep == nil {
		sleep = func(ctx context.Context, d time.Duration) error {
			t := time.NewTimer(d)
			defer t.Stop()
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-t.C:
				return nil
			}
		}
	}
	client, closeIdle, err := liveClient(ctx, client, u)
	if err != nil {
		return LiveResult{}, err
	}
	defer closeIdle()
	res := LiveResult{URL: postURL}
	for res.Attempts < lc.Attempts {
		res.Attempts++
		reqCtx, cancel := context.WithTimeout(ctx, min(lc.Interval, liveRequestTimeout))
		req, err := http.NewRequestWithContext(reqCtx, http.MethodGet, postURL, nil)
		if err != nil {
			cancel()
			return res, fmt.Errorf("live check: %w", err)
		}
		req.Header.Set("User-Agent", "herald")
		resp, err := client.Do(req)
		if r, ok := refusal(err); ok {
			cancel()
			if resp != nil {
				resp.Body.Close()
			}
			res.Refused, res.Last = r.why, "refused: "+r.why
			return res, nil
		}
		if err != nil {
			var ue *url.Error
			if errors.As(err, &ue) {
				err = ue.Err
			}
			res.Last = "no answer (" + err.Error() + ")"
		} else {
			_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, liveMaxRead))
			resp.Body.Close()
			res.Last = resp.Status
			if resp.StatusCode >= 200 && resp.StatusCode <= 299 {
				cancel()
				res.Live = true
				return res, nil
			}
		}
		cancel()
		if res.Attempts >= lc.Attempts || res.Waited+lc.Interval > lc.Total {
			break
		}
		if err := sleep(ctx, lc.Interval); err != nil {
			return res, err
		}
		res.Waited += lc.Interval
	}
	return res, nil
}
