package e2e

import (
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/seed/rscerts/pkg/internal/promrig"
	"github.com/seed/rscerts/pkg/simulator"
)

// rig is a real Prometheus scraping the simulated Redis Software clusters over HTTPS (the
// same layout as pkg/pluginhost's integration rig): v1 from one target, the cluster-wide /v2
// from up to three node targets per cluster, and the per-node /v2 schema from one target per
// node with a `cluster` target label.
type rig struct {
	sim  *simulator.Simulator
	prom *promrig.Server
}

var simStart = time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)

// startRig skips loudly without Prometheus, or fails when REQUIRE_PROMETHEUS=1 (promrig).
func startRig(t *testing.T) *rig {
	t.Helper()
	sim, err := simulator.New(simulator.Config{Clusters: simulator.DemoClusters(), Seed: 7, Start: simStart, Frozen: true})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewTLSServer(sim.Handler())
	t.Cleanup(srv.Close)
	addr := strings.TrimPrefix(srv.URL, "https://")

	v1 := promrig.Job{Name: "redis-v1", MetricsPath: "/", Scheme: "https", InsecureSkipVerify: true,
		Targets: []promrig.Target{{Address: addr, Labels: map[string]string{"instance": "c-all:8070"}}}}
	v2 := promrig.Job{Name: "redis-v2", MetricsPath: "/v2", Scheme: "https", InsecureSkipVerify: true}
	for _, c := range simulator.DemoClusters() {
		for n := 1; n <= c.Nodes; n++ {
			node := string(rune('0' + n))
			params := url.Values{"cluster": {c.Name}}
			labels := map[string]string{"instance": "node" + node + "." + c.Name + ":8070"}
			if c.Schema == simulator.SchemaNodeEndpoint {
				params.Set("node", node)
				labels["cluster"] = c.Name
			} else if n > 3 {
				continue
			}
			v2.Targets = append(v2.Targets, promrig.Target{Address: addr, Labels: labels, Params: params})
		}
	}
	r := &rig{sim: sim, prom: promrig.Start(t, promrig.Config{Jobs: []promrig.Job{v1, v2}, ScrapeInterval: 2 * time.Second})}
	want := 0
	for _, c := range sim.Certificates() {
		if c.InV1 {
			want++
		}
	}
	r.prom.WaitForSeries(t, "node_cert_expiration_seconds", want, 60*time.Second)
	r.prom.WaitForSeries(t, `count by (cluster, instance) ({__name__=~"node_cert_expires_in_seconds|x509_cert_expires_in_seconds",cluster!=""})`, len(v2.Targets), 60*time.Second)
	return r
}

// authProxy is a basic-auth-checking reverse proxy in front of Prometheus, the way
// Prometheus is often published behind nginx; with an empty user it checks nothing. It
// records what reached it.
type authProxy struct {
	URL        string
	user, pass string

	mu        sync.Mutex
	ok        int            // requests forwarded
	rejected  int            // requests answered 401
	fromAlert map[string]int // FromAlert header value -> count of forwarded requests
}

func startAuthProxy(t *testing.T, target, user, pass string) *authProxy {
	t.Helper()
	u, err := url.Parse(target)
	if err != nil {
		t.Fatal(err)
	}
	rp := httputil.NewSingleHostReverseProxy(u)
	p := &authProxy{user: user, pass: pass, fromAlert: map[string]int{}}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		gotUser, gotPass, ok := r.BasicAuth()
		p.mu.Lock()
		if p.user != "" && (!ok || gotUser != p.user || gotPass != p.pass) {
			p.rejected++
			p.mu.Unlock()
			w.Header().Set("WWW-Authenticate", `Basic realm="prometheus"`)
			http.Error(w, "401 Unauthorized", http.StatusUnauthorized)
			return
		}
		p.ok++
		if v := r.Header.Get("FromAlert"); v != "" {
			p.fromAlert[v]++
		}
		p.mu.Unlock()
		rp.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	p.URL = srv.URL
	return p
}

func (p *authProxy) counts() (ok, rejected int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.ok, p.rejected
}

func (p *authProxy) alertRequests(value string) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.fromAlert[value]
}

// deadURL is an http URL on which nothing listens (connection refused).
func deadURL(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return "http://" + addr
}
