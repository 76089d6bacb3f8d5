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

// ProcessAlive reports whether pid still exists and is not a zombie waiting to be reaped.
func ProcessAlive(pid int) bool {
	err := syscall.Kill(pid, 0)
	return err == nil || !errors.Is(err, syscall.ESRCH)
}
