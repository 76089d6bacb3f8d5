package bench

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/grafana/grafana-plugin-sdk-go/backend/instancemgmt"

	"github.com/seed/rscerts/pkg/engine"
	"github.com/seed/rscerts/pkg/internal/heapwatch"
	"github.com/seed/rscerts/pkg/internal/panelqueries"
	"github.com/seed/rscerts/pkg/models"
	"github.com/seed/rscerts/pkg/pluginhost"
)

// rawSelectors is what the docs' queries select, fetched raw through the HTTP API.
const rawSelectors = `{__name__=~"node_cert_expiration_seconds|node_cert_expires_in_seconds"}`

const runs = 15

// measurement is one side of a comparison: medians over runs.
type measurement struct {
	median        time.Duration
	bytes         int64 // from Prometheus, per request
	allocs, alloc uint64
	peakHeap      uint64
}

func newDatasource(tb testing.TB, url string, cacheTTL string) *pluginhost.Datasource {
	tb.Helper()
	raw, _ := json.Marshal(map[string]any{"cacheTTL": cacheTTL})
	inst, err := pluginhost.NewDatasource(context.Background(), backend.DataSourceInstanceSettings{UID: "bench", Type: models.PluginID, URL: url, JSONData: raw, Updated: time.Now()})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(inst.(instancemgmt.InstanceDisposer).Dispose)
	return inst.(*pluginhost.Datasource)
}

func query(model map[string]any, from, to time.Time, maxPoints int64) backend.DataQuery {
	raw, _ := json.Marshal(model)
	return backend.DataQuery{RefID: "A", JSON: raw, TimeRange: backend.TimeRange{From: from, To: to}, Interval: 15 * time.Second, MaxDataPoints: maxPoints}
}

// measure runs f `runs` times and reports the median time, bytes through the proxy per run,
// allocations per run, and the peak heap seen while f ran.
func measure(tb testing.TB, p *countingProxy, f func()) measurement {
	tb.Helper()
	f() // warm up connections and Prometheus caches
	p.reset()
	var durations []time.Duration
	stopSampling := heapwatch.Start(2 * time.Millisecond)
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	for range runs {
		start := time.Now()
		f()
		durations = append(durations, time.Since(start))
	}
	runtime.ReadMemStats(&after)
	peak := stopSampling()
	slices.Sort(durations)
	return measurement{
		median: durations[len(durations)/2], bytes: p.bytes.Load() / runs,
		allocs: (after.Mallocs - before.Mallocs) / runs, alloc: (after.TotalAlloc - before.TotalAlloc) / runs,
		peakHeap: peak,
	}
}

func rawGet(tb testing.TB, u string) {
	resp, err := http.Get(u)
	if err != nil {
		tb.Fatal(err)
	}
	defer resp.Body.Close()
	if _, err := io.Copy(io.Discard, resp.Body); err != nil || resp.StatusCode != 200 {
		tb.Fatalf("raw fetch: %v %d", err, resp.StatusCode)
	}
}

func runQuery(tb testing.TB, ds *pluginhost.Datasource, q backend.DataQuery) {
	resp, err := ds.QueryData(context.Background(), &backend.QueryDataRequest{Queries: []backend.DataQuery{q}})
	if err != nil || resp.Responses["A"].Error != nil || len(resp.Responses["A"].Frames) == 0 {
		tb.Fatalf("query failed: %v %v", err, resp.Responses["A"].Error)
	}
}

// pairedRatio runs a and b alternately `runs` times and returns the median of the per-pair
// time ratios a/b: on a shared machine, load that drifts between two separate series of runs
// would bias a ratio of medians; alternating exposes both to the same load.
func pairedRatio(a, b func()) float64 {
	ratios := make([]float64, 0, runs)
	for range runs {
		start := time.Now()
		a()
		ta := time.Since(start)
		start = time.Now()
		b()
		ratios = append(ratios, float64(ta)/float64(time.Since(start)))
	}
	slices.Sort(ratios)
	return ratios[len(ratios)/2]
}

