package engine

import (
	"context"
	"fmt"
	"strconv"
	"sync"
	"time"

	v1 "github.com/prometheus/client_golang/api/prometheus/v1"

	"github.com/seed/rscerts/pkg/certs"
	"github.com/seed/rscerts/pkg/internal/panics"
	"github.com/seed/rscerts/pkg/models"
	"github.com/seed/rscerts/pkg/prom"
	"github.com/seed/rscerts/pkg/promql"
)

// Prometheus is the part of the Prometheus client the engine uses.
type Prometheus interface {
	Query(ctx context.Context, expr string, ts time.Time) (prom.Value, []string, error)
	QueryRange(ctx context.Context, expr string, r v1.Range) (prom.Value, []string, error)
	// Series answers prom.LabelSets: the series matching any selector with samples in range.
	Series(ctx context.Context, matchers []string, start, end time.Time) (prom.Value, []string, error)
}

// Engine answers certificate questions for one datasource instance.
type Engine struct {
	Prom     Prometheus
	Settings models.Settings

	lookbacks *lookbacks // the shared missing-series answers
	seen      seenMemo   // their merged form
}

// New builds the engine of one datasource instance: identical requests share a round trip
// and an answer for the settings' cache TTL; the lookback answer is shared for a refresh
// period (LookbackRefresh, or the lookback step if shorter), and keeps serving for up to
// staleRefreshes periods while a newer one is fetched in the background.
func New(p Prometheus, s models.Settings) *Engine {
	return &Engine{Prom: NewShared(p, s.CacheTTL), Settings: s, lookbacks: newLookbacks(s.MissingLookback)}
}

// Request is what one query asks for, after defaults are resolved.
type Request struct {
	Versions []certs.Version
	Filter   certs.Filter
	GroupBy  certs.GroupBy
	// Limit keeps only the Limit series that expire soonest, after grouping (0 = all); time
	// series only. It changes nothing that is asked of Prometheus.
	Limit int
}

// NewRequest resolves a parsed query against the datasource settings.
func NewRequest(q models.Query, s models.Settings) Request {
	return Request{
		Versions: q.ResolveVersion(s.MetricVersion).Versions(),
		Filter:   q.Filter(),
		GroupBy:  q.GroupBy,
		Limit:    q.Limit,
	}
}

// Selection is what the request reads from Prometheus.
func (r Request) Selection() promql.Selection {
	return promql.Selection{Versions: r.Versions, Clusters: r.Filter.Clusters}
}

// InstantExpr is the PromQL of a table or alert value: the certificates present at its
// evaluation time, once per version reporting each, and those that vanished within `recent`.
func (r Request) InstantExpr(recent time.Duration) string {
	return promql.Instant(r.Selection(), recent)
}

// RangeExpr is the PromQL of the certificates present over a range (time series). A grouping
// by certificate or cluster with no node filter needs no node: the store aggregates the nodes
// away (promql.PresentAcrossNodes), which sends a fleet's range answer at one series per
// certificate instead of one per node and certificate, with the same frames.
func (r Request) RangeExpr() string {
	if r.GroupBy.KeepsNode() || len(r.Filter.Nodes) > 0 {
		return promql.Present(r.Selection())
	}
	return promql.PresentAcrossNodes(r.Selection())
}

// Snapshot is the state of every matching certificate at one instant.
type Snapshot struct {
	At           time.Time
	Certificates []certs.Certificate
	Warnings     []string
}

// Certificates evaluates the request at `at` and returns filtered, grouped rows sorted
// soonest first. The lookback answer (every certificate of the missing-series window) is
// shared for a while; the instant query asks, besides the present certificates, for those
// that vanished since that answer was evaluated, so a certificate gone a moment ago is
// missing at once. Both are asked for at once; a failing lookback only loses the missing
// rows older than that, with a warning, never the present rows.
func (e *Engine) Certificates(ctx context.Context, r Request, at time.Time) (*Snapshot, error) {
	key := lookbackKey(r)
	lookbackAt, recent := at, time.Duration(0)
	if e.Settings.MissingLookback > 0 {
		lookbackAt = e.lookbacks.evalTime(key, at, false, func(ctx context.Context, at, served time.Time) error {
			// The query that asked reads the answer evaluated at served.
			_, _, err := e.lookbackAt(ctx, r, at, recentWindow(at.Sub(served)))
			return err
		})
		recent = recentWindow(at.Sub(lookbackAt))
	}
	var seen *certs.Seen
	var lookbackWarnings []string
	var wg sync.WaitGroup
	if e.Settings.MissingLookback > 0 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			seen, lookbackWarnings = e.seenAt(ctx, r, lookbackAt, recent)
		}()
	}
	present, warnings, err := e.Prom.Query(ctx, r.InstantExpr(recent), at)
	wg.Wait()
	if err != nil {
		return nil, err
	}
	// A fresh slice: answers (and their warnings) are shared with other queries.
	warnings = append(append([]string(nil), warnings...), lookbackWarnings...)
	rows, err := MergeInstant(present, seen, at, e.Settings.Thresholds)
	if err != nil {
		return nil, err
	}
	if lookbackAt.Before(at) && unseenMissing(rows, seen) {
		// A certificate vanished since the shared lookback answer (which lists only
		// certificates not present then), or appeared after it and vanished before this
		// query: only a lookback evaluated now values it from its samples. Once per vanished
		// certificate (the answer then serves the next queries), and it replaces the refresh
		// that was due within a minute.
		lookbackAt = e.lookbacks.evalTime(key, at, true, nil)
		seen, lookbackWarnings = e.seenAt(ctx, r, lookbackAt, recentWindow(0))
		warnings = append(warnings, lookbackWarnings...)
		if rows, err = MergeInstant(present, seen, at, e.Settings.Thresholds); err != nil {
			return nil, err
		}
	}
	// Before any filter but the cluster's: a copy is behind the other nodes' copies.
	certs.SetDaysBehind(rows)
	rows = r.Filter.Rows(rows)
	if r.GroupBy == certs.GroupByCertificate || r.GroupBy == certs.GroupByCluster {
		// Merge's rows are already one per cluster+node+certificate, in row order: grouping
		// them by node would only copy and sort them again.
		rows = certs.Group(rows, r.GroupBy)
	}
	return &Snapshot{At: at, Certificates: rows, Warnings: warnings}, nil
}

