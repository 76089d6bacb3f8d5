package engine

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	v1 "github.com/prometheus/client_golang/api/prometheus/v1"

	"github.com/seed/rscerts/pkg/prom"
)

// countingProm counts calls; gate (when set) holds every call until closed.
type countingProm struct {
	calls atomic.Int32
	gate  chan struct{}
	err   error
}

func (c *countingProm) Query(ctx context.Context, expr string, ts time.Time) (prom.Value, []string, error) {
	c.calls.Add(1)
	if c.gate != nil {
		select {
		case <-c.gate:
		case <-ctx.Done():
			return nil, nil, ctx.Err()
		}
	}
	if c.err != nil {
		return nil, nil, c.err
	}
	return prom.Vector{{V: 1}}, []string{"w"}, nil
}

func (c *countingProm) QueryRange(ctx context.Context, expr string, r v1.Range) (prom.Value, []string, error) {
	return c.Query(ctx, expr, r.End)
}

func (c *countingProm) Series(ctx context.Context, m []string, start, end time.Time) (prom.Value, []string, error) {
	return c.Query(ctx, "series", end)
}

func TestSharedSingleflight(t *testing.T) {
	p := &countingProm{gate: make(chan struct{})}
	s := NewShared(p, 0)
	ts := time.Unix(1000, 0)
	var wg sync.WaitGroup
	for range 10 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			v, w, err := s.Query(context.Background(), "up", ts)
			if err != nil || len(v.(prom.Vector)) != 1 || len(w) != 1 {
				t.Errorf("got %v %v %v", v, w, err)
			}
		}()
	}
	for s.inFlightWaiters("i|1000000|up") < 10 {
		time.Sleep(time.Millisecond)
	}
	close(p.gate)
	wg.Wait()
	if n := p.calls.Load(); n != 1 {
		t.Fatalf("10 identical concurrent queries made %d Prometheus calls, want 1", n)
	}
	// TTL 0: nothing kept afterwards.
	if _, _, err := s.Query(context.Background(), "up", ts); err != nil || p.calls.Load() != 2 {
		t.Fatalf("after completion with ttl 0: calls %d, err %v", p.calls.Load(), err)
	}
}

func TestSharedTTL(t *testing.T) {
	p := &countingProm{}
	s := NewShared(p, 5*time.Second)
	now := time.Unix(0, 0)
	s.now = func() time.Time { return now }
	ts := time.Unix(1000, 0)
	for range 3 {
		if _, _, err := s.Query(context.Background(), "up", ts); err != nil {
			t.Fatal(err)
		}
	}
	if _, _, err := s.QueryRange(context.Background(), "up", v1.Range{Start: ts, End: ts, Step: time.Second}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.Query(context.Background(), "other", ts); err != nil {
		t.Fatal(err)
	}
	if n := p.calls.Load(); n != 3 {
		t.Fatalf("calls %d, want 3 (one per distinct request)", n)
	}
	now = now.Add(6 * time.Second)
	_, _, _ = s.Query(context.Background(), "up", ts)
	if n := p.calls.Load(); n != 4 {
		t.Fatalf("expired answer reused: calls %d, want 4", n)
	}
}

func TestSharedNeverKeepsErrors(t *testing.T) {
	p := &countingProm{err: errors.New("boom")}
	s := NewShared(p, time.Minute)
	ts := time.Unix(1000, 0)
	for range 2 {
		if _, _, err := s.Query(context.Background(), "up", ts); err == nil {
			t.Fatal("want error")
		}
	}
	if n := p.calls.Load(); n != 2 {
		t.Fatalf("an error was reused: calls %d", n)
	}
}

func TestSharedCancellationIsPerCaller(t *testing.T) {
	p := &countingProm{gate: make(chan struct{})}
	s := NewShared(p, 0)
	ts := time.Unix(1000, 0)
	ctx, cancel := context.WithCancel(context.Background())
	first := make(chan error, 1)
	go func() { _, _, err := s.Query(ctx, "up", ts); first <- err }()
	for s.inFlightWaiters("i|1000000|up") < 1 {
		time.Sleep(time.Millisecond)
	}
	second := make(chan error, 1)
	go func() { _, _, err := s.Query(context.Background(), "up", ts); second <- err }()
	for s.inFlightWaiters("i|1000000|up") < 2 {
		time.Sleep(time.Millisecond)
	}
	cancel()
	if err := <-first; !errors.Is(err, context.Canceled) {
		t.Fatalf("first caller: %v", err)
	}
	close(p.gate)
	if err := <-second; err != nil {
		t.Fatalf("the second caller failed because the first gave up: %v", err)
	}
}

func TestSharedCancelsWhenNobodyWaits(t *testing.T) {
	p := &countingProm{gate: make(chan struct{})}
	s := NewShared(p, 0)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { _, _, _ = s.Query(ctx, "up", time.Unix(1, 0)); close(done) }()
	for s.inFlightWaiters("i|1000|up") < 1 {
		time.Sleep(time.Millisecond)
	}
	cancel()
	<-done
	deadline := time.Now().Add(5 * time.Second)
	for s.size() > 0 {
		if time.Now().After(deadline) {
			t.Fatal("abandoned request still in flight")
		}
		time.Sleep(time.Millisecond)
	}
}

func (s *Shared) inFlightWaiters(key string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	if e, ok := s.entries[key]; ok {
		return e.waiters
	}
	return 0
}

func (s *Shared) size() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.entries)
}
