package simulator

import (
	"net/http"
	"sync"
	"testing"
	"time"
)

func clustersAndNodes(samples []sample) map[string]map[string]int {
	m := map[string]map[string]int{}
	for _, x := range samples {
		if x.metric == metricINE || x.labels["exporter"] == "x509-certificate-exporter" {
			continue
		}
		if m[x.labels["cluster"]] == nil {
			m[x.labels["cluster"]] = map[string]int{}
		}
		m[x.labels["cluster"]][x.labels["node"]]++
	}
	return m
}

func TestParams(t *testing.T) {
	s := newSim(t)
	// /v2 is cluster-wide: every node's series, each cluster once.
	all := clustersAndNodes(scrape(t, s, "/v2"))
	if len(all["c1.example.com"]) != 3 || len(all["c2.example.com"]) != 3 || len(all["legacy.example.com"]) != 2 {
		t.Errorf("default /v2: %v", all)
	}
	if all[""][""] != 10 { // node-endpoint: node 1's own series, without cluster or node
		t.Errorf("node-endpoint default scrape: %d series, want 10", all[""][""])
	}

	got := clustersAndNodes(scrape(t, s, "/v2?cluster=c2.example.com&cluster=c1.example.com"))
	if len(got) != 2 || got["c1.example.com"]["1"] != 10 || got["c2.example.com"]["2"] != 12 {
		t.Errorf("two clusters: %v", got)
	}
	ine := only(scrape(t, s, "/v2?cluster=c2.example.com&cluster=c1.example.com"), metricINE)
	if len(ine) != 2 || ine[0].labels["cluster"] != "c1.example.com" { // configuration order
		t.Errorf("INE gauges: %v", ine)
	}

	got = clustersAndNodes(scrape(t, s, "/?node=3"))
	if len(got) != 2 || len(got["c1.example.com"]) != 1 || got["c1.example.com"]["3"] != 9 {
		t.Errorf("node=3 on v1 (only c1 and c2 have 3 nodes): %v", got)
	}

	// A node-endpoint node returns its own series only.
	n1 := scrape(t, s, "/v2?cluster=c3.example.com")
	n2 := scrape(t, s, "/v2?cluster=c3.example.com&node=2")
	want := map[string]float64{}
	for _, c := range s.Certificates() {
		if c.Cluster == "c3.example.com" && c.Node == "2" {
			want[c.Name] = c.RemainingSeconds
		}
	}
	for _, x := range only(n2, metricV2) {
		if want[certName(x)] != x.value {
			t.Errorf("node 2 %s = %v, want %v", certName(x), x.value, want[certName(x)])
		}
		delete(want, certName(x))
	}
	if len(want) != 0 || len(n1) != len(n2) {
		t.Errorf("node 2 misses %v; %d vs %d series", want, len(n1), len(n2))
	}

	for target, code := range map[string]int{
		"/v2?cluster=nope":                      http.StatusNotFound,
		"/v2?node=0":                            http.StatusBadRequest,
		"/?node=abc":                            http.StatusBadRequest,
		"/v2?cluster=legacy.example.com&node=3": http.StatusNotFound,
		"/nope":                                 http.StatusNotFound,
		"/healthz":                              http.StatusOK,
	} {
		if got, _, _ := do(t, s, http.MethodGet, target, nil); got != code {
			t.Errorf("GET %s: %d, want %d", target, got, code)
		}
	}
}

// Scrapes, control calls and clock moves at once: for the race detector.
func TestConcurrentUse(t *testing.T) {
	s, err := New(Config{Clusters: DemoClusters(), Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range 20 {
				switch (i + j) % 4 {
				case 0:
					scrape(t, s, "/v2")
				case 1:
					scrape(t, s, "/")
				case 2:
					s.Vanish("c1.example.com", "", "api")
					s.Restore("c1.example.com", "", "api")
				default:
					s.SetNow(time.Now())
					_ = s.Certificates()
				}
			}
		}()
	}
	wg.Wait()
}
