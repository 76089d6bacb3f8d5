package engine

import (
	"context"
	"errors"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	v1 "github.com/prometheus/client_golang/api/prometheus/v1"
	"github.com/prometheus/common/model"
	"go.uber.org/goleak"

	"github.com/seed/rscerts/pkg/certs"
	"github.com/seed/rscerts/pkg/models"
	"github.com/seed/rscerts/pkg/prom"
)

// lookbackProm answers every query with no certificate and records the evaluation time of
// each lookback (its first request: the series API's list of the window); while hold is set,
// those wait until it is closed.
type lookbackProm struct {
	mu        sync.Mutex
	lookbacks []time.Time
	recent    []string // the instant queries' expressions
	hold      chan struct{}
	fail      bool // lookbacks fail: the list, and the whole Lookback sent instead of it
}

func (p *lookbackProm) Query(ctx context.Context, expr string, ts time.Time) (prom.Value, []string, error) {
	p.mu.Lock()
	isLookback := strings.Contains(expr, "predict_linear(") // only the lookback extrapolates
	fail := p.fail
	if !isLookback {
		p.recent = append(p.recent, expr)
	}
	p.mu.Unlock()
	if isLookback && fail {
		return nil, nil, errors.New("store overloaded")
	}
	return prom.Vector{}, nil, nil
}

func (p *lookbackProm) QueryRange(ctx context.Context, expr string, r v1.Range) (prom.Value, []string, error) {
	return prom.Matrix{}, nil, nil
}

func (p *lookbackProm) Series(ctx context.Context, _ []string, _, end time.Time) (prom.Value, []string, error) {
	p.mu.Lock()
	p.lookbacks = append(p.lookbacks, end)
	hold, fail := p.hold, p.fail
	p.mu.Unlock()
	if fail {
		return nil, nil, errors.New("store overloaded")
	}
	if hold != nil {
		select {
		case <-hold:
		case <-ctx.Done():
			return nil, nil, ctx.Err()
		}
	}
	return prom.LabelSets{}, nil, nil
}

// waitAsked waits until n lookbacks were asked for (a background one starts on its own time).
func (p *lookbackProm) waitAsked(t *testing.T, n int) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); len(p.asked()) < n; time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("lookbacks at %v, want %d", p.asked(), n)
		}
	}
}

func (p *lookbackProm) asked() []time.Time {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]time.Time(nil), p.lookbacks...)
}

// window finds an instant expression's recent window ("[1m6s]").
var window = regexp.MustCompile(`\[[0-9][^\]]*\]`)

// Past its refresh period, the shared lookback answer keeps serving while a newer one is
// fetched in the background: the query does not wait for the lookback (the costliest request),
// its recent window covers the answer's whole age, and the newer answer serves once it is in.
// A query with no usable answer (first, of the past, or past the stale period) waits for its own.
func TestLookbackRefreshesInTheBackground(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	p := &lookbackProm{}
	settings := models.Settings{MissingLookback: time.Hour}
	e := New(p, settings)
	defer e.Close()
	r := Request{Versions: []certs.Version{certs.V1, certs.V2}}
	t0 := time.Date(2026, 12, 2, 12, 0, 0, 0, time.UTC)
	query := func(at time.Time) {
		t.Helper()
		done := make(chan error, 1)
		go func() { _, err := e.Certificates(context.Background(), r, at); done <- err }()
		select {
		case err := <-done:
			if err != nil {
				t.Fatal(err)
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("the query at %s waited for the lookback", at)
		}
	}
	refresh := e.lookbacks.refresh

	query(t0) // first: waits for its own
	if got := p.asked(); len(got) != 1 || !got[0].Equal(t0) {
		t.Fatalf("first query: lookbacks at %v, want one at %s", got, t0)
	}

	p.mu.Lock()
	p.hold = make(chan struct{})
	p.mu.Unlock()
	t1 := t0.Add(refresh + time.Second)
	query(t1) // due: served by t0's answer while t1's is fetched, not waiting for it
	query(t1.Add(time.Second))
	p.waitAsked(t, 2)
	if got := p.asked(); len(got) != 2 || !got[1].Equal(t1) {
		t.Fatalf("due queries: lookbacks at %v, want one more, in the background, at %s", got, t1)
	}
	// The instant query covers the whole age of the answer it reads: the stale one's. (The
	// background lookback's own instant query, at t1, covers t1's.)
	want := "[" + model.Duration(recentWindow(t1.Add(time.Second).Sub(t0))).String() + "]"
	p.mu.Lock()
	var last string
	asked := append([]string(nil), p.recent...)
	for _, expr := range asked {
		if strings.Contains(expr, want) {
			last = expr
		}
	}
	p.mu.Unlock()
	if last == "" {
		t.Fatalf("no instant query covers the %s since the answer it reads %s: %q", t1.Add(time.Second).Sub(t0), want, asked)
	}
	close(p.hold)
	deadline := time.Now().Add(5 * time.Second)
	for {
		e.lookbacks.mu.Lock()
		newest := e.lookbacks.newest[lookbackKey(r)]
		e.lookbacks.mu.Unlock()
		if newest.Equal(t1) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the background answer at %s never became the one read (newest %s)", t1, newest)
		}
		time.Sleep(10 * time.Millisecond)
	}
	// A query of the same refresh as the due one (the same time) reads what that one read
	// even though a newer answer is in: one instant expression per refresh.
	query(t1.Add(time.Second))
	p.mu.Lock()
	again := p.recent[len(p.recent)-1]
	p.mu.Unlock()
	if again != last {
		t.Fatalf("two queries at %s asked two instant expressions (recent windows %s and %s)", t1.Add(time.Second), window.FindString(last), window.FindString(again))
	}
	query(t1.Add(2 * time.Second)) // reads t1's answer: no request
	if got := p.asked(); len(got) != 2 {
		t.Fatalf("after the background refresh: lookbacks at %v, want no more", got)
	}

	past := t0.Add(-time.Hour)
	query(past) // a query of the past gets its own
	late := t1.Add(e.lookbacks.staleFor + time.Second)
	query(late) // past the stale period: waits for its own
	if got := p.asked(); len(got) != 4 || !got[2].Equal(past) || !got[3].Equal(late) {
		t.Fatalf("lookbacks at %v, want one at %s (the past) and one at %s (past the stale period)", got, past, late)
	}
}

