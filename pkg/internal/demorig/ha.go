package demorig

import (
	"testing"
	"time"

	"github.com/seed/rscerts/pkg/internal/promrig"
)

// ReplicaLabel is the external label that tells an HA pair's two Prometheus servers apart.
const ReplicaLabel = "replica"

// HARig is the demo fleet scraped by an HA pair: two Prometheus servers, differing only in
// their `replica` external label (a, b), remote-write every sample into one VictoriaMetrics
// single-node, which is Prom: each certificate series is there twice, once per replica.
type HARig struct {
	*Rig
	Replicas []*promrig.Server
}

// StartHA starts the fleet (Start, whose own store is stopped once its scrape jobs are known)
// and the HA pair, and waits until the VictoriaMetrics has every target's series from both.
func StartHA(t testing.TB) *HARig {
	t.Helper()
	base := Start(t)
	jobs := base.Prom.Config.Jobs
	base.Prom.Stop()
	h := &HARig{Rig: base}
	h.Prom = promrig.StartVictoriaMetrics(t, promrig.Config{})
	for _, replica := range []string{"a", "b"} {
		h.Replicas = append(h.Replicas, promrig.StartPrometheus(t, promrig.Config{Jobs: jobs, ScrapeInterval: base.Prom.Config.ScrapeInterval,
			ExternalLabels: map[string]string{ReplicaLabel: replica}, RemoteWrite: []string{h.Prom.URL + "/api/v1/write"}}))
	}
	targets := 0
	for _, j := range jobs {
		targets += len(j.Targets)
	}
	h.Prom.WaitForSeries(t, `count by (job, instance, `+ReplicaLabel+`) ({__name__=~"node_cert_expiration_seconds|node_cert_expires_in_seconds|x509_cert_expires_in_seconds"})`,
		targets*len(h.Replicas), 90*time.Second)
	h.Ready = time.Now()
	return h
}
