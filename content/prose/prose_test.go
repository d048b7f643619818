package prose

import (
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
)

// finding is an Issue as a test states it: the rule, the text it covers and
// the fix, without offsets or message.
type finding struct {
	Rule, Text, Fix string
}

func findings(text string, issues []Issue) []finding {
	var out []finding
	for _, is := range issues {
		f := finding{Rule: is.Rule, Text: text[is.Start:is.End]}
		switch {
		case is.HasFix:
			f.Fix = is.Replacement
		case is.Replacement != "":
			f.Fix = "(unsafe) " + is.Replacement
		default:
			f.Fix = noFix
		}
		out = append(out, f)
	}
	return out
}

// noFix is the Fix of a finding without a safe fix; "" is a fix that
// removes the text.
const noFix = "(none)"

type ruleCase struct {
	name string
	text string
	want []finding
}

func runCases(t *testing.T, c *Checker, rule string, cases []ruleCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var got []Issue
			for _, is := range c.Check(tc.text) {
				if is.Rule == rule {
					got = append(got, is)
				}
			}
			if diff := cmp.Diff(tc.want, findings(tc.text, got)); diff != "" {
				t.Errorf("Check(%q) %s findings (-want +got):\n%s", tc.text, rule, diff)
			}
		})
	}
}

func TestRepeatedWord(t *testing.T) {
	t.Parallel()
	c := NewChecker(Options{})
	runCases(t, c, RuleRepeatedWord, []ruleCase{
		{"simple", "We went to the the shop.", []finding{{RuleRepeatedWord, "the the", "the"}}},
		{"case differs, first kept", "The the shop is open.", []finding{{RuleRepeatedWord, "The the", "The"}}},
		{"across a line break", "Then we went to the\nthe shop.", []finding{{RuleRepeatedWord, "the\nthe", "the"}}},
		{"single letter a", "It is a a test.", []finding{{RuleRepeatedWord, "a a", "a"}}},
		{"three times is one finding", "go to the the the shop", []finding{{RuleRepeatedWord, "the the", "the"}}},
		{"hyphenated: not a function word, a suggestion only", "a well-known well-known tool", []finding{{RuleRepeatedWord, "well-known well-known", "(unsafe) well-known"}}},
		{"sentence boundary", "We saw the. The end.", nil},
		{"comma between", "If it works, works for me.", nil},
		{"paragraph between", "the\n\nthe", nil},
		{"had had", "By then he had had enough.", nil},
		{"that that", "He said that that was fine.", nil},
		{"is is", "What it is is a tool.", nil},
		{"emphasis", "It helped in many many places and much much more.", nil},
		{"column header", "exit       Exit the program", nil},
		{"second capitalised", "we set Set as the type", nil},
		{"initials", "S S Kumar", nil},
		{"name", "a new Late Late bug scrub and Walla Walla", nil},
		{"capitalised at sentence start", "Done. The The end.", []finding{{RuleRepeatedWord, "The The", "The"}}},
		{"acronym", "the AKS AKS cluster", nil},
		{"template tag", "{% include the the %} text", nil},
		{"attribute list", `{:style="margin: auto auto;"}`, nil},
		{"quoted", "the word `the` the end", nil},
		{"numbers", "1 1 2 3 5", nil},
	})
}

func TestMisspelling(t *testing.T) {
	t.Parallel()
	c := NewChecker(Options{Words: []string{"metal-stack", "Containerlab", "Gerrit"}})
	runCases(t, c, RuleMisspelling, []ruleCase{
		{"edit distance 2: reported, no word named", "a strong policitical statement", []finding{{RuleMisspelling, "policitical", noFix}}},
		{"known misspelling", "you will recieve a mail", []finding{{RuleMisspelling, "recieve", "receive"}}},
		{"known misspelling at sentence start keeps case", "Recieve it now.", []finding{{RuleMisspelling, "Recieve", "Receive"}}},
		{"transposition", "we have a straighforward plan", []finding{{RuleMisspelling, "straighforward", "straightforward"}}},
		{"several candidates: no fix", "we renived the code", []finding{{RuleMisspelling, "renived", noFix}}},
		{"unknown word of five letters: a name or a term", "we use kpack daily", nil},
		{"part of a hyphenated word", "a cloud-natvie tool", []finding{{RuleMisspelling, "natvie", "native"}}},
		{"possessive", "the recievers's mail", []finding{{RuleMisspelling, "recievers", "receivers"}}},
		{"project words", "metal-stack runs containerlab with Gerrit", nil},
		{"project word in capitals", "Containerlab is great.", nil},
		{"acronym", "We met at FOSDEM in Brussels.", nil},
		{"name mid-sentence", "The talk by Quirin and Gerrit went well.", nil},
		{"name at sentence start", "Quirin gave a talk.", nil},
		{"camel case", "use kubeVirt and GitHub and iOS", nil},
		{"digits", "k8s and v1beta2 and 2nd", nil},
		{"path and URL", "see /usr/local/bin and https://exmaple.com/foo and docs.exmaple.com", nil},
		{"email", "write to someone@exmaple.com", nil},
		{"mention and hashtag", "thanks @dholbach for #hacktoberfest", nil},
		{"flag and suffix", "pass --verbse to get the -ization", nil},
		{"identifier", "set max_replcas and foo.barz", nil},
		{"quoted like code", `set "replcas" to 'replcas'`, nil},
		{"British spelling", "my favourite colour, customised and organised", nil},
		{"software terms", "kubectl applies the kustomization to the namespace via the webhook", nil},
		{"short unknown word", "the libc and objc ptr", nil},
		{"unknown with nothing close", "we used zxqwv daily", nil},
		{"repeated three times is meant", "mirrord is nice. mirrord runs. I like mirrord.", nil},
		{"prefixed", "multicluster and non-disruptive and re-deploy", nil},
		{"inflection of a software term", "two kubeconfigs and webhooks", nil},
		{"compound", "the dataplane and the toolchain", nil},
		{"accented words", "a café in Zürich, naïve", nil},
		{"contractions", "don't, it's, we'll, they've", nil},
	})
}

