//go:build !linux

package promrig

import (
	"context"
	"os/exec"
)

// lockFile is a no-op off Linux: the sync.Once still serialises builds within
// one process, and the build installs via rename so racing builds are safe,
// merely wasteful.
func lockFile(ctx context.Context, path string, logf func(string, ...any)) (func(), error) {
	return func() {}, nil
}

// setProcAttr has no parent-death signal off Linux; t.Cleanup still stops the server.
func setProcAttr(cmd *exec.Cmd) {}
