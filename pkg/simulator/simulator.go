package simulator

import (
	"bytes"
	"fmt"
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
	start         time.Time
	speed         float64
	renewMu       sync.Mutex // serializes writers of cert.renewals
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
		clock:         newClock(start, cfg.Frozen, cfg.Speed),
		foreignExpiry: start.UnixNano() + 200*day,
		start:         start,
		speed:         cfg.Speed,
	}
	if s.speed == 0 {
		s.speed = 1
	}
	scenarios := map[string]*clusterScenario{}
	scenario := func(name string) *clusterScenario {
		if scenarios[name] == nil {
			scenarios[name] = &clusterScenario{skip: map[string]bool{}}
		}
		return scenarios[name]
	}
	for _, f := range cfg.FirstRotations {
		scenario(f.Cluster).firstRotation = f.After
	}
	for _, n := range cfg.SkipRotation {
		scenario(n.Cluster).skip[n.Node] = true
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
		for _, certs := range populate(&cc, cfg.Seed, start, *scenario(cc.Name)) {
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
	for _, r := range cfg.Renewals {
		if err := s.schedule(r); err != nil {
			return nil, err
		}
	}
	s.mux = s.routes()
	return s, nil
}

// schedule records a configured renewal on the certificates it names.
func (s *Simulator) schedule(r Renewal) error {
	at := s.start.UnixNano() + int64(r.After)
	nodes := r.Nodes
	if len(nodes) == 0 {
		nodes = []string{""}
	}
	matched := 0
	for _, node := range nodes {
		matched += s.renewAt(r.Cluster, node, r.Certificate, at, r.Lifetime)
	}
	if matched == 0 {
		return renewalErr(r.String(), fmt.Errorf("no certificate %q on the node(s) named", r.Certificate))
	}
	return nil
}

// Speed is simulated seconds per real second (1 = real time).
func (s *Simulator) Speed() float64 { return s.speed }

// Start is the simulated time the simulator started at (Config.Start).
func (s *Simulator) Start() time.Time { return s.start }

// Now is the simulated current time.
func (s *Simulator) Now() time.Time { return s.clock.now() }

// SetNow moves the simulated clock; when not frozen it keeps running from t (at
// Speed). Rotations and renewals are derived from the clock, so moving it either
// way shows the certificates as they are at t.
func (s *Simulator) SetNow(t time.Time) { s.clock.set(t) }

// Handler serves /, /v2, /control/... and /healthz.
func (s *Simulator) Handler() http.Handler { return s.mux }
