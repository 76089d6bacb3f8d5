package simulator

import (
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"strconv"
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
	return s.each(cluster, node, certificate, func(c *cert) { c.vanished.Store(vanished) })
}

// each calls f on every certificate of cluster that node ("" or "*": every node)
// and certificate (short name, file name or "*") name, and returns how many.
func (s *Simulator) each(cluster, node, certificate string, f func(*cert)) int {
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
				f(c)
				matched++
			}
		}
	}
	return matched
}

// Renew replaces certificates at the simulated now with ones valid for lifetime
// (0: DefaultLifetime of each one's category), as an operator renewing them does;
// node "" means every node of the cluster, certificate is matched as by Vanish.
// It returns how many certificates it renewed. Auto-rotated ones keep rotating
// from the new expiry (unless their node's rotation is skipped). The renewal is
// made at the simulated now: a clock moved back before it does not show it.
func (s *Simulator) Renew(cluster, node, certificate string, lifetime time.Duration) int {
	return s.renewAt(cluster, node, certificate, s.clock.now().UnixNano(), lifetime)
}

func (s *Simulator) renewAt(cluster, node, certificate string, at int64, lifetime time.Duration) int {
	s.renewMu.Lock()
	defer s.renewMu.Unlock()
	return s.each(cluster, node, certificate, func(c *cert) {
		l := lifetime
		if l <= 0 {
			l = DefaultLifetime(c.Category)
		}
		c.addRenewal(renewal{at: at, expiry: at + int64(l)})
	})
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
				if r := c.renewalAt(now); r != nil {
					v.RenewedAt = time.Unix(0, r.at).UTC()
				}
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

// maxRenewDays bounds /control/renew's days (a century).
const maxRenewDays = 36500

// serveRenew handles POST /control/renew: cluster and certificate required, node
// optional (empty = every node), days optional (default by category).
func (s *Simulator) serveRenew(w http.ResponseWriter, r *http.Request) {
	cluster, certificate := r.FormValue("cluster"), r.FormValue("certificate")
	if cluster == "" || certificate == "" {
		http.Error(w, "cluster and certificate are required (node and days optional)", http.StatusBadRequest)
		return
	}
	var lifetime time.Duration
	if v := r.FormValue("days"); v != "" {
		d, err := strconv.ParseFloat(v, 64)
		if err != nil || math.IsNaN(d) || d <= 0 || d > maxRenewDays {
			http.Error(w, fmt.Sprintf("days %q: want a number of days, > 0 and at most %d", v, maxRenewDays), http.StatusBadRequest)
			return
		}
		lifetime = time.Duration(d * float64(24*time.Hour))
	}
	n := s.Renew(cluster, r.FormValue("node"), certificate, lifetime)
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
