package pluginhost

// Stores that scale past one Prometheus (README "Stores"): a Mimir- or Cortex-like gateway
// (path prefix, tenant header) in front of the rig's real store, an HA pair of real Prometheus
// servers remote-writing into one real VictoriaMetrics, and a Thanos-style partial response.

import (
	"context"
	"encoding/json"
	"math"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/grafana/grafana-plugin-sdk-go/data"

	"github.com/seed/rscerts/pkg/certs"
	"github.com/seed/rscerts/pkg/internal/demorig"
	"github.com/seed/rscerts/pkg/internal/promrig"
)

const (
	tenantHeader = "X-Scope-OrgID"
	tenant       = "tenant-1"
)

// tenantSettings are a datasource's custom header, as Grafana saves it: the name in
// jsonData, the value in secureJsonData.
func tenantSettings() (map[string]any, map[string]string) {
	return map[string]any{"httpHeaderName1": tenantHeader, "missingLookback": "1m"}, map[string]string{"httpHeaderValue1": tenant}
}

// everyKind runs each query type once and the three resources; it returns the table rows.
func everyKind(t *testing.T, r *rig, ds *Datasource) []row {
	t.Helper()
	rows := tableRows(t, r.query(t, ds, map[string]any{"queryType": "certificates"}))
	if days := r.query(t, ds, map[string]any{"queryType": "days"}); days.Error != nil || len(days.Frames) != len(rows) {
		t.Errorf("days: %d frames for %d rows, error %v", len(days.Frames), len(rows), days.Error)
	}
	now := time.Now()
	q := dataQuery("A", map[string]any{"queryType": "timeseries", "groupBy": "cluster"}, now.Add(-time.Minute), now)
	q.Interval = time.Second
	out, err := ds.QueryData(context.Background(), &backend.QueryDataRequest{Queries: []backend.DataQuery{q}})
	if ts := out.Responses["A"]; err != nil || ts.Error != nil || len(ts.Frames) != 4 {
		t.Errorf("timeseries: %d frames, error %v %v", len(ts.Frames), err, ts.Error)
	}
	for _, path := range []string{"clusters", "nodes?cluster=c1.example.com", "certificates?cluster=c1.example.com"} {
		status, body := resourceCall(t, ds, strings.SplitN(path, "?", 2)[0], path)
		var values []string
		if status != http.StatusOK || json.Unmarshal(body, &values) != nil || len(values) == 0 {
			t.Errorf("resource %s: %d %s", path, status, body)
		}
	}
	return rows
}

// checkOneRowEach checks that rows are exactly the certificates the simulator serves, once
// each, with their days and status.
func checkOneRowEach(t *testing.T, r *rig, rows []row) {
	t.Helper()
	want := r.expected()
	seen := map[certs.Identity]bool{}
	for _, got := range rows {
		id := certs.Identity{Cluster: got.Cluster, Node: got.Node, Certificate: got.Certificate}
		w, ok := want[id]
		switch {
		case seen[id]:
			t.Errorf("two rows for %v", id)
		case !ok:
			t.Errorf("unexpected row %+v", got)
		case got.Status != w.Status || got.Category != w.Category || math.Abs(got.Days-w.Days) > 1e-6:
			t.Errorf("row %v:\n got %+v\nwant %+v", id, got, w)
		}
		seen[id] = true
	}
	if len(seen) != len(want) {
		t.Errorf("%d certificates in %d rows, want %d", len(seen), len(rows), len(want))
	}
}

