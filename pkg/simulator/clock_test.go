package simulator

import (
	"testing"
	"time"
)

func seriesValues(samples []sample) map[string]sample {
	m := make(map[string]sample, len(samples))
	for _, s := range samples {
		m[s.metric+"{"+s.labels["cluster"]+"/"+s.labels["node"]+"/"+certName(s)+"/"+s.labels["subject_CN"]+"}"] = s
	}
	return m
}

func TestCountdown(t *testing.T) {
	s := newSim(t)
	// Stop short of the first rotation (tested separately), which would jump.
	elapsed := 98765.0
	for _, c := range s.Certificates() {
		if c.AutoRotated {
			elapsed = min(elapsed, c.RemainingSeconds-60*86400-1)
		}
	}
	if elapsed < 1000 {
		t.Fatalf("a rotation is due within %v s of the start", elapsed)
	}
	for _, target := range []string{"/", "/v2"} {
		s.SetNow(testStart)
		before := seriesValues(scrape(t, s, target))
		s.SetNow(testStart.Add(time.Duration(elapsed) * time.Second))
		after := seriesValues(scrape(t, s, target))
		if len(after) != len(before) {
			t.Fatalf("%s: %d series before, %d after", target, len(before), len(after))
		}
		for k, b := range before {
			want := b.value - elapsed
			if b.metric == metricINE {
				want = b.value
			}
			if a := after[k]; a.value != want {
				t.Errorf("%s %s: %v -> %v, want %v", target, k, b.value, a.value, want)
			}
		}
	}
}

func TestFrozenClockStays(t *testing.T) {
	s := newSim(t)
	time.Sleep(5 * time.Millisecond)
	if !s.Now().Equal(testStart) {
		t.Errorf("frozen clock moved to %v", s.Now())
	}
}

func TestRealClockRuns(t *testing.T) {
	s, err := New(Config{Clusters: DemoClusters(), Seed: 1, Start: testStart})
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(20 * time.Millisecond)
	if d := s.Now().Sub(testStart); d < 20*time.Millisecond || d > 10*time.Second {
		t.Errorf("after 20ms the clock moved %v", d)
	}
	s.SetNow(testStart.Add(-time.Hour)) // keeps running from the new instant
	if d := s.Now().Sub(testStart.Add(-time.Hour)); d < 0 || d > 10*time.Second {
		t.Errorf("after SetNow the clock is %v off", d)
	}
}

func find(t *testing.T, s *Simulator, cluster, node, name string) Certificate {
	t.Helper()
	for _, c := range s.Certificates() {
		if c.Cluster == cluster && c.Node == node && c.Name == name {
			return c
		}
	}
	t.Fatalf("no certificate %s/%s/%s", cluster, node, name)
	return Certificate{}
}

func TestInternodeRotation(t *testing.T) {
	s := newSim(t)
	const cl = "c1.example.com"
	c := find(t, s, cl, "2", "mesh_ca_signed")
	if !c.AutoRotated || c.RemainingSeconds <= 60*86400 || c.RemainingSeconds > 90*86400 {
		t.Fatalf("at start: %+v, want auto-rotated with (60, 90] days left", c)
	}

	// One second before the rotation point nothing happened yet...
	toRotation := time.Duration(c.RemainingSeconds)*time.Second - 60*24*time.Hour
	s.SetNow(testStart.Add(toRotation - time.Second))
	if got := find(t, s, cl, "2", "mesh_ca_signed"); got.RemainingSeconds != 60*86400+1 || !got.Expiry.Equal(c.Expiry) {
		t.Errorf("before rotation: %v s left, expiry %v", got.RemainingSeconds, got.Expiry)
	}
	// ...at it the certificate is replaced by one valid for 90 days.
	now := testStart.Add(toRotation)
	s.SetNow(now)
	got := find(t, s, cl, "2", "mesh_ca_signed")
	if got.RemainingSeconds != 90*86400 || !got.Expiry.Equal(now.Add(90*24*time.Hour)) {
		t.Errorf("at rotation: %v s left, expiry %v, want now+90d", got.RemainingSeconds, got.Expiry)
	}
	for _, x := range only(scrape(t, s, "/?cluster="+cl+"&node=2"), metricV1) {
		if x.labels["logical_name"] == "mesh_ca_signed" && x.value != 90*86400 {
			t.Errorf("exposed %v after rotation, want %v", x.value, 90*86400)
		}
	}

	// Over a year, every rotated certificate stays within (60, 90] days.
	for d := 0; d < 400; d += 3 {
		s.SetNow(testStart.Add(time.Duration(d)*24*time.Hour + 7*time.Hour))
		for _, c := range s.Certificates() {
			if c.Category == CategoryInternode && (c.RemainingSeconds <= 60*86400 || c.RemainingSeconds > 90*86400) {
				t.Fatalf("day %d: %s/%s/%s has %v s left", d, c.Cluster, c.Node, c.Name, c.RemainingSeconds)
			}
		}
	}
}

func TestCustomerManagedINE(t *testing.T) {
	s := newSim(t,
		ClusterConfig{Name: "ine.example.com", Nodes: 2, Schema: SchemaFilename, CustomerManagedINE: true},
		ClusterConfig{Name: "auto.example.com", Nodes: 2, Schema: SchemaFilename})
	start := map[string]Certificate{}
	for _, c := range s.Certificates() {
		start[c.Cluster+c.Node+c.Name] = c
	}
	const days = 200
	s.SetNow(testStart.Add(days * 24 * time.Hour))
	internode := 0
	for _, c := range s.Certificates() {
		if c.Category != CategoryInternode {
			continue
		}
		internode++
		c0 := start[c.Cluster+c.Node+c.Name]
		if c.Cluster == "ine.example.com" {
			if c.AutoRotated || c.RemainingSeconds != c0.RemainingSeconds-days*86400 || c.RemainingSeconds >= 0 {
				t.Errorf("customer-managed %s/%s rotated: %v -> %v", c.Node, c.Name, c0.RemainingSeconds, c.RemainingSeconds)
			}
		} else if c.RemainingSeconds <= 60*86400 {
			t.Errorf("auto-rotated %s/%s not rotated: %v s left", c.Node, c.Name, c.RemainingSeconds)
		}
	}
	if internode != 16 {
		t.Errorf("%d internode certificates, want 16", internode)
	}
	for _, g := range only(scrape(t, s, "/v2"), metricINE) {
		if want := map[string]float64{"ine.example.com": 1, "auto.example.com": 0}[g.labels["cluster"]]; g.value != want {
			t.Errorf("%s for %s = %v, want %v", metricINE, g.labels["cluster"], g.value, want)
		}
	}
}
