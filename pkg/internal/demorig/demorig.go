// Package demorig starts, for tests, the demo fleet the way a real deployment is monitored:
// the simulator serving the demo clusters (one per label schema) over TLS, and a real
// Prometheus scraping it: v1 once, the cluster-wide /v2 from three node targets per cluster
// (every node answers for the whole cluster, hence duplicates), and the 8.0.2 per-node
// schema from one target per node with a `cluster` target label (the recommended relabel).
package demorig

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/seed/rscerts/pkg/internal/promrig"
	"github.com/seed/rscerts/pkg/simulator"
)

// ScrapeInterval is how often the rig's store scrapes every target (also the timeout): 4s, so
// that a loaded CI machine (race-enabled tests of several packages at once) does not time a
// scrape out; a failed scrape marks every series of the target stale, which would look like
// vanished certificates.
const ScrapeInterval = 4 * time.Second

// SimStart is the simulator's frozen clock: values are the same on every run.
var SimStart = time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)

// Rig is the running fleet.
type Rig struct {
	Sim  *simulator.Simulator
	Prom *promrig.Server
	// InstanceOf maps cluster -> node id -> the instance label of that node's per-node target.
	InstanceOf map[string]map[string]string
	// Ready is when every target had been scraped once.
	Ready time.Time
	// SimURL is the simulator's HTTPS base URL (self-signed: use SimClient), for its
	// /control/... endpoints.
	SimURL string
	// SimClient trusts the simulator's certificate.
	SimClient *http.Client
	// targets is how many scrape targets the store has.
	targets int
}

// Start skips loudly without Prometheus, or fails when REQUIRE_PROMETHEUS=1 (promrig), and
// stops everything when the test ends.
func Start(t testing.TB) *Rig {
	t.Helper()
	return StartWith(t, Options{})
}

// Hidden names a certificate the simulator hides from the start (see simulator.Vanish).
type Hidden struct{ Cluster, Node, Certificate string }

// Options vary the rig.
type Options struct {
	// Hidden certificates are never scraped until restored: a test can make one appear.
	Hidden []Hidden
	// Live runs the simulator on the real clock from now, as a cluster does: every sample's
	// value plus its timestamp is the certificate's expiry. Otherwise the clock is frozen at
	// SimStart, so values are the same on every run.
	Live bool
	// Speed (Live only) runs the clock that many simulated seconds per real second
	// (simulator.Config.Speed): certificates count down, rotate and are renewed that much
	// faster, and a sample's value plus its timestamp is no longer the expiry (it moves
	// earlier by Speed-1 seconds per second). StartWith fails the test when Speed is set
	// without Live.
	Speed float64
	// Renewals, SkipRotation and FirstRotations are the simulator's scenario
	// (simulator.Config): certificates replaced at a simulated time, nodes whose internode
	// rotation is skipped (RS200137), clusters whose first rotation comes at Start+After.
	Renewals       []simulator.Renewal
	SkipRotation   []simulator.NodeRef
	FirstRotations []simulator.FirstRotation
}

