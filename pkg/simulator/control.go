package simulator

import (
	"encoding/json"
	"net/http"
	"time"
)

// Vanish makes a certificate's series disappear from every endpoint, as an
// exporter that drops expired certificates does. node "" means every node of
// the cluster; certificate is the short name ("api") or the file name
// ("api_cert.pem"), "*" for all of them.
func (s *Simulator) Vanish(cluster, node, certificate string) {
	s.SetVanished(cluster, node, certificate, true)
}

// Restore undoes Vanish.
func (s *Simulator) Restore(cluster, node, certificate string) {
	s.SetVanished(cluster, node, certificate, false)
}

// SetVanished is Vanish or Restore, returning how many certificates matched.
func (s *Simulator) SetVanished(cluster, node, certificate string, vanished bool) int {
	cl, ok := s.byName[cluster]
	if !ok || certificate == "" {
		return 0
	}
	matched := 0
	for _, n := range cl.nodes {
		if node != "" && node != "*" && node != n.id {
			continue
		}
		for _, c := range n.certs {
			if certificate == "*" || certificate == c.Name || certificate == c.Filename {
				c.vanished.Store(vanished)
				matched++
			}
		}
	}
	return matched
}

// Certificates is the ground truth at the simulated now, in configuration
// order (cluster, node, certificate).
func (s *Simulator) Certificates() []Certificate {
	now := s.clock.now().UnixNano()
	var out []Certificate
	for _, cl := range s.clusters {
		for _, n := range cl.nodes {
			for _, c := range n.certs {
				v := c.Certificate
				v.Expiry = time.Unix(0, c.expiryAt(now)).UTC()
				v.RemainingSeconds = c.remaining(now)
				v.Vanished = c.vanished.Load()
				out = append(out, v)
			}
		}
	}
	return out
}

// serveVanish handles POST /control/vanish and /control/restore; parameters
// come from the query string or a form body.
func (s *Simulator) serveVanish(w http.ResponseWriter, r *http.Request, vanished bool) {
	cluster, certificate := r.FormValue("cluster"), r.FormValue("certificate")
	if cluster == "" || certificate == "" {
		http.Error(w, "cluster and certificate are required (node optional)", http.StatusBadRequest)
		return
	}
	n := s.SetVanished(cluster, r.FormValue("node"), certificate, vanished)
	if n == 0 {
		http.Error(w, "no certificate matched", http.StatusNotFound)
		return
	}
	writeJSON(w, map[string]int{"matched": n})
}

func (s *Simulator) serveCertificates(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, s.Certificates())
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(v)
}
