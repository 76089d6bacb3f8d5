package bench

import (
	"bufio"
	"context"
	"crypto/tls"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"testing"
	"time"

	"github.com/seed/rscerts/pkg/internal/backfill"
	"github.com/seed/rscerts/pkg/internal/promrig"
	"github.com/seed/rscerts/pkg/simulator"
)

// fleet is a simulated fleet scraped by a real Prometheus.
type fleet struct {
	clusters, certs int
	started         time.Time // when the first samples were scraped
	prom            *promrig.Server
	proxy           *countingProxy
	simAddr         string // host:port of rssim (TLS), for its /control endpoints
}

// startSimulator runs rssim serving the fleet of simulator.ScaleConfig(clusters, nodes,
// certsPerNode, 1) in a process of its own, as Redis Software clusters are: in the
// benchmark's process, generating 400 scrapes every 5s shared the CPU and the garbage
// collector with the plugin being measured. It returns the host:port it serves TLS on.
// Extra arguments go to rssim (e.g. -start).
func startSimulator(tb testing.TB, clusters, nodes, certsPerNode int, extra ...string) string {
	tb.Helper()
	bin := filepath.Join(tb.TempDir(), "rssim")
	if out, err := exec.Command("go", "build", "-o", bin, "../cmd/rssim").CombinedOutput(); err != nil {
		tb.Fatalf("building rssim: %v\n%s", err, out)
	}
	args := append([]string{"-listen", "127.0.0.1:0", "-seed", "1", "-scale", fmt.Sprintf("%d:%d:%d", clusters, nodes, certsPerNode)}, extra...)
	cmd := exec.Command(bin, args...)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		tb.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	// "rssim: serving ... on https://127.0.0.1:PORT (GET / v1, ..."
	line, err := bufio.NewReader(stdout).ReadString('\n')
	m := regexp.MustCompile(`on https://(\S+) `).FindStringSubmatch(line)
	if err != nil || m == nil {
		tb.Fatalf("rssim did not say where it serves: %q %v", line, err)
	}
	go io.Copy(io.Discard, stdout)
	return m[1]
}

// startFleet serves clusters x nodes x certsPerNode certificates (docs schema: v1 and v2 both
// report them) and scrapes v1 once and /v2 from three node targets per cluster, so raw series
// = certificates x (1 + 3) (v1 lists 9 of the 10 standard names, so slightly fewer).
func startFleet(tb testing.TB, clusters, nodes, certsPerNode int) *fleet {
	tb.Helper()
	cfg := simulator.ScaleConfig(clusters, nodes, certsPerNode, 1)
	addr := startSimulator(tb, clusters, nodes, certsPerNode)
	v1 := promrig.Job{Name: "redis-v1", MetricsPath: "/", Scheme: "https", InsecureSkipVerify: true}
	v2 := promrig.Job{Name: "redis-v2", MetricsPath: "/v2", Scheme: "https", InsecureSkipVerify: true}
	for _, cc := range cfg.Clusters {
		c := cc.Name
		params := url.Values{"cluster": {c}}
		v1.Targets = append(v1.Targets, promrig.Target{Address: addr, Params: params, Labels: map[string]string{"instance": "node1." + c + ":8070"}})
		for n := 1; n <= 3; n++ {
			v2.Targets = append(v2.Targets, promrig.Target{Address: addr, Params: params, Labels: map[string]string{"instance": fmt.Sprintf("node%d.%s:8070", n, c)}})
		}
	}
	started := time.Now()
	prom := promrig.Start(tb, promrig.Config{Jobs: []promrig.Job{v1, v2}, ScrapeInterval: 5 * time.Second})
	total := clusters * nodes * certsPerNode
	prom.WaitForSeries(tb, `count by (instance) (node_cert_expires_in_seconds)`, len(v2.Targets), 3*time.Minute)
	prom.WaitForSeries(tb, `count by (instance) (node_cert_expiration_seconds)`, len(v1.Targets), 3*time.Minute)
	// Two more scrapes so every series has a few samples.
	time.Sleep(11 * time.Second)
	return &fleet{clusters: clusters, certs: total, started: started, prom: prom, proxy: newCountingProxy(tb, prom.URL), simAddr: addr}
}

