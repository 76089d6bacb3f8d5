package engine

import (
	"context"
	"sync"
	"time"

	"github.com/seed/rscerts/pkg/internal/panics"
	"github.com/seed/rscerts/pkg/promql"
)

// LookbackRefresh is how often, at most, the missing-series answer is refreshed per
// selection (more often when the lookback step is shorter).
const LookbackRefresh = time.Minute

// lookbacks shares the lookback answer (lookbackAnswer: the certificates of the
// missing-series window that are not present). It covers the whole window, so one answer per
// selection (version choice: it covers every cluster) serves every query for up to a refresh
// period; each query's instant expression covers the time since that answer's evaluation
// (recentWindow), so sharing never hides a certificate that vanished in between. Queries of one
// dashboard refresh carry the same time and share its requests.
//
// Past its refresh period an answer keeps serving, for up to staleFor, while a newer one is
// fetched in the background: where a certificate vanished, the lookback reads its cluster's
// samples of the whole window (seconds for a fleet's), and an alert rule evaluated every minute
// would otherwise pay it every minute. Only a query with no usable answer (a new instance, a
// query of the past, an answer older than staleFor because refreshes failed) waits for one.
type lookbacks struct {
	answers  *Shared // shares answers by selection and evaluation time (lookbackAnswer)
	refresh  time.Duration
	staleFor time.Duration

	mu      sync.Mutex
	newest  map[string]time.Time // selection -> evaluation time of the newest answer to read
	pending map[string]bool      // selection -> a background refresh is in flight
	failed  map[string]time.Time // selection -> query time of the last background refresh that failed
	// last is, per selection, the query time last asked about and the answer given: queries of
	// one dashboard refresh carry the same time, and must all read the same answer, or an
	// answer landing from the background mid-refresh splits them between two instant
	// expressions (two recent windows) and the refresh costs a request more.
	last map[string]servedAt

	// background refreshes run under ctx, canceled (and waited for) by close.
	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup
}

type servedAt struct{ at, answer time.Time }

// retriesPerRefresh bounds how often a failing background refresh is tried again: once per
// this fraction of a refresh period (20 s at the default), not on every due query, so a store
// that is down or overloaded is not sent the costliest request on every refresh.
const retriesPerRefresh = 3

// maxLookbacks bounds the selections (version choices) remembered.
const maxLookbacks = 8

// staleRefreshes is how many refresh periods an answer may serve while a newer one is
// fetched: beyond it (refreshes keep failing) queries wait for their own, and say why.
const staleRefreshes = 3

func newLookbacks(missingLookback time.Duration) *lookbacks {
	refresh := LookbackRefresh
	if missingLookback > 0 {
		refresh = min(refresh, promql.LookbackStep(missingLookback))
	}
	staleFor := staleRefreshes * refresh
	ctx, cancel := context.WithCancel(context.Background())
	// Kept a little past the stale period: a query within it must find the answer.
	return &lookbacks{answers: newAnswerCache(staleFor + 5*time.Second), refresh: refresh, staleFor: staleFor,
		newest: map[string]time.Time{}, pending: map[string]bool{}, failed: map[string]time.Time{}, last: map[string]servedAt{}, ctx: ctx, cancel: cancel}
}

// evalTime is when the lookback answer a query at `at` reads was (or is now) evaluated: the
// newest one when it is younger than the refresh period and not after at (a query of the
// past gets its own); the newest one still, when younger than staleFor, while fetch gets a
// newer one at `at` in the background; else, or when now is set, at itself (the caller
// fetches it). Without now, a query at the time last asked about reads the answer given then.
func (l *lookbacks) evalTime(selection string, at time.Time, now bool, fetch lookbackFetch) time.Time {
	l.mu.Lock()
	defer l.mu.Unlock()
	if last, ok := l.last[selection]; ok && !now && last.at.Equal(at) {
		return last.answer
	}
	answer := l.answerAt(selection, at, now, fetch)
	if !now {
		l.last[selection] = servedAt{at, answer}
	}
	return answer
}

func (l *lookbacks) answerAt(selection string, at time.Time, now bool, fetch lookbackFetch) time.Time {
	e, ok := l.newest[selection]
	if !now && ok && !e.After(at) {
		age := at.Sub(e)
		if age < l.refresh {
			return e
		}
		if age < l.staleFor && l.ctx.Err() == nil {
			if !l.pending[selection] && !at.Before(l.failed[selection].Add(l.refresh/retriesPerRefresh)) {
				l.pending[selection] = true
				l.wg.Add(1)
				go l.background(selection, at, e, fetch)
			}
			return e
		}
	}
	if !ok || at.After(e) {
		l.remember(selection, at)
	}
	return at
}

// lookbackFetch fetches the answer at `at` for a query that reads the one at served meanwhile.
type lookbackFetch func(ctx context.Context, at, served time.Time) error

// background fetches the answer at `at` and, once it is in, makes it the one queries read.
func (l *lookbacks) background(selection string, at, served time.Time, fetch lookbackFetch) {
	defer l.wg.Done()
	var err error
	func() {
		defer panics.Recover(&err, "a Prometheus request")
		err = fetch(l.ctx, at, served)
	}()
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.pending, selection)
	if err != nil {
		if l.ctx.Err() == nil {
			l.failed[selection] = at
		}
		return
	}
	delete(l.failed, selection)
	if e, ok := l.newest[selection]; !ok || at.After(e) {
		l.remember(selection, at)
	}
}

func (l *lookbacks) remember(selection string, at time.Time) {
	if _, ok := l.newest[selection]; !ok && len(l.newest) >= maxLookbacks {
		clear(l.newest)
		clear(l.last)
		clear(l.failed)
	}
	l.newest[selection] = at
}

// close cancels the background refreshes and waits for them.
func (l *lookbacks) close() {
	l.cancel()
	l.wg.Wait()
}

// recentWindow is the window an instant query reads for certificates that vanished since a
// lookback answer `age` old: that age rounded up to whole seconds, plus five of overlap, so
// the two answers always meet.
func recentWindow(age time.Duration) time.Duration {
	return (age+time.Second-1)/time.Second*time.Second + 5*time.Second
}
