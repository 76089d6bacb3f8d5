package engine

import (
	"context"
	"errors"
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

// listingProm is a store holding the listed series, of which the present ones answer the
// instant query; the lookback (the only expression that extrapolates) answers gone.
type listingProm struct {
	listed    prom.LabelSets
	present   prom.Vector
	gone      prom.Vector
	listError error

	mu        sync.Mutex
	lookbacks []string
}

func (p *listingProm) Query(_ context.Context, expr string, _ time.Time) (prom.Value, []string, error) {
	if strings.Contains(expr, "predict_linear(") {
		p.mu.Lock()
		p.lookbacks = append(p.lookbacks, expr)
		p.mu.Unlock()
		return p.gone, nil, nil
	}
	return p.present, nil, nil
}

func (p *listingProm) QueryRange(context.Context, string, v1.Range) (prom.Value, []string, error) {
	return prom.Matrix{}, nil, nil
}

func (p *listingProm) Series(context.Context, []string, time.Time, time.Time) (prom.Value, []string, error) {
	if p.listError != nil {
		return nil, nil, p.listError
	}
	return p.listed, nil, nil
}

func ls(kv ...string) prom.Labels {
	var out prom.Labels
	for i := 0; i < len(kv); i += 2 {
		out = append(out, prom.Label{Name: kv[i], Value: kv[i+1]})
	}
	return out
}

// The lookback reads the window's samples only where a series of the window is not present
// now, and then only in its cluster: a fleet where nothing vanished pays an index lookup, not
// seconds of reading. A store that cannot list series gets the whole lookback, and the
// missing certificate is found either way.
func TestLookbackOnlyWhereASeriesIsGone(t *testing.T) {
	at := time.Date(2026, 12, 4, 12, 0, 0, 0, time.UTC)
	expiry := float64(at.Add(90 * 24 * time.Hour).Unix())
	// Raw series as the series API lists them: scrape labels and all. c1's node-less schema
	// takes its node from the scrape instance, as Instant's grouping does.
	c1api := ls("__name__", promql.MetricV2, "cluster", "c1", "node", "1", "logical_name", "api", "instance", "c1:8070", "job", "rs")
	c1proxy := ls("__name__", promql.MetricV1, "cluster", "c1", "logical_name", "proxy", "instance", "10.0.0.1:8070", "job", "rs")
	c2cm := ls("__name__", promql.MetricV1, "cluster", "c2", "node", "3", "logical_name", "cm", "instance", "c2:8070", "job", "rs")
	present := prom.Vector{
		{Metric: ls("__name__", promql.MetricV2, "cluster", "c1", "node", "1", "logical_name", "api"), V: 86400},
		{Metric: ls("__name__", promql.MetricV1, "cluster", "c1", "node", "10.0.0.1:8070", "logical_name", "proxy"), V: 86400},
	}
	gone := prom.Vector{{Metric: ls("cluster", "c2", "node", "3", "logical_name", "cm", promql.LabelVersion, "v1", promql.LabelState, promql.StateMissing), V: expiry}}
	missing := func(t *testing.T, s *Snapshot) {
		t.Helper()
		for _, c := range s.Certificates {
			if c.Cluster == "c2" && c.Certificate == "cm" {
				if c.Present || !c.ExpiresAt.Equal(time.Unix(int64(expiry), 0)) {
					t.Fatalf("c2's cm: %+v, want missing, expiring at the lookback's value", c)
				}
				return
			}
		}
		t.Fatalf("c2's cm is not listed: %+v", s.Certificates)
	}
	r := Request{Versions: []certs.Version{certs.V1, certs.V2}}
	settings := models.Settings{MissingLookback: time.Hour}

	t.Run("nothing gone: no lookback", func(t *testing.T) {
		p := &listingProm{listed: prom.LabelSets{c1api, c1proxy}, present: present}
		e := New(p, settings)
		defer e.Close()
		s, err := e.Certificates(context.Background(), r, at)
		if err != nil {
			t.Fatal(err)
		}
		if len(p.lookbacks) != 0 || len(s.Certificates) != 2 {
			t.Fatalf("lookbacks %q, rows %+v: want none and the two present", p.lookbacks, s.Certificates)
		}
	})
	t.Run("one gone: its cluster and version only", func(t *testing.T) {
		p := &listingProm{listed: prom.LabelSets{c1api, c1proxy, c2cm}, present: present, gone: gone}
		e := New(p, settings)
		defer e.Close()
		s, err := e.Certificates(context.Background(), r, at)
		if err != nil {
			t.Fatal(err)
		}
		if len(p.lookbacks) != 1 {
			t.Fatalf("lookbacks %q, want one", p.lookbacks)
		}
		q := p.lookbacks[0]
		if !strings.Contains(q, `cluster="c2"`) || strings.Contains(q, "c1") || strings.Contains(q, promql.MetricV2) {
			t.Fatalf("the lookback reads more than c2's v1 series:\n%s", q)
		}
		missing(t, s)
	})
	for _, tc := range []struct {
		name string
		p    *listingProm
	}{
		{"no list", &listingProm{listError: errors.New("too many series"), present: present, gone: gone}},
		// c1's api is present, so a list without it is not the window's.
		{"a list lacking a present series", &listingProm{listed: prom.LabelSets{c1proxy}, present: present, gone: gone}},
	} {
		t.Run(tc.name+": the whole lookback", func(t *testing.T) {
			p := tc.p
			e := New(p, settings)
			defer e.Close()
			s, err := e.Certificates(context.Background(), r, at)
			if err != nil {
				t.Fatal(err)
			}
			if len(p.lookbacks) != 1 || strings.Contains(p.lookbacks[0], "cluster=") || !strings.Contains(p.lookbacks[0], promql.MetricV2) {
				t.Fatalf("lookbacks %q, want the whole one", p.lookbacks)
			}
			missing(t, s)
		})
	}
}
