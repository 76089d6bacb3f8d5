package promrig

import (
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync"
	"testing"
)

// Gateway is a real reverse proxy in front of a store, shaped like the multi-tenant front of
// Grafana Mimir or Cortex: the store's API is served only under Prefix (e.g. /prometheus),
// and a request without Header: Tenant (e.g. X-Scope-OrgID: tenant-1) is refused with 401
// "no org id", as Mimir does. It records every request it saw.
type Gateway struct {
	URL            string // the base URL a datasource is given: http://127.0.0.1:port/prometheus
	Prefix         string
	Header, Tenant string

	mu        sync.Mutex
	forwarded map[string]int // path below the prefix -> requests forwarded
	refused   []string       // method and path of requests refused for their tenant or path
}

// StartGateway serves target's API under prefix for requests carrying header: tenant.
func StartGateway(t testing.TB, target, prefix, header, tenant string) *Gateway {
	t.Helper()
	u, err := url.Parse(target)
	if err != nil {
		t.Fatal(err)
	}
	proxy := httputil.NewSingleHostReverseProxy(u)
	g := &Gateway{Prefix: prefix, Header: header, Tenant: tenant, forwarded: map[string]int{}}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		path, ok := strings.CutPrefix(r.URL.Path, prefix+"/")
		switch {
		case !ok:
			g.refuse(r)
			http.NotFound(w, r)
		case r.Header.Get(header) != tenant:
			g.refuse(r)
			http.Error(w, "no org id", http.StatusUnauthorized)
		default:
			g.mu.Lock()
			g.forwarded["/"+path]++
			g.mu.Unlock()
			r.URL.Path, r.URL.RawPath = "/"+path, ""
			proxy.ServeHTTP(w, r)
		}
	}))
	t.Cleanup(srv.Close)
	g.URL = srv.URL + prefix
	return g
}

func (g *Gateway) refuse(r *http.Request) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.refused = append(g.refused, r.Method+" "+r.URL.Path)
}

// Forwarded is how many requests of each API path (below the prefix) reached the store.
func (g *Gateway) Forwarded() map[string]int {
	g.mu.Lock()
	defer g.mu.Unlock()
	out := make(map[string]int, len(g.forwarded))
	for k, v := range g.forwarded {
		out[k] = v
	}
	return out
}

// Refused lists the requests refused (no or wrong tenant, outside the prefix).
func (g *Gateway) Refused() []string {
	g.mu.Lock()
	defer g.mu.Unlock()
	return append([]string(nil), g.refused...)
}