// lookbackKey is the selection a lookback answer serves: one per version choice, for it
// reads every cluster.
func lookbackKey(r Request) string { return fmt.Sprint(r.Versions) }

// seenAt is the merged lookback answer evaluated at `at` (nil, with a warning, when it fails).
// recent is the recent window of the instant query that asked (see lookbackAnswer).
func (e *Engine) seenAt(ctx context.Context, r Request, at time.Time, recent time.Duration) (*certs.Seen, []string) {
	seen, warnings, err := e.lookbackAt(ctx, r, at, recent)
	if err != nil {
		return nil, append(append([]string(nil), warnings...), lookbackLost+err.Error())
	}
	return seen, warnings
}

// lookbackAt asks for (or finds shared) the lookback answer evaluated at `at`, merged.
func (e *Engine) lookbackAt(ctx context.Context, r Request, at time.Time, recent time.Duration) (seen *certs.Seen, warnings []string, err error) {
	var v prom.Value
	func() {
		defer panics.Recover(&err, "a Prometheus request")
		key := "l|" + strconv.FormatInt(at.UnixMilli(), 10) + "|" + lookbackKey(r)
		v, warnings, err = e.lookbacks.answers.do(ctx, key, func(ctx context.Context) (prom.Value, []string, error) {
			return e.lookbackAnswer(ctx, r.Versions, at, recent)
		})
	}()
	if err == nil {
		seen, err = e.seen.get(v)
	}
	return seen, warnings, err
}

// Close stops the background lookback refreshes and waits for them (instance disposal).
func (e *Engine) Close() { e.lookbacks.close() }

// unseenMissing tells whether a missing row is not in seen: it vanished since seen was made.
func unseenMissing(rows []certs.Certificate, seen *certs.Seen) bool {
	for i := range rows {
		if !rows[i].Present && !seen.Has(rows[i].Identity) {
			return true
		}
	}
	return false
}

// lookbackLost starts the warning of a table without its lookback answer.
const lookbackLost = "the missing-certificate lookback failed, so only certificates that vanished within about the last minute are listed as missing: "

// SeriesResult is days-remaining series over a time range.
type SeriesResult struct {
	Series   []certs.Series
	Warnings []string
}

// Series evaluates the request over a range (a range query) and returns filtered, grouped
// series, only the r.Limit soonest of them when a limit is set (certs.SoonestSeries). The
// range query is the same whatever the grouping and limit, so panels share it.
func (e *Engine) Series(ctx context.Context, r Request, rng v1.Range) (*SeriesResult, error) {
	v, warnings, err := e.Prom.QueryRange(ctx, r.RangeExpr(), rng)
	if err != nil {
		return nil, err
	}
	series, err := DecodeRange(v)
	if err != nil {
		return nil, err
	}
	kept := series[:0]
	for _, s := range series {
		if r.Filter.Match(certs.Certificate{Identity: s.Identity, Category: s.Category}) {
			kept = append(kept, s)
		}
	}
	grouped := certs.SoonestSeries(certs.GroupSeries(kept, r.GroupBy), r.Limit)
	return &SeriesResult{Series: grouped, Warnings: warnings}, nil
}

// RenewalsExpr is the PromQL of renewal events at the given range step.
func (r Request) RenewalsExpr(step time.Duration) string {
	return promql.Renewals(r.Selection(), step, certs.RenewalMinJump)
}

// RenewalsResult is the renewal events of a time range.
type RenewalsResult struct {
	Renewals []certs.Renewal
	Warnings []string
}

// Renewals lists the renewal and rotation events over the range (one range query that
// returns only the steps where an expiry jumped), filtered and sorted by time. The steps end
// exactly at rng.End (a grid on the epoch would end up to a step before it, hiding the
// newest renewals); events first seen before rng.Start are not listed.
func (e *Engine) Renewals(ctx context.Context, r Request, rng v1.Range) (*RenewalsResult, error) {
	from := rng.Start
	if rng.Step > 0 && rng.End.After(from) {
		steps := (rng.End.Sub(from) + rng.Step - 1) / rng.Step
		rng.Start = rng.End.Add(-steps * rng.Step)
	}
	v, warnings, err := e.Prom.QueryRange(ctx, r.RenewalsExpr(rng.Step), rng)
	if err != nil {
		return nil, err
	}
	events, err := DecodeRenewals(v, rng.Step)
	if err != nil {
		return nil, err
	}
	kept := events[:0]
	for _, ev := range events {
		if !ev.Time.Before(from) && r.Filter.Match(certs.Certificate{Identity: ev.Identity, Category: ev.Category}) {
			kept = append(kept, ev)
		}
	}
	return &RenewalsResult{Renewals: kept, Warnings: warnings}, nil
}
