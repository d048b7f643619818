// Package gittest runs real Git repositories for tests: a smart-HTTP server
// built from `git http-backend` behind net/http/cgi on 127.0.0.1 (fetch and
// push enabled), and bare repositories reached through file:// URLs.
//
// Repositories are created and changed with the git command itself (git
// init, git fast-import, git update-ref), never with the library under
// test, so a test compares herald's Git code against the reference
// implementation. A Server can require a token (GitHub's x-access-token
// basic scheme), count the bytes it sends and receives, and inject faults:
// an HTTP 500, a connection closed in the middle of a response, and a pack
// cut short inside an otherwise well-formed response. RefusedURL gives an
// address where nothing listens.
//
// The package needs git on PATH and refuses to work without it: helpers
// fail the test with a clear message. It is for tests only; nothing here
// is hardened for untrusted clients.
package gittest