func TestMisspellingVocabulary(t *testing.T) {
	t.Parallel()
	text := "we deploy with flurbix today and a strong policitical view"
	tests := []struct {
		name    string
		docs    int // documents of the vocabulary containing the words
		minDocs int
		want    []finding
	}{
		{"unknown to the repository", 0, 0, []finding{{RuleMisspelling, "policitical", noFix}}},
		{"in fewer documents than the default", 2, 0, []finding{{RuleMisspelling, "policitical", noFix}}},
		{"in as many documents as the default", 3, 0, nil},
		{"in as many documents as configured", 1, 1, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			v := NewVocabulary()
			for range tt.docs {
				v.AddDocument("The Policitical party and Flurbix.")
			}
			v.AddDocument("unrelated text")
			c := NewChecker(Options{Vocabulary: v, MinDocs: tt.minDocs})
			var got []Issue
			for _, is := range c.Check(text) {
				if is.Rule == RuleMisspelling {
					got = append(got, is)
				}
			}
			if diff := cmp.Diff(tt.want, findings(text, got)); diff != "" {
				t.Errorf("findings (-want +got):\n%s", diff)
			}
		})
	}
}

func TestVocabularyDocuments(t *testing.T) {
	t.Parallel()
	v := NewVocabulary()
	v.AddDocument("Flurbix runs flurbix twice, and multi-cluster setups.")
	v.AddDocument("The flurbix ships a cluster.")
	v.AddDocument("Nothing related, except a Cluster.")
	v.RemoveDocument("The flurbix ships a cluster.")
	tests := []struct {
		word string
		want int
	}{
		{"flurbix", 1}, // twice in one document counts once; one document removed
		{"FLURBIX", 1}, // case-insensitive
		{"cluster", 2}, // a part of multi-cluster, and the last document
		{"multi-cluster", 1},
		{"multi", 1}, // each part of a hyphenated word
		{"ships", 0}, // only in the removed document
		{"nothing", 1},
		{"absent", 0},
	}
	for _, tt := range tests {
		t.Run(tt.word, func(t *testing.T) {
			if got := v.Documents(tt.word); got != tt.want {
				t.Errorf("Documents(%q) = %d, want %d", tt.word, got, tt.want)
			}
		})
	}
	// Removing what was never added leaves no negative count behind.
	v.RemoveDocument("absent words")
	v.AddDocument("absent")
	if got := v.Documents("absent"); got != 1 {
		t.Errorf("Documents(absent) after removing and adding it = %d, want 1", got)
	}
}

func TestMisspellingRepositoryTerms(t *testing.T) {
	t.Parallel()
	v := NewVocabulary()
	for range 6 {
		v.AddDocument("Kubernetes clusters, thanks to Max Werner and Chanwit Kaewkasi, with helmrelease objects.")
	}
	c := NewChecker(Options{Vocabulary: v})
	runCases(t, c, RuleMisspelling, []ruleCase{
		{"swapped letters in a capitalised term", "We run Kuberentes today.", []finding{{RuleMisspelling, "Kuberentes", "Kubernetes"}}},
		{"swapped letters in a name", "Thanks to Chanwit Kaekwasi for it.", []finding{{RuleMisspelling, "Kaekwasi", "Kaewkasi"}}},
		{"any edit in a lower-case term", "apply the helmreleas objects", []finding{{RuleMisspelling, "helmreleas", "helmrelease"}}},
		{"another name one letter away", "Thanks to Marcus Weiner for it.", nil},
		{"the term itself", "Kubernetes and helmrelease", nil},
	})
	// Too few documents: not a term of the repository yet.
	few := NewVocabulary()
	few.AddDocument("Kubernetes")
	text := "We run Kuberentes today."
	if got := NewChecker(Options{Vocabulary: few}).Check(text); len(got) != 0 {
		t.Errorf("Check(%q) with the term in one document = %+v, want nothing", text, got)
	}
}

func TestMisspellingMessage(t *testing.T) {
	t.Parallel()
	c := NewChecker(Options{})
	tests := []struct {
		text, want string
	}{
		{"a policitical party", `"policitical" is not in the dictionary; check its spelling`},
		{"we recieve it", `"recieve" is a common misspelling of "receive"`},
		{"a tempoary file", `"tempoary" looks misspelled; did you mean "temporary"?`},
		{"you recieve it", `"recieve" is a common misspelling of "receive"`},
		{"we renived it", `"renived" looks misspelled; did you mean "relived", "revived"?`},
	}
	for _, tt := range tests {
		issues := c.Check(tt.text)
		if len(issues) != 1 {
			t.Fatalf("Check(%q) = %d issues, want 1: %+v", tt.text, len(issues), issues)
		}
		if issues[0].Message != tt.want {
			t.Errorf("Check(%q) message = %q, want %q", tt.text, issues[0].Message, tt.want)
		}
	}
}

