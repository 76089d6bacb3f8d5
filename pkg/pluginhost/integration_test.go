package pluginhost

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/grafana/grafana-plugin-sdk-go/data"

	v1 "github.com/prometheus/client_golang/api/prometheus/v1"

	"github.com/seed/rscerts/pkg/certs"
	"github.com/seed/rscerts/pkg/engine"
	"github.com/seed/rscerts/pkg/internal/demorig"
	"github.com/seed/rscerts/pkg/models"
	"github.com/seed/rscerts/pkg/promql"
	"github.com/seed/rscerts/pkg/simulator"
)

// row is one certificates-table row as the frame carries it.
type row struct {
	Cluster, Node, Certificate, Category, Status, Source, Path string
	Days                                                       float64
	ExpiresAt                                                  time.Time
}

func tableRows(t *testing.T, r backend.DataResponse) []row {
	t.Helper()
	if r.Error != nil {
		t.Fatalf("query failed: %v", r.Error)
	}
	if len(r.Frames) != 1 {
		t.Fatalf("want one table frame, got %d", len(r.Frames))
	}
	f := r.Frames[0]
	out := make([]row, f.Rows())
	for i := range out {
		s := func(name string) string { fl, _ := f.FieldByName(name); return fl.At(i).(string) }
		days, _ := f.FieldByName("Days remaining")
		exp, _ := f.FieldByName("Expires at")
		out[i] = row{Cluster: s("Cluster"), Node: s("Node"), Certificate: s("Certificate"), Category: s("Category"),
			Status: s("Status"), Source: s("Source"), Path: s("Path"), Days: days.At(i).(float64), ExpiresAt: exp.At(i).(time.Time)}
	}
	return out
}

func (r *rig) query(t *testing.T, ds *Datasource, model map[string]any) backend.DataResponse {
	t.Helper()
	now := time.Now()
	resp, err := ds.QueryData(context.Background(), &backend.QueryDataRequest{Queries: []backend.DataQuery{
		dataQuery("A", model, now.Add(-5*time.Minute), now),
	}})
	if err != nil {
		t.Fatal(err)
	}
	return resp.Responses["A"]
}

// expected derives the rows the plugin must show from the simulator's ground truth,
// independently of package certs: category from the simulator's own classes, status from
// the documented default thresholds.
func (r *rig) expected() map[certs.Identity]row {
	category := map[simulator.Category]string{"user": "user-managed", "ca": "user-managed", "internode": "auto-rotated", "active-active": "other"}
	out := map[certs.Identity]row{}
	add := func(id certs.Identity, c simulator.Certificate, source string) {
		days := c.RemainingSeconds / 86400
		cat := category[c.Category]
		warn, crit := 30.0, 14.0
		if cat == "auto-rotated" {
			warn = 45
		}
		status := "ok"
		switch {
		case days < 0:
			status = "expired"
		case days < crit:
			status = "critical"
		case days < warn:
			status = "warning"
		}
		if prev, ok := out[id]; ok {
			source = "v1+v2"
			_ = prev
		}
		out[id] = row{Cluster: id.Cluster, Node: id.Node, Certificate: id.Certificate, Category: cat, Status: status, Source: source, Days: days}
	}
	for _, c := range r.sim.Certificates() {
		if c.InV1 {
			add(certs.Identity{Cluster: c.Cluster, Node: c.Node, Certificate: c.Name}, c, "v1")
		}
		node := c.Node
		if inst, ok := r.instanceOf[c.Cluster][c.Node]; ok {
			node = inst // per-node schema: no node label, the scrape instance names the node
		}
		add(certs.Identity{Cluster: c.Cluster, Node: node, Certificate: c.Name}, c, "v2")
	}
	return out
}

// integrationFixture is what every case of TestIntegrationRealPrometheus shares: the demo
// rig and one datasource reading its Prometheus.
type integrationFixture struct {
	r  *rig
	ds *Datasource
}

