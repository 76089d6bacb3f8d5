package pluginhost

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/seed/rscerts/pkg/internal/promrig"
	"github.com/seed/rscerts/pkg/simulator"
)

// rig is a real Prometheus scraping the simulated Redis Software clusters over HTTPS, the
// way a real deployment scrapes port 8070: v1 once, /v2 from three node targets per cluster
// (every node answers for the whole cluster, hence duplicates), and the 8.0.2 per-node
// schema from one target per node with a `cluster` target label (the recommended relabel).
type rig struct {
	sim  *simulator.Simulator
	prom *promrig.Server
	// instanceOf maps cluster -> node id -> the instance label of that node's per-node target.
	instanceOf map[string]map[string]string
	// ready is when every target had been scraped once.
	ready time.Time
}

// buildVersion asks the rig's Prometheus for the version its buildinfo reports.
func (r *rig) buildVersion(t *testing.T) string {
	t.Helper()
	resp, err := http.Get(r.prom.URL + "/api/v1/status/buildinfo")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var bi struct {
		Data struct {
			Version string `json:"version"`
		} `json:"data"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&bi); err != nil {
		t.Fatal(err)
	}
	return bi.Data.Version
}

var simStart = time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)

func startRig(t *testing.T) *rig {
	t.Helper()
	sim, err := simulator.New(simulator.Config{Clusters: simulator.DemoClusters(), Seed: 7, Start: simStart, Frozen: true})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewTLSServer(sim.Handler())
	t.Cleanup(srv.Close)
	addr := strings.TrimPrefix(srv.URL, "https://")

	r := &rig{sim: sim, instanceOf: map[string]map[string]string{}}
	v1 := promrig.Job{Name: "redis-v1", MetricsPath: "/", Scheme: "https", InsecureSkipVerify: true,
		Targets: []promrig.Target{{Address: addr, Labels: map[string]string{"instance": "c-all:8070"}}}}
	v2 := promrig.Job{Name: "redis-v2", MetricsPath: "/v2", Scheme: "https", InsecureSkipVerify: true}
	for _, c := range simulator.DemoClusters() {
		for n := 1; n <= c.Nodes; n++ {
			node := string(rune('0' + n))
			instance := "node" + node + "." + c.Name + ":8070"
			params := url.Values{"cluster": {c.Name}}
			labels := map[string]string{"instance": instance}
			if c.Schema == simulator.SchemaNodeEndpoint {
				params.Set("node", node)
				labels["cluster"] = c.Name
				if r.instanceOf[c.Name] == nil {
					r.instanceOf[c.Name] = map[string]string{}
				}
				r.instanceOf[c.Name][node] = instance
			} else if n > 3 {
				continue
			}
			v2.Targets = append(v2.Targets, promrig.Target{Address: addr, Labels: labels, Params: params})
		}
	}
	// 2s (timeout 2s): on a loaded CI machine a 1s scrape can time out, and a failed scrape
	// marks every series of the target stale, which would look like vanished certificates.
	r.prom = promrig.Start(t, promrig.Config{Jobs: []promrig.Job{v1, v2}, ScrapeInterval: 2 * time.Second})
	want := 0
	for _, c := range sim.Certificates() {
		if c.InV1 {
			want++
		}
	}
	r.prom.WaitForSeries(t, "node_cert_expiration_seconds", want, 60*time.Second)
	// Every /v2 target scraped at least once: one (cluster, instance) pair per target.
	r.prom.WaitForSeries(t, `count by (cluster, instance) ({__name__=~"node_cert_expires_in_seconds|x509_cert_expires_in_seconds",cluster!=""})`, len(v2.Targets), 60*time.Second)
	r.ready = time.Now()
	return r
}
