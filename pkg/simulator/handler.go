package simulator

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
)

func (s *Simulator) routes() *http.ServeMux {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) { s.serveScrape(w, r, s.appendV1) })
	mux.HandleFunc("GET /v2", func(w http.ResponseWriter, r *http.Request) { s.serveScrape(w, r, s.appendV2) })
	mux.HandleFunc("POST /control/vanish", func(w http.ResponseWriter, r *http.Request) { s.serveVanish(w, r, true) })
	mux.HandleFunc("POST /control/restore", func(w http.ResponseWriter, r *http.Request) { s.serveVanish(w, r, false) })
	mux.HandleFunc("POST /control/renew", s.serveRenew)
	mux.HandleFunc("GET /control/certificates", s.serveCertificates)
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte("ok\n")) })
	return mux
}

// selection is what one scrape serves: the cluster= params (all clusters when
// absent) and the node= param (0 = every node).
type selection struct {
	clusters []*cluster
	node     int
}

func (s *Simulator) selectFrom(q url.Values) (selection, int, error) {
	sel := selection{clusters: s.clusters}
	if names := q["cluster"]; len(names) > 0 {
		want := make(map[*cluster]bool, len(names))
		for _, name := range names {
			cl, ok := s.byName[name]
			if !ok {
				return sel, http.StatusNotFound, fmt.Errorf("unknown cluster %q", name)
			}
			want[cl] = true
		}
		sel.clusters = make([]*cluster, 0, len(want))
		for _, cl := range s.clusters { // configuration order, whatever the param order
			if want[cl] {
				sel.clusters = append(sel.clusters, cl)
			}
		}
	}
	if v := q.Get("node"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return sel, http.StatusBadRequest, fmt.Errorf("node %q: want a node id 1..N", v)
		}
		sel.node = n
		found := false
		for _, cl := range sel.clusters {
			found = found || n <= len(cl.nodes)
		}
		if !found {
			return sel, http.StatusNotFound, fmt.Errorf("no selected cluster has node %d", n)
		}
	}
	return sel, 0, nil
}

// nodes lists the nodes of cl one scrape shows. A node-endpoint /v2 shows only
// the answering node, node 1 unless node= says otherwise; everything else is
// cluster-wide, like the real endpoint.
func (sel selection) nodes(cl *cluster, perNode bool) []*node {
	switch {
	case sel.node > len(cl.nodes):
		return nil
	case sel.node > 0:
		return cl.nodes[sel.node-1 : sel.node]
	case perNode:
		return cl.nodes[:1]
	}
	return cl.nodes
}

func (s *Simulator) serveScrape(w http.ResponseWriter, r *http.Request, appendTo func([]byte, selection, int64) []byte) {
	sel, status, err := s.selectFrom(r.URL.Query())
	if err != nil {
		http.Error(w, err.Error(), status)
		return
	}
	bp, _ := s.bufs.Get().(*[]byte)
	if bp == nil {
		bp = new([]byte)
	}
	*bp = appendTo((*bp)[:0], sel, s.clock.now().UnixNano())
	h := w.Header()
	h.Set("Content-Type", ContentType)
	h.Set("Content-Length", strconv.Itoa(len(*bp)))
	_, _ = w.Write(*bp)
	s.bufs.Put(bp)
}

// appendV1 renders / : node_cert_expiration_seconds with the docs labels for
// every cluster, whatever its v2 schema.
func (s *Simulator) appendV1(dst []byte, sel selection, now int64) []byte {
	dst = appendHeader(dst, metricV1, helpV1)
	for _, cl := range sel.clusters {
		for _, n := range sel.nodes(cl, false) {
			for _, c := range n.v1 {
				if !c.vanished.Load() {
					dst = appendSample(dst, c.v1, c.remaining(now))
				}
			}
		}
	}
	return dst
}

// appendV2 renders /v2 in each cluster's schema. Series are grouped per metric
// family (node_cert_..., x509_cert_..., customer_managed_ine_...) so each HELP
// and TYPE appears once, as the text format requires.
func (s *Simulator) appendV2(dst []byte, sel selection, now int64) []byte {
	var x509 bool
	for pass, metric := range []string{metricV2, metricX509} {
		header := false
		for _, cl := range sel.clusters {
			if (cl.Schema == SchemaX509) != (pass == 1) {
				continue
			}
			if !header {
				dst, header = appendHeader(dst, metric, helpV2), true
			}
			x509 = x509 || pass == 1
			for _, n := range sel.nodes(cl, cl.Schema == SchemaNodeEndpoint) {
				for _, c := range n.v2 {
					if !c.vanished.Load() {
						dst = appendSample(dst, c.v2, c.remaining(now))
					}
				}
			}
		}
	}
	if x509 {
		dst = appendSample(dst, foreignPrefix, float64((s.foreignExpiry-now)/1e6)/1e3)
	}
	dst = appendHeader(dst, metricINE, helpINE)
	for _, cl := range sel.clusters {
		dst = append(dst, cl.ine...)
	}
	return dst
}