// StartWith is Start with options.
func StartWith(t testing.TB, o Options) *Rig {
	t.Helper()
	cfg := simulator.Config{Clusters: simulator.DemoClusters(), Seed: 7, Start: SimStart, Frozen: true,
		Renewals: o.Renewals, SkipRotation: o.SkipRotation, FirstRotations: o.FirstRotations}
	if o.Live {
		cfg.Start, cfg.Frozen, cfg.Speed = time.Time{}, false, o.Speed
	} else if o.Speed != 0 {
		t.Fatalf("demorig: Speed %v without Live: a frozen clock does not run", o.Speed)
	}
	sim, err := simulator.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range o.Hidden {
		sim.Vanish(h.Cluster, h.Node, h.Certificate)
	}
	srv := httptest.NewTLSServer(sim.Handler())
	t.Cleanup(srv.Close)
	addr := strings.TrimPrefix(srv.URL, "https://")

	r := &Rig{Sim: sim, InstanceOf: map[string]map[string]string{}, SimURL: srv.URL, SimClient: srv.Client()}
	v1 := promrig.Job{Name: "redis-v1", MetricsPath: "/", Scheme: "https", InsecureSkipVerify: true,
		Targets: []promrig.Target{{Address: addr, Labels: map[string]string{"instance": "c-all:8070"}}}}
	v2 := promrig.Job{Name: "redis-v2", MetricsPath: "/v2", Scheme: "https", InsecureSkipVerify: true}
	for _, c := range simulator.DemoClusters() {
		for n := 1; n <= c.Nodes; n++ {
			node := strconv.Itoa(n)
			instance := "node" + node + "." + c.Name + ":8070"
			params := url.Values{"cluster": {c.Name}}
			labels := map[string]string{"instance": instance}
			if c.Schema == simulator.SchemaNodeEndpoint {
				params.Set("node", node)
				labels["cluster"] = c.Name
				if r.InstanceOf[c.Name] == nil {
					r.InstanceOf[c.Name] = map[string]string{}
				}
				r.InstanceOf[c.Name][node] = instance
			} else if n > 3 {
				continue
			}
			v2.Targets = append(v2.Targets, promrig.Target{Address: addr, Labels: labels, Params: params})
		}
	}
	r.targets = len(v1.Targets) + len(v2.Targets)
	r.Prom = promrig.Start(t, promrig.Config{Jobs: []promrig.Job{v1, v2}, ScrapeInterval: ScrapeInterval})
	want := 0
	for _, c := range sim.Certificates() {
		if c.InV1 && !c.Vanished {
			want++
		}
	}
	r.Prom.WaitForSeries(t, "node_cert_expiration_seconds", want, 60*time.Second)
	// Every /v2 target scraped at least once: one (cluster, instance) pair per target.
	r.Prom.WaitForSeries(t, `count by (cluster, instance) ({__name__=~"node_cert_expires_in_seconds|x509_cert_expires_in_seconds",cluster!=""})`, len(v2.Targets), 60*time.Second)
	r.Ready = time.Now()
	return r
}

// Renew renews certificates now through the simulator's control endpoint, as the demo's
// `curl -X POST .../control/renew` does: node "" means every node of the cluster,
// certificate is a short name, a file name or "*", days <= 0 means the default lifetime
// (365 days, internode 90). It returns how many certificates were renewed and fails the test
// when the simulator refuses (unknown cluster, node or certificate: 404). The store sees the
// new expiry from its next scrape of each target (WaitScrapedSince).
func (r *Rig) Renew(t testing.TB, cluster, node, certificate string, days float64) int {
	t.Helper()
	q := url.Values{"cluster": {cluster}, "certificate": {certificate}}
	if node != "" {
		q.Set("node", node)
	}
	if days > 0 {
		q.Set("days", strconv.FormatFloat(days, 'f', -1, 64))
	}
	resp, err := r.SimClient.Post(r.SimURL+"/control/renew?"+q.Encode(), "", nil)
	if err != nil {
		t.Fatalf("demorig: renew %s: %v", q.Encode(), err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	var out struct{ Matched int }
	if resp.StatusCode != http.StatusOK || json.Unmarshal(body, &out) != nil || out.Matched == 0 {
		t.Fatalf("demorig: renew %s: %s %s", q.Encode(), resp.Status, body)
	}
	return out.Matched
}

// WaitScrapedSince waits until the store has scraped every target at or after since (e.g.
// the time of a Renew or Vanish), so that its samples show what the simulator serves since.
func (r *Rig) WaitScrapedSince(t testing.TB, since time.Time) {
	t.Helper()
	expr := fmt.Sprintf(`timestamp(up{job=~"redis-v1|redis-v2"}) >= %.3f`, float64(since.UnixMilli())/1e3)
	r.Prom.WaitForSeries(t, expr, r.targets, 10*ScrapeInterval+30*time.Second)
}