func TestIntegrationRealPrometheus(t *testing.T) {
	r := startRig(t)
	// A short lookback makes the missing-series lookback's slices and its refresh period 10s
	// (promql.LookbackStep) instead of 10m and a minute.
	fx := &integrationFixture{r: r, ds: newTestDatasource(t, r.prom.URL, map[string]any{"missingLookback": "1m"}, nil)}
	// No waiting: the first query after every target's first scrape must already be exact
	// (Source, versions in health); first_scrape_test.go starts from the harder cases.

	t.Run("health names version and what was found", func(t *testing.T) { integrationHealth(t, fx) })
	t.Run("one row per certificate, every schema, duplicates merged", func(t *testing.T) { integrationOneRowPerCertificate(t, fx) })
	t.Run("filters are exact values", func(t *testing.T) { integrationExactFilters(t, fx) })
	t.Run("versions", func(t *testing.T) { integrationVersions(t, fx) })
	t.Run("days frames for alerting, grouped", func(t *testing.T) { integrationDaysFrames(t, fx) })
	t.Run("timeseries", func(t *testing.T) { integrationTimeSeries(t, fx) })
	t.Run("timeseries limit keeps the soonest series", func(t *testing.T) { integrationTimeSeriesLimit(t, fx) })
	t.Run("series merged by Prometheus equal series merged per version", func(t *testing.T) { integrationMergedSeries(t, fx) })
	t.Run("resources", func(t *testing.T) { integrationResources(t, fx) })
	// Last: it hides a certificate of the rig.
	t.Run("a vanished certificate is missing on the next query", func(t *testing.T) { integrationVanished(t, fx) })
}

func integrationHealth(t *testing.T, fx *integrationFixture) {
	h, err := fx.ds.CheckHealth(context.Background(), &backend.CheckHealthRequest{})
	if err != nil {
		t.Fatal(err)
	}
	// The store and the version it reports (empty for a `go install` build).
	if h.Status != backend.HealthStatusOk || !strings.HasPrefix(h.Message, fx.r.storeName(t)+": ") ||
		!strings.Contains(h.Message, "v1 and v2 metrics: 4 clusters") {
		t.Fatalf("health %v: %q (%s %s)", h.Status, h.Message, fx.r.prom.Name(), fx.r.prom.Version)
	}
}

func integrationOneRowPerCertificate(t *testing.T, fx *integrationFixture) {
	rows := tableRows(t, fx.r.query(t, fx.ds, map[string]any{"queryType": "certificates"}))
	want := fx.r.expected()
	if len(rows) != len(want) {
		t.Errorf("got %d rows, want %d", len(rows), len(want))
		got := map[certs.Identity]bool{}
		for _, g := range rows {
			got[certs.Identity{Cluster: g.Cluster, Node: g.Node, Certificate: g.Certificate}] = true
		}
		for id := range want {
			if !got[id] {
				t.Errorf("missing row %v", id)
			}
		}
	}
	seen := map[certs.Identity]bool{}
	for _, got := range rows {
		id := certs.Identity{Cluster: got.Cluster, Node: got.Node, Certificate: got.Certificate}
		if seen[id] {
			t.Errorf("duplicate row %v", id)
		}
		seen[id] = true
		w, ok := want[id]
		if !ok {
			t.Errorf("unexpected row %+v", got)
			continue
		}
		if got.Category != w.Category || got.Status != w.Status || got.Source != w.Source || math.Abs(got.Days-w.Days) > 1e-6 {
			t.Errorf("row %v:\n got %+v\nwant %+v", id, got, w)
		}
	}
	if !slices.IsSortedFunc(rows, func(a, b row) int { return cmpFloat(a.Days, b.Days) }) {
		t.Errorf("rows are not sorted soonest first")
	}
	for _, got := range rows {
		if got.Certificate == "tls" {
			t.Errorf("an unrelated x509 exporter's series leaked in: %+v", got)
		}
	}
}

func integrationExactFilters(t *testing.T, fx *integrationFixture) {
	rows := tableRows(t, fx.r.query(t, fx.ds, map[string]any{"clusters": []string{"c1.example.com"}, "certificates": []string{"api"}, "category": "user-managed"}))
	if len(rows) != 3 {
		t.Fatalf("want api on 3 nodes of c1, got %+v", rows)
	}
	for _, regexLike := range []string{"c1.example.co.", "c1Xexample.com", ".*", "c1.example.com|c2.example.com"} {
		if rows := tableRows(t, fx.r.query(t, fx.ds, map[string]any{"clusters": []string{regexLike}})); len(rows) != 0 {
			t.Fatalf("cluster filter %q matched %d rows", regexLike, len(rows))
		}
	}
}

func integrationVersions(t *testing.T, fx *integrationFixture) {
	for _, v := range []string{"v1", "v2"} {
		rows := tableRows(t, fx.r.query(t, fx.ds, map[string]any{"metricVersion": v}))
		if len(rows) == 0 {
			t.Fatalf("%s: no rows", v)
		}
		for _, got := range rows {
			if got.Source != v {
				t.Fatalf("%s query returned a row from %s", v, got.Source)
			}
		}
	}
}