func TestMojibake(t *testing.T) {
	t.Parallel()
	c := NewChecker(Options{})
	runCases(t, c, RuleMojibake, []ruleCase{
		{"emoji", "cool ðŸ˜› right", []finding{{RuleMojibake, "ðŸ˜›", "😛"}}},
		{"emoji with an undefined Windows-1252 byte", "love ðŸ˜\u008d it", []finding{{RuleMojibake, "ðŸ˜\u008d", "😍"}}},
		{"apostrophe", "donâ€™t panic", []finding{{RuleMojibake, "â€™", "’"}}},
		{"quotes in a row", "â€œhiâ€\u009d", []finding{{RuleMojibake, "â€œ", "“"}, {RuleMojibake, "â€\u009d", "”"}}},
		{"accented letter", "cafÃ© au lait", []finding{{RuleMojibake, "Ã©", "é"}}},
		{"run of letters", "naÃ¯ve rÃ©sumÃ©", []finding{{RuleMojibake, "Ã¯", "ï"}, {RuleMojibake, "Ã©", "é"}, {RuleMojibake, "Ã©", "é"}}},
		{"no-break space", "10Â\u00a0km", []finding{{RuleMojibake, "Â\u00a0", "\u00a0"}}},
		{"mangled twice", "donÃ¢â‚¬â„¢t", []finding{{RuleMojibake, "Ã¢â‚¬â„¢", "’"}}},
		{"Cyrillic", "ÐŸÑ€Ð¸Ð²ÐµÑ‚", []finding{{RuleMojibake, "ÐŸÑ€Ð¸Ð²ÐµÑ‚", "Привет"}}},
		{"invalid UTF-8", "bad \xff byte", []finding{{RuleMojibake, "\xff", noFix}}},
		{"replacement character", "lost \ufffd here", []finding{{RuleMojibake, "\ufffd", noFix}}},
		{"French", "« voilà\u00a0» et « café\u00a0» à Paris, Ça va, Éric…", nil},
		{"German", "Müller, Straße, „GROß“ und ÄÖÜ–Test", nil},
		{"Spanish and Nordic", "señor, Ærøskøbing, Þórður, Zoë’s", nil},
		{"emoji", "😛 🤓 👨‍👩‍👧", nil},
		{"symbols", "© 2026, 25 °C, ± 3, ½ cup, €10", nil},
		{"many scripts", "SÃO PAULO, ação, Łódź, Dvořák, İstanbul, Việt Nam, Ελληνικά, Привет, 中文, 日本語, 한국어, عربي, עברית, við, Þú", nil},
		{"guillemets with no-break spaces", "« à\u00a0» « é\u00a0» «\u00a0ÉTÉ\u00a0»", nil},
	})
}

func TestBidiControl(t *testing.T) {
	t.Parallel()
	c := NewChecker(Options{})
	runCases(t, c, RuleBidiControl, []ruleCase{
		{"override", "access\u202e level", []finding{{RuleBidiControl, "\u202e", ""}}},
		{"isolates", "a\u2066b\u2069c", []finding{{RuleBidiControl, "\u2066", ""}, {RuleBidiControl, "\u2069", ""}}},
		{"mark in left-to-right text", "left\u200eright", []finding{{RuleBidiControl, "\u200e", ""}}},
		{"override in right-to-left text has no fix", "שלום\u202eabc", []finding{{RuleBidiControl, "\u202e", noFix}}},
		{"mark in right-to-left text", "שלום\u200f world", nil},
		{"Arabic letter mark in Arabic", "مرحبا\u061c 123", nil},
	})
	// The unsafe case has no replacement at all.
	for _, is := range c.Check("שלום\u202eabc") {
		if is.HasFix || is.Replacement != "" {
			t.Errorf("override in right-to-left text: got fix %q, want none", is.Replacement)
		}
	}
}

func TestInvisibleChar(t *testing.T) {
	t.Parallel()
	c := NewChecker(Options{})
	runCases(t, c, RuleInvisibleChar, []ruleCase{
		{"zero width space", "foo\u200bbar", []finding{{RuleInvisibleChar, "\u200b", ""}}},
		{"two in a row are one finding", "foo\u200b\u200bbar", []finding{{RuleInvisibleChar, "\u200b\u200b", ""}}},
		{"byte order mark mid-text", "foo\ufeffbar", []finding{{RuleInvisibleChar, "\ufeff", ""}}},
		{"soft hyphen", "hyphen\u00adation", []finding{{RuleInvisibleChar, "\u00ad", ""}}},
		{"joiner between Latin letters", "foo\u200dbar", []finding{{RuleInvisibleChar, "\u200d", ""}}},
		{"non-joiner next to a space", "foo \u200c bar", []finding{{RuleInvisibleChar, "\u200c", ""}}},
		{"word joiner", "foo\u2060bar", []finding{{RuleInvisibleChar, "\u2060", ""}}},
		{"Hangul filler", "x\u3164y", []finding{{RuleInvisibleChar, "\u3164", ""}}},
		{"control character", "bell\x07here", []finding{{RuleInvisibleChar, "\x07", ""}}},
		{"line separator", "one\u2028two", []finding{{RuleInvisibleChar, "\u2028", " "}}},
		{"no-break space next to a space", "foo \u00a0bar", []finding{{RuleInvisibleChar, " \u00a0", " "}}},
		{"run of no-break spaces and spaces is one finding", "foo\u00a0 \u00a0 bar", []finding{{RuleInvisibleChar, "\u00a0 \u00a0 ", " "}}},
		{"joiner in an emoji sequence", "family 👨\u200d👩\u200d👧 here", nil},
		{"non-joiner in Persian", "می\u200cخواهم", nil},
		{"joiner in Devanagari", "क्\u200dष", nil},
		{"lone no-break space", "10\u00a0km and « mot\u00a0»", nil},
		{"tabs and line breaks", "a\tb\r\nc", nil},
	})
}

