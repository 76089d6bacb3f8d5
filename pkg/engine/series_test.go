package engine

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	v1 "github.com/prometheus/client_golang/api/prometheus/v1"

	"github.com/seed/rscerts/pkg/models"
	"github.com/seed/rscerts/pkg/prom"
	"github.com/seed/rscerts/pkg/promql"
)

// matrixAnswer answers every range query with one matrix and keeps the expressions asked.
type matrixAnswer struct {
	m     prom.Matrix
	exprs []string
}

func (a *matrixAnswer) Query(context.Context, string, time.Time) (prom.Value, []string, error) {
	return prom.Vector{}, nil, nil
}

func (a *matrixAnswer) QueryRange(_ context.Context, expr string, _ v1.Range) (prom.Value, []string, error) {
	a.exprs = append(a.exprs, expr)
	return a.m, nil, nil
}

func (a *matrixAnswer) Series(context.Context, []string, time.Time, time.Time) (prom.Value, []string, error) {
	return prom.LabelSets{}, nil, nil
}

// A time series query's limit keeps the soonest series after filtering and grouping, and
// asks Prometheus exactly what the same query without a limit asks.
func TestSeriesLimit(t *testing.T) {
	t0 := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	day := 86400.0
	series := func(cluster, node, cert string, days ...float64) prom.Series {
		s := prom.Series{Metric: append(pairs("cluster", cluster, "node", node, "logical_name", cert), prom.Label{Name: metricName, Value: promql.MetricV2})}
		for i, d := range days {
			s.Points = append(s.Points, prom.Point{T: t0.Add(time.Duration(i) * time.Minute).UnixMilli(), V: d * day})
		}
		return s
	}
	answer := &matrixAnswer{m: prom.Matrix{
		series("c1", "1", "api", 300, 299),
		series("c1", "2", "api", 5, 300), // renewed: its lowest (5) ranks it, not its last value
		series("c1", "1", "proxy", 40, 39),
		series("c2", "1", "api", 90, 89),
		series("c2", "2", "api", 20, 19),
		series("c2", "1", "ccs_internode_encryption", 50, 49), // auto-rotated
		series("c3", "1", "api", 10, 9),
	}}
	e := &Engine{Prom: answer}
	rng := v1.Range{Start: t0, End: t0.Add(time.Minute), Step: time.Minute}
	tests := []struct {
		name  string
		query string
		want  []string // cluster/node/certificate, in the frames' order
	}{
		{"no limit: every series", `{"queryType":"timeseries"}`,
			[]string{"c1/1/api", "c1/1/proxy", "c1/2/api", "c2/1/api", "c2/1/ccs_internode_encryption", "c2/2/api", "c3/1/api"}},
		{"the 3 soonest, in identity order", `{"queryType":"timeseries","limit":3}`,
			[]string{"c1/2/api", "c2/2/api", "c3/1/api"}},
		{"after the category filter", `{"queryType":"timeseries","category":"user-managed","limit":4}`,
			[]string{"c1/1/proxy", "c1/2/api", "c2/2/api", "c3/1/api"}},
		{"after the cluster filter", `{"queryType":"timeseries","clusters":["c2"],"limit":1}`,
			[]string{"c2/2/api"}},
		// c1's line is the pointwise minimum of its series (lowest 5 days, from node 2), named
		// after proxy, the soonest at its last instant; c3's lowest is 9 days, c2's 19. A
		// group of nodes names no node.
		{"after grouping by cluster", `{"queryType":"timeseries","groupBy":"cluster","limit":2}`,
			[]string{"c1//proxy", "c3//api"}},
		{"a limit above the count", `{"queryType":"timeseries","groupBy":"cluster","limit":20}`,
			[]string{"c1//proxy", "c2//api", "c3//api"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q, err := models.ParseQuery(backend.DataQuery{JSON: []byte(tt.query)})
			if err != nil {
				t.Fatal(err)
			}
			r := NewRequest(q, models.Settings{})
			res, err := e.Series(context.Background(), r, rng)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, s := range res.Series {
				got = append(got, s.Cluster+"/"+s.Node+"/"+s.Certificate)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("series %v, want %v", got, tt.want)
			}
			unlimited := r
			unlimited.Limit = 0
			if asked := answer.exprs[len(answer.exprs)-1]; asked != unlimited.RangeExpr() {
				t.Errorf("asked %s, the same query without its limit asks %s", asked, unlimited.RangeExpr())
			}
		})
	}
}
