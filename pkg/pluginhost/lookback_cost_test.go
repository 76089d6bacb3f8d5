package pluginhost

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/seed/rscerts/pkg/engine"
	"github.com/seed/rscerts/pkg/internal/demorig"
	"github.com/seed/rscerts/pkg/prom"
	"github.com/seed/rscerts/pkg/promql"
)

// lookbackRecorder passes every request to the real store and keeps the lookback
// expressions (the only ones that extrapolate) it was sent.
type lookbackRecorder struct {
	engine.Prometheus
	mu    sync.Mutex
	exprs []string
}

func (p *lookbackRecorder) Query(ctx context.Context, expr string, ts time.Time) (prom.Value, []string, error) {
	if strings.Contains(expr, "predict_linear(") {
		p.mu.Lock()
		p.exprs = append(p.exprs, expr)
		p.mu.Unlock()
	}
	return p.Prometheus.Query(ctx, expr, ts)
}

func (p *lookbackRecorder) sent() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.exprs...)
}

// A new instance's first table reads the lookback window's samples only where a series of
// the window is gone: right after the first scrape nothing is, and the store is asked for its
// list of series, not for an hour of samples; once a certificate of c2 vanished, the lookback
// reads c2 alone, and the certificate is missing with the expiry its last sample implied. On
// the real store, so the list's semantics (stale markers, the head block) are the store's.
func TestLookbackReadsOnlyWhereASeriesIsGone(t *testing.T) {
	t.Parallel()
	r := startLiveRig(t)
	fresh := func() (*Datasource, *lookbackRecorder) {
		ds := newTestDatasource(t, r.prom.URL, map[string]any{"missingLookback": "1h"}, nil)
		rec := &lookbackRecorder{Prometheus: ds.client}
		ds.engine.Close()
		ds.engine = engine.New(rec, ds.settings)
		return ds, rec
	}

	ds, rec := fresh()
	if resp := r.query(t, ds, map[string]any{}); resp.Error != nil {
		t.Fatal(resp.Error)
	}
	if sent := rec.sent(); len(sent) != 0 {
		t.Fatalf("nothing vanished, yet the lookback was sent: %.300s", sent[0])
	}

	c := ref{"c2.example.com", "1", "proxy"}
	hiddenAt := r.vanish(t, c)
	ds, rec = fresh()
	got := r.only(t, ds, c)
	if got.Status != "missing" {
		t.Fatalf("%v after it vanished: %+v", c, got)
	}
	// Scraped a few times only: its last slice may hold a single sample (see first_scrape_test).
	r.checkLastExpiry(t, got, c, time.Since(hiddenAt)+demorig.ScrapeInterval)
	sent := rec.sent()
	if len(sent) != 1 {
		t.Fatalf("lookbacks sent: %d, want 1", len(sent))
	}
	if !strings.Contains(sent[0], "cluster="+promql.Quote(c.cluster)) || strings.Contains(sent[0], "c1.example.com") {
		t.Errorf("the lookback reads more than %s:\n%.600s", c.cluster, sent[0])
	}
}
