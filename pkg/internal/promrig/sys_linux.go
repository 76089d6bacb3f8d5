package promrig

import (
	"context"
	"os"
	"os/exec"
	"syscall"
	"time"
)

// lockFile takes an exclusive flock, polling so ctx can cancel the wait. The
// kernel drops the lock when the holder dies, so a killed build never wedges
// later runs.
func lockFile(ctx context.Context, path string, logf func(string, ...any)) (func(), error) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return nil, err
	}
	logged := false
	for {
		err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
		if err == nil {
			return func() { _ = syscall.Flock(int(f.Fd()), syscall.LOCK_UN); f.Close() }, nil
		}
		if err != syscall.EWOULDBLOCK && err != syscall.EINTR {
			f.Close()
			return nil, err
		}
		if !logged {
			logf("waiting for another process building Prometheus (lock %s)", path)
			logged = true
		}
		select {
		case <-ctx.Done():
			f.Close()
			return nil, ctx.Err()
		case <-time.After(time.Second):
		}
	}
}

// setProcAttr makes the kernel kill Prometheus if the test binary dies without
// running its cleanups (go test timeout panic, os.Exit, SIGKILL), so no
// server outlives its test.
func setProcAttr(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