func TestPlaceholder(t *testing.T) {
	t.Parallel()
	c := NewChecker(Options{})
	runCases(t, c, RulePlaceholder, []ruleCase{
		{"TODO note", "TODO: write the intro", []finding{{RulePlaceholder, "TODO", noFix}}},
		{"TBD in brackets", "The date is (TBD).", []finding{{RulePlaceholder, "TBD", noFix}}},
		{"TBD at the end of a line", "Speaker: TBD\nRoom: 2", []finding{{RulePlaceholder, "TBD", noFix}}},
		{"FIXME anywhere", "this FIXME part", []finding{{RulePlaceholder, "FIXME", noFix}}},
		{"XXX note", "see XXX: link", []finding{{RulePlaceholder, "XXX", noFix}}},
		{"lorem ipsum", "Lorem ipsum dolor sit amet.", []finding{{RulePlaceholder, "Lorem ipsum", noFix}}},
		{"insert", "See [insert screenshot here] below.", []finding{{RulePlaceholder, "[insert screenshot here]", noFix}}},
		{"TODO as a noun", "our TODO list until the release", nil},
		{"TBD as an adjective", "on some TBD schedule", nil},
		{"lower case", "a todo app, tbd", nil},
		{"longer words", "TODOS, XXXL, TBDs, FIXMEs", nil},
		{"status word", "43% were still TODO, 21% WIP", nil},
		{"insert without a closing bracket", "[insert the\nthing]", nil},
		{"TODO list app, a title", "TODO list app with React Native", nil},
		{"TODO items at the start of a line", "TODO items are kept in a file.", nil},
		{"todo app in a sentence", "We built a todo app, and the todo list syncs.", nil},
		{"TODO note without a colon", "TODO write the intro", []finding{{RulePlaceholder, "TODO", noFix}}},
		{"named in a list", "TODO, TBD, FIXME, XXX, lorem ipsum, outside code.", nil},
		{"named as an example", "placeholder text such as TODO). Markdown is parsed", nil},
		{"TODO in brackets", "The speaker is (TODO) for now.", []finding{{RulePlaceholder, "TODO", noFix}}},
	})
}

// TestMisspellingNamesAndHandles runs real sentences of contributor lists
// and acknowledgements: handles and names are not slips.
func TestMisspellingNamesAndHandles(t *testing.T) {
	t.Parallel()
	c := NewChecker(Options{})
	runCases(t, c, RuleMisspelling, []ruleCase{
		{"thanks list", "Thanks to @foo, Jane Doe, Bartosz Mikulski, lehnerj and netthier for their help.", nil},
		{"list of handles after names", "Vincent Van der Kussen, Wiliam Brode, netthier.", nil},
		{"tools list", "Tools like Flux, Tekton, kpack, Knative, and Argo are used in various stages.", nil},
		{"company list", "automotiveMastermind, Divid, Evrone, FACEIT, orchit GmbH, RingCentral", nil},
		{"name then handle", "Diego Hurtado ocelotl (Elastic)\nBrett McBride brettmc", nil},
		{"identifier in parentheses", "Microsoft Entra ID (azuread) holds the identities.", nil},
		{"product written with a capital elsewhere", "We love Voltra as a music player. With voltra you own your music.", nil},
		{"capitalised name mid-sentence", "We met Kaewkasi and Mikulski at the booth.", nil},
		{"typo next to a list is still one", "We used Flux, Helm and Argo, and it was straighforward to set up.", []finding{{RuleMisspelling, "straighforward", "straightforward"}}},
		{"typo after and", "on AKS, and observated a difference", []finding{{RuleMisspelling, "observated", noFix}}},
	})
}

// TestMisspellingTechnicalWords: informal, technical and derived words
// are English; suggestions far from the word are not made.
func TestMisspellingTechnicalWords(t *testing.T) {
	t.Parallel()
	c := NewChecker(Options{})
	runCases(t, c, RuleMisspelling, []ruleCase{
		{"exfiltrate: no far suggestion", "The malware tries to exfiltrate data from the cluster.", nil},
		{"wunderbar: no far suggestion", "The new release is simply wunderbar for our team.", nil},
		{"rare word of SCOWL 80", "An explorative study of the severities of incidents.", nil},
		{"derived: -ify, -ivity, doubled consonant", "We sheetify the data, value inclusivity, and the embedders are moddable.", nil},
		{"agent noun of a verb", "Nix substituters serve the builds.", nil},
		{"compound with a tech prefix", "The devdocs and devstats pages.", nil},
		{"part of a package name", "We use react-native-opentok for video.", nil},
		{"short unknown word", "Run godoc or gradle first.", nil},
		{"code names of a short prefix or suffix", "Use fprint, gcustom matchers, wcwidth and peekfd with golint.", nil},
		{"a first name", "Sebastiaan Deckers is a collaborator.", nil},
		{"a package named twice", "Use the system store instead of the bundled certifi certificates; without certifi it works.", nil},
	})
}

func TestMisspellingPostWords(t *testing.T) {
	t.Parallel()
	c := NewChecker(Options{})
	text := "Photo of Julia skydiving over a deserty area"
	if got := c.CheckText(text, TextOptions{}); len(got) != 1 {
		t.Fatalf("without the post's words: %d findings, want 1", len(got))
	}
	if got := c.CheckText(text, TextOptions{Words: []string{"Deserty", "fangirling"}}); len(got) != 0 {
		t.Errorf("with the post's words: %+v, want none", got)
	}
}

