package engine

import (
	"fmt"
	"runtime/debug"

	"github.com/grafana/grafana-plugin-sdk-go/backend/log"
)

// recovered turns a panic in a goroutine the engine started into an error for the query
// that needed it: a panic there would otherwise end the plugin process, since the
// handler's own recover only covers its goroutine.
func recovered(err *error) {
	if p := recover(); p != nil {
		log.DefaultLogger.Error("panic in a Prometheus request", "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
		*err = fmt.Errorf("internal error while querying Prometheus (see the plugin log)")
	}
}
