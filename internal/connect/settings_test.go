package connect

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/heraldhq/herald/forge"
)

// TestReachErrClassification shows the line a person reads for an error met
// reaching GitHub at start: an outage names the API root and says to try
// again (forge.IsOutage decides which, see its test), a setting to fix
// names the setting.
func TestReachErrClassification(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		err    error
		outage bool
	}{
		{"server error", fmt.Errorf("get user: %w: GitHub answered 502", forge.ErrUnavailable), true},
		{"deadline", fmt.Errorf("get user: %w", context.DeadlineExceeded), true},
		{"bad credentials", fmt.Errorf("get user: %w: GitHub answered 401: Bad credentials", forge.ErrUnauthorized), false},
		{"an answer that is not GitHub's", errors.New("get user: invalid character '<' looking for beginning of value"), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.err
			classified := reachErr(err, "", "--github-token: GitHub refused it: %v (check the token and --github-url)")
			var down *UnreachableError
			var bad *ConfigError
			switch {
			case tt.outage && (!errors.As(classified, &down) || !strings.HasPrefix(classified.Error(), "cannot reach GitHub at https://api.github.com/: ")):
				t.Errorf("outage reads %q", classified)
			case !tt.outage && (!errors.As(classified, &bad) || !strings.HasPrefix(classified.Error(), "--github-token: GitHub refused it: ")):
				t.Errorf("configuration error reads %q", classified)
			}
			t.Logf("%s", classified)
		})
	}
}
