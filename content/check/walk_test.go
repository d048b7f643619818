package check

import (
	"fmt"
	"strings"
	"testing"

	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/text"
)

// TestWalk checks that walk visits the nodes as ast.Walk does, skipping
// the children of the same nodes.
func TestWalk(t *testing.T) {
	docs := map[string]string{
		"realistic": string(realisticPost(7)),
		"nested":    "> - a *b **c** d*\n>   1. [x](y) `z`\n>\n> ![i](j)\n\n| a | b |\n|---|---|\n| `c` | [d](e) |\n\n<div>\nhtml\n</div>\n\ntext[^1]\n\n[^1]: note <b>x</b>\n",
		"empty":     "",
		"one":       "word",
	}
	md := New(nil).md
	for name, src := range docs {
		t.Run(name, func(t *testing.T) {
			root := md.Parser().Parse(text.NewReader([]byte(src)))
			skip := func(n ast.Node) bool {
				switch n.(type) {
				case *ast.CodeSpan, *ast.Link, *ast.List:
					return true
				}
				return false
			}
			var want, got strings.Builder
			_ = ast.Walk(root, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
				fmt.Fprintf(&want, "%s %t\n", n.Kind(), entering)
				if skip(n) {
					return ast.WalkSkipChildren, nil
				}
				return ast.WalkContinue, nil
			})
			walk(root, func(n ast.Node, entering bool) ast.WalkStatus {
				fmt.Fprintf(&got, "%s %t\n", n.Kind(), entering)
				if skip(n) {
					return ast.WalkSkipChildren
				}
				return ast.WalkContinue
			})
			if got.String() != want.String() {
				t.Errorf("walk visits\n%s\nast.Walk visits\n%s", got.String(), want.String())
			}
		})
	}
}
