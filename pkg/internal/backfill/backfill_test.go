package backfill

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/seed/rscerts/pkg/internal/promrig"
	"github.com/seed/rscerts/pkg/simulator"
)

// selector is every series the backfill writes.
const selector = `{__name__=~"node_cert_expiration_seconds|node_cert_expires_in_seconds|customer_managed_ine_certificates",job=~"redis-v1|redis-v2"}`

// jobs is the promrig scrape config of targets against addr (host:port, plain HTTP).
func jobs(addr string, targets []Target) []promrig.Job {
	byName := map[string]*promrig.Job{}
	var order []string
	for _, t := range targets {
		j := byName[t.Job]
		if j == nil {
			j = &promrig.Job{Name: t.Job, MetricsPath: t.Path}
			byName[t.Job] = j
			order = append(order, t.Job)
		}
		j.Targets = append(j.Targets, promrig.Target{Address: addr, Params: t.Params, Labels: map[string]string{"instance": t.Instance}})
	}
	var out []promrig.Job
	for _, n := range order {
		out = append(out, *byName[n])
	}
	return out
}

type series struct {
	Metric map[string]string `json:"metric"`
	Value  []any             `json:"value"`
	Values [][]any           `json:"values"`
}

func api(t *testing.T, base, path string, q url.Values) []series {
	t.Helper()
	resp, err := http.Get(base + path + "?" + q.Encode())
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	var r struct {
		Status, Error string
		Data          struct{ Result []series }
	}
	if err := json.Unmarshal(body, &r); err != nil || r.Status != "success" {
		t.Fatalf("%s %v: %v %s", path, q, err, body)
	}
	return r.Data.Result
}

func at(ts time.Time) string { return strconv.FormatFloat(float64(ts.UnixMilli())/1e3, 'f', -1, 64) }

func value(t *testing.T, pair []any) float64 {
	v, err := strconv.ParseFloat(pair[1].(string), 64)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func key(m map[string]string) string {
	var ks []string
	for k, v := range m {
		ks = append(ks, k+"="+v)
	}
	sort.Strings(ks)
	return strings.Join(ks, ",")
}

// TestBackfillContinuesLive backfills 2 days of a small fleet at 5-minute resolution, then
// scrapes the same simulator live (same Config.Start): the history is full, right and the
// same series as the live ones.
func TestBackfillContinuesLive(t *testing.T) {
	prom := promrig.Binary(t)
	promtool, err := Promtool(prom)
	if err != nil {
		if promrig.Required() {
			t.Fatalf("PROMTOOL NOT AVAILABLE and REQUIRE_PROMETHEUS=1: %v", err)
		}
		t.Skipf("PROMTOOL NOT AVAILABLE: %v (set PROMTOOL_BIN)", err)
	}
	start := time.Now().Truncate(time.Second)
	cfg := simulator.ScaleConfig(2, 3, 10, 1)
	cfg.Start = start
	history, res := 48*time.Hour, 5*time.Minute
	opts := Options{Config: cfg, From: start.Add(-history), To: start, Resolution: res}

	live, err := simulator.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(live.Handler())
	t.Cleanup(srv.Close)

	dataDir := filepath.Join(t.TempDir(), "data")
	r, err := Create(context.Background(), promtool, dataDir, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("backfill with %s: %d samples, %d bytes, generated in %s, promtool %s (blocks of %s)\n%s",
		promtool, r.Samples, r.InputBytes, r.Generate, r.Promtool, r.BlockDuration, r.Output)

	targets := FleetTargets(cfg)
	s := promrig.StartPrometheus(t, promrig.Config{Jobs: jobs(strings.TrimPrefix(srv.URL, "http://"), targets),
		DataDir: dataDir, Retention: history + 7*24*time.Hour})
	// 2 clusters: v1 3 nodes x 9, v2 3 targets x (30 certificates + 1 gauge).
	const perCluster = 27 + 3*31
	s.WaitForSeries(t, selector, 2*perCluster, time.Minute)
	time.Sleep(2 * time.Second) // every target scraped at least once more
	now := time.Now()
	liveNow := api(t, s.URL, "/api/v1/query", url.Values{"query": {selector}, "time": {at(now)}})
	if len(liveNow) != 2*perCluster {
		t.Fatalf("%d live series, want %d", len(liveNow), 2*perCluster)
	}

	// A point for every series at every hour of the 2 days (the last step an hour before
	// start: 3.x's lookback excludes a sample exactly 5m old).
	steps := int(history/time.Hour) - 1
	rng := api(t, s.URL, "/api/v1/query_range", url.Values{"query": {selector},
		"start": {at(opts.From)}, "end": {at(opts.From.Add(time.Duration(steps) * time.Hour))}, "step": {"3600"}})
	if len(rng) != len(liveNow) {
		t.Errorf("range: %d series, want %d", len(rng), len(liveNow))
	}
	for _, se := range rng {
		if len(se.Values) != steps+1 {
			t.Errorf("range: %v has %d points, want %d", se.Metric, len(se.Values), steps+1)
		}
	}

	// A day ago: the simulator's remaining seconds then.
	dayAgo := start.Add(-24 * time.Hour)
	truthSim, err := simulator.New(simulator.Config{Clusters: cfg.Clusters, Seed: cfg.Seed, Start: start, Frozen: true})
	if err != nil {
		t.Fatal(err)
	}
	truthSim.SetNow(dayAgo)
	truth := map[string]float64{}
	for _, c := range truthSim.Certificates() {
		truth[c.Cluster+"/"+c.Node+"/"+c.Name] = c.RemainingSeconds
	}
	then := api(t, s.URL, "/api/v1/query", url.Values{"query": {selector}, "time": {at(dayAgo)}})
	checked := 0
	for _, se := range then {
		m := se.Metric
		if m["__name__"] == "customer_managed_ine_certificates" {
			continue
		}
		want, ok := truth[m["cluster"]+"/"+m["node"]+"/"+m["logical_name"]]
		if got := value(t, se.Value); !ok || math.Abs(got-want) > 1 {
			t.Errorf("%v a day ago = %g, simulator says %g (known %v)", m, got, want, ok)
		}
		checked++
	}
	if checked != 2*(27+3*30) {
		t.Errorf("checked %d series a day ago, want %d", checked, 2*(27+3*30))
	}

	// The same series then as now: counts by name, job and instance, and no series that is
	// only in the history (a day-old and a live one with different labels).
	const counts = `count by (__name__, job, instance) (` + selector + `)`
	countsAt := func(ts time.Time) map[string]float64 {
		out := map[string]float64{}
		for _, se := range api(t, s.URL, "/api/v1/query", url.Values{"query": {counts}, "time": {at(ts)}}) {
			out[key(se.Metric)] = value(t, se.Value)
		}
		return out
	}
	if a, b := countsAt(dayAgo), countsAt(now); fmt.Sprint(a) != fmt.Sprint(b) || len(a) != len(targets)+2*3 { // + customer_managed_ine_certificates per /v2 target
		t.Errorf("count by (__name__, job, instance): a day ago %v\nnow %v", a, b)
	}
	all := api(t, s.URL, "/api/v1/query", url.Values{"query": {fmt.Sprintf("count(last_over_time(%s[%ds]))", selector, int((history + time.Hour).Seconds()))}, "time": {at(now)}})
	if len(all) != 1 || value(t, all[0].Value) != float64(len(liveNow)) {
		t.Errorf("distinct series over history and live: %v, want %d", all, len(liveNow))
	}
}
