//go:build !linux

package pluginproc

import "os/exec"

// setProcAttr has no parent-death signal off Linux; the test cleanup still kills the plugin.
func setProcAttr(cmd *exec.Cmd) {}

// ProcessAlive trusts go-plugin's Exited off Linux.
func ProcessAlive(pid int) bool { return false }
