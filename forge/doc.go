// Package forge holds the neutral types herald uses to talk about a code
// forge: repositories, pull requests, reviews, statuses, check runs, comments
// and the typed errors a forge operation can end in.
//
// It knows nothing of any particular forge's API: adapters such as
// forge/github translate to and from these types, and the code that uses a
// forge declares the small interfaces it needs over an adapter's concrete
// client. The package refuses to do I/O; its only functions are pure helpers
// for hidden comment markers, comment splitting, suggestion blocks and diff
// line ranges, so that every adapter and every test agree on them.
package forge
