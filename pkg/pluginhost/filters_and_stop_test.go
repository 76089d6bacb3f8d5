package pluginhost

import (
	"context"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/grafana/grafana-plugin-sdk-go/backend"

	"github.com/seed/rscerts/pkg/certs"
	"github.com/seed/rscerts/pkg/engine"
	"github.com/seed/rscerts/pkg/internal/demorig"
	"github.com/seed/rscerts/pkg/internal/promrig"
	"github.com/seed/rscerts/pkg/models"
	"github.com/seed/rscerts/pkg/prom"
	"github.com/seed/rscerts/pkg/simulator"
)

// Against a REAL Prometheus: simulated clusters whose names are full of PromQL, regex and
// string syntax, and hostile filter values. A cluster filter (pushed into PromQL) only ever
// selects the cluster of exactly that name. Then Prometheus is stopped mid-run.

// Weird cluster names, and decoys that a wrong escape would confuse with them.
var weirdClusters = []string{
	`we"ird\c.l|u*s+t?er (ü✓) {x} or vector(1)`,
	`we"ird\cXl|u*s+t?er (ü✓) {x} or vector(1)`, // "." as a regex would match it
	`we"ird\c.l`, // a prefix: regexes are anchored
	"line\nbreak.example.com",
	`back\\slash.example.com`,
	"c1.example.com",
	"c1Xexample.com",
	"c1.example.com.evil",
	"証明書.クラスタ",
}

// hardeningFixture is what every case of TestHardeningRealPrometheusFiltersAndStop shares: a
// real Prometheus scraping the weird clusters, a datasource reading it, and the ground truth.
type hardeningFixture struct {
	p    *promrig.Server
	ds   *Datasource
	want map[string][]string // cluster -> the "node/certificate" identities it must show
}

func TestHardeningRealPrometheusFiltersAndStop(t *testing.T) {
	fx := startHardeningFixture(t)
	t.Run("each weird name selects exactly its cluster", func(t *testing.T) { hardeningWeirdNames(t, fx) })
	t.Run("hostile values select nothing or exactly the named cluster, in the PromQL itself", func(t *testing.T) { hardeningHostileValues(t, fx) })
	t.Run("1000 values accepted and exact, 1001 refused", func(t *testing.T) { hardeningValueLimit(t, fx) })
	// Last: it stops the fixture's Prometheus.
	t.Run("Prometheus stopped mid-run", func(t *testing.T) { hardeningPrometheusStopped(t, fx) })
}

// startHardeningFixture starts the simulated weird clusters, a Prometheus scraping their v1
// and v2 metrics, and a datasource without cache, and waits until every series is stored.
func startHardeningFixture(t *testing.T) *hardeningFixture {
	t.Helper()
	cfgs := make([]simulator.ClusterConfig, len(weirdClusters))
	for i, name := range weirdClusters {
		cfgs[i] = simulator.ClusterConfig{Name: name, Nodes: 2, Schema: simulator.SchemaDocs, CertsPerNode: 3}
	}
	sim, err := simulator.New(simulator.Config{Clusters: cfgs, Seed: 11, Start: demorig.SimStart, Frozen: true})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(sim.Handler())
	t.Cleanup(srv.Close)
	addr := strings.TrimPrefix(srv.URL, "http://")
	p := promrig.Start(t, promrig.Config{Jobs: []promrig.Job{
		{Name: "redis-v1", MetricsPath: "/", Targets: []promrig.Target{{Address: addr}}},
		{Name: "redis-v2", MetricsPath: "/v2", Targets: []promrig.Target{{Address: addr}}},
	}})
	// Ground truth: the identities each cluster must show.
	want := map[string][]string{}
	for _, c := range sim.Certificates() {
		id := c.Node + "/" + c.Name
		if !slices.Contains(want[c.Cluster], id) {
			want[c.Cluster] = append(want[c.Cluster], id)
		}
	}
	total := 0
	for _, ids := range want {
		total += len(ids)
	}
	inV1 := 0
	for _, c := range sim.Certificates() {
		if c.InV1 {
			inV1++
		}
	}
	const byCertificate, v1Series = `count by (cluster, node, logical_name) (node_cert_expires_in_seconds)`, `node_cert_expiration_seconds`
	p.WaitForSeries(t, byCertificate, total, 60*time.Second)
	p.WaitForSeries(t, v1Series, inV1, 60*time.Second)
	ds := newTestDatasource(t, p.URL, map[string]any{"missingLookback": "5m", "cacheTTL": "0s"}, nil)
	waitSecondAfter(time.Now())
	return &hardeningFixture{p: p, ds: ds, want: want}
}

