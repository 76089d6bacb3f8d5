package pluginhost

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/seed/rscerts/pkg/internal/demorig"
	"github.com/seed/rscerts/pkg/internal/promrig"
	"github.com/seed/rscerts/pkg/simulator"
)

// rig is the demo fleet scraped by a real Prometheus (package demorig).
type rig struct {
	sim  *simulator.Simulator
	prom *promrig.Server
	// instanceOf maps cluster -> node id -> the instance label of that node's per-node target.
	instanceOf map[string]map[string]string
	// ready is when every target had been scraped once.
	ready time.Time
}

func startRig(t *testing.T) *rig {
	t.Helper()
	d := demorig.Start(t)
	return &rig{sim: d.Sim, prom: d.Prom, instanceOf: d.InstanceOf, ready: d.Ready}
}

// startLiveRig starts the rig on the real clock (every sample's value plus its timestamp is
// the certificate's expiry), with these certificates hidden until restored.
func startLiveRig(t *testing.T, hidden ...ref) *rig {
	t.Helper()
	o := demorig.Options{Live: true}
	for _, h := range hidden {
		o.Hidden = append(o.Hidden, demorig.Hidden{Cluster: h.cluster, Node: h.node, Certificate: h.certificate})
	}
	d := demorig.StartWith(t, o)
	return &rig{sim: d.Sim, prom: d.Prom, instanceOf: d.InstanceOf, ready: d.Ready}
}

// ref names one certificate of c1 (docs schema) or c2 (7.18's filename schema in /v2) of the
// demo fleet: both report every certificate but trusted_ca and the Active-Active files in v1
// and v2, with cluster and node labels.
type ref struct{ cluster, node, certificate string }

// storeSelectors select every version's series of the certificate in the store: by
// logical_name, and by filename (c2's /v2).
func (c ref) storeSelectors() [2]string {
	m := fmt.Sprintf(`__name__=~"node_cert_expiration_seconds|node_cert_expires_in_seconds",cluster=%q,node=%q`, c.cluster, c.node)
	return [2]string{fmt.Sprintf(`{%s,logical_name=%q}`, m, c.certificate), fmt.Sprintf(`{%s,filename=%q}`, m, c.certificate+"_cert.pem")}
}

// storeSelector is both as one expression.
func (c ref) storeSelector() string {
	s := c.storeSelectors()
	return s[0] + " or " + s[1]
}

// storeVersions is how many versions' series of the certificate the store has now.
func (r *rig) storeVersions(t *testing.T, c ref) int {
	t.Helper()
	return len(r.prom.QuerySamples(t, `count by (__name__) (`+c.storeSelector()+`)`))
}

// waitStore waits until the store has the certificate from both versions (or from none); it
// is the store's state a query describes, and scrapes decide it, not the simulator's flag.
func (r *rig) waitStore(t *testing.T, c ref, present bool) {
	t.Helper()
	want := 0
	if present {
		want = 2
	}
	deadline := time.Now().Add(30 * time.Second)
	for r.storeVersions(t, c) != want {
		if time.Now().After(deadline) {
			t.Fatalf("the store does not have %v from %d versions after 30s", c, want)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// vanish hides the certificate and waits until the store no longer has it; it returns when
// the hiding started (the last sample is at most a scrape interval before).
func (r *rig) vanish(t *testing.T, c ref) time.Time {
	t.Helper()
	at := time.Now()
	r.sim.Vanish(c.cluster, c.node, c.certificate)
	r.waitStore(t, c, false)
	return at
}

// restore shows the certificate again and waits until the store has it.
func (r *rig) restore(t *testing.T, c ref) {
	t.Helper()
	r.sim.Restore(c.cluster, c.node, c.certificate)
	r.waitStore(t, c, true)
}

// expiry is the certificate's expiry in the simulator.
func (r *rig) expiry(t *testing.T, c ref) time.Time {
	t.Helper()
	for _, s := range r.sim.Certificates() {
		if s.Cluster == c.cluster && s.Node == c.node && s.Name == c.certificate {
			return s.Expiry
		}
	}
	t.Fatalf("no certificate %v in the simulator", c)
	return time.Time{}
}

// storedExpiries are the expiries the store's v2 samples of the certificate imply (value,
// seconds left, plus timestamp) over the last ten minutes, oldest first. A frozen rig's
// implied expiry grows with the sample's time. v1 reports the same seconds left (the simulator
// serves one clock to both versions), so v2's samples are enough.
func (r *rig) storedExpiries(t *testing.T, c ref) []time.Time {
	t.Helper()
	var out []time.Time
	for _, s := range r.storedV2Samples(t, c) {
		out = append(out, s.Time.Add(time.Duration(s.Value*float64(time.Second))))
	}
	slices.SortFunc(out, time.Time.Compare)
	return out
}

// storedV2Samples are the store's v2 samples of the certificate over the last ten minutes.
func (r *rig) storedV2Samples(t *testing.T, c ref) []promrig.Sample {
	t.Helper()
	var out []promrig.Sample
	for _, sel := range c.storeSelectors() {
		sel = strings.Replace(sel, `__name__=~"node_cert_expiration_seconds|node_cert_expires_in_seconds"`, `__name__="node_cert_expires_in_seconds"`, 1)
		out = append(out, r.prom.RawSamples(t, sel, 10*time.Minute)...)
	}
	if len(out) == 0 {
		t.Fatalf("the store has no v2 sample of %v in the last ten minutes", c)
	}
	return out
}

// checkLastExpiry checks a missing row's expiry against the certificate's (a live rig: every
// sample's value plus its timestamp is the expiry, to the milliseconds between the scrape's
// start and the exporter's answer). The plugin overstates it only for a certificate with a
// single sample in its last slice, by less than `slack` (the time since that sample).
func (r *rig) checkLastExpiry(t *testing.T, got row, c ref, slack time.Duration) {
	t.Helper()
	want := r.expiry(t, c)
	if d := got.ExpiresAt.Sub(want); d < -time.Second || d > slack+time.Second {
		t.Errorf("%v: expires at %s, %s from its expiry %s (allowed: -1s .. %s)", c, got.ExpiresAt.Format(time.RFC3339Nano), d, want.Format(time.RFC3339Nano), slack+time.Second)
	}
}

// storeName is how health must name the rig's store: "Prometheus " and the version its
// buildinfo reports (empty for a `go install` build); VictoriaMetrics (whose buildinfo
// always says 2.24.0) with its release when the binary knows it.
func (r *rig) storeName(t *testing.T) string {
	t.Helper()
	if r.prom.Kind == promrig.KindVictoriaMetrics {
		if r.prom.SelfVersion {
			return "VictoriaMetrics " + r.prom.Version
		}
		return "VictoriaMetrics"
	}
	return strings.TrimSpace("Prometheus " + r.buildVersion(t))
}

// buildVersion asks the rig's Prometheus for the version its buildinfo reports.
func (r *rig) buildVersion(t *testing.T) string {
	t.Helper()
	resp, err := http.Get(r.prom.URL + "/api/v1/status/buildinfo")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var bi struct {
		Data struct {
			Version string `json:"version"`
		} `json:"data"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&bi); err != nil {
		t.Fatal(err)
	}
	return bi.Data.Version
}
