package pluginhost

import (
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	v1 "github.com/prometheus/client_golang/api/prometheus/v1"
)

// What a panel's time range asks of the store: the instant a table or alert value describes,
// and the steps of a range query.

// evalTime is the instant a table or alert value describes: the end of the time range,
// never in the future (Prometheus has no samples there).
func evalTime(tr backend.TimeRange) time.Time {
	now := time.Now()
	if tr.To.IsZero() || tr.To.After(now) {
		return now
	}
	return tr.To
}

// maxPoints is Prometheus' limit of points per series in a range query.
const maxPoints = 11000

// rangeOf derives the range query's step from the panel's interval and max data points,
// aligned so that refreshes hit the same steps.
func rangeOf(q backend.DataQuery) v1.Range {
	from, to := q.TimeRange.From, evalTime(q.TimeRange)
	if !from.Before(to) {
		from = to.Add(-time.Hour)
	}
	span := to.Sub(from)
	step := q.Interval
	if q.MaxDataPoints > 0 {
		if byPoints := span / time.Duration(q.MaxDataPoints); byPoints > step {
			step = byPoints
		}
	}
	if floor := span / maxPoints; step < floor {
		step = floor
	}
	step = niceStep(step)
	ms := step.Milliseconds() // align to the Unix epoch, as Prometheus steps are
	from = time.UnixMilli(from.UnixMilli() - from.UnixMilli()%ms)
	return v1.Range{Start: from, End: to, Step: step}
}

// renewalSteps is how many steps a renewals query divides its range into: each step costs
// the store four aggregations of every certificate series (about 20 ms at 10,000
// certificates), so a quarter of a wide panel's points.
const renewalSteps = 250

// renewalsRange is the range of a renewals query: its step depends on the time range only
// (range/250 up the step ladder), not on the panel, so a dashboard's annotations and tables
// of renewals send the same request. An event's Time is at most one step late.
func renewalsRange(tr backend.TimeRange) v1.Range {
	r := rangeOf(backend.DataQuery{TimeRange: tr, MaxDataPoints: renewalSteps})
	if tr.From.After(r.Start) && tr.From.Before(r.End) {
		r.Start = tr.From // the engine lays the steps back from the end, and lists no event before it
	}
	return r
}

// niceSteps are the steps range queries use: panels of similar width then ask for the same
// step, so a dashboard refresh shares range queries (and Prometheus caches better).
var niceSteps = []time.Duration{
	time.Second, 2 * time.Second, 5 * time.Second, 10 * time.Second, 15 * time.Second, 30 * time.Second,
	time.Minute, 2 * time.Minute, 5 * time.Minute, 10 * time.Minute, 15 * time.Minute, 30 * time.Minute,
	time.Hour, 2 * time.Hour, 3 * time.Hour, 6 * time.Hour, 12 * time.Hour, 24 * time.Hour,
}

// niceStep rounds up to the next nice step (whole days beyond a day).
func niceStep(d time.Duration) time.Duration {
	for _, s := range niceSteps {
		if d <= s {
			return s
		}
	}
	return (d + 24*time.Hour - 1).Truncate(24 * time.Hour)
}
