//go:build unix

package gitrepo_test

import (
	"syscall"
	"time"
)

// cpuTime returns the CPU time (user and system) the process and its
// finished children (the git commands it ran) have used, so a benchmark of
// work shared with git can be reported per CPU second on a shared machine.
func cpuTime() time.Duration {
	var self, kids syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &self) != nil || syscall.Getrusage(syscall.RUSAGE_CHILDREN, &kids) != nil {
		return 0
	}
	return time.Duration(self.Utime.Nano() + self.Stime.Nano() + kids.Utime.Nano() + kids.Stime.Nano())
}