func integrationDaysFrames(t *testing.T, fx *integrationFixture) {
	r, ds := fx.r, fx.ds
	for by, want := range map[string]int{"cluster": 4} {
		resp := r.query(t, ds, map[string]any{"queryType": "days", "groupBy": by})
		if resp.Error != nil || len(resp.Frames) != want {
			t.Fatalf("groupBy %s: %d frames, error %v", by, len(resp.Frames), resp.Error)
		}
		checkNumericMulti(t, resp.Frames)
	}
	resp := r.query(t, ds, map[string]any{"queryType": "days", "groupBy": "certificate", "clusters": []string{"c1.example.com"}})
	checkNumericMulti(t, resp.Frames)
	for _, f := range resp.Frames {
		if _, hasNode := f.Fields[0].Labels["node"]; hasNode || f.Fields[0].Labels["cluster"] != "c1.example.com" {
			t.Fatalf("groupBy certificate labels: %v", f.Fields[0].Labels)
		}
	}
	none := r.query(t, ds, map[string]any{"queryType": "days", "clusters": []string{"no-such-cluster"}})
	if none.Error != nil || len(none.Frames) != 1 || len(none.Frames[0].Fields) != 0 || none.Frames[0].Meta.Type != data.FrameTypeNumericMulti {
		t.Fatalf("no match must be the dataplane no-data frame: %+v", none)
	}
}

func integrationTimeSeries(t *testing.T, fx *integrationFixture) {
	now := time.Now()
	q := dataQuery("A", map[string]any{"queryType": "timeseries", "clusters": []string{"c2.example.com"}, "groupBy": "certificate"}, now.Add(-time.Minute), now)
	q.Interval = time.Second
	out, err := fx.ds.QueryData(context.Background(), &backend.QueryDataRequest{Queries: []backend.DataQuery{q}})
	if err != nil {
		t.Fatal(err)
	}
	resp := out.Responses["A"]
	if resp.Error != nil || len(resp.Frames) == 0 {
		t.Fatalf("frames %d, error %v", len(resp.Frames), resp.Error)
	}
	for _, f := range resp.Frames {
		if f.Meta.Type != data.FrameTypeTimeSeriesMulti || len(f.Fields) != 2 || f.Fields[0].Len() == 0 || f.Fields[1].Config.Unit != "d" {
			t.Fatalf("bad timeseries frame %s", mustJSON(f))
		}
	}
}

// A limit keeps exactly the N series whose lowest value is smallest (ties by cluster, node,
// certificate), unchanged and in the order the unlimited query returns them.
func integrationTimeSeriesLimit(t *testing.T, fx *integrationFixture) {
	for _, c := range []struct {
		groupBy string
		limit   int
	}{{"node", 5}, {"cluster", 2}} { // their labels name the identity ties are broken by
		out := queryAllAndTop(t, fx.ds, c.groupBy, c.limit)
		every, limited := out.Responses["all"], out.Responses["top"]
		if every.Error != nil || limited.Error != nil {
			t.Fatalf("groupBy %s: %v %v", c.groupBy, every.Error, limited.Error)
		}
		if len(every.Frames) <= c.limit {
			t.Fatalf("groupBy %s: only %d series, want more than the limit %d: %s", c.groupBy, len(every.Frames), c.limit, mustJSON(every.Frames))
		}
		want := rankSeries(every.Frames)
		sorted := slices.Clone(want)
		slices.SortStableFunc(sorted, soonestSeriesFirst)
		keep := map[string]bool{}
		for _, k := range sorted[:c.limit] {
			keep[k.key] = true
		}
		want = slices.DeleteFunc(want, func(k rankedSeries) bool { return !keep[k.key] })
		got := rankSeries(limited.Frames)
		same := slices.EqualFunc(got, want, func(a, b rankedSeries) bool { return a.key == b.key && a.frame == b.frame })
		if len(got) != c.limit || !same {
			t.Errorf("groupBy %s limit %d: %d frames\n got %v\nwant %v", c.groupBy, c.limit, len(got), got, want)
		}
	}
}

