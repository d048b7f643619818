package bot

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/heraldhq/herald/content"
	"github.com/heraldhq/herald/content/check"
	"github.com/heraldhq/herald/forge"
	"github.com/heraldhq/herald/publish"
)

func TestReplacement(t *testing.T) {
	src := "---\ntitle: x\n---\n\nthrough the the internet\nsecond line\r\nthird (text)[url] end\n"
	at := func(s string) int { return strings.Index(src, s) }
	for _, tc := range []struct {
		name              string
		edits             []content.Edit
		first, last       int
		wantOld, wantRepl string
	}{
		{"one word on one line", []content.Edit{{Start: at("the the") + 3, End: at("the the") + 7}}, 5, 5,
			"through the the internet", "through the internet"},
		{"two edits on one line", []content.Edit{{Start: at("(text)"), End: at("(text)") + 6, NewText: "[text]"}, {Start: at("[url]"), End: at("[url]") + 5, NewText: "(url)"}}, 7, 7,
			"third (text)[url] end", "third [text](url) end"},
		{"across lines, CRLF kept inside", []content.Edit{{Start: at("internet"), End: at("second") + 6, NewText: "web\nfirst"}}, 5, 6,
			"through the the internet\nsecond line", "through the the web\nfirst line"},
		{"insertion", []content.Edit{{Start: at("end"), End: at("end"), NewText: "the "}}, 7, 7,
			"third (text)[url] end", "third (text)[url] the end"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			first, last, old, repl, ok := replacement([]byte(src), content.NewLines([]byte(src)), tc.edits)
			if !ok {
				t.Fatal("not ok")
			}
			if diff := cmp.Diff([]any{tc.first, tc.last, tc.wantOld, tc.wantRepl}, []any{first, last, old, repl}); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
	if _, _, _, _, ok := replacement([]byte(src), content.NewLines([]byte(src)), []content.Edit{{Start: 5, End: 500}}); ok {
		t.Error("an edit past the end was accepted")
	}
}

func TestSuggestionsOnlyOnDiffLines(t *testing.T) {
	src := []byte("---\ntitle: x\n---\n\nthe the one\n\nthe the two\n")
	post := &content.Post{Path: "p.md", Raw: src, Lines: content.NewLines(src)}
	i1, i2 := strings.Index(string(src), "the the one"), strings.Index(string(src), "the the two")
	findings := []check.Finding{
		{Rule: "repeated-word", Path: "p.md", Line: 5, Message: "m", Fix: &check.Fix{Edits: []content.Edit{{Start: i1 + 3, End: i1 + 7}}}},
		{Rule: "repeated-word", Path: "p.md", Line: 7, Message: "m", Fix: &check.Fix{Edits: []content.Edit{{Start: i2 + 3, End: i2 + 7}}}},
		{Rule: "placeholder", Path: "p.md", Line: 5, Message: "no fix"},
	}
	got := suggestionsFor(findings, map[string]*content.Post{"p.md": post}, map[string][]forge.LineRange{"p.md": {{Start: 4, End: 5}}}, "sha")
	if len(got) != 1 || got[0].comment.Line != 5 || len(got[0].findings) != 1 || got[0].findings[0] != 0 || !strings.Contains(got[0].comment.Body, "```suggestion\nthe one\n```") {
		t.Fatalf("suggestions = %+v", got)
	}
	if key, _, ok := forge.ParseMarker(got[0].comment.Body); !ok || key != got[0].key || !strings.HasPrefix(key, suggestionPrefix) {
		t.Errorf("marker %q, key %q", key, got[0].key)
	}
}

func TestCommandsBodyKeepsAnswersAndHandled(t *testing.T) {
	s := commandSet{list: []pending{{commentID: 12}, {commentID: 9}}}
	first := commandsBody("", []string{"> @a: `/herald hold`\n\nOn hold."}, s)
	second := commandsBody(first, []string{"> @b: `/herald help`\n\nHelp."}, commandSet{list: []pending{{commentID: 30}}})
	if got := stateOf(second)["handled"]; got != "9,12,30" {
		t.Errorf("handled = %q", got)
	}
	if strings.Count(second, answerSep) != 2 || !strings.Contains(second, "On hold.") || !strings.Contains(second, "Help.") {
		t.Errorf("body:\n%s", second)
	}
	body := ""
	for i := range maxAnswers + 5 {
		body = commandsBody(body, []string{"answer " + strings.Repeat("x", i)}, commandSet{list: []pending{{commentID: int64(i + 1)}}})
	}
	if n := strings.Count(body, answerSep); n != maxAnswers {
		t.Errorf("answers kept = %d, want %d", n, maxAnswers)
	}
	if n := len(strings.Split(stateOf(body)["handled"], ",")); n != maxAnswers+5 {
		t.Errorf("handled ids = %d, want all %d", n, maxAnswers+5)
	}
}

func TestCountIn(t *testing.T) {
	for desc, want := range map[string]int{"4 errors, 4 warnings": 4, "1 error": 1, "All clear": 0, "2 warnings": 0} {
		if got := countIn(desc); got != want {
			t.Errorf("countIn(%q) = %d, want %d", desc, got, want)
		}
	}
}

func TestPublishConfig(t *testing.T) {
	cfg, probs := content.DecodeConfig([]byte("version: 1\napprovals: 0\npublish:\n  strategy: rebuild\n  rebuild:\n    trigger: repository_dispatch\n"))
	if len(probs) != 0 {
		t.Fatal(probs)
	}
	got := publishConfig(&content.Site{Config: cfg}, "")
	if got.Strategy != publish.StrategyRebuild || got.Trigger != publish.TriggerRepositoryDispatch || got.ApprovalsRequired != publish.NoApprovalRequired {
		t.Errorf("config = %+v", got)
	}
	if got := publishConfig(&content.Site{Config: content.DefaultConfig()}, publish.StrategyDraft); got.Strategy != publish.StrategyDraft {
		t.Errorf("a file without strategy in local mode: %+v, want the draft strategy", got)
	}
	if got := publishConfig(&content.Site{Config: content.DefaultConfig()}, ""); got.ApprovalsRequired != 1 || got.Strategy != publish.StrategyMerge {
		t.Errorf("default config = %+v", got)
	}
}

// TestFromFork: herald pushes to a pull request's branch only when the forge
// says it is in the repository itself; a fork, or a head repository the
// forge no longer names (a deleted fork), is an outsider's branch.
func TestFromFork(t *testing.T) {
	repo := forge.Repo{CloneURL: "https://github.com/acme/blog.git"}
	tests := []struct {
		name string
		head string
		repo forge.Repo
		fork bool
	}{
		{"same repository", "https://github.com/acme/blog.git", repo, false},
		{"a fork", "https://github.com/eve/blog.git", repo, true},
		{"the fork was deleted", "", repo, true},
		{"the repository's own URL unknown", "https://github.com/acme/blog.git", forge.Repo{}, true},
	}
	for _, tt := range tests {
		if got := fromFork(forge.PullRequest{HeadCloneURL: tt.head}, tt.repo); got != tt.fork {
			t.Errorf("%s: fromFork = %v, want %v", tt.name, got, tt.fork)
		}
	}
}