// A Mimir-like gateway: the API only under /prometheus, nothing without the tenant header.
// The datasource's custom header must reach every request: health (build info), instant and
// range queries, resources.
func TestStoreBehindTenantGateway(t *testing.T) {
	r := startRig(t)
	gw := promrig.StartGateway(t, r.prom.URL, "/prometheus", tenantHeader, tenant)
	jsonData, secure := tenantSettings()

	for _, url := range []string{gw.URL, gw.URL + "/"} {
		ds := newTestDatasource(t, url, jsonData, secure)
		h, err := ds.CheckHealth(context.Background(), &backend.CheckHealthRequest{})
		if err != nil || h.Status != backend.HealthStatusOk || !strings.HasPrefix(h.Message, r.storeName(t)+": ") || !strings.Contains(h.Message, "4 clusters") {
			t.Fatalf("%s: health %v %q (err %v); refused %v", url, h.Status, h.Message, err, gw.Refused())
		}
		checkOneRowEach(t, r, everyKind(t, r, ds))
	}
	if refused := gw.Refused(); len(refused) > 0 {
		t.Errorf("requests without the tenant header or outside the prefix: %v", refused)
	}
	got := gw.Forwarded()
	for _, path := range []string{"/api/v1/status/buildinfo", "/api/v1/query", "/api/v1/query_range", "/api/v1/series"} {
		if got[path] == 0 {
			t.Errorf("no %s reached the store through the gateway: %v", path, got)
		}
	}

	// Without the header: the gateway's 401 is named, by health and by queries.
	ds := newTestDatasource(t, gw.URL, map[string]any{"missingLookback": "1m"}, nil)
	if h, _ := ds.CheckHealth(context.Background(), &backend.CheckHealthRequest{}); h.Status != backend.HealthStatusError || !strings.Contains(h.Message, "401") {
		t.Errorf("health without tenant: %v %q", h.Status, h.Message)
	}
	if resp := r.query(t, ds, map[string]any{}); resp.Error == nil || resp.Status != backend.StatusUnauthorized {
		t.Errorf("query without tenant: status %v, error %v", resp.Status, resp.Error)
	}
}

// An HA pair: two real Prometheus servers scrape the same fleet, differing only in their
// `replica` external label, and remote-write into one real VictoriaMetrics, which so holds
// every certificate series twice. Each certificate must still be one row, one alert value.
func TestHAPairIsOneRowPerCertificate(t *testing.T) {
	h := demorig.StartHA(t)
	r := &rig{sim: h.Sim, prom: h.Prom, instanceOf: h.InstanceOf, ready: h.Ready}
	replicas := map[string]bool{}
	for _, l := range r.prom.Query(t, `node_cert_expiration_seconds{logical_name="api",cluster="c1.example.com",node="1"}`) {
		replicas[l[demorig.ReplicaLabel]] = true
	}
	if len(replicas) != 2 || !replicas["a"] || !replicas["b"] {
		t.Fatalf("the store should hold one series per replica, got replicas %v", replicas)
	}
	ds := newTestDatasource(t, r.prom.URL, map[string]any{"missingLookback": "1m"}, nil)
	checkOneRowEach(t, r, everyKind(t, r, ds))
	for _, by := range []string{"certificate", "cluster"} {
		resp := r.query(t, ds, map[string]any{"queryType": "days", "groupBy": by})
		if resp.Error != nil {
			t.Fatalf("days by %s: %v", by, resp.Error)
		}
		var labels []string
		for _, f := range resp.Frames {
			l := f.Fields[0].Labels
			if _, ok := l[demorig.ReplicaLabel]; ok {
				t.Errorf("days by %s carries the replica label: %v", by, l)
			}
			labels = append(labels, l.String())
		}
		slices.Sort(labels)
		if len(slices.Compact(labels)) != len(resp.Frames) {
			t.Errorf("days by %s: two frames with the same labels: %v", by, labels)
		}
	}
}

// Thanos Query answers a partial response (a store down) with status success and warnings.
// Only a stub can be that store here; the warning must reach every query's frame.
func TestThanosPartialResponseIsAWarning(t *testing.T) {
	const warning = `receive series from Addr: 10.0.0.7:10901 LabelSets: {replica="b"} MinTime: 0 MaxTime: 9223372036854775807: rpc error: code = Unavailable desc = connection refused`
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { healthyAnswer(w, r, warning) }))
	defer srv.Close()
	ds := newTestDatasource(t, srv.URL, nil, nil)
	now := time.Now()
	for _, kind := range []string{"certificates", "days", "timeseries"} {
		resp, err := ds.QueryData(context.Background(), &backend.QueryDataRequest{Queries: []backend.DataQuery{
			dataQuery("A", map[string]any{"queryType": kind}, now.Add(-time.Hour), now)}})
		if err != nil {
			t.Fatal(err)
		}
		a := resp.Responses["A"]
		if a.Error != nil || len(a.Frames) == 0 || a.Frames[0].Meta == nil || !hasWarning(a.Frames[0].Meta.Notices, warning) {
			t.Errorf("%s: want the partial response as a frame notice, got %s", kind, mustJSON(a))
		}
	}
}

// hasWarning tells whether a warning notice carries text (after the plugin's own prefix).
func hasWarning(notices []data.Notice, text string) bool {
	return slices.ContainsFunc(notices, func(n data.Notice) bool {
		return n.Severity == data.NoticeSeverityWarning && strings.Contains(n.Text, text)
	})
}
