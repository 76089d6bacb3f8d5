package engine

import (
	"context"
	"slices"
	"sync"
	"time"

	"github.com/seed/rscerts/pkg/certs"
	"github.com/seed/rscerts/pkg/internal/panics"
	"github.com/seed/rscerts/pkg/prom"
	"github.com/seed/rscerts/pkg/promql"
)

// lookbackAnswer answers the missing-series question at `at` (promql.Lookback's rows, for
// every cluster) without reading every sample of the window where nothing vanished. Reading
// them is what the question costs (seconds at 10,000 certificates: every first query of an
// instance paid it), yet almost every series with a sample in the window is still present,
// and present certificates need no lookback row. So:
//
//  1. the series API lists the series with samples in the window (an index lookup: no
//     sample is read) while an instant query says which are present at `at`; it is the
//     expression the query that asked sends itself when it has no cluster filter (recent is
//     its window), so the two share one request;
//  2. only when some listed series is not present is promql.Lookback sent, for the clusters
//     and versions of those series alone.
//
// A store that cannot list series (an error; VictoriaMetrics refuses lists longer than its
// -search.maxSeries, 30,000 by default) or lists fewer than are present gets the whole
// Lookback, as before: slower, never less exact.
func (e *Engine) lookbackAnswer(ctx context.Context, versions []certs.Version, at time.Time, recent time.Duration) (prom.Value, []string, error) {
	sel := promql.Selection{Versions: versions}
	lookback := e.Settings.MissingLookback
	var listed prom.Value
	var warnings []string
	var listErr error
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		defer panics.Recover(&listErr, "a Prometheus request")
		listed, warnings, listErr = e.Prom.Series(ctx, promql.SeriesSelectors(sel), at.Add(-lookback), at)
	}()
	// Its warnings are the query's own (the same expression) or about the same data.
	present, _, presentErr := e.Prom.Query(ctx, promql.Instant(sel, recent), at)
	wg.Wait()
	// The whole window of every cluster, read where the list cannot be trusted.
	readAll := func() (prom.Value, []string, error) { return e.Prom.Query(ctx, promql.Lookback(sel, lookback, at), at) }
	series, okSeries := listed.(prom.LabelSets)
	vec, okVec := present.(prom.Vector)
	if listErr != nil || presentErr != nil || !okSeries || !okVec {
		if err := ctx.Err(); err != nil {
			return nil, nil, err
		}
		return readAll()
	}
	gone, complete := notPresent(series, vec)
	if !complete {
		// A present series the list lacks: the list is not the window's (a store that
		// truncates, or a present sample older than a short window).
		return readAll()
	}
	if len(gone.Versions) == 0 {
		return prom.Vector{}, warnings, nil
	}
	v, w, err := e.Prom.Query(ctx, promql.Lookback(gone, lookback, at), at)
	return v, append(warnings, w...), err
}

// notPresent is the selection of the listed series that no present row of the instant answer
// reports: their versions and clusters (none when every one is present). complete is false
// when a present row reports no listed series.
func notPresent(listed prom.LabelSets, present prom.Vector) (gone promql.Selection, complete bool) {
	now := make(map[string]bool, len(present)) // report key -> listed
	for _, s := range present {
		if s.Metric.Get(promql.LabelState) == "" && promql.VersionOf(s.Metric.Get("__name__")) != "" { // not vanished, not a flag
			now[promql.ReportKey(s.Metric.Get)] = false
		}
	}
	clusters := map[string]struct{}{}
	for _, ls := range listed {
		k := promql.ReportKey(ls.Get)
		if _, ok := now[k]; ok {
			now[k] = true
			continue
		}
		if v := promql.VersionOf(ls.Get("__name__")); v != "" && !slices.Contains(gone.Versions, v) {
			gone.Versions = append(gone.Versions, v)
		}
		clusters[ls.Get("cluster")] = struct{}{}
	}
	for _, listed := range now {
		if !listed {
			return gone, false
		}
	}
	for c := range clusters {
		gone.Clusters = append(gone.Clusters, c)
	}
	slices.Sort(gone.Clusters)
	slices.Sort(gone.Versions)
	return gone, true
}
