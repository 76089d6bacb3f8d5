package simulator

import (
	"errors"
	"math"
	"slices"
	"strings"
	"testing"
	"time"
)

const dayD = 24 * time.Hour

func newScenario(t *testing.T, cfg Config) *Simulator {
	t.Helper()
	if cfg.Clusters == nil {
		cfg.Clusters = DemoClusters()
	}
	cfg.Seed, cfg.Start, cfg.Frozen = 1, testStart, true
	s, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func days(c Certificate) float64 { return c.RemainingSeconds / 86400 }

func TestSpeed(t *testing.T) {
	s, err := New(Config{Clusters: DemoClusters(), Seed: 1, Start: testStart, Speed: 1440})
	if err != nil {
		t.Fatal(err)
	}
	real0 := time.Now()
	time.Sleep(50 * time.Millisecond)
	got, elapsed := s.Now().Sub(testStart), time.Since(real0)
	// At most the real time since New, times the speed; at least the sleep, times it.
	if got < 50*time.Millisecond*1440 || got > (elapsed+time.Second)*1440 {
		t.Errorf("after %v real at speed 1440 the clock moved %v", elapsed, got)
	}
	if s.Speed() != 1440 {
		t.Errorf("Speed() = %v", s.Speed())
	}
	// SetNow re-anchors and keeps the speed.
	to := testStart.Add(-30 * dayD)
	s.SetNow(to)
	time.Sleep(20 * time.Millisecond)
	if d := s.Now().Sub(to); d < 20*time.Millisecond*1440 || d > 20*time.Second*1440 {
		t.Errorf("after SetNow the clock moved %v in 20ms", d)
	}
	// The values count down at the simulated rate.
	c0 := find(t, s, "c1.example.com", "1", "cm")
	time.Sleep(10 * time.Millisecond)
	if c1 := find(t, s, "c1.example.com", "1", "cm"); c0.RemainingSeconds-c1.RemainingSeconds < 14 {
		t.Errorf("10ms at speed 1440 took %v s off, want >= 14.4", c0.RemainingSeconds-c1.RemainingSeconds)
	}

	// Frozen ignores it; 0 and 1 are real time.
	f, _ := New(Config{Clusters: DemoClusters(), Seed: 1, Start: testStart, Frozen: true, Speed: 1e6})
	time.Sleep(5 * time.Millisecond)
	if !f.Now().Equal(testStart) {
		t.Errorf("frozen clock at speed 1e6 moved to %v", f.Now())
	}
	for _, speed := range []float64{0, 1} {
		r, _ := New(Config{Clusters: DemoClusters(), Seed: 1, Start: testStart, Speed: speed})
		time.Sleep(20 * time.Millisecond)
		if d := r.Now().Sub(testStart); d < 20*time.Millisecond || d > 10*time.Second {
			t.Errorf("speed %v: after 20ms the clock moved %v", speed, d)
		}
	}
	for _, bad := range []float64{-1, math.NaN(), math.Inf(1)} {
		if _, err := New(Config{Clusters: DemoClusters(), Speed: bad}); err == nil {
			t.Errorf("speed %v accepted", bad)
		}
	}
}

func TestScheduledRenewal(t *testing.T) {
	const cl = "c2.example.com"
	s := newScenario(t, Config{Renewals: []Renewal{
		{Cluster: cl, Certificate: "proxy", Nodes: []string{"1", "2"}, After: 24 * time.Hour},
		{Cluster: cl, Certificate: "api_cert.pem", After: 24 * time.Hour, Lifetime: 400 * dayD},
		{Cluster: cl, Certificate: "mesh_ca_signed", Nodes: []string{"3"}, After: 2 * time.Hour},
	}})
	before := map[string]Certificate{}
	for _, c := range s.Certificates() {
		if c.Cluster == cl {
			before[c.Node+"/"+c.Name] = c
		}
	}
	at := testStart.Add(24 * time.Hour)

	// A second before, nothing changed but the countdown.
	s.SetNow(at.Add(-time.Second))
	for _, name := range []string{"proxy", "api"} {
		for _, n := range []string{"1", "2", "3"} {
			if c := find(t, s, cl, n, name); !c.Expiry.Equal(before[n+"/"+name].Expiry) || !c.RenewedAt.IsZero() {
				t.Errorf("before the renewal: %s/%s expiry %v (was %v), renewed at %v", n, name, c.Expiry, before[n+"/"+name].Expiry, c.RenewedAt)
			}
		}
	}
	// At it, the named nodes hold a new certificate: a year (the default) or 400 days.
	s.SetNow(at)
	for _, n := range []string{"1", "2", "3"} {
		p, a := find(t, s, cl, n, "proxy"), find(t, s, cl, n, "api")
		if n == "3" {
			if !p.Expiry.Equal(before["3/proxy"].Expiry) || !p.RenewedAt.IsZero() {
				t.Errorf("proxy renewed on node 3 too: %v", p.Expiry)
			}
		} else if !p.Expiry.Equal(at.Add(DefaultUserLifetime)) || !p.RenewedAt.Equal(at) {
			t.Errorf("node %s proxy: expiry %v renewed at %v, want %v at %v", n, p.Expiry, p.RenewedAt, at.Add(DefaultUserLifetime), at)
		}
		if !a.Expiry.Equal(at.Add(400*dayD)) || a.RemainingSeconds != 400*86400 {
			t.Errorf("node %s api: expiry %v (%v s left), want %v", n, a.Expiry, a.RemainingSeconds, at.Add(400*dayD))
		}
	}
	// The scrape says so too (the value is what the store records).
	for _, x := range only(scrape(t, s, "/v2?cluster="+cl), metricV2) {
		if certName(x) == "proxy" {
			if want := map[string]float64{"1": 365 * 86400, "2": 365 * 86400, "3": before["3/proxy"].RemainingSeconds - 86400}[x.labels["node"]]; x.value != want {
				t.Errorf("/v2 proxy node %s = %v, want %v", x.labels["node"], x.value, want)
			}
		}
	}
	// An internode renewal (90 days by default) keeps rotating afterwards.
	m := find(t, s, cl, "3", "mesh_ca_signed")
	if want := testStart.Add(2 * time.Hour).Add(DefaultInternodeLifetime); !m.Expiry.Equal(want) || !m.AutoRotated {
		t.Errorf("node 3 mesh_ca_signed expires %v, want %v", m.Expiry, want)
	}
	s.SetNow(testStart.Add(2*time.Hour + 30*dayD))
	if m := find(t, s, cl, "3", "mesh_ca_signed"); days(m) != 90 {
		t.Errorf("30 days after its renewal node 3's mesh_ca_signed has %v days, want 90 (rotated)", days(m))
	}
	// Stateless: moving the clock back before the renewal shows the old certificate.
	s.SetNow(testStart)
	for _, c := range s.Certificates() {
		if b := before[c.Node+"/"+c.Name]; c.Cluster == cl && (!c.Expiry.Equal(b.Expiry) || !c.RenewedAt.IsZero()) {
			t.Errorf("back at start: %s/%s expires %v, was %v", c.Node, c.Name, c.Expiry, b.Expiry)
		}
	}
}

// RS200137: the rotation job skips a node; its internode certificates count down
// through 60, 58 and 45 days while the other nodes' rotate. A first rotation set
// soon makes it happen early.
func TestSkippedRotationAndFirstRotation(t *testing.T) {
	const cl = "c1.example.com"
	s := newScenario(t, Config{
		SkipRotation:   []NodeRef{{cl, "3"}},
		FirstRotations: []FirstRotation{{cl, time.Hour}},
	})
	internode := func() map[string]Certificate {
		m := map[string]Certificate{}
		for _, c := range s.Certificates() {
			if c.Cluster == cl && c.Category == CategoryInternode {
				m[c.Node+"/"+c.Name] = c
			}
		}
		if len(m) != 12 {
			t.Fatalf("%d internode certificates on %s, want 12", len(m), cl)
		}
		return m
	}
	for k, c := range internode() {
		if want := testStart.Add(time.Hour + 60*dayD); !c.Expiry.Equal(want) || !c.AutoRotated || c.RotationSkipped != strings.HasPrefix(k, "3/") {
			t.Errorf("at start %s: %+v, want expiry %v", k, c, want)
		}
	}
	s.SetNow(testStart.Add(time.Hour - time.Second))
	for k, c := range internode() {
		if c.RemainingSeconds != 60*86400+1 {
			t.Errorf("a second before the first rotation %s has %v s", k, c.RemainingSeconds)
		}
	}
	s.SetNow(testStart.Add(time.Hour))
	for k, c := range internode() {
		if want := map[bool]float64{false: 90, true: 60}[strings.HasPrefix(k, "3/")]; days(c) != want {
			t.Errorf("at the first rotation %s has %v days, want %v", k, days(c), want)
		}
	}
	// Node 3 below 58 days two days later, 45 after 15; nodes 1 and 2 stay in (60, 90].
	for _, d := range []float64{2.1, 15.1, 29, 31, 59, 75} {
		s.SetNow(testStart.Add(time.Hour + time.Duration(d*float64(dayD))))
		for k, c := range internode() {
			if strings.HasPrefix(k, "3/") {
				if want := 60 - d; math.Abs(days(c)-want) > 1e-6 {
					t.Errorf("day %v: skipped %s has %v days, want %v", d, k, days(c), want)
				}
			} else if days(c) <= 60 || days(c) > 90 {
				t.Errorf("day %v: %s has %v days, want (60, 90]", d, k, days(c))
			}
		}
	}
	// Other clusters are not affected.
	for _, c := range s.Certificates() {
		if c.Cluster != cl && c.RotationSkipped {
			t.Errorf("%s/%s/%s skipped", c.Cluster, c.Node, c.Name)
		}
	}
	// A renewal of the skipped node brings it back; it is still skipped afterwards.
	s.SetNow(testStart.Add(20 * dayD))
	if n := s.Renew(cl, "3", "gossip_ca_signed", 0); n != 1 {
		t.Fatalf("Renew matched %d", n)
	}
	if g := find(t, s, cl, "3", "gossip_ca_signed"); days(g) != 90 || !g.RenewedAt.Equal(testStart.Add(20*dayD)) {
		t.Errorf("renewed gossip_ca_signed: %v days, renewed at %v", days(g), g.RenewedAt)
	}
	s.SetNow(testStart.Add(20*dayD + 40*dayD))
	if g := find(t, s, cl, "3", "gossip_ca_signed"); days(g) != 50 {
		t.Errorf("40 days after its renewal the skipped node's gossip_ca_signed has %v days, want 50", days(g))
	}
}

// A scenario changes no drawn value it does not name: at Start (before any
// renewal) only c1's internode expiries (its first rotation) differ.
func TestScenarioKeepsTheDraw(t *testing.T) {
	plain, sc := newSim(t), newScenario(t, Config{
		SkipRotation: []NodeRef{{"c1.example.com", "3"}}, FirstRotations: []FirstRotation{{"c1.example.com", time.Hour}},
		Renewals: []Renewal{{Cluster: "c2.example.com", Certificate: "proxy", After: dayD}},
	})
	a, b := plain.Certificates(), sc.Certificates()
	if len(a) != len(b) {
		t.Fatalf("%d certificates, %d with a scenario", len(a), len(b))
	}
	for i := range a {
		x, y := a[i], b[i]
		if x.Cluster == "c1.example.com" && x.Category == CategoryInternode {
			if x.Expiry.Equal(y.Expiry) || y.RotationSkipped != (y.Node == "3") {
				t.Errorf("%s/%s: %+v", y.Node, y.Name, y)
			}
			continue
		}
		if x != y {
			t.Errorf("%s/%s/%s changed: %+v, was %+v", x.Cluster, x.Node, x.Name, y, x)
		}
	}
}

func TestParseScenario(t *testing.T) {
	renewals := []struct {
		spec string
		want Renewal
	}{
		{"c2.example.com/proxy/1,2@24h", Renewal{Cluster: "c2.example.com", Certificate: "proxy", Nodes: []string{"1", "2"}, After: 24 * time.Hour}},
		{"c2.example.com/api@1d", Renewal{Cluster: "c2.example.com", Certificate: "api", After: dayD}},
		{"c2.example.com/api/*@1d12h:400d", Renewal{Cluster: "c2.example.com", Certificate: "api", After: 36 * time.Hour, Lifetime: 400 * dayD}},
		{"c2/client_cert-12941999:1-crdt.pem/2@0s", Renewal{Cluster: "c2", Certificate: "client_cert-12941999:1-crdt.pem", Nodes: []string{"2"}}},
		{"a/b/@90m:1.5d", Renewal{Cluster: "a", Certificate: "b", After: 90 * time.Minute, Lifetime: 36 * time.Hour}},
	}
	for _, tt := range renewals {
		got, err := ParseRenewal(tt.spec)
		if err != nil || got.String() != tt.want.String() || !slices.Equal(got.Nodes, tt.want.Nodes) || got.After != tt.want.After || got.Lifetime != tt.want.Lifetime {
			t.Errorf("ParseRenewal(%q) = %+v, %v; want %+v", tt.spec, got, err, tt.want)
		}
		if again, err := ParseRenewal(got.String()); err != nil || again.String() != got.String() {
			t.Errorf("ParseRenewal(%q.String() = %q) = %+v, %v", tt.spec, got.String(), again, err)
		}
	}
	for _, spec := range []string{
		"", "c2.example.com/proxy", "c2.example.com@24h", "/proxy@24h", "c2//1@24h", "c2/proxy/0@24h",
		"c2/proxy/x@24h", "c2/proxy/1,,2@24h", "c2/proxy@", "c2/proxy@-1h", "c2/proxy@tomorrow",
		"c2/proxy@1h:0s", "c2/proxy@1h:-5d", "c2/proxy@1h:xd", "c2/proxy@1h:1e3d", "c2/proxy@1h:40000000d",
	} {
		if r, err := ParseRenewal(spec); err == nil {
			t.Errorf("ParseRenewal(%q) = %+v, no error", spec, r)
		} else if se := (*ScenarioError)(nil); !errors.As(err, &se) || se.Field != "Renewals" || se.Spec != spec {
			t.Errorf("ParseRenewal(%q): %v is not a ScenarioError naming the spec", spec, err)
		}
	}

	if got, err := ParseSkipRotation("c1.example.com/3"); err != nil || !slices.Equal(got, []NodeRef{{"c1.example.com", "3"}}) {
		t.Errorf("ParseSkipRotation: %v, %v", got, err)
	}
	if got, err := ParseSkipRotation("a/b/2,3"); err != nil || !slices.Equal(got, []NodeRef{{"a/b", "2"}, {"a/b", "3"}}) {
		t.Errorf("ParseSkipRotation with two nodes: %v, %v", got, err)
	}
	for _, spec := range []string{"", "c1", "c1/", "/3", "c1/0", "c1/three"} {
		if _, err := ParseSkipRotation(spec); err == nil {
			t.Errorf("ParseSkipRotation(%q): no error", spec)
		}
	}
	if got, err := ParseFirstRotation("c1.example.com@1h"); err != nil || got != (FirstRotation{"c1.example.com", time.Hour}) {
		t.Errorf("ParseFirstRotation: %v, %v", got, err)
	}
	for _, spec := range []string{"", "c1", "@1h", "c1@", "c1@0s", "c1@-1h", "c1@31d", "c1@soon"} {
		if _, err := ParseFirstRotation(spec); err == nil {
			t.Errorf("ParseFirstRotation(%q): no error", spec)
		}
	}
}

// New refuses what names nothing, naming the entry and the reason.
func TestScenarioRejects(t *testing.T) {
	ine := append(DemoClusters(), ClusterConfig{Name: "ine", Nodes: 2, CustomerManagedINE: true})
	for want, cfg := range map[string]Config{
		`renewal "c9/proxy@1h": unknown cluster "c9"`:                                 {Renewals: []Renewal{{Cluster: "c9", Certificate: "proxy", After: time.Hour}}},
		`renewal "c1.example.com/proxy/4@1h": cluster "c1.example.com" has no node 4`: {Renewals: []Renewal{{Cluster: "c1.example.com", Certificate: "proxy", Nodes: []string{"4"}, After: time.Hour}}},
		`renewal "c1.example.com/nope@1h": no certificate "nope"`:                     {Renewals: []Renewal{{Cluster: "c1.example.com", Certificate: "nope", After: time.Hour}}},
		`renewal "c2.example.com/client_cert-12941999:1-crdt/1@1d": no certificate`:   {Renewals: []Renewal{{Cluster: "c2.example.com", Certificate: "client_cert-12941999:1-crdt", Nodes: []string{"1"}, After: dayD}}},
		`renewal "c1.example.com/api@-1h": after must not be negative`:                {Renewals: []Renewal{{Cluster: "c1.example.com", Certificate: "api", After: -time.Hour}}},
		`skipped rotation "c1.example.com/4": cluster "c1.example.com" has no node 4`: {SkipRotation: []NodeRef{{"c1.example.com", "4"}}},
		`skipped rotation "c9/1": unknown cluster "c9"`:                               {SkipRotation: []NodeRef{{"c9", "1"}}},
		`skipped rotation "ine/1": cluster "ine" has customer-managed internode`:      {Clusters: ine, SkipRotation: []NodeRef{{"ine", "1"}}},
		`first rotation "ine@1h": cluster "ine" has customer-managed`:                 {Clusters: ine, FirstRotations: []FirstRotation{{"ine", time.Hour}}},
		`first rotation "c1.example.com@31d": after must be in (0, 30d]`:              {FirstRotations: []FirstRotation{{"c1.example.com", 31 * dayD}}},
		`first rotation "c1.example.com@2h": set twice`:                               {FirstRotations: []FirstRotation{{"c1.example.com", time.Hour}, {"c1.example.com", 2 * time.Hour}}},
	} {
		if cfg.Clusters == nil {
			cfg.Clusters = DemoClusters()
		}
		_, err := New(cfg)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("New: %v, want an error containing %q", err, want)
		}
		var se *ScenarioError
		if !errors.As(err, &se) {
			t.Errorf("%v is not a ScenarioError", err)
		}
	}
}
