// Package e2e tests the built plugin executable the way Grafana talks to it, through
// package pluginproc (the go-plugin client, the SDK handshake, gRPC with real PluginContexts).
// It is a test-only package.
package e2e

import (
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/grafana/grafana-plugin-sdk-go/data"
	"github.com/grafana/grafana-plugin-sdk-go/genproto/pluginv2"

	"github.com/seed/rscerts/pkg/internal/pluginproc"
)

// Fixed instance "saved" times: Grafana sends the datasource's Updated (ms precision) and
// the SDK re-creates the instance only when it moves.
var saved0 = time.Date(2026, 10, 1, 9, 0, 0, 0, time.UTC)

func savedAt(n int) time.Time { return saved0.Add(time.Duration(n) * time.Second) }

// dq is a data query as Grafana's query runner sends it: the model with refId and the
// datasource reference inside the JSON, a time range, an interval and max data points.
func dq(refID string, model map[string]any) backend.DataQuery {
	m := map[string]any{"refId": refID, "datasource": map[string]string{"type": pluginproc.PluginID}}
	for k, v := range model {
		m[k] = v
	}
	raw, _ := json.Marshal(m)
	now := time.Now()
	qt, _ := model["queryType"].(string)
	return backend.DataQuery{RefID: refID, QueryType: qt, JSON: raw, Interval: time.Second, MaxDataPoints: 1000,
		TimeRange: backend.TimeRange{From: now.Add(-10 * time.Minute), To: now}}
}

// row is one certificates-table row.
type row struct {
	Cluster, Node, Certificate, Category, Status string
	Days                                         float64
}

func (r row) id() string { return r.Cluster + "|" + r.Node + "|" + r.Certificate }

var tableFields = []string{"Cluster", "Node", "Certificate", "Category", "Days remaining", "Expires at", "Status", "Source", "Path", "Days behind"}

func tableRows(t *testing.T, r backend.DataResponse) []row {
	t.Helper()
	if r.Error != nil {
		t.Fatalf("query failed: %v", r.Error)
	}
	if len(r.Frames) != 1 {
		t.Fatalf("want one table frame, got %d", len(r.Frames))
	}
	f := r.Frames[0]
	if f.Meta == nil || f.Meta.Type != data.FrameTypeTable {
		t.Fatalf("table frame type %v", metaType(f))
	}
	for i, name := range tableFields {
		if len(f.Fields) != len(tableFields) || f.Fields[i].Name != name {
			t.Fatalf("table fields %v, want %v", fieldNames(f), tableFields)
		}
	}
	out := make([]row, f.Rows())
	for i := range out {
		s := func(j int) string { return f.Fields[j].At(i).(string) }
		out[i] = row{Cluster: s(0), Node: s(1), Certificate: s(2), Category: s(3), Status: s(6), Days: f.Fields[4].At(i).(float64)}
	}
	return out
}

func fieldNames(f *data.Frame) []string {
	var n []string
	for _, fl := range f.Fields {
		n = append(n, fl.Name)
	}
	return n
}

// protocolFixture is what every case of TestProtocolAgainstRealPrometheus shares: one rig,
// one plugin process, and the datasource reading the rig's Prometheus.
type protocolFixture struct {
	r    *rig
	p    *pluginproc.Proc
	good pluginproc.DS
}

// TestProtocolAgainstRealPrometheus runs the built plugin process against a real Prometheus
// scraping the simulator, through the gRPC protocol only. The cases run in order on one
// fixture: the renewal changes the rig, the settings cases move the instances' Updated.
func TestProtocolAgainstRealPrometheus(t *testing.T) {
	r := startRig(t)
	fx := &protocolFixture{r: r, p: pluginproc.Start(t),
		good: pluginproc.DS{ID: 1, UID: "rscerts-good", URL: r.prom.URL, Updated: savedAt(0)}}

	t.Run("health OK names the store and what it found", func(t *testing.T) { protocolHealth(t, fx) })
	t.Run("every query type and groupBy in one request", func(t *testing.T) { protocolEveryQueryType(t, fx) })
	t.Run("renewals, days behind and expiry values over the protocol", func(t *testing.T) { protocolRenewals(t, fx) })
	t.Run("resources", func(t *testing.T) { protocolResources(t, fx) })
	t.Run("a dead datasource fails alone", func(t *testing.T) { protocolDeadDatasource(t, fx) })
	t.Run("changed settings apply on the next call once Updated moves", func(t *testing.T) { protocolChangedSettings(t, fx) })
	t.Run("basic auth reaches Prometheus", func(t *testing.T) { protocolBasicAuth(t, fx) })
	t.Run("alerting reads one numeric-long frame, panels numeric-multi frames, with the same instances",
		func(t *testing.T) { protocolAlerting(t, fx) })
}