type scaleResult struct {
	certs                                 int
	instantRatio, steadyRatio, rangeRatio float64 // paired a/b
	// The plugin's own PromQL fetched bare (body read, not decoded) against the raw fetch:
	// what Prometheus and the wire cost, without the plugin's work on the answer.
	instantOwn, steadyOwn, rangeOwn     float64
	instant, instRaw, steady, steadyRaw measurement
	rangePlugin, rangeRaw               measurement
	refreshRequests, panels             int
	// Renewals: 30 days at the plugin's 3h steps against the raw fetch at 1h steps, and the
	// last ten minutes at 5s steps (the renewals made during the run), with what they found.
	renewals30d, renewals30dRaw measurement
	renewals30dRatio            float64
	renewals30dRequests         int
	renewals10m                 measurement
	renewalsMade, renewalsFound int
}

// ownExprs are the PromQL the plugin sends for a whole-fleet table (at an instant, with the
// recent window of a lookback answer half a minute old) and time series (over a range).
func ownExprs(tb testing.TB) (instant, rng string) {
	settings, err := models.LoadSettings(backend.DataSourceInstanceSettings{URL: "http://bench"})
	if err != nil {
		tb.Fatal(err)
	}
	req := engine.NewRequest(models.Query{GroupBy: "node", Category: models.CategoryAll}, settings)
	return req.InstantExpr(35 * time.Second), req.RangeExpr()
}

