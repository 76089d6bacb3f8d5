package simulator

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"
)

func status(remaining float64) string {
	switch d := remaining / 86400; {
	case d < 0:
		return "expired"
	case d < 14:
		return "critical"
	case d < 30:
		return "soon"
	}
	return "healthy"
}

// The demo must show every status in every cluster and every category, or a
// dashboard pointed at it cannot be checked by eye.
func TestValueMix(t *testing.T) {
	for seed := int64(1); seed <= 25; seed++ {
		s, err := New(Config{Clusters: DemoClusters(), Seed: seed, Start: testStart, Frozen: true})
		if err != nil {
			t.Fatal(err)
		}
		statuses := map[string]map[string]bool{}
		categories := map[Category]bool{}
		for _, c := range s.Certificates() {
			categories[c.Category] = true
			if c.Category == CategoryUser {
				if statuses[c.Cluster] == nil {
					statuses[c.Cluster] = map[string]bool{}
				}
				statuses[c.Cluster][status(c.RemainingSeconds)] = true
			}
			switch c.Category {
			case CategoryCA:
				if y := c.RemainingSeconds / 86400 / 365; y < 12 || y > 16 {
					t.Errorf("seed %d: trusted_ca %.1f years", seed, y)
				}
			case CategoryInternode:
				if d := c.RemainingSeconds / 86400; d <= 60 || d > 90 {
					t.Errorf("seed %d: %s %.1f days", seed, c.Name, d)
				}
			}
		}
		for _, cl := range DemoClusters() {
			if len(statuses[cl.Name]) != 4 {
				t.Errorf("seed %d: %s shows only %v", seed, cl.Name, statuses[cl.Name])
			}
		}
		if len(categories) != 4 {
			t.Errorf("seed %d: categories %v", seed, categories)
		}
	}
}

func TestFrozenDeterminism(t *testing.T) {
	body := func(seed int64, target string) string {
		s, err := New(Config{Clusters: DemoClusters(), Seed: seed, Start: testStart, Frozen: true})
		if err != nil {
			t.Fatal(err)
		}
		time.Sleep(2 * time.Millisecond) // a frozen clock must not notice
		_, _, b := do(t, s, "GET", target, nil)
		return b
	}
	for _, target := range []string{"/", "/v2", "/control/certificates"} {
		if a, b := body(7, target), body(7, target); a != b {
			t.Errorf("%s: same seed, different output", target)
		}
		if a, b := body(7, target), body(8, target); a == b {
			t.Errorf("%s: seeds 7 and 8 give the same output", target)
		}
	}
	// Adding a cluster must not change the others' values.
	s1 := newSim(t, DemoClusters()[0])
	s2 := newSim(t, append(DemoClusters(), ClusterConfig{Name: "x.example.com", Nodes: 1})...)
	_, _, a := do(t, s1, "GET", "/?cluster=c1.example.com", nil)
	_, _, b := do(t, s2, "GET", "/?cluster=c1.example.com", nil)
	if a != b {
		t.Error("adding a cluster changed c1.example.com's values")
	}
}

func TestScaleConfig(t *testing.T) {
	cfg := ScaleConfig(100, 10, 10, 3)
	if cfg.Clusters[0].Name != "c001.example.com" || cfg.Clusters[99].Name != "c100.example.com" {
		t.Errorf("names %q..%q", cfg.Clusters[0].Name, cfg.Clusters[99].Name)
	}
	s, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	v2 := scrape(t, s, "/v2")
	if n := len(only(v2, metricV2)); n != 100*10*10 {
		t.Errorf("/v2: %d certificate series, want %d", n, 100*10*10)
	}
	if n := len(only(v2, metricINE)); n != 100 {
		t.Errorf("/v2: %d %s series, want 100", n, metricINE)
	}
	if n := len(scrape(t, s, "/")); n != 100*10*9 { // v1 does not show trusted_ca
		t.Errorf("/: %d series, want %d", n, 100*10*9)
	}
	// Every cluster still shows every status.
	st := map[string]map[string]bool{}
	for _, c := range s.Certificates() {
		if c.Category == CategoryUser {
			if st[c.Cluster] == nil {
				st[c.Cluster] = map[string]bool{}
			}
			st[c.Cluster][status(c.RemainingSeconds)] = true
		}
	}
	for name, m := range st {
		if len(m) != 4 {
			t.Errorf("%s shows only %v", name, m)
		}
	}
}