func protocolHealth(t *testing.T, fx *protocolFixture) {
	h := fx.p.Health(t, fx.good)
	if h.Status != pluginv2.CheckHealthResponse_OK || !strings.HasPrefix(h.Message, fx.r.prom.Name()) || !strings.Contains(h.Message, "4 clusters") {
		t.Fatalf("health %v: %q", h.Status, h.Message)
	}
}

func protocolEveryQueryType(t *testing.T, fx *protocolFixture) {
	var queries []backend.DataQuery
	for _, qt := range []string{"certificates", "days", "timeseries"} {
		for _, by := range []string{"node", "certificate", "cluster"} {
			queries = append(queries, dq(qt+"/"+by, map[string]any{"queryType": qt, "groupBy": by}))
		}
	}
	resp := fx.p.Query(t, fx.good, pluginproc.GrafanaUser, nil, queries...)
	if len(resp.Responses) != len(queries) {
		t.Fatalf("%d responses for %d queries", len(resp.Responses), len(queries))
	}
	tables := map[string][]row{}
	for _, by := range []string{"node", "certificate", "cluster"} {
		rows := tableRows(t, resp.Responses["certificates/"+by])
		tables[by] = rows
		ids := map[string]bool{}
		for _, rw := range rows {
			if ids[rw.id()] {
				t.Errorf("groupBy %s: duplicate row %s", by, rw.id())
			}
			ids[rw.id()] = true
		}
		checkDaysMatchTable(t, by, resp.Responses["days/"+by], rows)
		checkTimeSeriesFrames(t, by, resp.Responses["timeseries/"+by])
	}
	if n := len(tables["cluster"]); n != 4 {
		t.Errorf("groupBy cluster: %d rows, want 4 clusters", n)
	}
	if len(tables["certificate"]) >= len(tables["node"]) || len(tables["cluster"]) >= len(tables["certificate"]) {
		t.Errorf("grouping does not reduce rows: node %d, certificate %d, cluster %d",
			len(tables["node"]), len(tables["certificate"]), len(tables["cluster"]))
	}
}

// checkDaysMatchTable: days are one numeric-multi frame per table row, with the same
// identities and values.
func checkDaysMatchTable(t *testing.T, by string, days backend.DataResponse, rows []row) {
	t.Helper()
	if days.Error != nil {
		t.Fatalf("days/%s: %v", by, days.Error)
	}
	values, err := checkNumericMulti(days.Frames)
	if err != nil {
		t.Fatalf("days/%s: %v", by, err)
	}
	if len(values) != len(rows) {
		t.Errorf("days/%s: %d values for %d table rows", by, len(values), len(rows))
	}
	for _, rw := range rows {
		labels := data.Labels{"cluster": rw.Cluster}
		switch by {
		case "node":
			labels = data.Labels{"cluster": rw.Cluster, "node": rw.Node, "certificate": rw.Certificate, "category": rw.Category}
		case "certificate":
			labels = data.Labels{"cluster": rw.Cluster, "certificate": rw.Certificate, "category": rw.Category}
		}
		v, ok := values[labels.String()]
		if !ok {
			t.Errorf("days/%s: no value for %s", by, labels)
			continue
		}
		// Evaluated a moment apart (the frozen simulator serves the same seconds left at every
		// scrape; the expiry they imply moves with time).
		if math.Abs(v-rw.Days) > 0.01 {
			t.Errorf("days/%s %s: %v, table says %v", by, labels, v, rw.Days)
		}
	}
}

