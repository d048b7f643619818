// Package fakegithub is an in-process fake of the GitHub REST API, served
// over real HTTP by an httptest.Server, for testing herald's GitHub adapter
// and everything above it.
//
// It implements the endpoints herald uses (pull requests and their files,
// reviews and review comments, issue comments and reactions, labels, commit
// statuses, check runs, collaborator permissions, merges, dispatches and
// GitHub App installation tokens) with GitHub's semantics: status codes,
// JSON shapes, Link-header pagination, rate-limit headers, conditional
// requests (an ETag on every GET answer, 304 Not Modified for a matching
// If-None-Match, which spends no rate limit; GitHub's description lists 304
// for a few of these operations only, but GitHub answers it on all of them),
// updated_at that moves with pushes, comments, reviews, labels and merges,
// 409 on a merge
// whose head moved, 405 on an unmergeable pull request, 422 past 50
// annotations or for a review comment outside the diff.
//
// Every request the fake receives and every response it sends is validated
// against the operation in GitHub's OpenAPI description
// (testdata/github/openapi). A request GitHub would reject is answered as
// GitHub would and also fails the test at cleanup, as does a request to an
// endpoint the fake does not implement.
//
// Tests seed state (repositories, pull requests, permissions, tokens, apps),
// inspect it after the code under test ran, and inject faults (5xx answers,
// primary and secondary rate limits, slow answers) per operation.
//
// A test typically reads:
//
//	fake := fakegithub.New(t, fakegithub.Options{})
//	fake.AddApp(42, "herald", &key.PublicKey)
//	fake.AddInstallation(42, 7, "acme")
//	fake.AddRepo(fakegithub.Repo{Owner: "acme", Name: "blog"})
//	n := fake.AddPR("acme/blog", fakegithub.PR{HeadSHA: sha, Files: files})
//	fake.FailEachOnce(502) // every endpoint fails once
//	app, _ := github.NewApp(42, pemKey, github.Options{BaseURL: fake.URL()})
//	... run the code under test ...
//	comments := fake.Comments("acme/blog", n)
//
// Operations are named by their OpenAPI operationId ("pulls/get",
// "issues/create-comment") in fault injection and in Count. Cost counts
// the requests that spent rate limit and the 304s that did not;
// SetRateLimit makes the quota and its window small enough to hit.
//
// The fake refuses to be a general GitHub emulator: endpoints outside the
// list above answer 404 and fail the test, and it keeps no state across
// servers.
package fakegithub
