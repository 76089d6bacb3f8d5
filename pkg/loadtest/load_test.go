// Package loadtest drives the plugin's SDK handlers concurrently against a real Prometheus
// scraping the simulator, and reports throughput, latency, memory and goroutines.
//
//	go test ./pkg/loadtest                                 # 20 workers for 3 s (always; run with -race in CI)
//	RSCERTS_LOAD=1 go test -run TestLoad -v ./pkg/loadtest # 200 workers for RSCERTS_LOAD_DURATION (60s)
//
// Both need Prometheus like the integration tests (PROMETHEUS_BIN, REQUIRE_PROMETHEUS=1).
package loadtest

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"net/url"
	"os"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"

	"github.com/seed/rscerts/pkg/internal/heapwatch"
	"github.com/seed/rscerts/pkg/internal/promrig"
	"github.com/seed/rscerts/pkg/models"
	"github.com/seed/rscerts/pkg/pluginhost"
	"github.com/seed/rscerts/pkg/simulator"
)

// startRig starts a real Prometheus scraping the simulator's demo clusters (every schema),
// v1 once and /v2 from two targets per cluster (duplicates the plugin must merge).
func startRig(t *testing.T) (*promrig.Server, int) {
	t.Helper()
	sim, err := simulator.New(simulator.Config{Clusters: simulator.DemoClusters(), Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(sim.Handler())
	t.Cleanup(srv.Close)
	addr := strings.TrimPrefix(srv.URL, "http://")
	v2 := promrig.Job{Name: "redis-v2", MetricsPath: "/v2"}
	for _, c := range simulator.DemoClusters() {
		for n := 1; n <= c.Nodes && n <= 2; n++ {
			params := url.Values{"cluster": {c.Name}}
			labels := map[string]string{"instance": fmt.Sprintf("node%d.%s:8070", n, c.Name)}
			if c.Schema == simulator.SchemaNodeEndpoint {
				params.Set("node", fmt.Sprint(n))
				labels["cluster"] = c.Name
			}
			v2.Targets = append(v2.Targets, promrig.Target{Address: addr, Labels: labels, Params: params})
		}
	}
	// Scrapes every 5s (timeout 5s): at 1s, scrapes of a Prometheus that is itself under the
	// load time out and its series go stale, which would measure the rig, not the plugin.
	p := promrig.Start(t, promrig.Config{ScrapeInterval: 5 * time.Second, Jobs: []promrig.Job{
		{Name: "redis-v1", MetricsPath: "/", Targets: []promrig.Target{{Address: addr}}}, v2,
	}})
	p.WaitForSeries(t, `count by (cluster, instance) ({__name__=~"node_cert_expires_in_seconds|x509_cert_expires_in_seconds",cluster!=""})`, len(v2.Targets), 60*time.Second)
	time.Sleep(1100 * time.Millisecond) // resources evaluate at the start of the second
	clusters := len(simulator.DemoClusters())
	return p, clusters
}

// figures is what a run measured.
type figures struct {
	Workers                   int
	Duration                  time.Duration
	Calls, Queries, Resources int64
	Failed                    int64
	QPS                       float64
	P50, P99, Max             time.Duration
	PeakHeapMB                float64
	GoroutinesBefore, After   int
	FirstFailure              string
}

func (f figures) String() string {
	return fmt.Sprintf("workers %d, %s: %d calls (%d queries, %d resource calls), %d failed, %.0f queries/s, latency p50 %s p99 %s max %s, peak heap %.1f MiB, goroutines %d before / %d after",
		f.Workers, f.Duration.Round(time.Millisecond), f.Calls, f.Queries, f.Resources, f.Failed, f.QPS,
		f.P50.Round(100*time.Microsecond), f.P99.Round(100*time.Microsecond), f.Max.Round(time.Millisecond), f.PeakHeapMB, f.GoroutinesBefore, f.After)
}

// call is one operation of the mix: a dashboard panel or a variable.
type call func(ctx context.Context, ds *pluginhost.Datasource) (queries int, resources int, err error)

func queryCall(models ...map[string]any) call {
	return func(ctx context.Context, ds *pluginhost.Datasource) (int, int, error) {
		now := time.Now()
		req := &backend.QueryDataRequest{}
		for i, m := range models {
			raw, _ := json.Marshal(m)
			req.Queries = append(req.Queries, backend.DataQuery{RefID: string(rune('A' + i)), JSON: raw,
				TimeRange: backend.TimeRange{From: now.Add(-15 * time.Minute), To: now}, Interval: 15 * time.Second, MaxDataPoints: 500})
		}
		resp, err := ds.QueryData(ctx, req)
		if err != nil {
			return 0, 0, err
		}
		for ref, r := range resp.Responses {
			if r.Error != nil {
				return len(models), 0, fmt.Errorf("query %s %v: %w", ref, models, r.Error)
			}
			if len(r.Frames) == 0 || r.Frames[0].Rows() == 0 {
				return len(models), 0, fmt.Errorf("query %s %v: no data", ref, models)
			}
		}
		return len(models), 0, nil
	}
}

func resourceCall(path string) call {
	return func(ctx context.Context, ds *pluginhost.Datasource) (int, int, error) {
		var got *backend.CallResourceResponse
		err := ds.CallResource(ctx, &backend.CallResourceRequest{Method: "GET", Path: strings.SplitN(path, "?", 2)[0], URL: path},
			backend.CallResourceResponseSenderFunc(func(r *backend.CallResourceResponse) error { got = r; return nil }))
		if err != nil {
			return 0, 1, err
		}
		if got == nil || got.Status != 200 || len(got.Body) < 3 {
			return 0, 1, fmt.Errorf("resource %s: %v", path, got)
		}
		return 0, 1, nil
	}
}

// mix is what a dashboard does: tables, alert/stat values grouped three ways, time series,
// a multi-query refresh, and the variable resources.
var mix = []call{
	queryCall(map[string]any{"queryType": "certificates"}),
	queryCall(map[string]any{"queryType": "days", "groupBy": "certificate"}),
	queryCall(map[string]any{"queryType": "timeseries", "groupBy": "node"}),
	queryCall(map[string]any{"queryType": "days", "groupBy": "cluster", "category": "user-managed"}),
	queryCall(map[string]any{"queryType": "certificates", "clusters": []string{"c1.example.com", "c2.example.com"}, "groupBy": "certificate"}),
	queryCall(map[string]any{"queryType": "timeseries", "groupBy": "cluster", "clusters": []string{"c3.example.com"}}),
	queryCall(map[string]any{"queryType": "certificates"}, map[string]any{"queryType": "days", "groupBy": "node"}, map[string]any{"queryType": "timeseries", "groupBy": "certificate"}),
	resourceCall("clusters"),
	resourceCall("nodes?cluster=c1.example.com&cluster=legacy.example.com"),
	resourceCall("certificates?cluster=c2.example.com"),
}

func run(t *testing.T, workers int, duration time.Duration) figures {
	p, _ := startRig(t)
	runtime.GC()
	f := figures{Workers: workers, GoroutinesBefore: goroutines()}
	inst, err := pluginhost.NewDatasource(context.Background(), backend.DataSourceInstanceSettings{
		UID: "load", Name: "load", Type: models.PluginID, URL: p.URL, JSONData: []byte(`{"missingLookback":"15m"}`), Updated: time.Now()})
	if err != nil {
		t.Fatal(err)
	}
	ds := inst.(*pluginhost.Datasource)
	// Warm up: every call of the mix answers with data (a fresh Prometheus needs a few
	// scrapes before every range step of every schema has samples).
	for end := time.Now().Add(60 * time.Second); ; time.Sleep(500 * time.Millisecond) {
		var err error
		for _, c := range mix {
			if _, _, err = c(context.Background(), ds); err != nil {
				break
			}
		}
		if err == nil {
			break
		}
		if time.Now().After(end) {
			t.Fatalf("warm-up: %v", err)
		}
	}
	runtime.GC()

	stopSampling := heapwatch.Start(50 * time.Millisecond)

	var calls, queries, resources, failed atomic.Int64
	var mu sync.Mutex
	var latencies []time.Duration
	var firstFailure string
	deadline := time.Now().Add(duration)
	start := time.Now()
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			local := make([]time.Duration, 0, 1024)
			for i := w; time.Now().Before(deadline); i++ {
				t0 := time.Now()
				q, r, err := mix[i%len(mix)](context.Background(), ds)
				local = append(local, time.Since(t0))
				calls.Add(1)
				queries.Add(int64(q))
				resources.Add(int64(r))
				if err != nil {
					failed.Add(1)
					mu.Lock()
					if firstFailure == "" {
						firstFailure = err.Error()
					}
					mu.Unlock()
				}
			}
			mu.Lock()
			latencies = append(latencies, local...)
			mu.Unlock()
		}()
	}
	wg.Wait()
	f.Duration = time.Since(start)
	peakHeap := stopSampling()
	ds.Dispose()

	f.Calls, f.Queries, f.Resources, f.Failed, f.FirstFailure = calls.Load(), queries.Load(), resources.Load(), failed.Load(), firstFailure
	f.QPS = float64(f.Queries+f.Resources) / f.Duration.Seconds()
	slices.Sort(latencies)
	if n := len(latencies); n > 0 {
		f.P50, f.P99, f.Max = latencies[n/2], latencies[min(n-1, n*99/100)], latencies[n-1]
	}
	f.PeakHeapMB = float64(peakHeap) / (1 << 20)
	// Goroutines after: connections closed by Dispose wind down asynchronously.
	for end := time.Now().Add(10 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		f.After = goroutines()
		if f.After <= f.GoroutinesBefore || time.Now().After(end) {
			break
		}
	}
	return f
}

