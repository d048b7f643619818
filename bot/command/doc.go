// Package command reads "/herald" commands from pull request comments.
//
// Parse is pure: it turns a comment body into the commands it gives, in
// order, and an error value for each line that looks like a command but is
// not one, carrying the message to show the person (with the list of
// commands). A command is a line of its own, starting with "/herald"
// (any case), outside fenced or indented code, block quotes (so a command
// quoted from an earlier comment does not act again) and HTML comments.
//
// The package also writes the help text and the polite refusal for people
// without write access. It does not check permissions, talk to the forge,
// or act on commands: the bot does.
package command
