// Package panics turns a panic into an error for the one caller that hit it, so that a bug
// hit by one query fails that query, not the plugin process. It is the plugin's only
// recover: the query handler defers it around each query, the engine around each goroutine
// it starts (a panic in another goroutine would end the process, the handler's recover
// notwithstanding).
package panics

import (
	"fmt"
	"runtime/debug"

	"github.com/grafana/grafana-plugin-sdk-go/backend/log"
)

// Recover, deferred, turns a panic into *err (for the caller's error message) and logs it
// with its stack as "<what> panicked" and keyvals. It must be the deferred call itself:
// recover only stops a panic when called by the deferred function.
func Recover(err *error, what string, keyvals ...any) {
	if p := recover(); p != nil {
		log.DefaultLogger.Error(what+" panicked", append(keyvals, "panic", fmt.Sprint(p), "stack", string(debug.Stack()))...)
		*err = fmt.Errorf("internal error in %s (see the plugin log)", what)
	}
}
