// Package prose finds slips in the plain text of a blog post: repeated
// words, misspellings, mojibake, bidirectional and invisible control
// characters, and placeholder text.
//
// It works on runs of plain text only. The caller (content/check) extracts
// the text nodes of a post with a Markdown parser and leaves out code spans,
// code blocks, URLs and HTML comments; prose knows nothing of Markdown,
// front matter or files, and refuses to guess at them.
package prose
