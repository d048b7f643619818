// Package github is herald's GitHub adapter: a Client per repository over
// github.com/google/go-github, authenticated as a GitHub App installation or
// with a plain token, against github.com or a GitHub Enterprise base URL.
//
// Every read is a conditional request: GitHub's answers are kept in a
// byte-bounded Cache per credential, and an unchanged one comes back as a
// 304, which costs no rate limit (see Cache). Each credential's rate limit
// as last answered is reported by Client.RateLimit and by Metrics.
//
// Every operation retries 5xx answers and timeouts with bounded exponential
// backoff, waits out primary rate limits (until X-RateLimit-Reset) and
// secondary ones (Retry-After) within a maximum wait, follows pagination,
// and returns errors that wrap the forge package's sentinels and
// *forge.RateLimitError. Side effects are idempotent where GitHub allows:
// comments are upserted by hidden marker, labels and statuses are written
// only when they differ, merges carry the expected head SHA.
//
// The package refuses to log or return credentials: tokens travel only in
// Authorization headers, which are never logged, and GitCredentials redacts
// itself when printed. It holds no global state and starts no goroutines.
package github