// startFleetWithHistory is startFleet with history: the same fleet and scrapes, plus the
// history [start-history, start) at resolution backfilled into Prometheus' blocks (package
// backfill, promtool), start being when rssim starts (its -start, shared with the generator,
// so the backfilled series and the live ones are the same series with the same expiries).
// Prometheus scrapes live from start while the history is written, and loads the blocks once
// they are moved into its data directory (within a minute), so there is no gap between the
// two. f.started is the start of the history. Prometheus only (RSCERTS_STORE unset).
func startFleetWithHistory(tb testing.TB, clusters, nodes, certsPerNode int, history, resolution time.Duration) *fleet {
	tb.Helper()
	promBin := promrig.Binary(tb)
	promtool, err := backfill.Promtool(promBin)
	if err != nil {
		if promrig.Required() {
			tb.Fatalf("PROMTOOL NOT AVAILABLE and REQUIRE_PROMETHEUS=1: %v", err)
		}
		tb.Skipf("PROMTOOL NOT AVAILABLE: %v (set PROMTOOL_BIN)", err)
	}
	start := time.Now().Truncate(time.Second)
	cfg := simulator.ScaleConfig(clusters, nodes, certsPerNode, 1)
	cfg.Start = start
	addr := startSimulator(tb, clusters, nodes, certsPerNode, "-start", start.Format(time.RFC3339))
	targets := backfill.FleetTargets(cfg)
	jobs := map[string]*promrig.Job{
		backfill.JobV1: {Name: backfill.JobV1, MetricsPath: "/", Scheme: "https", InsecureSkipVerify: true},
		backfill.JobV2: {Name: backfill.JobV2, MetricsPath: "/v2", Scheme: "https", InsecureSkipVerify: true},
	}
	for _, t := range targets {
		j := jobs[t.Job]
		j.Targets = append(j.Targets, promrig.Target{Address: addr, Params: t.Params, Labels: map[string]string{"instance": t.Instance}})
	}
	v1, v2 := jobs[backfill.JobV1], jobs[backfill.JobV2]
	tmp := tb.TempDir()
	dataDir, staging := filepath.Join(tmp, "data"), filepath.Join(tmp, "blocks")
	prom := promrig.StartPrometheus(tb, promrig.Config{Jobs: []promrig.Job{*v1, *v2}, ScrapeInterval: 5 * time.Second,
		DataDir: dataDir, Retention: history + 7*24*time.Hour})
	res, err := backfill.Create(context.Background(), promtool, staging,
		backfill.Options{Config: cfg, Targets: targets, From: start.Add(-history), To: start, Resolution: resolution})
	if err != nil {
		tb.Fatal(err)
	}
	if n, err := backfill.MoveBlocks(staging, dataDir); err != nil || n == 0 {
		tb.Fatalf("moving %d backfilled blocks into %s: %v", n, dataDir, err)
	}
	tb.Logf("backfilled %s at %s: %d samples (%.1f GB of OpenMetrics) in %s + promtool %s",
		history, resolution, res.Samples, float64(res.InputBytes)/1e9, res.Generate.Round(time.Second), res.Promtool.Round(time.Second))
	total := clusters * nodes * certsPerNode
	prom.WaitForSeries(tb, `count by (instance) (node_cert_expires_in_seconds)`, len(v2.Targets), 3*time.Minute)
	prom.WaitForSeries(tb, `count by (instance) (node_cert_expiration_seconds)`, len(v1.Targets), 3*time.Minute)
	// The history, once Prometheus has loaded the blocks.
	first := start.Add(-history).Truncate(time.Millisecond)
	prom.WaitForSeries(tb, fmt.Sprintf(`count by (instance) (node_cert_expires_in_seconds @ %.3f)`, float64(first.UnixMilli())/1e3), len(v2.Targets), 3*time.Minute)
	time.Sleep(11 * time.Second)
	return &fleet{clusters: clusters, certs: total, started: first, prom: prom, proxy: newCountingProxy(tb, prom.URL), simAddr: addr}
}

