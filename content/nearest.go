package content

import "strings"

// Nearest returns the candidate closest to s by edit distance (ignoring
// case), when it is close enough to be a likely slip: at most one edit for
// short words, two for words of six or more characters. It returns "" when
// no candidate is close or two are equally close.
func Nearest(s string, candidates []string) string {
	ls := strings.ToLower(s)
	limit := 1
	if len([]rune(ls)) >= 6 {
		limit = 2
	}
	best, bestD, tie := "", limit+1, false
	for _, c := range candidates {
		d := Distance(ls, strings.ToLower(c))
		if d < bestD {
			best, bestD, tie = c, d, false
		} else if d == bestD && c != best {
			tie = true
		}
	}
	if bestD > limit || tie {
		return ""
	}
	return best
}

// Distance is the Damerau-Levenshtein (optimal string alignment) distance
// between a and b, counted in characters.
func Distance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	if len(ra) == 0 {
		return len(rb)
	}
	if len(rb) == 0 {
		return len(ra)
	}
	prev2 := make([]int, len(rb)+1)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(rb)]
}