func scale(b *testing.B, clusters int) scaleResult {
	f := startFleet(b, clusters, 10, 10)
	ds := newDatasource(b, f.proxy.URL, "0s") // no cache: every run is a real round trip
	at := time.Now()
	res := scaleResult{certs: f.certs}

	inst := query(map[string]any{"queryType": "certificates"}, at.Add(-time.Hour), at, 1000)
	res.instant = measure(b, f.proxy, func() { runQuery(b, ds, inst) })
	rawInst := f.proxy.URL + "/api/v1/query?" + url.Values{"query": {rawSelectors}, "time": {fmt.Sprint(at.Unix())}}.Encode()
	res.instRaw = measure(b, f.proxy, func() { rawGet(b, rawInst) })
	res.instantRatio = pairedRatio(func() { runQuery(b, ds, inst) }, func() { rawGet(b, rawInst) })
	presentExpr, rangeExpr := ownExprs(b)
	ownInst := func(at time.Time) string {
		return f.proxy.URL + "/api/v1/query?" + url.Values{"query": {presentExpr}, "time": {fmt.Sprint(at.Unix())}}.Encode()
	}
	res.instantOwn = pairedRatio(func() { rawGet(b, ownInst(at)) }, func() { rawGet(b, rawInst) })

	res.refreshRequests, res.panels = dashboardRefresh(b, f)
	// One certificate per cluster renewed on one node, minutes before the renewals queries.
	for i := range f.clusters {
		res.renewalsMade += f.renew(b, fmt.Sprintf("c%03d.example.com", i+1), "1", "proxy")
	}

	// 24h at the step a 1,000-pixel panel asks for (86.4s, which the plugin rounds to 2m;
	// the raw request uses the same step so both return the same number of points). The
	// fleet's data starts when it did, so wait until three steps hold data.
	time.Sleep(time.Until(f.started.Truncate(2 * time.Minute).Add(8 * time.Minute)))
	at = time.Now()
	// The instant table again, now that every series has about a hundred samples: Prometheus
	// reads more per series to find the latest sample, for the raw fetch and for us alike, as
	// it does in a deployment that has been scraping for a while.
	inst = query(map[string]any{"queryType": "certificates"}, at.Add(-time.Hour), at, 1000)
	rawInst = f.proxy.URL + "/api/v1/query?" + url.Values{"query": {rawSelectors}, "time": {fmt.Sprint(at.Unix())}}.Encode()
	res.steady = measure(b, f.proxy, func() { runQuery(b, ds, inst) })
	res.steadyRaw = measure(b, f.proxy, func() { rawGet(b, rawInst) })
	res.steadyRatio = pairedRatio(func() { runQuery(b, ds, inst) }, func() { rawGet(b, rawInst) })
	res.steadyOwn = pairedRatio(func() { rawGet(b, ownInst(at)) }, func() { rawGet(b, rawInst) })

	rq := query(map[string]any{"queryType": "timeseries"}, at.Add(-24*time.Hour), at, 1000)
	res.rangePlugin = measure(b, f.proxy, func() { runQuery(b, ds, rq) })
	start := at.Add(-24 * time.Hour).Truncate(2 * time.Minute)
	rawRange := f.proxy.URL + "/api/v1/query_range?" + url.Values{"query": {rawSelectors}, "start": {strconv.FormatInt(start.Unix(), 10)},
		"end": {strconv.FormatInt(at.Unix(), 10)}, "step": {"120"}}.Encode()
	res.rangeRaw = measure(b, f.proxy, func() { rawGet(b, rawRange) })
	res.rangeRatio = pairedRatio(func() { runQuery(b, ds, rq) }, func() { rawGet(b, rawRange) })
	ownRange := strings.Replace(rawRange, url.Values{"query": {rawSelectors}}.Encode(), url.Values{"query": {rangeExpr}}.Encode(), 1)
	if ownRange == rawRange {
		b.Fatal("could not put the plugin's PromQL into the range request")
	}
	res.rangeOwn = pairedRatio(func() { rawGet(b, ownRange) }, func() { rawGet(b, rawRange) })

	// Renewals over 30 days: the plugin's steps (3h: 250 per range, renewalsRange) end at the
	// query's time; the raw fetch uses the same steps. The store holds minutes of data, so
	// this measures the query's fixed cost over a long range, not reading 30 days of samples.
	ren := query(map[string]any{"queryType": "renewals"}, at.Add(-30*24*time.Hour), at, 1000)
	f.proxy.reset()
	runQuery(b, ds, ren)
	res.renewals30dRequests = int(f.proxy.requests.Load())
	res.renewals30d = measure(b, f.proxy, func() { runQuery(b, ds, ren) })
	rawRen := f.proxy.URL + "/api/v1/query_range?" + url.Values{"query": {rawSelectors}, "start": {strconv.FormatInt(at.Add(-30*24*time.Hour).Unix(), 10)},
		"end": {strconv.FormatInt(at.Unix(), 10)}, "step": {"10800"}}.Encode()
	res.renewals30dRaw = measure(b, f.proxy, func() { rawGet(b, rawRen) })
	res.renewals30dRatio = pairedRatio(func() { runQuery(b, ds, ren) }, func() { rawGet(b, rawRen) })
	recent := query(map[string]any{"queryType": "renewals"}, at.Add(-10*time.Minute), at, 1000)
	res.renewals10m = measure(b, f.proxy, func() { runQuery(b, ds, recent) })
	resp, err := ds.QueryData(context.Background(), &backend.QueryDataRequest{Queries: []backend.DataQuery{recent}})
	if err != nil || resp.Responses["A"].Error != nil {
		b.Fatalf("renewals: %v %v", err, resp.Responses["A"].Error)
	}
	res.renewalsFound = resp.Responses["A"].Frames[0].Rows()
	if res.renewalsFound != res.renewalsMade {
		b.Errorf("renewals over the last 10 minutes: %d events for %d renewals", res.renewalsFound, res.renewalsMade)
	}
	return res
}

// dashboardRefresh fires every panel query of the bundled dashboard at once, one request per
// panel as Grafana does, against a datasource with the default cache, and counts the requests
// Prometheus receives.
func dashboardRefresh(tb testing.TB, f *fleet) (requests, panels int) {
	ds := newDatasource(tb, f.proxy.URL, "5s")
	queries := dashboardQueries(tb)
	now := time.Now()
	f.proxy.reset()
	var wg sync.WaitGroup
	for _, m := range queries {
		wg.Add(1)
		go func(m map[string]any) {
			defer wg.Done()
			runQuery(tb, ds, query(m, now.Add(-24*time.Hour), now, 1000))
		}(m)
	}
	wg.Wait()
	return int(f.proxy.requests.Load()), len(queries)
}

// dashboardQueries reads the panel targets of the bundled dashboard.
func dashboardQueries(tb testing.TB) []map[string]any {
	out, err := panelqueries.Read()
	if err != nil {
		tb.Fatal(err)
	}
	return out
}

