package check

import "github.com/heraldhq/herald/content/prose"

// RuleOption is a configurable option of a rule.
type RuleOption struct {
	Name        string
	Default     string
	Description string
}

// Rule describes one check: its stable ID, default severity and what it
// catches. docs/rules.md is generated from these definitions.
type Rule struct {
	ID       string
	Severity string // default severity: info, warning or error
	Family   string
	Summary  string // one line
	Details  string // what it catches and why
	Example  string // a snippet the rule reports
	Fixable  bool   // whether some findings carry a fix
	Options  []RuleOption
	// NotFlagged says what the rule leaves alone on purpose, and the
	// generator semantics that make it right.
	NotFlagged string
}

// The rule IDs.
const (
	RuleFrontmatterSyntax    = "frontmatter-syntax"
	RuleFrontmatterMissing   = "frontmatter-missing"
	RuleRequiredField        = "required-field"
	RuleFieldType            = "field-type"
	RuleUnknownField         = "unknown-field"
	RuleDateFormat           = "date-format"
	RuleDateZone             = "date-zone"
	RuleDateDST              = "date-dst"
	RuleDatePathMismatch     = "date-path-mismatch"
	RuleDateBackdated        = "date-backdated"
	RuleUnknownAuthor        = "unknown-author"
	RuleUnknownTag           = "unknown-tag"
	RuleDuplicateTag         = "duplicate-tag"
	RuleLinkSyntax           = "link-syntax"
	RuleBrokenRelativeLink   = "broken-relative-link"
	RuleLinkTarget           = "link-target"
	RuleImageAlt             = "image-alt"
	RuleImageSize            = "image-size"
	RuleMissingExcerptMarker = "missing-excerpt-marker"
	RuleHeadingJump          = "heading-jump"
	RuleUnclosedFence        = "unclosed-fence"
	// The text rules are those of content/prose: its issues carry these IDs.
	RuleRepeatedWord   = prose.RuleRepeatedWord
	RuleRepeatedPhrase = prose.RuleRepeatedPhrase
	RuleMisspelling    = prose.RuleMisspelling
	RuleMojibake       = prose.RuleMojibake
	RuleBidiControl    = prose.RuleBidiControl
	RuleInvisibleChar  = prose.RuleInvisibleChar
	RulePlaceholder    = prose.RulePlaceholder
	RuleDuplicateSlug  = "duplicate-slug"
	RuleUnreadableFile = "unreadable-file"
	RuleInvalidConfig  = "invalid-config"
)