// A background refresh that failed is tried again once per third of a refresh period, not by
// every due query: a store that is down or overloaded is not sent the costliest request on
// every refresh. Queries meanwhile keep reading the answer they have.
func TestFailedBackgroundLookbackBacksOff(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	p := &lookbackProm{}
	e := New(p, models.Settings{MissingLookback: time.Hour})
	defer e.Close()
	r := Request{Versions: []certs.Version{certs.V2}}
	t0 := time.Date(2026, 12, 2, 12, 0, 0, 0, time.UTC)
	query := func(at time.Time) {
		t.Helper()
		if _, err := e.Certificates(context.Background(), r, at); err != nil {
			t.Fatal(err)
		}
	}
	// settled waits until no background refresh is in flight.
	settled := func() {
		t.Helper()
		for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(5 * time.Millisecond) {
			e.lookbacks.mu.Lock()
			pending := len(e.lookbacks.pending)
			e.lookbacks.mu.Unlock()
			if pending == 0 {
				return
			}
			if time.Now().After(deadline) {
				t.Fatal("a background refresh never ended")
			}
		}
	}
	query(t0)
	p.mu.Lock()
	p.fail = true
	p.mu.Unlock()
	retry := e.lookbacks.refresh / retriesPerRefresh
	t1 := t0.Add(e.lookbacks.refresh + time.Second)
	query(t1) // due: a background refresh, which fails
	p.waitAsked(t, 2)
	settled()
	for _, at := range []time.Time{t1.Add(time.Second), t1.Add(retry - time.Second)} {
		query(at)
		settled()
		if got := p.asked(); len(got) != 2 {
			t.Fatalf("a due query %s after the failed refresh: lookbacks at %v, want no new one", at.Sub(t1), got)
		}
	}
	query(t1.Add(retry)) // tried again
	p.waitAsked(t, 3)
	settled()
	p.mu.Lock()
	p.fail = false
	p.mu.Unlock()
	query(t1.Add(2 * retry)) // and again, now succeeding: it serves
	p.waitAsked(t, 4)
	settled()
	query(t1.Add(2*retry + time.Second))
	if got := p.asked(); len(got) != 4 {
		t.Fatalf("after a successful refresh: lookbacks at %v, want no more", got)
	}
}

// Dispose cancels a background refresh that is still waiting on the store.
func TestEngineCloseCancelsBackgroundLookback(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	p := &lookbackProm{}
	e := New(p, models.Settings{MissingLookback: time.Hour})
	r := Request{Versions: []certs.Version{certs.V2}}
	t0 := time.Date(2026, 12, 2, 12, 0, 0, 0, time.UTC)
	if _, err := e.Certificates(context.Background(), r, t0); err != nil {
		t.Fatal(err)
	}
	p.mu.Lock()
	p.hold = make(chan struct{}) // never closed
	p.mu.Unlock()
	if _, err := e.Certificates(context.Background(), r, t0.Add(e.lookbacks.refresh+time.Second)); err != nil {
		t.Fatal(err)
	}
	p.waitAsked(t, 2)
	closed := make(chan struct{})
	go func() { e.Close(); close(closed) }()
	select {
	case <-closed:
	case <-time.After(5 * time.Second):
		t.Fatal("Close did not cancel the background lookback")
	}
	if got := p.asked(); len(got) != 2 {
		t.Fatalf("lookbacks at %v, want the first and the background one", got)
	}
}