// queryAllAndTop asks for every series ("all") and the limited ones ("top") in one request,
// over one fixed range: they share one range query, so they read the same samples. Right
// after the rig starts, no 5s step may yet follow the first scrape (the answer is empty), and
// a loaded machine can time out a scrape, which marks that target's series stale: it asks
// again until "all" has more series than the limit, for at most a minute, and returns the
// last answer either way.
func queryAllAndTop(t *testing.T, ds *Datasource, groupBy string, limit int) *backend.QueryDataResponse {
	t.Helper()
	for deadline := time.Now().Add(time.Minute); ; time.Sleep(time.Second) {
		to := time.Now()
		all := dataQuery("all", map[string]any{"queryType": "timeseries", "groupBy": groupBy}, to.Add(-time.Minute), to)
		top := dataQuery("top", map[string]any{"queryType": "timeseries", "groupBy": groupBy, "limit": limit}, to.Add(-time.Minute), to)
		all.Interval, top.Interval = 5*time.Second, 5*time.Second
		out, err := ds.QueryData(context.Background(), &backend.QueryDataRequest{Queries: []backend.DataQuery{all, top}})
		if err != nil {
			t.Fatal(err)
		}
		if len(out.Responses["all"].Frames) > limit || time.Now().After(deadline) {
			return out
		}
		t.Logf("groupBy %s: %d series, asking again", groupBy, len(out.Responses["all"].Frames))
	}
}

// rankedSeries is one time-series frame: its identity, its lowest value (NaN for none) and
// the frame as JSON (to compare frames unchanged).
type rankedSeries struct {
	key    string
	lowest float64
	frame  string
}

func rankSeries(fs data.Frames) []rankedSeries {
	var out []rankedSeries
	for _, f := range fs {
		v := f.Fields[1]
		lowest := math.NaN()
		for i := 0; i < v.Len(); i++ {
			if d := v.At(i).(float64); !math.IsNaN(d) && (math.IsNaN(lowest) || d < lowest) {
				lowest = d
			}
		}
		l := v.Labels
		out = append(out, rankedSeries{l["cluster"] + "\x00" + l["node"] + "\x00" + l["certificate"], lowest, mustJSON(f)})
	}
	return out
}

// soonestSeriesFirst orders by lowest value, series without one last, ties by identity.
func soonestSeriesFirst(a, b rankedSeries) int {
	switch {
	case math.IsNaN(a.lowest) != math.IsNaN(b.lowest):
		if math.IsNaN(a.lowest) {
			return 1
		}
		return -1
	case a.lowest != b.lowest && !math.IsNaN(a.lowest):
		if a.lowest < b.lowest {
			return -1
		}
		return 1
	}
	return strings.Compare(a.key, b.key)
}

// Prometheus merges v1 and v2 (promql.Present); the merged series must be exactly those of
// merging the per-version rows in Go (promql.Instant with no recent window), for every version choice
// and schema of the rig.
func integrationMergedSeries(t *testing.T, fx *integrationFixture) {
	for _, mv := range []models.MetricVersion{models.MetricVersionAuto, models.MetricVersionV1, models.MetricVersionV2} {
		merged, perVersion := mergedAndPerVersion(t, fx, engine.NewRequest(models.Query{MetricVersion: mv, GroupBy: "node"}, fx.ds.settings))
		if len(merged) == 0 || !reflect.DeepEqual(merged, perVersion) {
			t.Fatalf("%s: %d series merged by Prometheus, %d per version; they differ", mv, len(merged), len(perVersion))
		}
	}
}

// mergedAndPerVersion decodes the request's range expression (merged by Prometheus) and its
// per-version selection over one range. A loaded CI machine can time out a target's scrapes,
// and Prometheus then marks that version's series stale until a scrape succeeds again: it
// asks until there is something to compare, for at most a minute, and returns the last
// answer either way.
func mergedAndPerVersion(t *testing.T, fx *integrationFixture, req engine.Request) (merged, perVersion []certs.Series) {
	t.Helper()
	for deadline := time.Now().Add(time.Minute); ; time.Sleep(2 * time.Second) {
		// From when every target had been scraped once, to 5s ago: every scrape started
		// before then has been stored, so both expressions read the same samples.
		rng := v1.Range{Start: fx.r.ready.Truncate(time.Second), End: time.Now().Add(-5 * time.Second).Truncate(time.Second), Step: 5 * time.Second}
		if rng.End.Before(rng.Start) {
			rng.End = rng.Start
		}
		decode := func(expr string) []certs.Series {
			v, _, err := fx.ds.client.QueryRange(context.Background(), expr, rng)
			if err != nil {
				t.Fatal(err)
			}
			s, err := engine.DecodeRange(v)
			if err != nil {
				t.Fatal(err)
			}
			return s
		}
		merged, perVersion = decode(req.RangeExpr()), decode(promql.Instant(req.Selection(), 0))
		if len(merged) > 0 || !time.Now().Before(deadline) {
			return merged, perVersion
		}
	}
}

