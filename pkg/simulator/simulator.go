package simulator

import (
	"bytes"
	"net/http"
	"slices"
	"sync"
	"time"
)

// Simulator serves the metrics of the configured clusters. It is safe for
// concurrent use.
type Simulator struct {
	clusters []*cluster
	byName   map[string]*cluster
	clock    *clock
	// foreignExpiry is the unrelated x509 exporter's certificate expiry (unix ns).
	foreignExpiry int64
	bufs          sync.Pool // *[]byte, reused across scrapes
	mux           *http.ServeMux
}

type cluster struct {
	ClusterConfig
	nodes []*node
	ine   []byte // customer_managed_ine_certificates prefix
}

type node struct {
	id     string
	certs  []*cert // population order, for Certificates()
	v1, v2 []*cert // sorted by rendered series, so output order is fixed
}

// New builds every certificate and renders its series once, so that a scrape
// only appends values.
func New(cfg Config) (*Simulator, error) {
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	start := cfg.Start
	if start.IsZero() {
		start = time.Now().Truncate(time.Second)
	}
	s := &Simulator{
		byName:        make(map[string]*cluster, len(cfg.Clusters)),
		clock:         newClock(start, cfg.Frozen),
		foreignExpiry: start.UnixNano() + 200*day,
	}
	for _, cc := range cfg.Clusters {
		if cc.Schema == "" {
			cc.Schema = SchemaDocs
		}
		cl := &cluster{ClusterConfig: cc}
		ineValue := "0\n"
		if cc.CustomerManagedINE {
			ineValue = "1\n"
		}
		if cc.Schema == SchemaNodeEndpoint { // that release labels nothing with the cluster
			cl.ine = append(seriesPrefix(metricINE), ineValue...)
		} else {
			cl.ine = append(seriesPrefix(metricINE, label{"cluster", cc.Name}), ineValue...)
		}
		for _, certs := range populate(&cc, cfg.Seed, start) {
			n := &node{id: certs[0].Node, certs: certs}
			for _, c := range certs {
				c.render(cc.Schema)
				if c.InV1 {
					n.v1 = append(n.v1, c)
				}
				n.v2 = append(n.v2, c)
			}
			slices.SortFunc(n.v1, func(a, b *cert) int { return bytes.Compare(a.v1, b.v1) })
			slices.SortFunc(n.v2, func(a, b *cert) int { return bytes.Compare(a.v2, b.v2) })
			cl.nodes = append(cl.nodes, n)
		}
		s.clusters = append(s.clusters, cl)
		s.byName[cc.Name] = cl
	}
	s.mux = s.routes()
	return s, nil
}

// Now is the simulated current time.
func (s *Simulator) Now() time.Time { return s.clock.now() }

// SetNow moves the simulated clock; when not frozen it keeps running from t.
func (s *Simulator) SetNow(t time.Time) { s.clock.set(t) }

// Handler serves /, /v2, /control/... and /healthz.
func (s *Simulator) Handler() http.Handler { return s.mux }