// Rules returns every rule, in documentation order.
func Rules() []Rule {
	return []Rule{
		{ID: RuleFrontmatterSyntax, Severity: "error", Family: "front matter",
			Summary:    "The front matter does not parse.",
			Details:    "YAML (`---`) or TOML (`+++`) front matter with a syntax error, an unclosed block, or a block that is not a map. The position is where the parser stopped. Nothing else in the front matter is checked until it parses.",
			Example:    "---\ntitle: Hello: world\n---",
			NotFlagged: "A BOM before the opening `---`, CRLF line endings, TOML (`+++`) front matter, and YAML 1.2 values that YAML 1.1 reads otherwise: all parse in the generators."},
		{ID: RuleFrontmatterMissing, Severity: "error", Family: "front matter",
			Summary:    "The post has no front matter.",
			Details:    "A post without front matter has no title or date, so the site generator cannot list or schedule it.",
			Example:    "# Hello\n\nA post without front matter.",
			NotFlagged: "Files outside the content globs, Hugo's `_index.md` section pages, files starting with `_`, and `README.md`: they are not posts."},
		{ID: RuleRequiredField, Severity: "error", Family: "front matter",
			Summary:    "A field listed in `required:` is missing or empty.",
			Details:    "`.herald.yml` lists the fields every post must have (`required: [title, date, authors]`). A missing field is reported at the start of the front matter, an empty one at its key. Without `required:` an empty field that the site reads (such as `description:`) is reported as a warning.",
			Example:    "---\ntitle: Hello\nshortDescription:\n---",
			NotFlagged: "Without `required:` in `.herald.yml`, only a key written with no value is reported, as a warning: which fields a site needs is the site's choice."},
		{ID: RuleFieldType, Severity: "error", Family: "front matter",
			Summary: "A field has the wrong type.",
			Details: "`title` and `description` must be text, `draft` true or false, `tags` and `authors` a list or a single name, dates a date. `draft: yes` (and `no`, `on`, `off`) is YAML 1.1: Jekyll reads it as true, while Docusaurus, Hugo and herald read YAML 1.2, where it is text and the post is not a draft; it is reported with a fix to `true` or `false`.",
			Example: "---\ndraft: maybe\ntags: {news: true}\n---", Fixable: true,
			NotFlagged: "Hugo's `published` (an alias of `publishDate`, a date, while Jekyll's `published` is a boolean), keys in another case on Hugo (its keys are case-insensitive), single strings for tags on Jekyll and Hugo (both read them), quoted dates."},
		{ID: RuleUnknownField, Severity: "warning", Family: "front matter",
			Summary: "A front-matter key is close to a known key (a likely typo).",
			Details: "Keys known to the site generator, listed in `fields:` of `.herald.yml`, or used by other posts of the repository are known. An unknown key one or two edits away from a known one is reported with a fix. With the option `strict: true` every unknown key is reported.",
			Example: "---\ntitel: Hello\n---", Fixable: true,
			Options:    []RuleOption{{Name: "strict", Default: "false", Description: "report every key that is not known, not only likely typos"}},
			NotFlagged: "Keys the generator documents (with Hugo's aliases and any case), keys in `fields:`, and keys two other posts of the site use: a site's own front matter (`spelling:`, `sig:`, `cSpell:ignore`) is its own business. Only a likely typo of a known key is reported unless `strict: true`."},
		{ID: RuleDateFormat, Severity: "error", Family: "dates",
			Summary:    "The publish date is not a date.",
			Details:    "Accepted: `2006-01-02`, `2006-01-02T15:04:05`, `2006-01-02 15:04`, and any of these with an offset (`Z`, `+01:00`, `+0100`). Without an offset the date is read in the site's time zone: `timezone:` in `.herald.yml`, else the generator's own (Jekyll's `timezone:` in `_config.yml`, Hugo's `timeZone`), else UTC.",
			Example:    "---\ndate: next Tuesday\n---",
			NotFlagged: "YAML timestamps (also with one-digit months, as js-yaml and go-yaml read them), dates with a space instead of `T`, offsets without a colon, RFC 1123 dates."},
		{ID: RuleDateZone, Severity: "warning", Family: "dates",
			Summary: "The date's offset is the site zone's other offset, not the one in force on that date.",
			Details: "`+02:00` in a site on Europe/Berlin time in February (when Berlin is at +01:00) is usually a copy-paste from a summer post: the post would go live an hour early. Only the zone's own daylight or standard offset is reported: any other offset (`+05:30`, `Z`) names another zone on purpose and is exact, so it is not. The suggested fix keeps the wall-clock time and writes the site's offset for it. A new or changed post whose date has a time but no offset is reported as info when neither `.herald.yml` nor the generator's configuration sets a time zone, since it is then read as UTC.",
			Example: "---\ndate: 2026-02-03T11:00:00+02:00   # site timezone Europe/Berlin\n---", Fixable: true,
			NotFlagged: "Any offset that is not one of the site zone's own (`+05:30`, `Z` in a New York site): it names its instant exactly, on purpose. Dates without an offset in a site whose zone is set."},
		{ID: RuleDateDST, Severity: "error", Family: "dates",
			Summary:    "A local time that does not exist or occurs twice.",
			Details:    "When clocks skip forward (02:30 on the last Sunday of March in Europe) or fall back (02:30 in October occurs twice), a date without an offset cannot name one instant. herald does not guess: add an offset or move the time.",
			Example:    "---\ndate: 2026-03-29 02:30   # Europe/Berlin\n---",
			NotFlagged: "Dates with an offset (exact), and dates on DST days at times that exist once."},
		{ID: RuleDatePathMismatch, Severity: "info", Family: "dates",
			Summary:    "The date in the file path disagrees with the front-matter date.",
			Details:    "Jekyll's `_posts/2026-02-03-slug.md`, Docusaurus's `2026-02-03-slug/index.md` or `2026/02-slug/index.md`: the generators take the front-matter date over the path's, so the post is listed and served under the front-matter date and the file name tells readers of the repository another one (often a post rescheduled without renaming it). A note, since the site builds and reads fine. Not reported where the URL shows no date: a post that sets its own `url:` or `permalink:`, a Jekyll site whose posts' permalink has no `:year`/`:month`/`:day` (such as `/blog/:title/`), a Hugo section without a dated `permalinks:` entry (Hugo's URLs follow the content path by default).",
			Example:    "_posts/2026-02-03-recap.md with date: 2026-02-05",
			NotFlagged: "A post with its own `url:` or `permalink:`; Jekyll sites whose post permalink has no date; Hugo sections without a dated `permalinks:` entry; a path date that matches the front-matter date in the site's zone."},
		{ID: RuleDateBackdated, Severity: "warning", Family: "dates",
			Summary:    "The publish date is well in the past.",
			Details:    "A new post dated weeks ago lands deep in the feed instead of on top. Reported when the date is more than `days` days before now, for posts being added or changed (the bot's pull-request checks, `herald check --diff`); a check of the whole repository treats its posts as already published and leaves this rule out.",
			Example:    "---\ndate: 2019-01-01\n---",
			Options:    []RuleOption{{Name: "days", Default: "14", Description: "how many days in the past a date may be"}},
			NotFlagged: "Posts already in the repository (a whole-repository check), drafts, and posts only moved to another path."},
		{ID: RuleUnknownAuthor, Severity: "error", Family: "registries",
			Summary: "An author is not in the authors registry.",
			Details: "Docusaurus `blog/authors.yml`, Hugo `data/authors.*`, Jekyll `_data/authors.yml`. Reported with the nearest key and a fix when one is close. An error on Docusaurus, whose build fails on an unknown author key; a warning on Jekyll and Hugo, whose themes show nothing for one. Sites without a registry are not checked.",
			Example: "---\nauthors: [gerit91]\n---", Fixable: true,
			NotFlagged: "Sites without an authors registry; inline author maps (`authors: [{name: ...}]`), which Docusaurus accepts."},
		{ID: RuleUnknownTag, Severity: "warning", Family: "registries",
			Summary: "A tag is not in the tags registry.",
			Details: "Docusaurus `blog/tags.yml`, Hugo `data/tags.*`, Jekyll `_data/tags.yml`. Reported with the nearest tag and a fix when one is close (`event` -> `events`). Sites without a registry are not checked.",
			Example: "---\ntags: [event]\n---", Fixable: true,
			NotFlagged: "Sites without a tags registry; Docusaurus sites whose `onInlineTags` is `ignore` (and `log` makes it a note, `throw` an error, as the build does)."},
		{ID: RuleDuplicateTag, Severity: "warning", Family: "registries",
			Summary: "The same tag is listed twice.",
			Details: "Tags are compared ignoring case. The fix removes the second one, in block and flow lists.",
			Example: "---\ntags: [news, News]\n---", Fixable: true,
			NotFlagged: "The same tag in two different posts; tags that differ by more than case."},
		{ID: RuleLinkSyntax, Severity: "error", Family: "links and images",
			Summary: "A link that Markdown will not render as a link.",
			Details: "Reversed syntax `(text)[url]`, a bracketed URL with no target `[https://example.com]` (rendered as text with brackets), unbalanced brackets such as `[text](https://example.com` with no closing parenthesis, `[text] (url)` with a space, and a reference link `[text][label]` whose label has no definition. The reversed and the spaced forms come with a fix.",
			Example: "See (the docs)[https://example.com] and [https://containerlab.dev/].", Fixable: true,
			NotFlagged: "Anything inside code, HTML or templates: Liquid and Hugo shortcodes are read the way the generator reads them (a `{{< relref >}}` or `{{ site.url }}` in a link definition or URL is a real target, and the definitions after it still count), and a post whose link definitions a Liquid loop writes is not told its references are undefined. MDX expressions and comments. Footnotes `[^1]` and task lists `[x]`."},
		{ID: RuleLinkTarget, Severity: "error", Family: "links and images",
			Summary: "A link target that cannot work as written.",
			Details: "A web address without its scheme (`[docs](www.example.com/docs)`, `[repo](github.com/org/repo)`) is read as a path on this site and leads nowhere; the suggested fix adds `https://`. Doubled parentheses (`[docs]((https://example.com))`) make the parentheses part of the address; the fix removes them. A link to another post's source file (`[recap](2026-02-03-recap.md)`) works on Docusaurus, which maps files to URLs, but Jekyll and Hugo publish the post at another URL: a warning there, unless the site resolves such links (Jekyll's jekyll-relative-links plugin, a Hugo render-link hook or theme, or Hugo's own hook on multilingual sites). Only names ending in a common web domain (.com, .org, .net, .io, .dev, .gov, .edu, .info) count as addresses, so `install.sh` or `diagram.ai` stay files.",
			Example: "[docs](www.example.com/docs) and [spec]((https://example.com/spec))", Fixable: true,
			NotFlagged: "Links with a scheme, site-root and relative file links (`install.sh`, `diagram.ai` are files), links to Markdown files on Docusaurus (which maps them to URLs) and on sites that resolve them (jekyll-relative-links, a Hugo render-link hook or theme, Hugo's own hook on multilingual sites)."},
		{ID: RuleBrokenRelativeLink, Severity: "error", Family: "links and images",
			Summary:    "A relative link or image points to a file or anchor that does not exist.",
			Details:    "Relative targets are resolved against the post's folder (and site-root targets against the site's static folder) and looked up in the repository tree of the commit being checked. `#anchor` links must match a heading of the post. Page URLs (no file extension, `.html`, or a site-root link to a Markdown file, which the generator resolves through its content folders and modules) cannot be decided from the tree and are not reported. External links are not fetched.",
			Example:    "![diagram](./diagram.png)   # no such file\n[see below](#setup)       # no such heading",
			NotFlagged: "External links (never fetched), page URLs (no file extension, `.html`, site-root links to Markdown), targets with templates in them, site-root files on a Hugo site with a theme or modules (which bring their own static files), images a translated Hugo bundle shares with its other languages."},
		{ID: RuleImageAlt, Severity: "warning", Family: "links and images",
			Summary:    "An image has no alternative text.",
			Details:    "Screen readers announce an image without alt text as a file name. Describe what the image shows.",
			Example:    "![](./diagram.png)",
			NotFlagged: "Images with any alt text; HTML `<img>` tags and shortcodes (not read yet)."},
		{ID: RuleImageSize, Severity: "warning", Family: "links and images",
			Summary:    "A linked image file is too large.",
			Details:    "Large images slow the page for every reader. Reported for images in the repository larger than `max_kb`.",
			Example:    "![Architecture](./architecture.png)   # 4.2 MB",
			Options:    []RuleOption{{Name: "max_kb", Default: "1024", Description: "largest image size in KiB"}},
			NotFlagged: "Images outside the repository, and images up to `max_kb`."},
		{ID: RuleMissingExcerptMarker, Severity: "warning", Family: "structure",
			Summary: "The post has no excerpt marker.",
			Details: "Docusaurus shows a post without `<!-- truncate -->` in full on the blog index, and so does Jekyll when `_config.yml` (or the post) sets `excerpt_separator` and the post lacks it. Hugo and Jekyll otherwise cut a summary by themselves, so their posts are not reported. Short posts (under `min_words` words) are not reported either. The suggested fix (for a person to accept) adds the marker after the first paragraph; in `.mdx` posts it is `{/* truncate */}`, since MDX 2 has no HTML comments.",
			Example: "A long post with no <!-- truncate --> line.", Fixable: true,
			Options:    []RuleOption{{Name: "min_words", Default: "150", Description: "posts shorter than this need no marker"}},
			NotFlagged: "Hugo and Jekyll posts (both cut a summary by themselves) unless the site or post sets an `excerpt_separator`; posts under `min_words`; Docusaurus sites whose `onUntruncatedBlogPosts` is `ignore` (and `log` makes it a note)."},
		{ID: RuleHeadingJump, Severity: "warning", Family: "structure",
			Summary: "A heading skips a level.",
			Details: "`##` followed by `####` breaks the outline (and the table of contents). The suggested fix (for a person to accept, since the headings below may need to move too) sets the heading one level below the one before.",
			Example: "## Setup\n\n#### Details", Fixable: true,
			NotFlagged: "The first heading of a post, whatever its level; headings in code and HTML."},
		{ID: RuleUnclosedFence, Severity: "error", Family: "structure",
			Summary:    "A code fence is never closed.",
			Details:    "An unclosed ``` swallows the rest of the post into the code block.",
			Example:    "```go\nfunc main() {}\n\nThe rest of the post.",
			NotFlagged: "A fence closed by a longer fence of the same character, as CommonMark allows."},
		{ID: RuleRepeatedWord, Severity: "error", Family: "text",
			Summary: "The same word twice in a row.",
			Details: "`the the`. The fix removes the repetition.",
			Example: "through the the internet", Fixable: true},
		{ID: RuleRepeatedPhrase, Severity: "warning", Family: "text",
			Summary: "A phrase or sentence written twice in a row.",
			Details: "`We are excited to announce. We are excited to announce.` or `in the cluster in the cluster`: a copy-paste or an edit left half done. Reported with a fix that removes the second copy when the two are the same.",
			Example: "Deploy it in the cluster in the cluster.", Fixable: true,
			NotFlagged: "Repetition across paragraphs, list items or table cells; refrains in quoted lyrics and chat logs of one or two words (see repeated-word)."},
		{ID: RuleMisspelling, Severity: "warning", Family: "text",
			Summary: "A word that looks misspelt.",
			Details: "Checked against an English word list, a software vocabulary, the project's `words:` in `.herald.yml`, and the words used in other posts of the repository (a word in three or more other posts is known). Code, URLs and HTML are not checked. A fix is offered when there is one clear suggestion.",
			Example: "the current policitical situation", Fixable: true},
		{ID: RuleMojibake, Severity: "error", Family: "text",
			Summary: "Text whose UTF-8 bytes were decoded as Windows-1252.",
			Details: "`ðŸ˜›` is an emoji saved through the wrong encoding; `Ã©` is `é`. The fix restores the original characters.",
			Example: "we meet one day. ðŸ˜›", Fixable: true},
		{ID: RuleBidiControl, Severity: "error", Family: "text",
			Summary:    "A bidirectional control character.",
			Details:    "Characters such as U+202E reorder text on screen, so code or text can read differently from what it is (Trojan Source, CVE-2021-42574). Reported everywhere, code blocks and front matter included.",
			Example:    "access level: \"user<U+202E> <U+2066>// admin<U+2069> <U+2066>\"   (the characters are invisible)",
			NotFlagged: "Right-to-left text itself (Arabic, Hebrew): only the invisible control characters are reported."},
		{ID: RuleInvisibleChar, Severity: "warning", Family: "text",
			Summary: "An invisible character such as a zero-width space.",
			Details: "Zero-width spaces, joiners in Latin text and stray byte-order marks break search, copy-paste and commands copied from code blocks. Reported everywhere, code included; the fix removes it.",
			Example: "kubectl<U+200B> apply   (the character is invisible)", Fixable: true,
			NotFlagged: "A byte-order mark at the start of the file."},
		{ID: RulePlaceholder, Severity: "warning", Family: "text",
			Summary:    "Placeholder text left in the post.",
			Details:    "TODO, TBD, FIXME, XXX, lorem ipsum, outside code.",
			Example:    "TODO: add the benchmark numbers",
			NotFlagged: "Placeholders in code, in HTML or MDX comments, and in Docsy's `{{< comment >}}`."},
		{ID: RuleDuplicateSlug, Severity: "error", Family: "site",
			Summary:    "Two posts are served at the same URL.",
			Details:    "The URL comes from `slug`, `url` or `permalink` in front matter, or from the file path as the generator computes it. One of the posts would be hidden.",
			Example:    "blog/2026-02-03-recap.md and blog/recap/index.md both with slug: recap",
			NotFlagged: "Drafts, posts whose permalinks keep them apart (a Jekyll date in the URL, a Hugo section pattern with a date), and posts with an explicit slug of their own."},
		{ID: RuleUnreadableFile, Severity: "error", Family: "site",
			Summary:    "A post that cannot be read as text.",
			Details:    "A binary file, a file that is not valid UTF-8, a file larger than 10 MB, a symbolic link that leaves the repository (never followed), or a post built too deep to check in bounded time: lists or block quotes nested more than 100 levels, or more than 2,000 `[` in one paragraph (Markdown parsers slow down with the square of both; no real post comes near). Such a post is refused, not checked for minutes.",
			Example:    "blog/photo.md that is really a JPEG",
			NotFlagged: "Large posts of ordinary structure, up to 10 MB."},
		{ID: RuleInvalidConfig, Severity: "error", Family: "site",
			Summary:    "`.herald.yml` has a defect.",
			Details:    "Invalid YAML, an unknown key (with the nearest known key), a wrong type, an unknown profile, time zone, rule or severity. The defect is reported and the setting falls back to its default; herald keeps working.",
			Example:    "version: 1\ntimezone: Europe/Berln\nrulez: {}",
			NotFlagged: "A `.herald.yml` without `version:` (1 is the only version); an empty file (all defaults)."},
	}
}