// TestMisspellingRecall: plain-word slips with one letter swapped, dropped
// or doubled are caught, with the fix offered for review.
func TestMisspellingRecall(t *testing.T) {
	t.Parallel()
	c := NewChecker(Options{})
	runCases(t, c, RuleMisspelling, []ruleCase{
		{"recieve", "You will recieve an email.", []finding{{RuleMisspelling, "recieve", "receive"}}},
		{"seperate", "Keep them in seperate files.", []finding{{RuleMisspelling, "seperate", "separate"}}},
		{"occured", "An error occured during the build.", []finding{{RuleMisspelling, "occured", "occurred"}}},
		{"begining", "From the begining of the project.", []finding{{RuleMisspelling, "begining", "beginning"}}},
		{"dropped letter", "Store it in a temporay file.", []finding{{RuleMisspelling, "temporay", "temporary"}}},
		{"dropped letter, plural", "Build applicatons faster.", []finding{{RuleMisspelling, "applicatons", "applications"}}},
		{"undoubled, to a rare word", "Thanks to all commiters.", []finding{{RuleMisspelling, "commiters", "committers"}}},
		{"doubled", "We are targetting ARM.", []finding{{RuleMisspelling, "targetting", "targeting"}}},
		{"swapped", "Pick a langauge first.", []finding{{RuleMisspelling, "langauge", "language"}}},
		{"capitalised at the start", "Seperate them.", []finding{{RuleMisspelling, "Seperate", "Separate"}}},
		{"dropped letters that look like derivations", "It is misleding; the likenes to a granchild.",
			[]finding{{RuleMisspelling, "misleding", "misleading"}, {RuleMisspelling, "likenes", "likeness"}, {RuleMisspelling, "granchild", "grandchild"}}},
		{"part of a hyphenated word", "Upgrading is a no-brainer.", nil},
		{"plural of a common word", "The number of nestings should be small.", nil},
		{"doubled letters that look like derivations", "One can embedd the handlers; the gas difffused.",
			[]finding{{RuleMisspelling, "embedd", "embed"}, {RuleMisspelling, "difffused", "diffused"}}},
		// Slips of published changelogs and READMEs no rule was tuned on.
		{"changelog slips", "Bump dependecies, fix precendence of flags, events emmitted twice, an optmized path.",
			[]finding{{RuleMisspelling, "dependecies", "dependencies"}, {RuleMisspelling, "precendence", "precedence"}, {RuleMisspelling, "emmitted", "emitted"}, {RuleMisspelling, "optmized", "optimized"}}},
		{"readme slips", "Report it upsteam; under these condintions the initalization is compliated.",
			[]finding{{RuleMisspelling, "upsteam", "upstream"}, {RuleMisspelling, "condintions", "conditions"}, {RuleMisspelling, "initalization", "initialization"}, {RuleMisspelling, "compliated", "complicated"}}},
	})
}

// TestMisspellingTitle: a title in Title Case is checked word by word for
// near slips, and its words the post's body uses are meant.
func TestMisspellingTitle(t *testing.T) {
	t.Parallel()
	vocab := NewVocabulary()
	vocab.AddDocument("mirrord lets you run your process in the cluster; mirrord is open source.")
	c := NewChecker(Options{Vocabulary: vocab})
	tests := []struct {
		name, title string
		want        []finding
	}{
		{"title case slip", "How to Recieve Webhooks", []finding{{RuleMisspelling, "Recieve", "Receive"}}},
		{"title case dropped letter", "Faster Applicatons with Electron", []finding{{RuleMisspelling, "Applicatons", "Applications"}}},
		{"product of the body", "Fast local development with mirrord on AKS", nil},
		{"names in a title", "Meet Kaewkasi and Onyekwere at KubeCon", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []Issue
			for _, is := range c.CheckText(tt.title, TextOptions{Title: true, Language: "en"}) {
				if is.Rule == RuleMisspelling {
					got = append(got, is)
				}
			}
			if diff := cmp.Diff(tt.want, findings(tt.title, got)); diff != "" {
				t.Errorf("CheckText(%q, title) (-want +got):\n%s", tt.title, diff)
			}
		})
	}
}

// TestLanguage: only English is spell-checked, whether the caller names
// the language or leaves it to DetectLanguage.
func TestLanguage(t *testing.T) {
	t.Parallel()
	spanish := "OpenTelemetry se basa en variables de entorno para la configuración desde el principio. Los usuarios pueden configurar los exportadores, los procesadores y las muestras sin cambiar el código de la aplicación."
	portuguese := "Desde o início, o OpenTelemetry se baseia em variáveis de ambiente para configuração. Estamos animados e gratos por todos que continuam a investir na comunidade."
	japanese := "OpenTelemetryは、オブザーバビリティのためのオープンソースのフレームワークです。トレース、メトリクス、ログを収集し、バックエンドにエクスポートします。"
	chinese := "OpenTelemetry 是一个开源的可观测性框架，用于生成、收集和导出遥测数据，例如追踪、指标和日志。我们很高兴地宣布新的版本已经发布。"
	ukrainian := "OpenTelemetry — це фреймворк з відкритим кодом для спостережуваності. Він збирає трасування, метрики та журнали і надсилає їх до бекенду."
	english := "OpenTelemetry is an open source observability framework. It collects traces, metrics and logs, and exports them to the backend of your choice, which makes it easy to switch vendors."
	for _, tt := range []struct {
		text, want string
	}{{spanish, "und-Latn"}, {portuguese, "und-Latn"}, {japanese, "ja"}, {chinese, "zh"}, {ukrainian, "und-Cyrl"}, {english, "en"}, {"Too short.", ""}} {
		if got := DetectLanguage(tt.text); got != tt.want {
			t.Errorf("DetectLanguage(%.30q...) = %q, want %q", tt.text, got, tt.want)
		}
	}
	c := NewChecker(Options{})
	for _, text := range []string{spanish, portuguese, japanese, chinese, ukrainian} {
		for _, is := range c.Check(text) {
			if is.Rule == RuleMisspelling {
				t.Errorf("Check(%.30q...) spell-checks a text that is not English: %q", text, text[is.Start:is.End])
			}
		}
	}
	// Stated languages win over detection: an English site that says so,
	// and a Spanish post in an English site.
	slip := "You will recieve it."
	if got := NewChecker(Options{Language: "es"}).CheckText(slip, TextOptions{}); len(got) != 0 {
		t.Errorf("Language es: got %d findings, want none", len(got))
	}
	if got := NewChecker(Options{Language: "es"}).CheckText(slip, TextOptions{Language: "en-GB"}); len(got) != 1 {
		t.Errorf("TextOptions.Language en-GB: got %d findings, want 1", len(got))
	}
	// A Spanish quotation inside an English post is not spell-checked.
	mixed := english + "\n\n" + "La observabilidad es una propiedad del sistema que permite entender su estado interno a partir de sus datos."
	for _, is := range c.Check(mixed) {
		if is.Rule == RuleMisspelling {
			t.Errorf("a Spanish paragraph of an English post is spell-checked: %q", mixed[is.Start:is.End])
		}
	}
	for _, tag := range []string{"en", "EN", "en-US", "en_GB"} {
		if !IsEnglish(tag) {
			t.Errorf("IsEnglish(%q) = false", tag)
		}
	}
	for _, tag := range []string{"", "es", "eng", "ja", "enx"} {
		if IsEnglish(tag) {
			t.Errorf("IsEnglish(%q) = true", tag)
		}
	}
}

