// Package adapter connects the publisher to herald's Git layer and to a
// forge: Branch adapts a gitrepo.Mirror ref to publish.Branch, and Forge
// adapts the GitHub client to publish.PullRequests and publish.Dispatcher,
// mapping their errors to the publisher's sentinels.
//
// It holds no logic of its own beyond that translation, and refuses to
// retry: the GitHub client retries transient failures, and the publisher
// decides what a moved branch or head means.
package adapter
