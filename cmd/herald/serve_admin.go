package main

import (
	"fmt"
	"os"
	"strings"
)

// minFeedToken is the shortest token accepted: 32 characters, such as 16
// random bytes in hex, cannot be guessed.
const minFeedToken = 32

// readFeedToken reads the token of --feed-token-file: one line of at least
// minFeedToken characters that a URL path carries as is.
func readFeedToken(path string) (string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return "", fmt.Errorf("--feed-token-file: %w", err)
	}
	tok := strings.TrimSpace(string(b))
	if len(tok) < minFeedToken {
		return "", fmt.Errorf("--feed-token-file %s: the token has %d characters, want at least %d that nobody can guess (make one with: openssl rand -hex 32 > %s)", path, len(tok), minFeedToken, path)
	}
	for _, c := range tok {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.' || c == '~') {
			return "", fmt.Errorf("--feed-token-file %s: the token holds %q; use letters, digits, '-', '_', '.' and '~' only, so that it goes in a URL as is (make one with: openssl rand -hex 32 > %s)", path, c, path)
		}
	}
	return tok, nil
}