// TestRepeatedWordClasses: an error with a certain fix only for function
// words never doubled; other doublings a tentative suggestion, or nothing.
func TestRepeatedWordClasses(t *testing.T) {
	t.Parallel()
	c := NewChecker(Options{})
	type want struct {
		text      string
		tentative bool
		fix       bool
	}
	for _, tt := range []struct {
		name, text string
		want       []want
	}{
		{"the the", "The Electron project will pause for the the month of December.", []want{{"the the", false, true}}},
		{"a a", "Our goal is to be a a powerful data sharing system.", []want{{"a a", false, true}}},
		{"to to", "You need to to restart it.", []want{{"to to", false, true}}},
		{"of of", "One of of the best.", []want{{"of of", false, true}}},
		{"is is", "The cluster is is ready.", []want{{"is is", false, true}}},
		{"what it is is", "What it is is a tool for builds.", nil},
		{"had had", "By then he had had enough of it.", nil},
		{"that that", "He said that that was fine.", nil},
		{"has has", "Radio has has always had a big share of listeners.", []want{{"has has", true, false}}},
		{"have have", "We have have decided to make Forge official.", []want{{"have have", true, false}}},
		{"in in, a particle", "Log in in the top right corner.", []want{{"in in", true, false}}},
		{"bye bye", "Bye bye, old API!", nil},
		{"chat", "> yeah yeah, sure sure", nil},
		{"name and handle", "Gregor Zeitlinger zeitlinger (Grafana Labs)", nil},
		{"transcript of speech", "So, so the, the telemetry that I have been able to, to see is is good and it it works.", nil},
		{"Spanish: never certain", "Los datos de de la aplicación se envían al servidor de la empresa cada hora y se guardan.", []want{{"de de", true, false}}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var got []want
			for _, is := range c.Check(tt.text) {
				if is.Rule == RuleRepeatedWord {
					if is.Tentative && is.HasFix {
						t.Errorf("a tentative issue with a certain fix: %+v", is)
					}
					got = append(got, want{tt.text[is.Start:is.End], is.Tentative, is.HasFix})
				}
			}
			if diff := cmp.Diff(tt.want, got, cmp.AllowUnexported(want{})); diff != "" {
				t.Errorf("Check(%q) (-want +got):\n%s", tt.text, diff)
			}
		})
	}
}

// TestRepeatedPhrase: a phrase or sentence written twice in a row.
func TestRepeatedPhrase(t *testing.T) {
	t.Parallel()
	c := NewChecker(Options{})
	runCases(t, c, RuleRepeatedPhrase, []ruleCase{
		{"sentence", "We are excited to announce. We are excited to announce. The release is out.", []finding{{RuleRepeatedPhrase, "We are excited to announce. We are excited to announce", "We are excited to announce"}}},
		{"phrase", "As an alternative, please use the please use the popup menu package.", []finding{{RuleRepeatedPhrase, "please use the please use the", "please use the"}}},
		{"phrase around a doubled word", "Run it in the the cluster in the cluster today.", []finding{{RuleRepeatedPhrase, "in the the cluster in the cluster", "(unsafe) in the cluster"}}},
		{"phrase in another case", "In the cluster in the cluster it runs.", []finding{{RuleRepeatedPhrase, "In the cluster in the cluster", "(unsafe) In the cluster"}}},
		{"refrain with a comma", "Let it go, let it go, can't hold it back anymore.", nil},
		{"over and over", "We ran it over and over and over again.", nil},
		{"two words", "It is what it is.", nil},
		{"image alt over its caption", "Screenshot of tuned model response\nScreenshot of tuned model response", nil},
		{"paragraphs apart", "We are excited to announce.\n\nWe are excited to announce.", nil},
	})
}

func TestReplacementCharacterNamed(t *testing.T) {
	t.Parallel()
	c := NewChecker(Options{})
	for text, tentative := range map[string]bool{
		"the Unicode replacement character \uFFFD will be used": true,
		"Thanks to Jos\uFFFD for the talk":                      false,
	} {
		is := c.Check(text)
		if len(is) != 1 || is[0].Rule != RuleMojibake || is[0].Tentative != tentative {
			t.Errorf("Check(%q) = %+v, want one mojibake issue, Tentative %v", text, is, tentative)
		}
	}
}

