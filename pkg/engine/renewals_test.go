package engine

import (
	"context"
	"math"
	"reflect"
	"testing"
	"time"

	v1 "github.com/prometheus/client_golang/api/prometheus/v1"

	"github.com/seed/rscerts/pkg/certs"
	"github.com/seed/rscerts/pkg/prom"
	"github.com/seed/rscerts/pkg/promql"
)

func TestDecodeRenewals(t *testing.T) {
	t0 := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	const step = 10 * time.Second
	ms := func(d time.Duration) int64 { return t0.Add(d).UnixMilli() }
	day := 24 * time.Hour
	// Rows carry seconds remaining: at the step (after) or one step before it (before).
	after := func(at, expiresIn time.Duration) prom.Point {
		return prom.Point{T: ms(at), V: (expiresIn - at).Seconds()}
	}
	before := func(at, expiresIn time.Duration) prom.Point {
		return prom.Point{T: ms(at), V: (expiresIn - (at - step)).Seconds()}
	}
	part := func(p, cluster, node, cert string, pts ...prom.Point) prom.Series {
		return prom.Series{Metric: append(pairs("cluster", cluster, "node", node, "logical_name", cert), prom.Label{Name: promql.LabelPart, Value: p}), Points: pts}
	}
	mat := prom.Matrix{
		// proxy on node 2: renewed at +1m, and again at +2h.
		part(promql.PartAfter, "c1", "2", "proxy", after(time.Minute, 365*day), after(2*time.Hour, 730*day)),
		part(promql.PartBefore, "c1", "2", "proxy", before(time.Minute, 3*day), before(2*time.Hour, 365*day)),
		// The same certificate under a second label set (another schema): the soonest of each side wins.
		{Metric: pairs("cluster", "c1", "node", "2", "path", "/etc/opt/redislabs/proxy_cert.pem", promql.LabelPart, promql.PartAfter), Points: []prom.Point{after(time.Minute, 364*day)}},
		// An internode certificate of a customer-managed cluster: user-managed.
		part(promql.PartAfter, "c2", "1", "ccs_internode_encryption", after(0, 90*day)),
		part(promql.PartBefore, "c2", "1", "ccs_internode_encryption", before(0, 59*day)),
		// 7.18's schemas: v1 names the certificate, /v2 its file, and each switches at its own
		// scrape: one event, when the last one showed the new expiry.
		part(promql.PartAfter, "c3", "1", "api", after(time.Minute, 365*day)),
		part(promql.PartBefore, "c3", "1", "api", before(time.Minute, 10*day)),
		{Metric: pairs("cluster", "c3", "node", "1", "filename", "api_cert.pem", promql.LabelPart, promql.PartAfter), Points: []prom.Point{after(time.Minute+step, 365*day-time.Second)}},
		{Metric: pairs("cluster", "c3", "node", "1", "filename", "api_cert.pem", promql.LabelPart, promql.PartBefore), Points: []prom.Point{before(time.Minute+step, 10*day+time.Second)}},
		// A lone side (a torn answer) is no event.
		part(promql.PartAfter, "c1", "3", "api", after(time.Minute, 100*day)),
		{Metric: pairs("__name__", promql.MetricINE, "cluster", "c2"), Points: []prom.Point{{T: ms(0), V: 0}, {T: ms(time.Hour), V: 1}}},
	}
	got, err := DecodeRenewals(mat, step)
	if err != nil {
		t.Fatal(err)
	}
	want := []certs.Renewal{
		{Identity: certs.Identity{Cluster: "c2", Node: "1", Certificate: "ccs_internode_encryption"}, Category: certs.UserManaged,
			Time: t0, ExpiresBefore: t0.Add(59 * day), ExpiresAfter: t0.Add(90 * day)},
		{Identity: certs.Identity{Cluster: "c1", Node: "2", Certificate: "proxy"}, Category: certs.UserManaged,
			Time: t0.Add(time.Minute), ExpiresBefore: t0.Add(3 * day), ExpiresAfter: t0.Add(364 * day)},
		{Identity: certs.Identity{Cluster: "c3", Node: "1", Certificate: "api"}, Category: certs.UserManaged,
			Time: t0.Add(time.Minute + step), ExpiresBefore: t0.Add(10 * day), ExpiresAfter: t0.Add(365*day - time.Second)},
		{Identity: certs.Identity{Cluster: "c1", Node: "2", Certificate: "proxy"}, Category: certs.UserManaged,
			Time: t0.Add(2 * time.Hour), ExpiresBefore: t0.Add(365 * day), ExpiresAfter: t0.Add(730 * day)},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got\n%+v\nwant\n%+v", got, want)
	}
	if d := got[1].DaysBefore(); d < 3-1.0/1440 || d > 3 {
		t.Errorf("days before = %v, want 3 minus a minute", d)
	}
	if _, err := DecodeRenewals(prom.Vector{}, step); err == nil {
		t.Error("a vector must be refused")
	}
}