// waitSecondAfter waits until the current second starts at or after seen: resources
// evaluate at the start of the current second (resources.go), which may be before the
// scrape WaitForSeries saw at `seen`. (A poll of the store at the start of the second cannot
// tell: VictoriaMetrics hides samples newer than its latency offset from a range ending now.)
func waitSecondAfter(seen time.Time) {
	for time.Now().Truncate(time.Second).Before(seen) {
		time.Sleep(10 * time.Millisecond)
	}
}

// clustersOf is the "node/certificate" identities of a table's rows, by cluster.
func clustersOf(t *testing.T, resp backend.DataResponse) map[string][]string {
	t.Helper()
	got := map[string][]string{}
	for _, r := range tableRows(t, resp) {
		got[r.Cluster] = append(got[r.Cluster], r.Node+"/"+r.Certificate)
	}
	return got
}

// sameIDs reports whether a and b hold the same identities, in any order.
func sameIDs(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(a, b)
}

func hardeningWeirdNames(t *testing.T, fx *hardeningFixture) {
	ds, want := fx.ds, fx.want
	for _, name := range weirdClusters {
		for _, filter := range [][]string{{name}, {name, "no-such-cluster"}, {"no.such|cluster", name}} {
			got := clustersOf(t, r0(t, ds, map[string]any{"clusters": filter}))
			if len(got) != 1 || !sameIDs(got[name], want[name]) {
				t.Fatalf("clusters=%q: got %q, want exactly %q: %q", filter, got, name, want[name])
			}
		}
		status, body := resourceCall(t, ds, "nodes", "nodes?"+url.Values{"cluster": {name}}.Encode())
		if status != 200 || string(body) != `["1","2"]` {
			t.Fatalf("nodes of %q: %d %s", name, status, body)
		}
	}
	for _, raw := range []string{"nodes?cluster=%FF", "certificates?cluster=a&cluster=%C3%28", "clusters?cluster=%FF%FE&cluster=b"} {
		if status, body := resourceCall(t, ds, strings.SplitN(raw, "?", 2)[0], raw); status != 400 || !strings.Contains(string(body), "not valid UTF-8") {
			t.Fatalf("%s: %d %s", raw, status, body)
		}
	}
	status, body := resourceCall(t, ds, "clusters", "clusters")
	if status != 200 || strings.Count(string(body), `",`) != len(weirdClusters)-1 {
		t.Fatalf("clusters: %s", body)
	}
}