// TestMojibakeLatin1 runs accented names and words read as Windows-1252.
func TestMojibakeLatin1(t *testing.T) {
	t.Parallel()
	c := NewChecker(Options{})
	runCases(t, c, RuleMojibake, []ruleCase{
		{"name", "Thanks to JosÃ© for the talk.", []finding{{RuleMojibake, "Ã©", "é"}}},
		{"word", "We met in a cafÃ©.", []finding{{RuleMojibake, "Ã©", "é"}}},
		{"apostrophe", "donâ€™t", []finding{{RuleMojibake, "â€™", "’"}}},
		{"capital at the start", "Ã¼ber cool", []finding{{RuleMojibake, "Ã¼", "ü"}}},
		{"city", "SÃ£o Paulo and ZÃ¼rich", []finding{{RuleMojibake, "Ã£", "ã"}, {RuleMojibake, "Ã¼", "ü"}}},
		{"lost last byte: a guess", "a â€œquoteâ€ here", []finding{{RuleMojibake, "â€œ", "“"}, {RuleMojibake, "â€", "(unsafe) ”"}}},
		{"real accented text", "Café, naïve, São Paulo, Zürich, Ångström, Ørsted.", nil},
		{"a lost letter", "Jos\uFFFD and the caf\uFFFD", []finding{{RuleMojibake, "\uFFFD", noFix}, {RuleMojibake, "\uFFFD", noFix}}},
		{"Portuguese capitals", "SÃO PAULO", nil},
	})
}

// TestFosdemDraft runs the rules over a real draft (testdata/fosdem-draft,
// see its NOTICE.md): every prose defect is found at its line with its fix,
// and nothing else is reported.
func TestFosdemDraft(t *testing.T) {
	t.Parallel()
	src, err := os.ReadFile("testdata/fosdem-draft/index.md")
	if err != nil {
		t.Fatal(err)
	}
	text := string(src)
	c := NewChecker(Options{Words: []string{"metal-stack", "containerlab"}})
	var got []string
	for _, is := range c.Check(text) {
		line := strings.Count(text[:is.Start], "\n") + 1
		got = append(got, fmt.Sprintf("%d %s %q -> %q %v", line, is.Rule, text[is.Start:is.End], is.Replacement, is.HasFix))
	}
	want := []string{
		`14 repeated-word "the the" -> "the" true`,
		`20 misspelling "policitical" -> "" false`,
		`24 mojibake "ðŸ˜›" -> "😛" true`,
		`32 mojibake "ðŸ¤“" -> "🤓" true`,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("findings on the draft (-want +got):\n%s", diff)
	}
}

func TestCheckSortedAndWithinBounds(t *testing.T) {
	t.Parallel()
	c := NewChecker(Options{})
	text := "TODO: the the cafÃ© \u202e policitical\u200b"
	issues := c.Check(text)
	if len(issues) != 6 {
		t.Fatalf("Check(%q) = %d issues, want 6: %+v", text, len(issues), issues)
	}
	checkInvariants(t, text, issues)
}

// checkInvariants asserts what every caller relies on: offsets in bounds
// and on character boundaries, sorted by Start, fixes valid UTF-8 that
// change the text.
func checkInvariants(t *testing.T, text string, issues []Issue) {
	t.Helper()
	lastEnd := map[string]int{}
	for i, is := range issues {
		if is.Start < 0 || is.End > len(text) || is.Start > is.End {
			t.Fatalf("issue %d %+v: offsets out of bounds of %d bytes", i, is, len(text))
		}
		if !boundary(text, is.Start) || !boundary(text, is.End) {
			t.Fatalf("issue %d %+v: offsets split a character of %q", i, is, text)
		}
		if i > 0 && issues[i-1].Start > is.Start {
			t.Fatalf("issues not sorted by Start: %+v before %+v", issues[i-1], is)
		}
		if end, ok := lastEnd[is.Rule]; ok && is.Start < end {
			t.Fatalf("issue %d %+v overlaps an earlier issue of its rule ending at %d", i, is, end)
		}
		lastEnd[is.Rule] = is.End
		if !utf8.ValidString(is.Replacement) {
			t.Fatalf("issue %d %+v: replacement is not valid UTF-8", i, is)
		}
		if is.HasFix && is.Replacement == text[is.Start:is.End] {
			t.Fatalf("issue %d %+v: fix changes nothing", i, is)
		}
		if is.Message == "" || !knownRule(is.Rule) {
			t.Fatalf("issue %d %+v: no message or unknown rule", i, is)
		}
	}
}

func boundary(text string, i int) bool {
	return i == len(text) || utf8.RuneStart(text[i]) || !utf8.ValidString(text[max(0, i-3):min(len(text), i+1)])
}

func knownRule(r string) bool {
	switch r {
	case RuleRepeatedWord, RuleMisspelling, RuleMojibake, RuleBidiControl, RuleInvisibleChar, RulePlaceholder:
		return true
	}
	return false
}

func TestVocabularyConcurrent(t *testing.T) {
	t.Parallel()
	v := NewVocabulary()
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			v.AddDocument(fmt.Sprintf("Flux reconciles the Kustomization, the kustomization's state %d, cloud-native", i))
		})
	}
	wg.Wait()
	for _, tt := range []struct {
		word string
		want int
	}{
		{"flux", 8}, {"FLUX", 8}, {"kustomization", 8}, {"Kustomization’s", 8}, {"cloud-native", 8}, {"native", 8},
		{"the", 8}, {"8", 0}, {"missing", 0}, {strings.Repeat("x", 100), 0},
	} {
		if got := v.Documents(tt.word); got != tt.want {
			t.Errorf("Documents(%q) = %d, want %d", tt.word, got, tt.want)
		}
	}
}

