package engine

import (
	"context"
	"strconv"
	"strings"
	"sync"
	"time"

	v1 "github.com/prometheus/client_golang/api/prometheus/v1"

	"github.com/seed/rscerts/pkg/internal/panics"
	"github.com/seed/rscerts/pkg/prom"
)

// Shared puts one datasource instance's identical Prometheus requests on one round trip: a
// dashboard refresh fires one query per panel, and panels that differ only in category,
// node/certificate filters or groupBy (all applied in Go) send the same PromQL. Concurrent
// identical requests wait for the one in flight (singleflight); a finished answer is reused
// for TTL (0 = only in-flight sharing). Errors are never reused. The cache lives in the
// instance, so it is never shared across datasources or settings versions.
type Shared struct {
	next Prometheus
	ttl  time.Duration
	// now is swappable for tests.
	now func() time.Time

	mu      sync.Mutex
	entries map[string]*sharedEntry
}

type sharedEntry struct {
	done     chan struct{}
	v        prom.Value
	warnings []string
	err      error
	expires  time.Time
	keep     bool // false when the cache was full: the answer is shared in flight only

	// waiters counts callers still waiting; when the last one gives up, the request is
	// canceled, so nobody's cancellation fails another caller and nothing runs for nobody.
	waiters int
	cancel  context.CancelFunc
	key     string
}

// maxSharedEntries bounds the cache (answers can be megabytes at fleet scale); past it,
// expired entries are swept and, if still full, new answers are shared in flight only.
const maxSharedEntries = 64

// NewShared wraps a Prometheus client.
func NewShared(next Prometheus, ttl time.Duration) *Shared {
	s := newAnswerCache(ttl)
	s.next = next
	return s
}

// newAnswerCache is a Shared with no client of its own: its callers pass each fetch to do
// (the lookback answers, composed of several requests).
func newAnswerCache(ttl time.Duration) *Shared {
	return &Shared{ttl: ttl, now: time.Now, entries: map[string]*sharedEntry{}}
}

// Query shares instant queries with the same expression and evaluation time (ms).
func (s *Shared) Query(ctx context.Context, expr string, ts time.Time) (prom.Value, []string, error) {
	key := "i|" + strconv.FormatInt(ts.UnixMilli(), 10) + "|" + expr
	return s.do(ctx, key, func(ctx context.Context) (prom.Value, []string, error) { return s.next.Query(ctx, expr, ts) })
}

// QueryRange shares range queries with the same expression, range and step.
func (s *Shared) QueryRange(ctx context.Context, expr string, r v1.Range) (prom.Value, []string, error) {
	key := "r|" + strconv.FormatInt(r.Start.UnixMilli(), 10) + "|" + strconv.FormatInt(r.End.UnixMilli(), 10) + "|" +
		strconv.FormatInt(int64(r.Step/time.Millisecond), 10) + "|" + expr
	return s.do(ctx, key, func(ctx context.Context) (prom.Value, []string, error) { return s.next.QueryRange(ctx, expr, r) })
}

// Series shares series queries with the same selectors and time range.
func (s *Shared) Series(ctx context.Context, matchers []string, start, end time.Time) (prom.Value, []string, error) {
	key := "s|" + strconv.FormatInt(start.UnixMilli(), 10) + "|" + strconv.FormatInt(end.UnixMilli(), 10) + "|" + strings.Join(matchers, "\x00")
	return s.do(ctx, key, func(ctx context.Context) (prom.Value, []string, error) {
		return s.next.Series(ctx, matchers, start, end)
	})
}

func (s *Shared) do(ctx context.Context, key string, fetch func(context.Context) (prom.Value, []string, error)) (prom.Value, []string, error) {
	s.mu.Lock()
	if e, ok := s.entries[key]; ok {
		select {
		case <-e.done: // a kept answer, still fresh?
			if s.now().Before(e.expires) {
				s.mu.Unlock()
				return e.v, e.warnings, e.err
			}
		default: // in flight: wait for it
			e.waiters++
			s.mu.Unlock()
			return s.wait(ctx, e)
		}
	}
	s.sweepLocked()
	fetchCtx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	e := &sharedEntry{key: key, done: make(chan struct{}), waiters: 1, cancel: cancel, keep: s.ttl > 0 && len(s.entries) < maxSharedEntries}
	s.entries[key] = e
	s.mu.Unlock()

	go func() {
		defer cancel()
		var v prom.Value
		var w []string
		var err error
		func() {
			defer panics.Recover(&err, "a Prometheus request")
			v, w, err = fetch(fetchCtx)
		}()
		s.mu.Lock()
		defer s.mu.Unlock()
		e.v, e.warnings, e.err = v, w, err
		if err != nil || !e.keep {
			if s.entries[key] == e {
				delete(s.entries, key)
			}
		} else {
			e.expires = s.now().Add(s.ttl)
		}
		close(e.done)
	}()
	return s.wait(ctx, e)
}

func (s *Shared) wait(ctx context.Context, e *sharedEntry) (prom.Value, []string, error) {
	select {
	case <-e.done:
		return e.v, e.warnings, e.err
	case <-ctx.Done():
		s.mu.Lock()
		e.waiters--
		if e.waiters == 0 {
			// Nobody wants it any more: cancel, and let the next caller start afresh
			// instead of joining a request that is being canceled.
			e.cancel()
			if s.entries[e.key] == e {
				delete(s.entries, e.key)
			}
		}
		s.mu.Unlock()
		return nil, nil, ctx.Err()
	}
}

// sweepLocked drops expired answers once the cache is full.
func (s *Shared) sweepLocked() {
	if len(s.entries) < maxSharedEntries {
		return
	}
	now := s.now()
	for k, e := range s.entries {
		select {
		case <-e.done:
			if !now.Before(e.expires) {
				delete(s.entries, k)
			}
		default:
		}
	}
}
