package engine

import (
	"context"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	v1 "github.com/prometheus/client_golang/api/prometheus/v1"

	"github.com/seed/rscerts/pkg/certs"
	"github.com/seed/rscerts/pkg/models"
	"github.com/seed/rscerts/pkg/prom"
	"github.com/seed/rscerts/pkg/promql"
)

// counted is a row of promql.Recent: n certificates of the cluster and version had a sample
// within the presence window.
func counted(cluster, version string, n float64) prom.Sample {
	return prom.Sample{Metric: ls("cluster", cluster, promql.LabelState, promql.StateRecent, promql.LabelVersion, version), V: n}
}

func TestVanishedSelection(t *testing.T) {
	row := func(name string, kv ...string) prom.Sample {
		return prom.Sample{Metric: ls(append([]string{"__name__", name}, kv...)...), V: 86400}
	}
	c1api := row(promql.MetricV1, "cluster", "c1", "node", "1", "logical_name", "api")
	c1apiV2 := row(promql.MetricV2, "cluster", "c1", "node", "1", "logical_name", "api")
	c1x509 := row(promql.MetricX509, "cluster", "c1", "node", "1", "logical_name", "api") // the same identity and version as c1apiV2
	c2proxy := row(promql.MetricV2, "cluster", "c2", "node", "10.0.0.1:8070", "cert_type", "proxy_cert")
	flag := row(promql.MetricINE, "cluster", "c1")
	for _, tt := range []struct {
		name     string
		vec      prom.Vector
		versions []certs.Version
		clusters []string
	}{
		{"every count matches", prom.Vector{c1api, c1apiV2, c1x509, c2proxy, flag, counted("c1", "v1", 1), counted("c1", "v2", 1), counted("c2", "v2", 1)}, nil, nil},
		{"nothing at all", prom.Vector{}, nil, nil},
		{"one more v2 of c2 had a sample", prom.Vector{c1api, c1apiV2, c2proxy, counted("c1", "v1", 1), counted("c1", "v2", 1), counted("c2", "v2", 2)},
			[]certs.Version{certs.V2}, []string{"c2"}},
		{"the last certificate of c1's v1 vanished", prom.Vector{c1apiV2, c2proxy, counted("c1", "v1", 1), counted("c1", "v2", 1), counted("c2", "v2", 1)},
			[]certs.Version{certs.V1}, []string{"c1"}},
		{"fewer counted than present (a longer lookback delta)", prom.Vector{c1api, c1apiV2, c2proxy, counted("c1", "v2", 1), counted("c2", "v2", 1)},
			[]certs.Version{certs.V1}, []string{"c1"}},
		{"two clusters and versions", prom.Vector{c1api, c2proxy, counted("c1", "v1", 2), counted("c2", "v2", 3)},
			[]certs.Version{certs.V1, certs.V2}, []string{"c1", "c2"}},
		{"a cluster without a name", prom.Vector{counted("", "v2", 1)}, []certs.Version{certs.V2}, []string{""}},
		{"vanished rows and flags are not present rows", prom.Vector{flag, {Metric: ls("cluster", "c1", promql.LabelState, promql.StateMissing, promql.LabelVersion, "v1"), V: 1}}, nil, nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			gone, some := vanishedSelection(tt.vec)
			if some != (len(tt.clusters) > 0) || !slices.Equal(gone.Versions, tt.versions) || !slices.Equal(gone.Clusters, tt.clusters) {
				t.Errorf("got %v %v (some %v), want versions %v clusters %q", gone.Versions, gone.Clusters, some, tt.versions, tt.clusters)
			}
		})
	}
}

// recentProm answers Instant with present rows and counts, and Vanished with vanished
// rows, recording the vanished queries.
type recentProm struct {
	instant, vanished prom.Vector

	mu    sync.Mutex
	asked []string
}

func (p *recentProm) Query(_ context.Context, expr string, _ time.Time) (prom.Value, []string, error) {
	if strings.Contains(expr, "unless") {
		p.mu.Lock()
		p.asked = append(p.asked, expr)
		p.mu.Unlock()
		return p.vanished, nil, nil
	}
	return p.instant, nil, nil
}

func (p *recentProm) QueryRange(context.Context, string, v1.Range) (prom.Value, []string, error) {
	return prom.Matrix{}, nil, nil
}

func (p *recentProm) Series(context.Context, []string, time.Time, time.Time) (prom.Value, []string, error) {
	return prom.LabelSets{}, nil, nil
}

// A table asks which certificates vanished only where the counts say one did, and only for
// that cluster and version; the vanished certificate is missing on that very query.
func TestVanishedAskedOnlyWhereCountsDiffer(t *testing.T) {
	at := time.Date(2026, 12, 8, 12, 0, 0, 0, time.UTC)
	present := prom.Vector{
		{Metric: ls("__name__", promql.MetricV1, "cluster", "c1", "node", "1", "logical_name", "api"), V: 86400},
		{Metric: ls("__name__", promql.MetricV2, "cluster", "c2", "node", "1", "logical_name", "api"), V: 86400},
	}
	gone := prom.Vector{{Metric: ls("cluster", "c2", "node", "2", "logical_name", "proxy", promql.LabelVersion, "v2", promql.LabelState, promql.StateMissing), V: float64(at.Unix()) + 86400}}
	for _, tt := range []struct {
		name   string
		counts prom.Vector
		asked  bool
	}{
		{"nothing vanished", prom.Vector{counted("c1", "v1", 1), counted("c2", "v2", 1)}, false},
		{"a certificate of c2 vanished", prom.Vector{counted("c1", "v1", 1), counted("c2", "v2", 2)}, true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			p := &recentProm{instant: append(append(prom.Vector(nil), present...), tt.counts...), vanished: gone}
			e := New(p, models.Settings{MissingLookback: time.Hour, Thresholds: certs.DefaultThresholds()})
			defer e.Close()
			s, err := e.Certificates(context.Background(), Request{Versions: []certs.Version{certs.V1, certs.V2}}, at)
			if err != nil {
				t.Fatal(err)
			}
			if len(p.asked) != map[bool]int{false: 0, true: 1}[tt.asked] {
				t.Fatalf("vanished queries %q, want asked %v", p.asked, tt.asked)
			}
			if tt.asked && (!strings.Contains(p.asked[0], `cluster="c2"`) || strings.Contains(p.asked[0], `cluster="c1"`) || strings.Contains(p.asked[0], promql.MetricV1)) {
				t.Errorf("not only c2's v2: %s", p.asked[0])
			}
			var missing []string
			for _, c := range s.Certificates {
				if !c.Present {
					missing = append(missing, c.Cluster+"/"+c.Node+"/"+c.Certificate)
				}
			}
			if want := map[bool]int{false: 0, true: 1}[tt.asked]; len(missing) != want || len(s.Certificates) != 2+want {
				t.Errorf("rows %d, missing %q", len(s.Certificates), missing)
			}
		})
	}
}
