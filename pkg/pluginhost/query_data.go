package pluginhost

import (
	"context"
	"errors"
	"sync"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/grafana/grafana-plugin-sdk-go/data"

	"github.com/seed/rscerts/pkg/engine"
	"github.com/seed/rscerts/pkg/frames"
	"github.com/seed/rscerts/pkg/internal/panics"
	"github.com/seed/rscerts/pkg/models"
	"github.com/seed/rscerts/pkg/prom"
)

// maxParallelQueries bounds how many queries of one request run at once against Prometheus.
const maxParallelQueries = 8

// QueryData answers every query of the request independently: one bad or failing query
// gets its own error response and never affects its siblings.
func (d *Datasource) QueryData(ctx context.Context, req *backend.QueryDataRequest) (*backend.QueryDataResponse, error) {
	resp := backend.NewQueryDataResponse()
	// Alert rule evaluations (and their previews) carry FromAlert: their days frames are one
	// numeric-long frame (frames.DaysLong), panels get one numeric-multi frame per value.
	alerting := req.Headers[backend.FromAlertHeaderName] == "true"
	var mu sync.Mutex
	var wg sync.WaitGroup
	sem := make(chan struct{}, maxParallelQueries)
	for _, q := range req.Queries {
		wg.Add(1)
		sem <- struct{}{}
		go func(q backend.DataQuery) {
			defer wg.Done()
			defer func() { <-sem }()
			r := d.safeQuery(ctx, q, alerting)
			mu.Lock()
			resp.Responses[q.RefID] = r
			mu.Unlock()
		}(q)
	}
	wg.Wait()
	return resp, nil
}

// safeQuery turns a panic in one query into that query's error, so the plugin process and
// the other queries survive.
func (d *Datasource) safeQuery(ctx context.Context, q backend.DataQuery, alerting bool) (r backend.DataResponse) {
	var panicked error
	defer func() {
		if panicked != nil {
			r = backend.ErrDataResponseWithSource(backend.StatusInternal, backend.ErrorSourcePlugin, panicked.Error())
		}
	}()
	defer panics.Recover(&panicked, "query", "refId", q.RefID) // runs first
	return d.query(ctx, q, alerting)
}

func (d *Datasource) query(ctx context.Context, q backend.DataQuery, alerting bool) backend.DataResponse {
	if d.configErr != nil {
		return backend.ErrDataResponseWithSource(backend.StatusBadRequest, backend.ErrorSourceDownstream, d.configErr.Error())
	}
	qm, err := models.ParseQuery(q)
	if err != nil {
		// A query the user (or a provisioned file) wrote wrong is not a plugin fault.
		return backend.ErrDataResponseWithSource(backend.StatusBadRequest, backend.ErrorSourceDownstream, err.Error())
	}
	r := engine.NewRequest(qm, d.settings)
	var frs data.Frames
	var warnings []string
	switch qm.QueryType {
	case models.QueryCertificates, models.QueryDays:
		snap, err := d.engine.Certificates(ctx, r, evalTime(q.TimeRange))
		if err != nil {
			return errorResponse(err)
		}
		warnings = snap.Warnings
		if qm.QueryType == models.QueryCertificates {
			frs = data.Frames{frames.Table(snap.Certificates, d.settings.DriftDays)}
		} else if alerting {
			frs = data.Frames{frames.DaysLong(snap.Certificates, qm.GroupBy, daysValue(qm.Value))}
		} else {
			frs = frames.Days(snap.Certificates, qm.GroupBy, daysValue(qm.Value))
		}
	case models.QueryTimeseries:
		res, err := d.engine.Series(ctx, r, rangeOf(q))
		if err != nil {
			return errorResponse(err)
		}
		warnings = res.Warnings
		frs = frames.Timeseries(res.Series, qm.GroupBy)
	case models.QueryRenewals:
		res, err := d.engine.Renewals(ctx, r, renewalsRange(q.TimeRange))
		if err != nil {
			return errorResponse(err)
		}
		warnings = res.Warnings
		frs = data.Frames{frames.Renewals(res.Renewals)}
	}
	addNotices(frs, warnings)
	return backend.DataResponse{Frames: frs}
}

// daysValue maps a days query's value to the frame it asks for.
func daysValue(v models.Value) frames.Value {
	switch v {
	case models.ValueBehind:
		return frames.DaysBehind
	case models.ValueExpires:
		return frames.ExpiresAt
	}
	return frames.DaysRemaining
}

func errorResponse(err error) backend.DataResponse {
	// A classified Prometheus failure first: it names the URL and what to do, also when it
	// wraps a deadline.
	var pe *prom.Error
	if errors.As(err, &pe) {
		return backend.ErrDataResponseWithSource(pe.Status, pe.Source, pe.Message)
	}
	if ce := prom.ContextError(err, ""); ce != nil {
		return backend.ErrDataResponseWithSource(ce.Status, ce.Source, ce.Message)
	}
	if backend.IsDownstreamError(err) {
		return backend.ErrDataResponseWithSource(backend.StatusBadGateway, backend.ErrorSourceDownstream, err.Error())
	}
	return backend.ErrDataResponseWithSource(backend.StatusInternal, backend.ErrorSourcePlugin, err.Error())
}

// addNotices shows the store's and the engine's warnings on the panel instead of dropping them.
func addNotices(frs data.Frames, warnings []string) {
	if len(warnings) == 0 || len(frs) == 0 {
		return
	}
	f := frs[0]
	if f.Meta == nil {
		f.Meta = &data.FrameMeta{}
	}
	for _, w := range warnings {
		f.Meta.Notices = append(f.Meta.Notices, data.Notice{Severity: data.NoticeSeverityWarning, Text: w})
	}
}
