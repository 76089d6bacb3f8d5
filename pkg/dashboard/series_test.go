package dashboard

import (
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/seed/rscerts/pkg/certs"
	"github.com/seed/rscerts/pkg/engine"
	"github.com/seed/rscerts/pkg/models"
	"github.com/seed/rscerts/pkg/promql"
)

// TestTimeSeriesReadableAtAnySize: every category draws one line per cluster and the 20
// soonest certificates, never one line per certificate and node (10,000 at 100 clusters);
// every time series query sends the same PromQL, so a refresh reads the range once, and with
// the variables at "All" (no filter) that PromQL asks for no node, so a fleet's answer is one
// series per certificate; the tables stay complete and sorted soonest first.
func TestTimeSeriesReadableAtAnySize(t *testing.T) {
	type kinds struct{ perCluster, soonest int }
	seen := map[string]*kinds{}
	exprs := map[string][]string{}
	for _, p := range panels(t) {
		title := p["title"].(string)
		q := onlyQuery(t, title, p["targets"].([]any))
		if p["type"] == "table" && q.QueryType == models.QueryCertificates {
			if q.Limit != 0 {
				t.Errorf("%s: limit %d, the tables list every certificate", title, q.Limit)
			}
			if sort := p["options"].(map[string]any)["sortBy"]; !reflect.DeepEqual(sort, []any{map[string]any{"displayName": fieldDays, "desc": false}}) {
				t.Errorf("%s: sortBy %v, want %s ascending (soonest first)", title, sort, fieldDays)
			}
		}
		if p["type"] != "timeseries" {
			continue
		}
		if q.QueryType != models.QueryTimeseries {
			t.Errorf("%s: a %s query in a time series panel", title, q.QueryType)
			continue
		}
		k := seen[string(q.Category)]
		if k == nil {
			k = &kinds{}
			seen[string(q.Category)] = k
		}
		switch {
		case q.GroupBy == certs.GroupByCluster && q.Limit == 0:
			k.perCluster++
			if !strings.Contains(title, "per cluster") {
				t.Errorf("%s: one line per cluster, and the title does not say so", title)
			}
		case q.GroupBy == certs.GroupByCertificate && q.Limit == soonestLimit:
			k.soonest++
			if !strings.HasPrefix(title, fmt.Sprintf("%d soonest ", soonestLimit)) {
				t.Errorf("%s: a top %d, and the title does not say so", title, soonestLimit)
			}
			if desc, _ := p["description"].(string); !strings.Contains(desc, "the table lists every copy") {
				t.Errorf("%s: the description does not point to the complete table: %q", title, desc)
			}
		default:
			t.Errorf("%s: groupBy %s limit %d; want groupBy cluster, or groupBy certificate limited to %d", title, q.GroupBy, q.Limit, soonestLimit)
		}
		if !reflect.DeepEqual(q.Clusters, []string{"$cluster"}) || !reflect.DeepEqual(q.Nodes, []string{"$node"}) {
			t.Errorf("%s: filters %v %v, want the dashboard variables", title, q.Clusters, q.Nodes)
		}
		q.Clusters, q.Nodes = nil, nil // "All", as the front end sends it (the variables' allValue)
		r := engine.NewRequest(q, models.Settings{})
		expr := r.RangeExpr()
		if expr != promql.PresentAcrossNodes(r.Selection()) {
			t.Errorf("%s: with every cluster and node, the range query still asks for nodes: %s", title, expr)
		}
		exprs[expr] = append(exprs[expr], title)
		legend := p["options"].(map[string]any)["legend"].(map[string]any)
		if legend["sortBy"] != "Min" || legend["sortDesc"] != false || !reflect.DeepEqual(legend["calcs"], []any{"min", "lastNotNull"}) {
			t.Errorf("%s: legend %v, want min and last, sorted by min ascending (soonest first)", title, legend)
		}
	}
	for _, c := range []string{categoryUserManaged, categoryAutoRotated, categoryOther} {
		if k := seen[c]; k == nil || k.perCluster != 1 || k.soonest != 1 {
			t.Errorf("category %s: %+v, want one per-cluster and one %d-soonest time series panel", c, k, soonestLimit)
		}
	}
	if len(seen) != 3 {
		t.Errorf("time series of categories %v, want user-managed, auto-rotated and other", seen)
	}
	if len(exprs) != 1 {
		t.Errorf("the time series panels send %d different range queries, want 1 (grouping, limit and category apply in Go): %v", len(exprs), exprs)
	}
}

// TestLayout: panels fit the 24-column grid and none overlaps another.
func TestLayout(t *testing.T) {
	type box struct {
		title      string
		x, y, w, h float64
	}
	var boxes []box
	for _, p := range panels(t) {
		g := p["gridPos"].(map[string]any)
		b := box{p["title"].(string), g["x"].(float64), g["y"].(float64), g["w"].(float64), g["h"].(float64)}
		if b.w <= 0 || b.h <= 0 || b.x < 0 || b.x+b.w > 24 {
			t.Errorf("%s: gridPos %v outside the grid", b.title, g)
		}
		for _, o := range boxes {
			if b.x < o.x+o.w && o.x < b.x+b.w && b.y < o.y+o.h && o.y < b.y+b.h {
				t.Errorf("%s (%v) overlaps %s", b.title, g, o.title)
			}
		}
		boxes = append(boxes, b)
	}
}
