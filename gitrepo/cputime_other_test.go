//go:build !unix

package gitrepo_test

import "time"

func cpuTime() time.Duration { return 0 }