// BenchmarkScale compares the plugin with the bare Prometheus request at 1k and 10k
// certificates and prints the ratios the performance goals are stated in.
func BenchmarkScale(b *testing.B) {
	var results []scaleResult
	for _, clusters := range benchSizes(b) {
		b.Run(fmt.Sprintf("certs=%d", clusters*100), func(b *testing.B) {
			for range b.N {
				r := scale(b, clusters)
				results = append(results, r)
				b.ReportMetric(r.instantRatio, "instant-a/b")
				b.ReportMetric(r.steadyOwn, "instant8m-own/b")
				b.ReportMetric(r.steadyRatio, "instant8m-a/b")
				b.ReportMetric(r.rangeRatio, "range-a/b")
				b.ReportMetric(float64(r.refreshRequests), "prom-requests/refresh")
			}
		})
	}
	report(results)
}

// benchSizes are the fleet sizes to run, in clusters of 100 certificates:
// RSCERTS_BENCH_CLUSTERS (comma-separated), by default 10 and 100.
func benchSizes(b *testing.B) []int {
	env := os.Getenv("RSCERTS_BENCH_CLUSTERS")
	if env == "" {
		return []int{10, 100}
	}
	var sizes []int
	for _, f := range strings.Split(env, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil {
			b.Fatalf("RSCERTS_BENCH_CLUSTERS: %v", err)
		}
		sizes = append(sizes, n)
	}
	return sizes
}

func report(rs []scaleResult) {
	fmt.Println()
	fmt.Printf("%-8s %-9s %10s %10s %7s %7s %12s %12s %10s %10s %10s\n", "certs", "query", "plugin", "raw", "a/b*", "own/b*", "bytes-plugin", "bytes-raw", "allocs/q", "alloc/q", "peak-heap")
	for _, r := range rs {
		row := func(name string, a, b measurement, paired, own float64) {
			fmt.Printf("%-8d %-9s %10s %10s %7.2f %7.2f %12d %12d %10d %9.1fM %9.1fM\n", r.certs, name, a.median.Round(time.Millisecond), b.median.Round(time.Millisecond),
				paired, own, a.bytes, b.bytes, a.allocs, float64(a.alloc)/(1<<20), float64(a.peakHeap)/(1<<20))
		}
		row("instant", r.instant, r.instRaw, r.instantRatio, r.instantOwn)
		row("instant8m", r.steady, r.steadyRaw, r.steadyRatio, r.steadyOwn)
		row("range24h", r.rangePlugin, r.rangeRaw, r.rangeRatio, r.rangeOwn)
		row("renew30d", r.renewals30d, r.renewals30dRaw, r.renewals30dRatio, 0)
		fmt.Printf("%-8d dashboard refresh: %d panel queries -> %d Prometheus requests\n", r.certs, r.panels, r.refreshRequests)
		fmt.Printf("%-8d renewals over 30 days: %d Prometheus request(s); over the last 10 minutes (5s steps): %s, %d events for %d renewals\n",
			r.certs, r.renewals30dRequests, r.renewals10m.median.Round(time.Millisecond), r.renewalsFound, r.renewalsMade)
	}
	fmt.Println("a/b*: median of per-pair ratios, plugin and raw request run alternately")
	fmt.Println("own/b*: the same for the plugin's own PromQL fetched bare (Prometheus and the wire, no decoding)")
	fmt.Println("instant: about a minute after the first scrape; instant8m and range24h: eight minutes after")
	if len(rs) == 2 {
		g := func(a, b uint64) float64 { return float64(b) / float64(a) }
		k := float64(rs[1].certs) / float64(rs[0].certs)
		fmt.Printf("growth %dx certificates: instant bytes %.1fx, allocs %.1fx, alloc %.1fx; range bytes %.1fx, allocs %.1fx (linear = %.0fx)\n", int(k),
			g(uint64(rs[0].instant.bytes), uint64(rs[1].instant.bytes)), g(rs[0].instant.allocs, rs[1].instant.allocs), g(rs[0].instant.alloc, rs[1].instant.alloc),
			g(uint64(rs[0].rangePlugin.bytes), uint64(rs[1].rangePlugin.bytes)), g(rs[0].rangePlugin.allocs, rs[1].rangePlugin.allocs), k)
	}
}