func integrationResources(t *testing.T, fx *integrationFixture) {
	_, body := resourceCall(t, fx.ds, "clusters", "clusters")
	if string(body) != `["c1.example.com","c2.example.com","c3.example.com","legacy.example.com"]` {
		t.Fatalf("clusters: %s", body)
	}
	_, body = resourceCall(t, fx.ds, "nodes", "nodes?cluster=c1.example.com&cluster=legacy.example.com")
	if string(body) != `["1","2","3"]` {
		t.Fatalf("nodes: %s", body)
	}
	_, body = resourceCall(t, fx.ds, "certificates", "certificates?cluster=c2.example.com")
	if !strings.Contains(string(body), `"client_cert-12941999:1-crdt"`) || !strings.Contains(string(body), `"trusted_ca"`) {
		t.Fatalf("certificates: %s", body)
	}
}

func integrationVanished(t *testing.T, fx *integrationFixture) {
	r, ds := fx.r, fx.ds
	filter := map[string]any{"clusters": []string{"c1.example.com"}, "nodes": []string{"2"}, "certificates": []string{"api"}}
	before := tableRows(t, r.query(t, ds, filter))
	if len(before) != 1 || before[0].Status == "missing" {
		t.Fatalf("before: %+v", before)
	}
	_ = r.vanish(t, ref{"c1.example.com", "2", "api"})
	rows := tableRows(t, r.query(t, ds, filter))
	queried := time.Now()
	if len(rows) != 1 || rows[0].Status != "missing" {
		t.Fatalf("not missing on the first query after the store lost it: %+v", rows)
	}
	// The rig's clock is frozen: values do not count down, so the expiry a sample implies
	// grows with its timestamp, and a value read at an evaluation time (the shared lookback
	// answer's, up to a refresh period old; the query's) is later than its sample's: the
	// lookback that values a certificate gone since the shared answer is evaluated at the
	// query's time, where predict_linear of constant values extrapolates nothing. The
	// missing row reports an expiry from the oldest stored sample's (less a scrape, for
	// VictoriaMetrics evaluates a little behind its samples) to the seconds left valued
	// at the query's time, or the expiry shown before. The bounds come from the store, not
	// from how late scrapes ran; the live rig's tests (checkLastExpiry) hold the exact value.
	implied := r.storedExpiries(t, ref{"c1.example.com", "2", "api"})
	var left float64 // seconds left: the same in every sample of a frozen rig
	for _, s := range r.storedV2Samples(t, ref{"c1.example.com", "2", "api"}) {
		left = max(left, s.Value)
	}
	lo := implied[0].Add(-demorig.ScrapeInterval)
	hi := maxTime(queried.Add(time.Duration(left*float64(time.Second))), before[0].ExpiresAt).Add(time.Second)
	if got := rows[0].ExpiresAt; got.Before(lo) || got.After(hi) {
		t.Fatalf("missing row expires at %s, outside [%s, %s] (the oldest stored sample's expiry less a scrape, the one shown before): %+v",
			got.Format(time.RFC3339Nano), lo.Format(time.RFC3339Nano), hi.Format(time.RFC3339Nano), rows[0])
	}
	if math.Abs(rows[0].Days-time.Until(rows[0].ExpiresAt).Hours()/24) > 0.01 {
		t.Fatalf("days not recomputed from expiry: %+v", rows[0])
	}
}

func checkNumericMulti(t *testing.T, frs data.Frames) {
	t.Helper()
	seen := map[string]bool{}
	for _, f := range frs {
		if f.Meta == nil || f.Meta.Type != data.FrameTypeNumericMulti || f.Meta.TypeVersion != (data.FrameTypeVersion{0, 1}) || len(f.Fields) != 1 {
			t.Fatalf("not a numeric-multi frame: %s", mustJSON(f))
		}
		fl := f.Fields[0]
		if fl.Name != "Days remaining" || fl.Type() != data.FieldTypeFloat64 || fl.Config == nil || fl.Config.DisplayNameFromDS == "" || fl.Config.Unit != "d" {
			t.Fatalf("bad value field: %s", mustJSON(f))
		}
		key := fl.Labels.String()
		if seen[key] {
			t.Fatalf("labels %s are not unique", key)
		}
		seen[key] = true
	}
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func mustJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}