// checkTimeSeriesFrames: time-series-multi frames of one time and one value field, unique
// labels, times increasing.
func checkTimeSeriesFrames(t *testing.T, by string, ts backend.DataResponse) {
	t.Helper()
	if ts.Error != nil || len(ts.Frames) == 0 {
		t.Fatalf("timeseries/%s: %d frames, error %v", by, len(ts.Frames), ts.Error)
	}
	seen := map[string]bool{}
	for _, f := range ts.Frames {
		if f.Meta == nil || f.Meta.Type != data.FrameTypeTimeSeriesMulti || len(f.Fields) != 2 ||
			f.Fields[0].Type() != data.FieldTypeTime || f.Fields[1].Type() != data.FieldTypeFloat64 || f.Rows() == 0 {
			t.Fatalf("timeseries/%s: bad frame %v %v", by, metaType(f), fieldNames(f))
		}
		key := f.Fields[1].Labels.String()
		if seen[key] {
			t.Fatalf("timeseries/%s: labels %s repeat", by, key)
		}
		seen[key] = true
		for i := 1; i < f.Rows(); i++ {
			if !f.Fields[0].At(i).(time.Time).After(f.Fields[0].At(i - 1).(time.Time)) {
				t.Fatalf("timeseries/%s: time not increasing", by)
			}
		}
	}
}

func protocolRenewals(t *testing.T, fx *protocolFixture) {
	renewedAt := time.Now()
	if n := fx.r.sim.Renew("c1.example.com", "1", "api", 0); n != 1 {
		t.Fatalf("renewed %d certificates", n)
	}
	f := waitRenewalsFrame(t, fx)
	want := []string{"Time", "Cluster", "Node", "Certificate", "Category", "Expires before", "Expires after", "Days before", "Days after"}
	types := []data.FieldType{data.FieldTypeTime, data.FieldTypeString, data.FieldTypeString, data.FieldTypeString, data.FieldTypeString,
		data.FieldTypeTime, data.FieldTypeTime, data.FieldTypeFloat64, data.FieldTypeFloat64}
	if f.Meta == nil || f.Meta.Type != data.FrameTypeTable || !slices.Equal(fieldNames(f), want) {
		t.Fatalf("renewals frame %v %v", metaType(f), fieldNames(f))
	}
	for i, ft := range types {
		if f.Fields[i].Type() != ft {
			t.Errorf("field %s is %s, want %s", want[i], f.Fields[i].Type(), ft)
		}
	}
	if f.Rows() != 1 || f.Fields[2].At(0) != "1" || f.Fields[3].At(0) != "api" || f.Fields[0].At(0).(time.Time).Before(renewedAt.Add(-time.Second)) {
		t.Fatalf("want the one renewal of api on node 1: %d rows, %v %v at %v", f.Rows(), f.Fields[2].At(0), f.Fields[3].At(0), f.Fields[0].At(0))
	}
	if d := f.Fields[8].At(0).(float64); math.Abs(d-365) > 0.01 {
		t.Errorf("days after %v, want 365", d)
	}
	checkDaysBehindAndExpiry(t, fx)
}

// waitRenewalsFrame polls c1's renewals until the renewal was scraped (a row appears), for at
// most 30s; it returns the last frame either way, for the caller to check.
func waitRenewalsFrame(t *testing.T, fx *protocolFixture) *data.Frame {
	t.Helper()
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(500 * time.Millisecond) {
		resp := fx.p.Query(t, fx.good, pluginproc.GrafanaUser, nil, dq("R", map[string]any{"queryType": "renewals", "clusters": []string{"c1.example.com"}})).Responses["R"]
		if resp.Error != nil || len(resp.Frames) != 1 {
			t.Fatalf("renewals: %v, %d frames", resp.Error, len(resp.Frames))
		}
		if f := resp.Frames[0]; f.Rows() > 0 || time.Now().After(deadline) {
			return f
		}
	}
}