func TestCertsPerNode(t *testing.T) {
	for _, n := range []int{1, 3, 10, 12} {
		s := newSim(t, ClusterConfig{Name: "c", Nodes: 2, CertsPerNode: n})
		var names []string
		for _, c := range s.Certificates() {
			if c.Node == "1" {
				names = append(names, c.Name)
			}
		}
		want := append([]string(nil), StandardCertificates[:min(n, 10)]...)
		for i := 11; i <= n; i++ {
			want = append(want, fmt.Sprintf("extra_%02d", i-10))
		}
		if !slices.Equal(names, want) {
			t.Errorf("CertsPerNode %d: %v, want %v", n, names, want)
		}
	}
	s := newSim(t, ClusterConfig{Name: "c", Nodes: 1, CertsPerNode: 12})
	out := scrape(t, s, "/v2")
	if !slices.ContainsFunc(out, func(x sample) bool { return strings.HasSuffix(x.labels["path"], "/extra_02_cert.pem") }) {
		t.Error("extra_02 not exposed")
	}
}

// A user-managed certificate is set for the whole cluster and internode ones are
// rotated together: every node of a cluster reports one expiry per name. The CA
// is one per cluster; Active-Active files are per node.
func TestClusterWideCertificates(t *testing.T) {
	for seed := int64(1); seed <= 10; seed++ {
		s, err := New(Config{Clusters: append(DemoClusters(),
			ClusterConfig{Name: "ine.example.com", Nodes: 3, CustomerManagedINE: true}), Seed: seed, Start: testStart, Frozen: true})
		if err != nil {
			t.Fatal(err)
		}
		expiry := map[string]time.Time{}          // cluster/name -> expiry
		perCluster := map[string]map[int64]bool{} // cluster -> distinct user expiries
		serials := map[string]map[string]bool{}   // cluster/name -> distinct x509 serials
		for _, c := range s.Certificates() {
			if c.Category == CategoryActiveActive {
				continue
			}
			k := c.Cluster + "/" + c.Name
			if e, ok := expiry[k]; ok && !e.Equal(c.Expiry) {
				t.Errorf("seed %d: %s expires %v on node %s, %v on another node", seed, k, c.Expiry, c.Node, e)
			}
			expiry[k] = c.Expiry
			if c.Category == CategoryUser {
				if perCluster[c.Cluster] == nil {
					perCluster[c.Cluster] = map[int64]bool{}
				}
				perCluster[c.Cluster][c.Expiry.Unix()] = true
			}
		}
		for cl, m := range perCluster {
			if len(m) != 5 { // cm, api, proxy, metrics_exporter, syncer: each its own draw
				t.Errorf("seed %d: %s has %d distinct user-managed expiries, want 5", seed, cl, len(m))
			}
		}
		// The same file on every node: one serial per user-managed name; internode
		// certificates are per node (their own serial and subject).
		for _, x := range only(scrape(t, s, "/v2?cluster=legacy.example.com"), metricX509) {
			if x.labels["cluster"] == "" {
				continue
			}
			k := certName(x)
			if serials[k] == nil {
				serials[k] = map[string]bool{}
			}
			serials[k][x.labels["serial_number"]] = true
		}
		for name, m := range serials {
			want := 1
			if categoryOf(name) == CategoryInternode {
				want = 2
			}
			if len(m) != want {
				t.Errorf("seed %d: legacy %s: %d serials, want %d", seed, name, len(m), want)
			}
		}
	}
	// Active-Active files differ from each other (per node, per file).
	s := newSim(t)
	a := find(t, s, "c2.example.com", "2", activeActiveCertificates[0])
	b := find(t, s, "c2.example.com", "2", activeActiveCertificates[1])
	if a.Expiry.Equal(b.Expiry) {
		t.Error("Active-Active files share an expiry")
	}
}

// However few user-managed certificates a cluster has, one of them stays healthy
// (more than 30 days), and the forced buckets come first.
func TestForcedBucketsKeepOneHealthy(t *testing.T) {
	for _, n := range []int{1, 2, 3, 4, 5} {
		for seed := int64(1); seed <= 40; seed++ {
			s, err := New(Config{Clusters: []ClusterConfig{{Name: "c", Nodes: 2, CertsPerNode: n}}, Seed: seed, Start: testStart, Frozen: true})
			if err != nil {
				t.Fatal(err)
			}
			got := map[string]int{}
			for _, c := range s.Certificates() {
				if c.Category == CategoryUser && c.Node == "1" {
					got[status(c.RemainingSeconds)]++
				}
			}
			if got["healthy"] < 1 {
				t.Errorf("CertsPerNode %d seed %d: no healthy user-managed certificate: %v", n, seed, got)
			}
			if forced := min(3, n-1); got["expired"]+got["critical"]+got["soon"] < forced {
				t.Errorf("CertsPerNode %d seed %d: %v, want at least %d unhealthy", n, seed, got, forced)
			}
		}
	}
}