// goroutines counts the process' goroutines except the simulator's server side: Prometheus
// opens new scrape connections whenever a scrape times out under load, which is the rig,
// not the plugin.
func goroutines() int {
	buf := make([]byte, 8<<20)
	n := 0
	for _, g := range strings.Split(string(buf[:runtime.Stack(buf, true)]), "\n\n") {
		if strings.TrimSpace(g) != "" && !strings.Contains(g, "net/http.(*conn).serve") {
			n++
		}
	}
	return n
}

func check(t *testing.T, f figures) {
	t.Helper()
	t.Logf("load: %s", f)
	fmt.Printf("LOAD %s\n", f)
	if f.Failed != 0 {
		t.Errorf("%d calls failed, first: %s", f.Failed, f.FirstFailure)
	}
	if f.Queries == 0 || f.Resources == 0 {
		t.Errorf("no load: %s", f)
	}
	if f.After > f.GoroutinesBefore+2 {
		buf := make([]byte, 1<<20)
		t.Errorf("goroutines leaked: %d before, %d after\n%s", f.GoroutinesBefore, f.After, buf[:runtime.Stack(buf, true)])
	}
}

// TestLoadShort always runs: enough concurrency for -race to see the handlers' sharing.
func TestLoadShort(t *testing.T) {
	check(t, run(t, 20, 3*time.Second))
}

// TestLoad is the full run: 200 concurrent callers for RSCERTS_LOAD_DURATION (default 60s).
func TestLoad(t *testing.T) {
	if os.Getenv("RSCERTS_LOAD") != "1" {
		t.Skip("set RSCERTS_LOAD=1 (and RSCERTS_LOAD_DURATION, default 60s) for the full load test: go tool mage load")
	}
	d := 60 * time.Second
	if v := os.Getenv("RSCERTS_LOAD_DURATION"); v != "" {
		var err error
		if d, err = time.ParseDuration(v); err != nil {
			t.Fatalf("RSCERTS_LOAD_DURATION: %v", err)
		}
	}
	check(t, run(t, 200, d))
}
