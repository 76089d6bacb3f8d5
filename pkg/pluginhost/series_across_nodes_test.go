package pluginhost

import (
	"context"
	"encoding/json"
	"slices"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	v1 "github.com/prometheus/client_golang/api/prometheus/v1"

	"github.com/seed/rscerts/pkg/engine"
	"github.com/seed/rscerts/pkg/models"
	"github.com/seed/rscerts/pkg/prom"
)

// Time series grouped by certificate or cluster with no node filter ask the store for no node
// (promql.PresentAcrossNodes): it sends one series per certificate, fewer than one per node
// and certificate, and the frames are exactly those of the per-node answer grouped in Go
// (forced here by a node filter naming every node). Every schema of the rig, /v2 from several
// targets, on a real store right after the rig starts.
func TestSeriesAcrossNodesEqualPerNode(t *testing.T) {
	t.Parallel()
	r := startRig(t)
	ds := newTestDatasource(t, r.prom.URL, nil, nil)
	var nodes []string
	days := r.query(t, ds, map[string]any{"queryType": "days"}).Frames
	for _, f := range days {
		if len(f.Fields) > 0 && !slices.Contains(nodes, f.Fields[0].Labels["node"]) {
			nodes = append(nodes, f.Fields[0].Labels["node"])
		}
	}
	if len(nodes) < 2 {
		t.Fatalf("nodes %q: the rig must have several", nodes)
	}
	settings := models.Settings{}
	// count is what the store sends for the range ending at `to`: series, and whether any
	// names a node.
	count := func(q models.Query, to time.Time) (series int, named bool) {
		t.Helper()
		q.Category = models.CategoryAll
		v, _, err := ds.client.QueryRange(context.Background(), engine.NewRequest(q, settings).RangeExpr(), v1.Range{Start: to.Add(-2 * time.Minute), End: to, Step: 5 * time.Second})
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range v.(prom.Matrix) {
			named = named || s.Metric.Get("node") != ""
		}
		return len(v.(prom.Matrix)), named
	}
	// A range ending 15 s before now: every sample it reads is in the store already, so the
	// two range queries read the same samples. The first such range that holds every
	// certificate (one series each, per node, at least): the window is mostly empty, as right
	// after a store starts. (A range holding only the first few scrapes can hold no
	// certificate reported by several nodes, and then nothing is smaller across nodes.)
	var to time.Time
	for deadline := time.Now().Add(time.Minute); ; time.Sleep(time.Second) {
		to = time.Now().Add(-15 * time.Second).Truncate(time.Second)
		if n, _ := count(models.Query{GroupBy: "node"}, to); n >= len(days) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("not every certificate in the store 15 s old within a minute")
		}
	}
	for _, c := range []struct {
		groupBy string
		limit   int
	}{{"certificate", 0}, {"certificate", 3}, {"cluster", 0}, {"cluster", 1}} {
		model := map[string]any{"queryType": "timeseries", "groupBy": c.groupBy, "limit": c.limit}
		filtered := map[string]any{"queryType": "timeseries", "groupBy": c.groupBy, "limit": c.limit, "nodes": nodes}
		across, perNode := dataQuery("across", model, to.Add(-2*time.Minute), to), dataQuery("perNode", filtered, to.Add(-2*time.Minute), to)
		across.Interval, perNode.Interval = 5*time.Second, 5*time.Second
		out, err := ds.QueryData(context.Background(), &backend.QueryDataRequest{Queries: []backend.DataQuery{across, perNode}})
		if err != nil {
			t.Fatal(err)
		}
		a, p := out.Responses["across"], out.Responses["perNode"]
		if a.Error != nil || p.Error != nil || len(a.Frames) == 0 {
			t.Fatalf("groupBy %s limit %d: %d frames, errors %v %v", c.groupBy, c.limit, len(a.Frames), a.Error, p.Error)
		}
		if got, want := mustJSON(a.Frames), mustJSON(p.Frames); got != want {
			t.Errorf("groupBy %s limit %d: across nodes\n%s\nper node grouped in Go\n%s", c.groupBy, c.limit, got, want)
		}
	}

	// What the store sends: the expression across nodes has fewer series than the per-node
	// one, and none of them names a node.
	acrossN, acrossNamed := count(models.Query{GroupBy: "certificate"}, to)
	perNodeN, _ := count(models.Query{GroupBy: "node"}, to)
	if acrossNamed || acrossN >= perNodeN {
		b, _ := json.Marshal(map[string]any{"across": acrossN, "perNode": perNodeN, "acrossNamesNodes": acrossNamed})
		t.Fatalf("the store's answer across nodes is not smaller, or names nodes: %s", b)
	}
	t.Logf("the store sent %d series across nodes, %d per node", acrossN, perNodeN)
}
