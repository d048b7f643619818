package publish_test

import (
	"strings"
	"testing"
	"time"

	"github.com/heraldhq/herald/content"
	"github.com/heraldhq/herald/publish"
)

// benchPost is a real-sized post: front matter and about 8 KB of text.
var benchPost = "---\ntitle: FOSDEM recap\nauthors: [ann, bob]\ntags: [events, community]\ndate: 2026-02-03T09:00:00+01:00\ndraft: true # until the photos are in\n---\n\n" +
	strings.Repeat("We met many people at the stand, and talked about publishing without waking up early. ", 90)

// BenchmarkParsePost is the baseline: reading the post, which a flip needs
// anyway.
func BenchmarkParsePost(b *testing.B) {
	prof, _ := content.ProfileByName("docusaurus")
	b.SetBytes(int64(len(benchPost)))
	for b.Loop() {
		content.ParsePost("blog/a.md", []byte(benchPost), prof, time.UTC)
	}
}

// BenchmarkDraftFlip reads the post and computes and verifies the flip
// (which parses the result again): about twice the baseline.
func BenchmarkDraftFlip(b *testing.B) {
	prof, _ := content.ProfileByName("docusaurus")
	b.SetBytes(int64(len(benchPost)))
	for b.Loop() {
		post := content.ParsePost("blog/a.md", []byte(benchPost), prof, time.UTC)
		if _, err := publish.DraftFlipEdits(post, prof, time.UTC); err != nil {
			b.Fatal(err)
		}
	}
}
