package engine

import (
	"sync"
	"time"

	"github.com/seed/rscerts/pkg/promql"
)

// LookbackRefresh is how often, at most, the missing-series answer is refreshed per
// selection (more often when the lookback step is shorter).
const LookbackRefresh = time.Minute

// lookbacks shares the answer to promql.Lookback. It reads the whole missing-series window,
// so one answer per selection (version choice: it reads every cluster) serves every query for
// up to a refresh period; each query's
// instant expression covers the time since that answer's evaluation (recentWindow), so
// sharing never hides a certificate that vanished in between. Queries of one dashboard
// refresh carry the same time and share one request.
type lookbacks struct {
	prom    Prometheus // shares answers by expression and evaluation time
	refresh time.Duration

	mu     sync.Mutex
	newest map[string]time.Time // selection -> evaluation time of the newest answer asked for
}

// maxLookbacks bounds the selections (version choices) remembered.
const maxLookbacks = 8

func newLookbacks(p Prometheus, missingLookback time.Duration) *lookbacks {
	refresh := LookbackRefresh
	if missingLookback > 0 {
		refresh = min(refresh, promql.LookbackStep(missingLookback))
	}
	// Kept a little past the refresh period: a query within it must find the answer.
	return &lookbacks{prom: NewShared(p, refresh+5*time.Second), refresh: refresh, newest: map[string]time.Time{}}
}

// evalTime is when the lookback answer a query at `at` reads was (or is now) evaluated: the
// newest one asked for when it is younger than the refresh period and not after at (a query
// of the past gets its own), else, or when refreshing now, at itself.
func (l *lookbacks) evalTime(selection string, at time.Time, now bool) time.Time {
	l.mu.Lock()
	defer l.mu.Unlock()
	e, ok := l.newest[selection]
	if !now && ok && !e.After(at) && at.Sub(e) < l.refresh {
		return e
	}
	if !ok || at.After(e) {
		if len(l.newest) >= maxLookbacks {
			clear(l.newest)
		}
		l.newest[selection] = at
	}
	return at
}

// recentWindow is the window an instant query reads for certificates that vanished since a
// lookback answer `age` old: that age rounded up to whole seconds, plus five of overlap, so
// the two answers always meet.
func recentWindow(age time.Duration) time.Duration {
	return (age+time.Second-1)/time.Second*time.Second + 5*time.Second
}