// FuzzDecodeRenewals feeds arbitrary renewal answers (label sets of two schemas, both parts,
// any times and values): decoding never panics, events are sorted, and no two successive
// events of one certificate are one new certificate.
func FuzzDecodeRenewals(f *testing.F) {
	f.Add([]byte{0, 0, 1, 10, 0, 0, 0, 2, 10, 0}, 3.0e9, 1.0e9)
	f.Fuzz(func(t *testing.T, rows []byte, after, before float64) {
		var mat prom.Matrix
		for i := 0; i+4 < len(rows); i += 5 {
			r := rows[i : i+5]
			part := promql.PartAfter
			v := after + float64(r[4])*86400
			if r[2]%2 == 0 {
				part, v = promql.PartBefore, before+float64(r[4])*3600
			}
			m := pairs("cluster", string('a'+r[0]%3), "node", string('1'+r[1]%3), promql.LabelPart, part)
			if r[2]%4 < 2 {
				m = append(m, prom.Label{Name: "logical_name", Value: "api"})
			} else {
				m = append(m, prom.Label{Name: "filename", Value: "api_cert.pem"})
			}
			mat = append(mat, prom.Series{Metric: m, Points: []prom.Point{{T: int64(r[3]) * 1000, V: v}}})
		}
		events, err := DecodeRenewals(mat, time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		for i := 1; i < len(events); i++ {
			if events[i].Time.Before(events[i-1].Time) {
				t.Fatalf("not sorted by time: %+v", events)
			}
		}
		last := map[certs.Identity]certs.Renewal{} // each certificate's previous event, in time order
		for _, e := range events {
			if p, ok := last[e.Identity]; ok && e.ExpiresAfter.Sub(p.ExpiresAfter).Abs() < certs.RenewalMinJump {
				t.Fatalf("two successive events for one new certificate: %+v and %+v", p, e)
			}
			last[e.Identity] = e
		}
	})
}

// rangeRecorder answers every range query with nothing and keeps the range it was asked.
type rangeRecorder struct{ got []v1.Range }

func (r *rangeRecorder) Query(context.Context, string, time.Time) (prom.Value, []string, error) {
	return prom.Vector{}, nil, nil
}

func (r *rangeRecorder) QueryRange(_ context.Context, _ string, rng v1.Range) (prom.Value, []string, error) {
	r.got = append(r.got, rng)
	return prom.Matrix{}, nil, nil
}

func (r *rangeRecorder) Series(context.Context, []string, time.Time, time.Time) (prom.Value, []string, error) {
	return prom.LabelSets{}, nil, nil
}

// The steps of a renewals query end at the query's own time: a grid on the epoch would end
// up to a step earlier and hide the newest renewal for that long (10 minutes on a 7-day view).
func TestRenewalsStepsEndAtTheQueryTime(t *testing.T) {
	rec := &rangeRecorder{}
	e := &Engine{Prom: rec}
	end := time.Date(2026, 12, 1, 12, 3, 27, 500e6, time.UTC)
	for _, tt := range []struct {
		span, step time.Duration
	}{{7 * 24 * time.Hour, 10 * time.Minute}, {5 * time.Minute, time.Second}, {90 * time.Second, 7 * time.Second}} {
		rec.got = nil
		if _, err := e.Renewals(context.Background(), Request{}, v1.Range{Start: end.Add(-tt.span), End: end, Step: tt.step}); err != nil {
			t.Fatal(err)
		}
		got := rec.got[0]
		steps := got.End.Sub(got.Start) / tt.step
		if !got.End.Equal(end) || got.End.Sub(got.Start)%tt.step != 0 || got.Start.After(end.Add(-tt.span)) || got.Start.Before(end.Add(-tt.span-tt.step)) {
			t.Errorf("span %s step %s: asked %s .. %s (%d steps), want steps ending at %s covering the span", tt.span, tt.step, got.Start, got.End, steps, end)
		}
	}
}

// A store answering +Inf seconds remaining (a broken exporter) gives an expiry about 292
// years on, never one before the event: the conversion clamps instead of overflowing.
func TestDecodeRenewalsClampsInfinity(t *testing.T) {
	t0 := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	meta := func(p string) prom.Labels {
		return append(pairs("cluster", "c1", "node", "1", "logical_name", "proxy"), prom.Label{Name: promql.LabelPart, Value: p})
	}
	got, err := DecodeRenewals(prom.Matrix{
		{Metric: meta(promql.PartAfter), Points: []prom.Point{{T: t0.UnixMilli(), V: math.Inf(1)}}},
		{Metric: meta(promql.PartBefore), Points: []prom.Point{{T: t0.UnixMilli(), V: 86400}}},
	}, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].ExpiresAfter.Before(t0.Add(290*365*24*time.Hour)) {
		t.Fatalf("+Inf seconds remaining: %+v, want an expiry about 292 years on", got)
	}
}