// checkDaysBehindAndExpiry: after node 1's api was renewed, only node 1 is not behind, and
// it expires 365 days from now.
func checkDaysBehindAndExpiry(t *testing.T, fx *protocolFixture) {
	t.Helper()
	resp := fx.p.Query(t, fx.good, pluginproc.GrafanaUser, nil,
		dq("B", map[string]any{"queryType": "days", "value": "behind", "clusters": []string{"c1.example.com"}, "certificates": []string{"api"}}),
		dq("E", map[string]any{"queryType": "days", "value": "expires", "clusters": []string{"c1.example.com"}, "certificates": []string{"api"}}))
	for ref, field := range map[string]string{"B": "Days behind", "E": "Expires at"} {
		frs := resp.Responses[ref].Frames
		if resp.Responses[ref].Error != nil || len(frs) != 3 {
			t.Fatalf("%s: %v, %d frames, want one per node", ref, resp.Responses[ref].Error, len(frs))
		}
		for _, fr := range frs {
			if fr.Meta == nil || fr.Meta.Type != data.FrameTypeNumericMulti || len(fr.Fields) != 1 || fr.Fields[0].Name != field {
				t.Fatalf("%s: frame %v %v", ref, metaType(fr), fieldNames(fr))
			}
			v := fr.Fields[0].At(0).(float64)
			node := fr.Fields[0].Labels["node"]
			if ref == "B" && (node == "1") != (v == 0) {
				t.Errorf("node %s is %v days behind: only the renewed node 1 is the newest copy", node, v)
			}
			if ref == "E" && node == "1" && math.Abs(v-float64(time.Now().Add(365*24*time.Hour).UnixMilli())) > 60e3 { // frozen simulator: 365 days from every scrape
				t.Errorf("node 1 expires at %v ms", v)
			}
		}
	}
}

func protocolResources(t *testing.T, fx *protocolFixture) {
	p, good := fx.p, fx.good
	status, body := p.Resource(t, good, "GET", "clusters")
	if status != 200 || string(body) != `["c1.example.com","c2.example.com","c3.example.com","legacy.example.com"]` {
		t.Fatalf("clusters: %d %s", status, body)
	}
	status, body = p.Resource(t, good, "GET", "nodes?cluster=c1.example.com&cluster=legacy.example.com")
	if status != 200 || string(body) != `["1","2","3"]` {
		t.Fatalf("nodes: %d %s", status, body)
	}
	status, body = p.Resource(t, good, "GET", "certificates?cluster=c2.example.com")
	if status != 200 || !strings.Contains(string(body), `"trusted_ca"`) {
		t.Fatalf("certificates: %d %s", status, body)
	}
	if status, body = p.Resource(t, good, "GET", "secrets"); status != 404 || !strings.Contains(string(body), "unknown resource") {
		t.Fatalf("unknown resource: %d %s", status, body)
	}
	if status, _ = p.Resource(t, good, "POST", "clusters"); status != 405 {
		t.Fatalf("POST: %d, want 405", status)
	}
}

func protocolDeadDatasource(t *testing.T, fx *protocolFixture) {
	p, good := fx.p, fx.good
	dead := pluginproc.DS{ID: 2, UID: "rscerts-dead", URL: deadURL(t), Updated: savedAt(0)}
	h := p.Health(t, dead)
	if h.Status != pluginv2.CheckHealthResponse_ERROR || !strings.Contains(h.Message, "cannot reach Prometheus") {
		t.Fatalf("dead health %v: %q", h.Status, h.Message)
	}
	for err := range queryDeadAndGoodTogether(fx, dead) {
		t.Error(err)
	}
	if h := p.Health(t, good); h.Status != pluginv2.CheckHealthResponse_OK {
		t.Fatalf("good datasource after the dead one: %v %q", h.Status, h.Message)
	}

	// Saving the dead datasource with a working URL heals it without a restart.
	fixed := dead
	fixed.URL, fixed.Updated = fx.r.prom.URL, savedAt(1)
	if h := p.Health(t, fixed); h.Status != pluginv2.CheckHealthResponse_OK {
		t.Fatalf("after fixing the URL: %v %q", h.Status, h.Message)
	}
}

