package e2e

import (
	"strings"
	"testing"

	pluginv2 "github.com/grafana/grafana-plugin-sdk-go/genproto/pluginv2"

	"github.com/seed/rscerts/pkg/internal/pluginproc"
	"github.com/seed/rscerts/pkg/internal/promrig"
)

// TestProtocolThroughTenantGateway runs the built plugin against the rig's store behind a
// Mimir-like gateway (API under /prometheus only, 401 without X-Scope-OrgID): the custom
// header, configured as Grafana saves it (name in jsonData, value in secure JSON), must
// reach health, queries and resources.
func TestProtocolThroughTenantGateway(t *testing.T) {
	r := startRig(t)
	p := pluginproc.Start(t)
	gw := promrig.StartGateway(t, r.prom.URL, "/prometheus", "X-Scope-OrgID", "tenant-1")
	tenant := pluginproc.DS{ID: 11, UID: "rscerts-tenant", URL: gw.URL, JSON: `{"httpHeaderName1":"X-Scope-OrgID"}`,
		Secure: map[string]string{"httpHeaderValue1": "tenant-1"}, Updated: savedAt(0)}

	if h := p.Health(t, tenant); h.Status != pluginv2.CheckHealthResponse_OK || !strings.HasPrefix(h.Message, r.prom.Name()) || !strings.Contains(h.Message, "4 clusters") {
		t.Fatalf("health through the gateway: %v %q; refused %v", h.Status, h.Message, gw.Refused())
	}
	resp := p.Query(t, tenant, pluginproc.GrafanaUser, nil, dq("table", map[string]any{}), dq("days", map[string]any{"queryType": "days"}))
	if rows := tableRows(t, resp.Responses["table"]); len(rows) == 0 {
		t.Fatal("no rows through the gateway")
	}
	if d := resp.Responses["days"]; d.Error != nil || len(d.Frames) == 0 {
		t.Fatalf("days through the gateway: %d frames, %v", len(d.Frames), d.Error)
	}
	if status, body := p.Resource(t, tenant, "GET", "clusters"); status != 200 || !strings.Contains(string(body), "c1.example.com") {
		t.Fatalf("clusters through the gateway: %d %s", status, body)
	}
	if refused := gw.Refused(); len(refused) > 0 {
		t.Errorf("requests refused by the gateway (no tenant header, or outside /prometheus): %v", refused)
	}
	if got := gw.Forwarded(); got["/api/v1/status/buildinfo"] == 0 || got["/api/v1/query"] == 0 {
		t.Errorf("forwarded: %v", got)
	}
}
