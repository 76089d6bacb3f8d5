package demorig

import (
	"fmt"
	"testing"
	"time"

	"github.com/seed/rscerts/pkg/simulator"
)

// TestScenarioReachesTheStore: the scenario options and Renew change what the store
// records, not only the simulator's ground truth.
func TestScenarioReachesTheStore(t *testing.T) {
	r := StartWith(t, Options{Live: true, Speed: 600, // 10 simulated minutes per real second
		Renewals:     []simulator.Renewal{{Cluster: "c2.example.com", Certificate: "proxy", Nodes: []string{"1", "2"}, After: time.Hour}},
		SkipRotation: []simulator.NodeRef{{Cluster: "c1.example.com", Node: "3"}},
	})
	if r.Sim.Speed() != 600 {
		t.Fatalf("simulator speed %v", r.Sim.Speed())
	}
	v1 := func(cluster, name string) map[string]float64 {
		t.Helper()
		m := map[string]float64{}
		for _, s := range r.Prom.QuerySamples(t, fmt.Sprintf(`node_cert_expiration_seconds{cluster=%q,logical_name=%q}`, cluster, name)) {
			m[s.Labels["node"]] = s.Value / 86400
		}
		return m
	}
	// The renewal is due a simulated hour (6 real seconds) after the start.
	for r.Sim.Now().Before(r.Sim.Start().Add(time.Hour)) {
		time.Sleep(100 * time.Millisecond)
	}
	r.WaitScrapedSince(t, time.Now())
	if p := v1("c2.example.com", "proxy"); p["1"] < 360 || p["2"] < 360 || p["3"] > p["1"]-1 {
		t.Errorf("c2 proxy days in the store after its renewal on nodes 1 and 2: %v", p)
	}

	before := time.Now()
	if n := r.Renew(t, "c1.example.com", "", "api", 10); n != 3 {
		t.Errorf("Renew matched %d, want 3", n)
	}
	r.WaitScrapedSince(t, before)
	for n, d := range v1("c1.example.com", "api") {
		// 10 days at the renewal, minus at most a few real seconds at speed 600.
		if d > 10 || d < 9.5 {
			t.Errorf("c1 node %s api: %.3f days in the store after Renew(10 days)", n, d)
		}
	}
	for _, c := range r.Sim.Certificates() {
		if skipped := c.Cluster == "c1.example.com" && c.Node == "3" && c.AutoRotated; c.RotationSkipped != skipped {
			t.Errorf("%s/%s/%s: rotation skipped %v", c.Cluster, c.Node, c.Name, c.RotationSkipped)
		}
	}
}
