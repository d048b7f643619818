// Package check runs herald's rules over the posts of a content site and
// returns findings: a rule ID, a severity, a position in the file (front
// matter included), a message written for the author and, where safe, a
// fix as text edits.
//
// Markdown is parsed once per post with goldmark and the tree is shared by
// every rule; nothing is reported inside code spans, code blocks, URLs or
// HTML comments (except control characters, which matter most in code).
// Plain-text rules (repeated words, spelling, mojibake, control
// characters, placeholders) are delegated to content/prose.
//
// Check is a pure function of the site and the post: it does no I/O of its
// own beyond reading the site's fs.FS, never writes files (ApplyFixes
// returns new bytes), and refuses to fetch external links. Two edges do I/O
// for herald check: FixFiles writes the safe fixes into a folder on disk
// (--fix), and WriteReport writes findings as text, JSON, SARIF or GitHub
// workflow commands.
package check
