package e2e

import (
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"sync"
	"testing"

	"github.com/seed/rscerts/pkg/internal/demorig"
	"github.com/seed/rscerts/pkg/internal/promrig"
	"github.com/seed/rscerts/pkg/simulator"
)

// rig is the demo fleet scraped by a real Prometheus (package demorig, the same as the
// integration tests of pkg/pluginhost).
type rig struct {
	sim  *simulator.Simulator
	prom *promrig.Server
}

// startRig skips loudly without Prometheus, or fails when REQUIRE_PROMETHEUS=1 (promrig).
func startRig(t *testing.T) *rig {
	t.Helper()
	d := demorig.Start(t)
	return &rig{sim: d.Sim, prom: d.Prom}
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