// renew replaces a certificate on a node of the fleet now (rssim's /control/renew) and
// returns how many certificates it renewed.
func (f *fleet) renew(tb testing.TB, cluster, node, certificate string) int {
	tb.Helper()
	c := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}}
	u := "https://" + f.simAddr + "/control/renew?" + url.Values{"cluster": {cluster}, "node": {node}, "certificate": {certificate}}.Encode()
	resp, err := c.Post(u, "", nil)
	if err != nil {
		tb.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		tb.Fatalf("renew %s/%s/%s: %d %s", cluster, node, certificate, resp.StatusCode, body)
	}
	var answer struct{ Matched int }
	if err := json.Unmarshal(body, &answer); err != nil {
		tb.Fatalf("renew: %v in %s", err, body)
	}
	return answer.Matched
}

// TestFleetWithHistory: a small fleet through startFleetWithHistory (rssim in its own process,
// its -start shared with the backfill) continues its history: a user certificate (not
// rotated) an hour before start shows the live value plus the time between, to a second or
// two (rssim's clock starts a moment after its -start), and the series then are those now.
// No gap either: every series has a sample in the 90 s before every minute from the history's
// start to now (the last backfilled one is a minute before start, the first live one just after).
// About 70 s, most of it Prometheus' block reload interval (a minute); skipped with -short.
func TestFleetWithHistory(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: waits a minute for Prometheus to load the backfilled blocks")
	}
	f := startFleetWithHistory(t, 2, 3, 10, 2*time.Hour, time.Minute)
	ago := f.started.Add(time.Hour) // an hour before start
	get := func(ts time.Time) map[string]float64 {
		u := f.prom.URL + "/api/v1/query?" + url.Values{"query": {`node_cert_expires_in_seconds{logical_name="api"}`},
			"time": {strconv.FormatInt(ts.Unix(), 10)}}.Encode()
		resp, err := http.Get(u)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var r struct {
			Data struct {
				Result []struct {
					Metric map[string]string
					Value  []any
				}
			}
		}
		if err := json.NewDecoder(resp.Body).Decode(&r); err != nil {
			t.Fatal(err)
		}
		out := map[string]float64{}
		for _, s := range r.Data.Result {
			v, _ := strconv.ParseFloat(s.Value[1].(string), 64)
			out[s.Metric["instance"]+" "+s.Metric["node"]] = v
		}
		return out
	}
	now := time.Now().Truncate(time.Second)
	then, live := get(ago), get(now)
	if len(then) != 2*3*3 || len(live) != len(then) {
		t.Fatalf("api series: %d an hour before start, %d now; want %d", len(then), len(live), 2*3*3)
	}
	steps := int(now.Sub(f.started) / time.Minute)
	u := f.prom.URL + "/api/v1/query_range?" + url.Values{"query": {`count_over_time({__name__=~"node_cert_expiration_seconds|node_cert_expires_in_seconds"}[90s]) > 0`},
		"start": {strconv.FormatInt(f.started.Add(time.Minute).Unix(), 10)}, "end": {strconv.FormatInt(f.started.Add(time.Duration(steps)*time.Minute).Unix(), 10)}, "step": {"60"}}.Encode()
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	var rng struct {
		Data struct{ Result []struct{ Values [][]any } }
	}
	err = json.NewDecoder(resp.Body).Decode(&rng)
	resp.Body.Close()
	if err != nil {
		t.Fatal(err)
	}
	if want := 2 * (27 + 3*30); len(rng.Data.Result) != want {
		t.Errorf("range: %d series, want %d", len(rng.Data.Result), want)
	}
	for i, r := range rng.Data.Result {
		if len(r.Values) != steps {
			t.Errorf("range: series %d has %d of %d minutes with a sample", i, len(r.Values), steps)
		}
	}
	for k, v := range then {
		// A live sample is up to a scrape interval (5s) old; rssim's clock lags its -start by its startup.
		if d := v - live[k] - now.Sub(ago).Seconds(); d < -7 || d > 2 {
			t.Errorf("%s: %g an hour before start, %g now: off by %gs", k, v, live[k], d)
		}
	}
}
