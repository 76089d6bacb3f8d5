package engine

import (
	"context"
	"time"

	v1 "github.com/prometheus/client_golang/api/prometheus/v1"
	"github.com/prometheus/common/model"

	"github.com/seed/rscerts/pkg/certs"
	"github.com/seed/rscerts/pkg/models"
	"github.com/seed/rscerts/pkg/promql"
)

// Prometheus is the part of the Prometheus client the engine uses.
type Prometheus interface {
	Query(ctx context.Context, expr string, ts time.Time) (model.Value, []string, error)
	QueryRange(ctx context.Context, expr string, r v1.Range) (model.Value, []string, error)
}

// Engine answers certificate questions for one datasource instance.
type Engine struct {
	Prom     Prometheus
	Settings models.Settings
}

// Request is what one query asks for, after defaults are resolved.
type Request struct {
	Versions []certs.Version
	Filter   certs.Filter
	GroupBy  certs.GroupBy
}

// NewRequest resolves a parsed query against the datasource settings.
func NewRequest(q models.Query, s models.Settings) Request {
	return Request{
		Versions: q.ResolveVersion(s.MetricVersion).Versions(),
		Filter:   q.Filter(),
		GroupBy:  q.GroupBy,
	}
}

func (r Request) selection() promql.Selection {
	return promql.Selection{Versions: r.Versions, Clusters: r.Filter.Clusters}
}

// InstantExpr is the PromQL of an instant (table, alert) query.
func (r Request) InstantExpr(missingLookback time.Duration) string {
	return promql.Instant(r.selection(), missingLookback)
}

// RangeExpr is the PromQL of a range (time series) query.
func (r Request) RangeExpr() string {
	return promql.Range(r.selection())
}

// Snapshot is the state of every matching certificate at one instant.
type Snapshot struct {
	At           time.Time
	Certificates []certs.Certificate
	Warnings     []string
}

// Certificates evaluates the request at `at` (an instant query) and returns filtered,
// grouped rows sorted soonest first.
func (e *Engine) Certificates(ctx context.Context, r Request, at time.Time) (*Snapshot, error) {
	v, warnings, err := e.Prom.Query(ctx, r.InstantExpr(e.Settings.MissingLookback), at)
	if err != nil {
		return nil, err
	}
	rows, err := DecodeInstant(v, at, e.Settings.Thresholds)
	if err != nil {
		return nil, err
	}
	rows = filter(rows, r.Filter)
	return &Snapshot{At: at, Certificates: certs.Group(rows, r.GroupBy), Warnings: warnings}, nil
}

// SeriesResult is days-remaining series over a time range.
type SeriesResult struct {
	Series   []certs.Series
	Warnings []string
}

// Series evaluates the request over a range (a range query) and returns filtered, grouped
// series.
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
	return &SeriesResult{Series: certs.GroupSeries(kept, r.GroupBy), Warnings: warnings}, nil
}

func filter(rows []certs.Certificate, f certs.Filter) []certs.Certificate {
	kept := rows[:0]
	for _, c := range rows {
		if f.Match(c) {
			kept = append(kept, c)
		}
	}
	return kept
}
