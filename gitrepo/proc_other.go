//go:build !unix

package gitrepo

import "os/exec"

// startGroup leaves cmd as it is where process groups do not exist: a
// cancelled context kills git itself, and its helpers end when their pipes
// close.
func startGroup(*exec.Cmd) {}