func hardeningHostileValues(t *testing.T, fx *hardeningFixture) {
	values := append(slices.Clone(hostileValues), weirdClusters...)
	values = append(values, `c1\.example\.com`, `c1.example.com|c1Xexample.com`, `we"ird\\c.l`, `we\"ird\c.l`, `(?s).*`, `c1.example.com"} or up{x="`)
	settings, _ := models.LoadSettings(backend.DataSourceInstanceSettings{URL: fx.p.URL})
	for _, v := range values {
		if !utf8.ValidString(v) {
			// Never reaches the engine: JSON decoding turns invalid UTF-8 into U+FFFD and the
			// resources refuse it (below). Prometheus label values are UTF-8 anyway.
			continue
		}
		for _, filter := range [][]string{{v}, {v, "no-such-cluster"}} {
			for _, mv := range []models.MetricVersion{models.MetricVersionAuto, models.MetricVersionV1, models.MetricVersionV2} {
				checkPromQLSelectsOnly(t, fx.ds, settings, filter, mv)
			}
			got := clustersOf(t, r0(t, fx.ds, map[string]any{"clusters": filter}))
			for c := range got {
				if c != v || !sameIDs(got[c], fx.want[c]) {
					t.Fatalf("clusters=%q: got %q", filter, got)
				}
			}
		}
	}
	t.Logf("hardening: %d hostile cluster filter values checked against Prometheus %s (x2 forms, x3 metric versions, instant and range)", len(values), fx.p.Version)
}

// checkPromQLSelectsOnly runs the engine's instant and range PromQL for the cluster filter
// through the plugin's own client (so the real PromQL goes through the real transport) and
// fails unless Prometheus accepts it and it selects only the filter's clusters.
func checkPromQLSelectsOnly(t *testing.T, ds *Datasource, settings models.Settings, filter []string, mv models.MetricVersion) {
	t.Helper()
	req := engine.NewRequest(models.Query{Clusters: filter, MetricVersion: mv, GroupBy: "node"}, settings)
	now := time.Now()
	val, _, err := ds.client.Query(context.Background(), req.InstantExpr(time.Minute), now)
	if err != nil {
		t.Fatalf("clusters=%q: Prometheus rejected the PromQL: %v", filter, err)
	}
	for _, s := range val.(prom.Vector) {
		if c := s.Metric.Get("cluster"); !slices.Contains(filter, c) {
			t.Fatalf("clusters=%q (%s): PromQL selected cluster %q: %v", filter, mv, c, s.Metric)
		}
	}
	for _, by := range []string{"node", "certificate"} { // per node, and across nodes
		rng := engine.NewRequest(models.Query{Clusters: filter, MetricVersion: mv, GroupBy: certs.GroupBy(by)}, settings)
		mat, _, err := ds.client.QueryRange(context.Background(), rng.RangeExpr(), rangeOf(dataQuery("A", nil, time.Now().Add(-time.Minute), time.Now())))
		if err != nil {
			t.Fatalf("clusters=%q, groupBy %s: range: %v", filter, by, err)
		}
		for _, s := range mat.(prom.Matrix) {
			if c := s.Metric.Get("cluster"); !slices.Contains(filter, c) {
				t.Fatalf("clusters=%q (%s), groupBy %s: range PromQL selected cluster %q", filter, mv, by, c)
			}
		}
	}
}

func hardeningValueLimit(t *testing.T, fx *hardeningFixture) {
	filter := append(filterValues(998), `c1.example.com|.*`, weirdClusters[0])
	got := clustersOf(t, r0(t, fx.ds, map[string]any{"clusters": filter}))
	if len(got) != 1 || !sameIDs(got[weirdClusters[0]], fx.want[weirdClusters[0]]) {
		t.Fatalf("got %q", got)
	}
	r := r0(t, fx.ds, map[string]any{"clusters": append(filter, "one-more")})
	if r.Error == nil || r.Status != backend.StatusBadRequest || !strings.Contains(r.Error.Error(), "at most 1000") {
		t.Fatalf("1001 values: %+v", r)
	}
}