// queryDeadAndGoodTogether uses both instances at once, as panels of two datasources refresh
// together, and returns (closed) what went wrong: every dead answer must be its own clean
// downstream error, every good one the four clusters.
func queryDeadAndGoodTogether(fx *protocolFixture, dead pluginproc.DS) <-chan error {
	p, good := fx.p, fx.good
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	for i := 0; i < 4; i++ {
		wg.Add(2)
		go func() {
			defer wg.Done()
			resp, err := p.QueryErr(dead, pluginproc.GrafanaUser, nil, dq("A", map[string]any{"queryType": "days"}), dq("B", map[string]any{}))
			if err != nil {
				errs <- err
				return
			}
			for _, ref := range []string{"A", "B"} {
				r := resp.Responses[ref]
				if r.Error == nil || r.Status != backend.StatusBadGateway || r.ErrorSource != backend.ErrorSourceDownstream ||
					!strings.Contains(r.Error.Error(), "cannot reach Prometheus") {
					errs <- fmt.Errorf("dead %s: status %d source %q error %v", ref, r.Status, r.ErrorSource, r.Error)
				}
			}
		}()
		go func() {
			defer wg.Done()
			resp, err := p.QueryErr(good, pluginproc.GrafanaUser, nil, dq("A", map[string]any{"groupBy": "cluster"}))
			if err != nil {
				errs <- err
				return
			}
			if r := resp.Responses["A"]; r.Error != nil || len(r.Frames) != 1 || r.Frames[0].Rows() != 4 {
				errs <- fmt.Errorf("good datasource next to the dead one: %+v", r)
			}
		}()
	}
	wg.Wait()
	close(errs)
	return errs
}

func protocolChangedSettings(t *testing.T, fx *protocolFixture) {
	p, good := fx.p, fx.good
	pick := pickUserManagedOK(t, fx)
	warn := math.Floor(pick.Days) + 1
	statusOf := func(d pluginproc.DS) string {
		t.Helper()
		for _, rw := range tableRows(t, p.Query(t, d, pluginproc.GrafanaUser, nil, dq("A", map[string]any{
			"clusters": []string{pick.Cluster}, "certificates": []string{pick.Certificate}})).Responses["A"]) {
			if rw.id() == pick.id() {
				return rw.Status
			}
		}
		t.Fatalf("row %s disappeared", pick.id())
		return ""
	}
	edited := good
	edited.JSON = fmt.Sprintf(`{"userManagedWarningDays": %v}`, warn)
	// Same Updated: Grafana never sends new settings without moving it, and the SDK keeps
	// the cached instance, so the old thresholds still apply.
	if s := statusOf(edited); s != "ok" {
		t.Fatalf("status %q before Updated moved, want the cached instance's ok", s)
	}
	edited.Updated = savedAt(2)
	if s := statusOf(edited); s != "warning" {
		t.Fatalf("%s with %.2f days: status %q under userManagedWarningDays %v, want warning", pick.id(), pick.Days, s, warn)
	}
	back := good
	back.Updated = savedAt(3)
	if s := statusOf(back); s != "ok" {
		t.Fatalf("status %q after restoring the defaults, want ok", s)
	}
	// An invalid edit is reported by health and by every query, not by a dead plugin.
	bad := good
	bad.JSON, bad.Updated = `{"userManagedWarningDays": 5}`, savedAt(4)
	if h := p.Health(t, bad); h.Status != pluginv2.CheckHealthResponse_ERROR || !strings.Contains(h.Message, "must not exceed userManagedWarningDays") {
		t.Fatalf("invalid settings health %v: %q", h.Status, h.Message)
	}
	if r := p.Query(t, bad, pluginproc.GrafanaUser, nil, dq("A", map[string]any{})).Responses["A"]; r.Error == nil || r.Status != backend.StatusBadRequest {
		t.Fatalf("invalid settings query: %+v", r)
	}
	// The instance now holds the invalid edit: a later use of good must move Updated past it.
	fx.good.Updated = savedAt(5)
}

// pickUserManagedOK is the user-managed certificate with status ok and the fewest days left
// (under 3000), the one a lower warning threshold turns to warning.
func pickUserManagedOK(t *testing.T, fx *protocolFixture) *row {
	t.Helper()
	rows := tableRows(t, fx.p.Query(t, fx.good, pluginproc.GrafanaUser, nil, dq("A", map[string]any{"category": "user-managed"})).Responses["A"])
	sort.Slice(rows, func(i, j int) bool { return rows[i].Days < rows[j].Days })
	for i := range rows {
		if rows[i].Status == "ok" && rows[i].Days < 3000 {
			return &rows[i]
		}
	}
	t.Fatalf("no user-managed certificate with status ok: %+v", rows)
	return nil
}