func TestCheckEmptyAndHugeInput(t *testing.T) {
	t.Parallel()
	c := NewChecker(Options{})
	if got := c.Check(""); len(got) != 0 {
		t.Errorf("Check(\"\") = %+v, want nothing", got)
	}
	long := strings.Repeat("a", 10000) + " " + strings.Repeat("é", 5000) + " " + strings.Repeat("Ã©", 3000)
	issues := c.Check(long)
	checkInvariants(t, long, issues)
}

func FuzzCheck(f *testing.F) {
	for _, s := range []string{
		"", "the the", "a policitical party", "donâ€™t ðŸ˜›", "Ã¢â‚¬â„¢", "x\u202ey\u200b\u200dz",
		"TODO: [insert x]", "Lorem ipsum", "\xff\xfe", "Â\u00a0 \u00a0", "{% the the %}", "re-re-deploy",
		"שלום\u200f", "👨\u200d👩", "ðŸ˜\u008d", "recievers's", "the the the", "a\u00a0 \u00a0 \u00a0b",
	} {
		f.Add(s)
	}
	c := NewChecker(Options{Words: []string{"metal-stack"}})
	f.Fuzz(func(t *testing.T, text string) {
		checkInvariants(t, text, c.Check(text))
	})
}

// TestControlCharAnyPosition covers the eight-bytes-at-a-time scan: a
// control character is found at every position of a block, and no
// printable ASCII byte is taken for one.
func TestControlCharAnyPosition(t *testing.T) {
	t.Parallel()
	c := NewChecker(Options{})
	for _, ctl := range []byte{0x00, 0x07, 0x1f, 0x7f} {
		for pos := range 24 {
			b := []byte(strings.Repeat("x", 24))
			b[pos] = ctl
			issues := c.Check(string(b))
			if len(issues) != 1 || issues[0].Rule != RuleInvisibleChar || issues[0].Start != pos {
				t.Errorf("control %#x at %d: got %+v, want one invisible-char at %d", ctl, pos, issues, pos)
			}
		}
	}
	var printable []byte
	for b := byte(0x20); b < 0x7f; b++ {
		printable = append(printable, b)
	}
	for _, is := range c.Check(string(printable)) {
		if is.Rule == RuleInvisibleChar {
			t.Errorf("printable ASCII reported: %+v", is)
		}
	}
}

func TestLetterRun8(t *testing.T) {
	// Every byte at every place against the byte-by-byte reading.
	for place := 0; place < 8; place++ {
		for b := 0; b < 256; b++ {
			for _, fill := range []byte{'a', 'Z', ' ', 0xC3} {
				var buf [8]byte
				for i := range buf {
					buf[i] = fill
				}
				buf[place] = byte(b)
				wantN, wantUp := 0, 0
				for _, c := range buf {
					k := asciiLetter[c]
					if k == 0 {
						break
					}
					wantN++
					wantUp += int(k >> 1)
				}
				n, up := letterRun8(le64(string(buf[:])))
				if n != wantN || up != wantUp {
					t.Fatalf("letterRun8(%q) = %d, %d; want %d, %d", buf, n, up, wantN, wantUp)
				}
			}
		}
	}
}

func TestFoldSet(t *testing.T) {
	lists := [][]string{allowedRepeats[:], certainRepeats[:], copulaSubjects[:], prefixes[:], todoNouns[:]}
	words := []string{"", "a", "A", "the", "THE", "tHe", "thee", "ok", "OK", "oK", "okay", "\u212aNOCK", "knoc\u212a", "bye", "by", "ByE", "applications", "APPLICATIONS", "applicationsx", "it", "İt", "ſo", "so", "uni", "UNI", "ultra", "héllo", "hello", strings.Repeat("x", 30)}
	for _, list := range lists {
		set := newFoldSet(list)
		cands := append(append([]string(nil), words...), list...)
		for _, w := range list {
			cands = append(cands, strings.ToUpper(w), w+"s", w[:len(w)-1])
		}
		for _, w := range cands {
			if got, want := set.has(w), inFold(list, w); got != want {
				t.Errorf("has(%q) = %t, inFold says %t", w, got, want)
			}
		}
	}
}

// TestGeneralPunct checks what isGeneralPunct's callers take for granted:
// the General Punctuation block has no letter, digit or mark.
func TestGeneralPunct(t *testing.T) {
	for r := rune(0x2000); r <= 0x206F; r++ {
		if !isGeneralPunct(r) || unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r) {
			t.Errorf("U+%04X: isGeneralPunct %t, letter %t, digit %t, mark %t", r, isGeneralPunct(r), unicode.IsLetter(r), unicode.IsDigit(r), unicode.Is(unicode.Mn, r))
		}
	}
	for _, r := range []rune{0x1FFF, 0x2070, 0x2071} {
		if isGeneralPunct(r) {
			t.Errorf("U+%04X is not in the block", r)
		}
	}
}

// TestMojibakeLeads checks mojibakeSeq's shortcut: only the characters
// U+00C2 to U+00F4 have a Windows-1252 byte that leads a UTF-8 sequence.
func TestMojibakeLeads(t *testing.T) {
	for r := rune(0); r <= 0x2FFFF; r++ {
		b, ok := cp1252Byte(r)
		lead := ok && b >= 0xC2 && b <= 0xF4
		if lead != (r >= 0xC2 && r <= 0xF4) {
			t.Errorf("U+%04X: Windows-1252 byte %#x (%t)", r, b, ok)
		}
	}
}