func hardeningPrometheusStopped(t *testing.T, fx *hardeningFixture) {
	leakCheck(t)
	p, ds := fx.p, fx.ds
	tally := &stopTally{promURL: p.URL, failed: map[string]int{}}
	var wg sync.WaitGroup
	stopAt := time.Now().Add(700 * time.Millisecond)
	for w := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			queryAroundStop(t, ds, w, stopAt, tally)
		}()
	}
	// Not a wait for a condition: the queries run this long against a live Prometheus, which
	// then stops under them.
	time.Sleep(time.Until(stopAt))
	p.Stop()
	wg.Wait()
	ok, failed := tally.ok, tally.failed
	n := 0
	for _, c := range failed {
		n += c
	}
	if ok == 0 || n == 0 {
		t.Fatalf("want successes before and failures after the stop: ok %d, failed %v", ok, failed)
	}
	t.Logf("hardening: Prometheus stopped mid-run: %d queries succeeded, %d failed cleanly: %v", ok, n, failed)
	h, err := ds.CheckHealth(context.Background(), &backend.CheckHealthRequest{})
	if err != nil || h.Status != backend.HealthStatusError || !strings.Contains(h.Message, "cannot reach Prometheus at "+p.URL) || !strings.Contains(h.Message, "connection refused") {
		t.Fatalf("health after stop: %v %q", h.Status, h.Message)
	}
	if status, body := resourceCall(t, ds, "clusters", "clusters"); status != 502 || !strings.Contains(string(body), "cannot reach Prometheus") {
		t.Fatalf("resource after stop: %d %s", status, body)
	}
}

// queryAroundStop is worker w: it sends requests of a table (of one weird cluster, a different
// one each time), days and time series until 1.5s after stopAt, and tallies every answer.
func queryAroundStop(t *testing.T, ds *Datasource, w int, stopAt time.Time, tally *stopTally) {
	for i := 0; time.Since(stopAt) < 1500*time.Millisecond; i++ {
		now := time.Now()
		qs := []backend.DataQuery{
			dataQuery("table", map[string]any{"queryType": "certificates", "clusters": []string{weirdClusters[(w+i)%len(weirdClusters)]}}, now.Add(-time.Hour), now),
			dataQuery("days", map[string]any{"queryType": "days", "groupBy": "certificate"}, now.Add(-time.Hour), now),
			dataQuery("series", map[string]any{"queryType": "timeseries"}, now.Add(-5*time.Minute), now),
		}
		resp, err := ds.QueryData(context.Background(), &backend.QueryDataRequest{Queries: qs})
		if err != nil {
			t.Error(err)
			return
		}
		tally.record(t, resp)
	}
}

// stopTally counts the answers of the queries running while Prometheus stops.
type stopTally struct {
	promURL string
	mu      sync.Mutex
	ok      int
	failed  map[string]int // clean failure message -> count
}

// record counts a response's answers: successes, and clean downstream failures of a stopped
// or stopping Prometheus; any other failure is an error.
func (s *stopTally) record(t *testing.T, resp *backend.QueryDataResponse) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for ref, r := range resp.Responses {
		switch {
		case r.Error == nil:
			s.ok++
		case r.ErrorSource == backend.ErrorSourceDownstream && (r.Status == backend.StatusBadGateway || r.Status == backend.StatusTimeout) &&
			(strings.Contains(r.Error.Error(), "cannot reach Prometheus at "+s.promURL) || // stopped
				strings.Contains(r.Error.Error(), "Prometheus at "+s.promURL+" failed (HTTP 503)") || // shutting down
				strings.HasPrefix(r.Error.Error(), "Prometheus failed to execute the query") || // storage closing
				strings.Contains(r.Error.Error(), "Prometheus request to "+s.promURL)):
			s.failed[r.Error.Error()]++
		default:
			t.Errorf("%s: unexpected failure %d %s %v", ref, r.Status, r.ErrorSource, r.Error)
		}
	}
}

// r0 runs one certificates-table query over the last 5 minutes.
func r0(t *testing.T, ds *Datasource, model map[string]any) backend.DataResponse {
	t.Helper()
	now := time.Now()
	resp, err := ds.QueryData(context.Background(), &backend.QueryDataRequest{Queries: []backend.DataQuery{dataQuery("A", model, now.Add(-5*time.Minute), now)}})
	if err != nil {
		t.Fatal(err)
	}
	return resp.Responses["A"]
}
