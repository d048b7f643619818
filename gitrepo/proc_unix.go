//go:build unix

package gitrepo

import (
	"os/exec"
	"syscall"
)

// startGroup makes cmd the leader of a process group of its own and has a
// cancelled context kill the whole group: git fetch works through helper
// processes (remote-http, index-pack) that would otherwise outlive it and
// go on writing into a clone being removed.
func startGroup(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error {
		return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
	}
}