func protocolBasicAuth(t *testing.T, fx *protocolFixture) {
	p := fx.p
	proxy := startAuthProxy(t, fx.r.prom.URL, "grafana", "s3cret-pass")
	withAuth := pluginproc.DS{ID: 3, UID: "rscerts-auth", URL: proxy.URL, User: "grafana", Password: "s3cret-pass", Updated: savedAt(0)}
	if h := p.Health(t, withAuth); h.Status != pluginv2.CheckHealthResponse_OK {
		t.Fatalf("health through the auth proxy: %v %q", h.Status, h.Message)
	}
	if status, body := p.Resource(t, withAuth, "GET", "clusters"); status != 200 || !strings.Contains(string(body), "c1.example.com") {
		t.Fatalf("clusters through the auth proxy: %d %s", status, body)
	}
	if ok, _ := proxy.counts(); ok == 0 {
		t.Fatal("the auth proxy forwarded nothing")
	}

	wrong := withAuth
	wrong.ID, wrong.UID, wrong.Password = 4, "rscerts-wrong-password", "not-the-password"
	h := p.Health(t, wrong)
	if h.Status != pluginv2.CheckHealthResponse_ERROR || !strings.Contains(h.Message, "401") || !strings.Contains(h.Message, "refused the credentials") {
		t.Fatalf("wrong password health %v: %q", h.Status, h.Message)
	}
	res := p.Query(t, wrong, pluginproc.GrafanaUser, nil, dq("A", map[string]any{})).Responses["A"]
	if res.Error == nil || res.Status != backend.StatusUnauthorized || !strings.Contains(res.Error.Error(), "401") {
		t.Fatalf("wrong password query: status %d error %v", res.Status, res.Error)
	}
	if strings.Contains(h.Message, "not-the-password") || strings.Contains(res.Error.Error(), "not-the-password") {
		t.Fatal("the password leaked into a message")
	}
}

func protocolAlerting(t *testing.T, fx *protocolFixture) {
	// The alert scheduler runs without a user and marks its requests with FromAlert.
	headers := map[string]string{backend.FromAlertHeaderName: "true"}
	alertQuery := func(refID string, model map[string]any) backend.DataQuery {
		q := dq(refID, model)
		q.Interval, q.MaxDataPoints = time.Second, 43200
		return q
	}
	// An open recording proxy shows what the plugin's HTTP client sent to Prometheus.
	recorder := startAuthProxy(t, fx.r.prom.URL, "", "")
	viaRecorder := pluginproc.DS{ID: 5, UID: "rscerts-alerting", URL: recorder.URL, Updated: savedAt(0)}
	queries := []backend.DataQuery{
		alertQuery("A", map[string]any{"queryType": "days", "groupBy": "certificate"}),
		alertQuery("B", map[string]any{"queryType": "days", "category": "user-managed"}),
		alertQuery("C", map[string]any{"queryType": "days", "clusters": []string{"no-such-cluster"}}),
		alertQuery("D", map[string]any{"queryType": "days", "value": "expires", "groupBy": "cluster"}),
	}
	// Both at one instant: the alert's and the panel's request read the same answers.
	at := time.Now()
	for i := range queries {
		queries[i].TimeRange = backend.TimeRange{From: at.Add(-time.Hour), To: at}
	}
	alert := fx.p.Query(t, viaRecorder, nil, headers, queries...)
	panel := fx.p.Query(t, viaRecorder, pluginproc.GrafanaUser, nil, queries...)
	for _, ref := range []string{"A", "B", "D"} {
		checkAlertMatchesPanel(t, ref, alert.Responses[ref], panel.Responses[ref])
	}
	none := alert.Responses["C"]
	if values, err := checkNumericLong(none.Frames); none.Error != nil || err != nil || len(values) != 0 {
		t.Fatalf("no match must be the no-data frame: error %v, contract %v, %d values", none.Error, err, len(values))
	}
	if n := recorder.alertRequests("true"); n == 0 {
		t.Fatal("FromAlert did not reach Prometheus: the plugin's HTTP client drops the SDK's contextual middleware")
	}
}

