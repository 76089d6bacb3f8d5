package pluginproc

import (
	"errors"
	"os/exec"
	"syscall"
)

// setProcAttr makes the kernel kill the plugin if the test binary dies without running its
// cleanups (timeout panic, SIGKILL), so no plugin process outlives the test run.
func setProcAttr(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}

// ProcessAlive reports whether pid still exists. A zombie not yet reaped counts (signal 0
// reaches it); go-plugin's Kill reaps the plugin before Stop asks.
func ProcessAlive(pid int) bool {
	err := syscall.Kill(pid, 0)
	return err == nil || !errors.Is(err, syscall.ESRCH)
}
