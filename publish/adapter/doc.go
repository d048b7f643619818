// Package adapter connects the publisher and the bot to herald's Git layer
// and to a forge, and holds only what genuinely differs between the two sides:
//
//   - Branch adapts a gitrepo.Mirror ref to publish.Branch: hashes as
//     strings, a branch name made a full ref, a missing ref read as "", the
//     commit identity the branch was made with, and gitrepo's moved-branch
//     error mapped to publish.ErrBranchMoved.
//   - Git shows a gitrepo.Mirror to the bot in neutral terms, as its
//     Mirror: commits by hash, a diff as the paths it changes (each marked
//     when only moved), a missing ref as forge.ErrNotFound, and a Branch per
//     ref; OpenGit opens one from a gitrepo cache with a forge's credentials.
//   - Forge adapts the GitHub client to publish.PullRequests and
//     publish.Dispatcher: the client's refusals mapped to the publisher's
//     sentinels (a refused merge told apart by reading the pull request
//     again), and the client's extra results (the labels now set, the
//     comments written) dropped.
//
// The types themselves are not translated: publish uses forge's neutral
// types (forge.Review, forge.Status, forge.MergeMethod) as they are.
//
// It refuses to retry: the GitHub client retries transient failures, and
// the publisher decides what a moved branch or head means.
package adapter