// checkAlertMatchesPanel: the alert's numeric-long frame and the panel's numeric-multi
// frames of one query hold the same instances and values, under the same name and unit.
func checkAlertMatchesPanel(t *testing.T, ref string, a, pn backend.DataResponse) {
	t.Helper()
	if a.Error != nil || pn.Error != nil {
		t.Fatalf("%s: %v / %v", ref, a.Error, pn.Error)
	}
	values, err := checkNumericLong(a.Frames)
	if err != nil {
		t.Fatalf("%s (alert): %v", ref, err)
	}
	multi, err := checkNumericMulti(pn.Frames)
	if err != nil {
		t.Fatalf("%s (panel): %v", ref, err)
	}
	if len(values) == 0 || len(values) != len(multi) {
		t.Fatalf("%s: %d alert instances, %d panel values", ref, len(values), len(multi))
	}
	for k, v := range multi {
		// Both requests read the same answers at one instant (and the frozen rig's days do not
		// count down).
		if got, ok := values[k]; !ok || math.Abs(got-v) > 0.01 {
			t.Errorf("%s: panel value %s = %v, alert instance %v (present %v)", ref, k, v, got, ok)
		}
	}
	value := a.Frames[0].Fields[len(a.Frames[0].Fields)-1]
	wantName, wantUnit := "Days remaining", "d"
	if ref == "D" {
		wantName, wantUnit = "Expires at", "dateTimeAsIso"
	}
	if value.Name != wantName || value.Config == nil || value.Config.Unit != wantUnit {
		t.Fatalf("%s: value field %q config %+v", ref, value.Name, value.Config)
	}
	for _, f := range pn.Frames {
		if fl := f.Fields[0]; fl.Name != wantName || fl.Config == nil || fl.Config.Unit != wantUnit || fl.Config.DisplayNameFromDS == "" || fl.Labels["cluster"] == "" {
			t.Fatalf("%s: panel value field %q config %+v labels %v", ref, fl.Name, fl.Config, fl.Labels)
		}
	}
}

// TestPluginProcessWithoutPrometheus needs no Prometheus: the process starts, answers every
// handler for a broken datasource, and is gone after the harness stops it.
func TestPluginProcessWithoutPrometheus(t *testing.T) {
	p := pluginproc.Start(t)
	dead := pluginproc.DS{ID: 7, UID: "rscerts-nowhere", URL: deadURL(t), Updated: savedAt(0)}
	if h := p.Health(t, dead); h.Status != pluginv2.CheckHealthResponse_ERROR || !strings.Contains(h.Message, "cannot reach Prometheus") {
		t.Fatalf("health %v: %q", h.Status, h.Message)
	}
	empty := pluginproc.DS{ID: 8, UID: "rscerts-empty-url", Updated: savedAt(0)}
	if h := p.Health(t, empty); h.Status != pluginv2.CheckHealthResponse_ERROR || !strings.Contains(h.Message, "URL is empty") {
		t.Fatalf("empty URL health %v: %q", h.Status, h.Message)
	}
	resp := p.Query(t, dead, pluginproc.GrafanaUser, nil, dq("A", map[string]any{"queryType": "nope"}), dq("B", map[string]any{}))
	if r := resp.Responses["A"]; r.Error == nil || r.Status != backend.StatusBadRequest || !strings.Contains(r.Error.Error(), "unknown queryType") {
		t.Fatalf("bad query: %+v", r)
	}
	if r := resp.Responses["B"]; r.Error == nil || r.Status != backend.StatusBadGateway {
		t.Fatalf("unreachable query: %+v", r)
	}
	if status, body := p.Resource(t, dead, "GET", "clusters"); status != 502 || !strings.Contains(string(body), "cannot reach Prometheus") {
		t.Fatalf("resource: %d %s", status, body)
	}

	pid := p.PID
	if pid <= 0 || !pluginproc.ProcessAlive(pid) {
		t.Fatalf("plugin pid %d is not running", pid)
	}
	p.Stop(t)
	if pluginproc.ProcessAlive(pid) {
		t.Fatalf("plugin process %d survived Kill", pid)
	}
}
