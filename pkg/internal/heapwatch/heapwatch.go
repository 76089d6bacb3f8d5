// Package heapwatch samples the Go heap in the background, for benchmarks and load tests that
// report the peak heap of the work they measure.
package heapwatch

import (
	"runtime"
	"sync/atomic"
	"time"
)

// Start samples HeapAlloc every interval until the returned stop is called; stop returns the
// largest value seen.
func Start(interval time.Duration) (stop func() uint64) {
	var peak atomic.Uint64
	done := make(chan struct{})
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		tick := time.NewTicker(interval)
		defer tick.Stop()
		var ms runtime.MemStats
		for {
			runtime.ReadMemStats(&ms)
			if ms.HeapAlloc > peak.Load() {
				peak.Store(ms.HeapAlloc)
			}
			select {
			case <-done:
				return
			case <-tick.C:
			}
		}
	}()
	return func() uint64 {
		close(done)
		<-finished
		return peak.Load()
	}
}
