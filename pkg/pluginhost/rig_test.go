package pluginhost

import (
	"encoding/json"
	"net/http"
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
