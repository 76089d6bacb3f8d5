package engine

import (
	"math"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"

	"github.com/seed/rscerts/pkg/certs"
	"github.com/seed/rscerts/pkg/prom"
	"github.com/seed/rscerts/pkg/promql"
)

// DecodeSeen merges the answer to promql.Lookback (nil when not asked) per certificate.
func DecodeSeen(lookback prom.Value) (*certs.Seen, error) {
	if lookback == nil {
		return nil, nil
	}
	lb, ok := lookback.(prom.Vector)
	if !ok {
		return nil, backend.DownstreamErrorf("Prometheus answered a %s where an instant vector was expected", typeName(lookback))
	}
	var missing []certs.Observation
	for _, s := range lb {
		if s.Metric.Get(promql.LabelState) != promql.StateMissing {
			continue
		}
		if o, ok := missingObservation(s); ok {
			missing = append(missing, o)
		}
	}
	return certs.NewSeen(missing), nil
}

// missingObservation reads a row of state missing (a certificate seen recently, valued at the
// expiry its last sample implied); ok is false for an unreadable value.
func missingObservation(s prom.Sample) (o certs.Observation, ok bool) {
	if math.IsNaN(s.V) || math.IsInf(s.V, 0) {
		return o, false
	}
	return certs.Observation{Labels: labels(s.Metric), Version: certs.Version(s.Metric.Get(promql.LabelVersion)), ExpiresAt: epoch(s.V)}, true
}

// MergeInstant turns the answer to promql.Instant into rows merged with the certificates seen
// in the lookback window (nil: none). Rows of state missing vanished within Instant's recent
// window; seen's row of the same certificate, when it has one, gives their expiry.
func MergeInstant(present prom.Value, seen *certs.Seen, at time.Time, th certs.Thresholds) ([]certs.Certificate, error) {
	vec, ok := present.(prom.Vector)
	if !ok {
		return nil, backend.DownstreamErrorf("Prometheus answered a %s where an instant vector was expected", typeName(present))
	}
	ine := map[string]bool{}
	obs := make([]certs.Observation, 0, len(vec))
	for _, s := range vec {
		if s.Metric.Get(promql.LabelState) == promql.StateMissing {
			if o, ok := missingObservation(s); ok {
				obs = append(obs, o)
			}
			continue
		}
		name := s.Metric.Get(metricName)
		if name == promql.MetricINE {
			ine[s.Metric.Get("cluster")] = s.V == 1
			continue
		}
		v := promql.VersionOf(name)
		if v == "" {
			continue // not a certificate metric
		}
		obs = append(obs, certs.Observation{Labels: labels(s.Metric), Version: v, Present: true, Seconds: s.V})
	}
	return certs.MergeWithSeen(obs, seen, ine, th, at), nil
}

// DecodeRange turns the answer to a promql.Present range query into merged
// per-identity series. Rows without a metric name are certificates that Prometheus already
// merged across versions.
func DecodeRange(v prom.Value) ([]certs.Series, error) {
	mat, ok := v.(prom.Matrix)
	if !ok {
		return nil, backend.DownstreamErrorf("Prometheus answered a %s where a range matrix was expected", typeName(v))
	}
	ine := map[string]bool{}
	in := make([]certs.SeriesIn, 0, len(mat))
	for _, s := range mat {
		name := s.Metric.Get(metricName)
		if name == promql.MetricINE {
			if n := len(s.Points); n > 0 {
				// The flag as of the end of the range decides the category.
				ine[s.Metric.Get("cluster")] = s.Points[n-1].V == 1
			}
			continue
		}
		if name != "" && promql.VersionOf(name) == "" {
			continue
		}
		pts := make([]certs.Point, len(s.Points))
		for i, p := range s.Points {
			pts[i] = certs.Point{T: time.UnixMilli(p.T), Seconds: p.V}
		}
		in = append(in, certs.SeriesIn{Labels: labels(s.Metric), Points: pts})
	}
	return certs.MergeSeries(in, ine), nil
}

// metricName is the label holding a series' metric name.
const metricName = "__name__"

// labels picks the naming labels out of a row: the promql package already dropped scrape
// labels, and the rs_* bookkeeping labels and __name__ are not naming labels.
func labels(m prom.Labels) certs.Labels {
	var l certs.Labels
	for _, kv := range m {
		l.Set(kv.Name, kv.Value)
	}
	return l
}

// epoch converts float seconds to a time at millisecond precision, the precision of
// Prometheus timestamps, so float noise never shows as nanoseconds.
func epoch(sec float64) time.Time {
	return time.UnixMilli(int64(math.Round(sec * 1000))).UTC()
}

func typeName(v prom.Value) string {
	if v == nil {
		return "empty answer"
	}
	return v.Type()
}

// DecodeRenewals pairs the rows of a promql.Renewals range answer at the given step into
// events: at each step, a certificate's PartAfter point (seconds remaining then) with its
// PartBefore point (seconds remaining a step before); each expiry is that value plus the time
// it was evaluated at. Rows are classified with the cluster's customer-managed-INE flag as of
// the end of the range.
func DecodeRenewals(v prom.Value, step time.Duration) ([]certs.Renewal, error) {
	mat, ok := v.(prom.Matrix)
	if !ok {
		return nil, backend.DownstreamErrorf("Prometheus answered a %s where a range matrix was expected", typeName(v))
	}
	type at struct {
		id certs.Identity
		t  int64
	}
	ine := map[string]bool{}
	// Label sets of different schemas can name one certificate: the soonest of each side wins,
	// as rows merge.
	before, after := map[at]float64{}, map[at]float64{}
	for _, s := range mat {
		if s.Metric.Get(metricName) == promql.MetricINE {
			if n := len(s.Points); n > 0 {
				ine[s.Metric.Get("cluster")] = s.Points[n-1].V == 1
			}
			continue
		}
		side := before
		switch s.Metric.Get(promql.LabelPart) {
		case promql.PartBefore:
		case promql.PartAfter:
			side = after
		default:
			continue
		}
		id := certs.IdentityOf(labels(s.Metric))
		for _, p := range s.Points {
			k := at{id, p.T}
			if old, ok := side[k]; !ok || p.V < old {
				side[k] = p.V
			}
		}
	}
	out := make([]certs.Renewal, 0, len(after))
	for k, a := range after {
		b, ok := before[k]
		if !ok {
			continue // both sides come from one comparison; a lone side is a torn answer
		}
		at := time.UnixMilli(k.t).UTC()
		out = append(out, certs.Renewal{Identity: k.id, Category: certs.Classify(k.id.Certificate, ine[k.id.Cluster]),
			Time: at, ExpiresBefore: at.Add(-step).Add(seconds(b)), ExpiresAfter: at.Add(seconds(a))})
	}
	return certs.MergeRenewals(out), nil
}

// seconds converts seconds remaining to a duration at millisecond precision (Prometheus'),
// clamped as certs.SecondsToDuration (a store may answer +Inf).
func seconds(s float64) time.Duration {
	return certs.SecondsToDuration(s).Round(time.Millisecond)
}
