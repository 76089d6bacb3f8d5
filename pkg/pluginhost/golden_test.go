package pluginhost

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/grafana/grafana-plugin-sdk-go/experimental"
	v1 "github.com/prometheus/client_golang/api/prometheus/v1"

	"github.com/seed/rscerts/pkg/engine"
	"github.com/seed/rscerts/pkg/models"
	"github.com/seed/rscerts/pkg/prom"
	"github.com/seed/rscerts/pkg/promql"
)

// Golden frames: every query type and groupBy, built from answers a real Prometheus gave to
// the plugin's own PromQL (recorded from the rig: simulator with every schema, /v2 scraped
// from several targets, one certificate vanished). Replaying a recording keeps the frames
// byte-stable (fixed evaluation time) while the input stays real.
//
//	go test ./pkg/pluginhost -run TestGolden -record   # re-record from a real Prometheus
//	go test ./pkg/pluginhost -run TestGolden -update   # rewrite the golden frames
var (
	updateGolden = flag.Bool("update", false, "rewrite golden frame files")
	recordInputs = flag.Bool("record", false, "re-record Prometheus answers from the real rig")
)

const recordingDir = "testdata/prometheus"

// recording is one Prometheus answer and when it was evaluated.
type recording struct {
	Expr       string          `json:"expr"`
	Time       time.Time       `json:"time"`
	Range      *v1.Range       `json:"range,omitempty"`
	Lookback   time.Duration   `json:"lookback,omitempty"` // missingLookback of the recording datasource
	ResultType string          `json:"resultType"`
	Result     json.RawMessage `json:"result"`
}

// replay is a Prometheus that answers with recordings, whatever the filters: the engine
// still filters and groups in Go, which is what the golden frames pin.
type replay struct{ instant, lookback, rng, renewals, series recording }

// Query answers with the recording of the expression's kind (only the lookback reads
// slices at offsets). An unfiltered expression must be exactly
// the recorded one, or the recordings are stale; a cluster-filtered one gets the unfiltered
// answer, which the engine filters in Go as well. The instant expression also depends on the
// lookback answer's age, which the replay keeps at zero by evaluating every case at the
// recording time.
func (r replay) Query(_ context.Context, expr string, _ time.Time) (prom.Value, []string, error) {
	rec := r.lookback
	if !strings.Contains(expr, "offset") {
		rec = r.instant
	}
	if !strings.Contains(expr, "cluster=") && expr != rec.Expr {
		return nil, nil, fmt.Errorf("not the recorded expression (re-record: go test ./pkg/pluginhost -run TestGolden -record): %s", expr)
	}
	return decodeRecording(rec)
}

func (r replay) QueryRange(_ context.Context, expr string, _ v1.Range) (prom.Value, []string, error) {
	if strings.Contains(expr, promql.LabelPart) {
		return decodeRecording(r.renewals)
	}
	return decodeRecording(r.rng)
}

// Series answers with the recorded list of the lookback window's series.
func (r replay) Series(context.Context, []string, time.Time, time.Time) (prom.Value, []string, error) {
	return decodeRecording(r.series)
}

func decodeRecording(rec recording) (prom.Value, []string, error) {
	v, err := prom.ParseResult(rec.ResultType, rec.Result)
	return v, nil, err
}

func loadRecording(t *testing.T, name string) recording {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(recordingDir, name))
	if err != nil {
		t.Fatalf("%v (record with: go test ./pkg/pluginhost -run TestGolden -record)", err)
	}
	var rec recording
	if err := json.Unmarshal(b, &rec); err != nil {
		t.Fatal(err)
	}
	return rec
}

// goldenCertificates are the certificates the per-certificate frame cases keep.
var goldenCertificates = []string{"api", "proxy", "ccs_internode_encryption", "client_cert-12941999:1-crdt"}

func TestGoldenFrames(t *testing.T) {
	if *recordInputs {
		record(t)
	}
	inst, lb, rng := loadRecording(t, "instant.json"), loadRecording(t, "lookback.json"), loadRecording(t, "range.json")
	ren, ser := loadRecording(t, "renewals.json"), loadRecording(t, "series.json")
	settings, err := models.LoadSettings(backend.DataSourceInstanceSettings{URL: "http://recorded", JSONData: []byte(fmt.Sprintf(`{"missingLookback":"%ds"}`, int(lb.Lookback.Seconds())))})
	if err != nil {
		t.Fatal(err)
	}
	// Recordings answer the plugin's PromQL of the day they were made: when it changes, they
	// must be re-recorded, or the goldens would pin frames built from answers to old queries.
	req := engine.NewRequest(models.Query{GroupBy: "node", Category: models.CategoryAll}, settings)
	for _, c := range []struct{ name, recorded, now string }{
		{"lookback.json", lb.Expr, lookbackExpr(req, lb.Lookback, lb.Time)},
		{"series.json", ser.Expr, strings.Join(promql.SeriesSelectors(promql.Selection{Versions: req.Versions}), " ")},
		{"range.json", rng.Expr, req.RangeExpr()},
		{"renewals.json", ren.Expr, req.RenewalsExpr(ren.Range.Step)},
	} {
		if c.recorded != c.now {
			t.Fatalf("%s answers other PromQL than the plugin now sends; re-record: go test ./pkg/pluginhost -run TestGolden -record\nrecorded: %s\nnow:      %s", c.name, c.recorded, c.now)
		}
	}
	ds := &Datasource{settings: settings, engine: engine.New(replay{inst, lb, rng, ren, ser}, settings)}

	cases := []struct {
		name  string
		model map[string]any
		tr    backend.TimeRange
		// alerting marks the request FromAlert, as alert rule evaluations are.
		alerting bool
	}{
		{"certificates_node", map[string]any{"queryType": "certificates"}, backend.TimeRange{From: inst.Time.Add(-time.Hour), To: inst.Time}, false},
		{"certificates_certificate", map[string]any{"queryType": "certificates", "groupBy": "certificate"}, backend.TimeRange{From: inst.Time.Add(-time.Hour), To: inst.Time}, false},
		{"certificates_cluster", map[string]any{"queryType": "certificates", "groupBy": "cluster"}, backend.TimeRange{From: inst.Time.Add(-time.Hour), To: inst.Time}, false},
		{"certificates_user_managed_c2", map[string]any{"queryType": "certificates", "category": "user-managed", "clusters": []string{"c2.example.com"}}, backend.TimeRange{From: inst.Time.Add(-time.Hour), To: inst.Time}, false},
		// One numeric-multi frame per certificate repeats one shape: the panel cases keep a
		// user-managed, an auto-rotated and an "other" certificate of every schema (and the
		// two vanished ones), so the files stay reviewable; the tables and the alert rule's
		// single frame keep every certificate.
		{"days_node", map[string]any{"queryType": "days", "certificates": goldenCertificates}, backend.TimeRange{From: inst.Time.Add(-time.Hour), To: inst.Time}, false},
		{"days_certificate", map[string]any{"queryType": "days", "groupBy": "certificate", "certificates": goldenCertificates}, backend.TimeRange{From: inst.Time.Add(-time.Hour), To: inst.Time}, false},
		{"days_cluster", map[string]any{"queryType": "days", "groupBy": "cluster"}, backend.TimeRange{From: inst.Time.Add(-time.Hour), To: inst.Time}, false},
		{"days_missing_only", map[string]any{"queryType": "days", "statuses": []string{"missing"}}, backend.TimeRange{From: inst.Time.Add(-time.Hour), To: inst.Time}, false},
		{"days_no_data", map[string]any{"queryType": "days", "clusters": []string{"nowhere"}}, backend.TimeRange{From: inst.Time.Add(-time.Hour), To: inst.Time}, false},
		{"days_node_alerting", map[string]any{"queryType": "days"}, backend.TimeRange{From: inst.Time.Add(-time.Hour), To: inst.Time}, true},
		{"days_cluster_expires_alerting", map[string]any{"queryType": "days", "groupBy": "cluster", "value": "expires"}, backend.TimeRange{From: inst.Time.Add(-time.Hour), To: inst.Time}, true},
		{"days_no_data_alerting", map[string]any{"queryType": "days", "clusters": []string{"nowhere"}}, backend.TimeRange{From: inst.Time.Add(-time.Hour), To: inst.Time}, true},
		{"timeseries_node", map[string]any{"queryType": "timeseries", "clusters": []string{"c1.example.com"}}, backend.TimeRange{From: rng.Range.Start, To: rng.Range.End}, false},
		{"timeseries_certificate", map[string]any{"queryType": "timeseries", "groupBy": "certificate", "category": "auto-rotated"}, backend.TimeRange{From: rng.Range.Start, To: rng.Range.End}, false},
		{"timeseries_cluster", map[string]any{"queryType": "timeseries", "groupBy": "cluster"}, backend.TimeRange{From: rng.Range.Start, To: rng.Range.End}, false},
		{"timeseries_node_limit", map[string]any{"queryType": "timeseries", "limit": 3}, backend.TimeRange{From: rng.Range.Start, To: rng.Range.End}, false},
		{"renewals_node", map[string]any{"queryType": "renewals"}, backend.TimeRange{From: ren.Range.Start, To: ren.Range.End}, false},
		{"renewals_auto_rotated_none", map[string]any{"queryType": "renewals", "category": "auto-rotated"}, backend.TimeRange{From: ren.Range.Start, To: ren.Range.End}, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			raw, _ := json.Marshal(tc.model)
			q := backend.DataQuery{RefID: "A", JSON: raw, TimeRange: tc.tr, Interval: time.Second, MaxDataPoints: 1000}
			req := &backend.QueryDataRequest{Queries: []backend.DataQuery{q}}
			if tc.alerting {
				req.Headers = map[string]string{backend.FromAlertHeaderName: "true"}
			}
			resp, err := ds.QueryData(context.Background(), req)
			if err != nil {
				t.Fatal(err)
			}
			dr := resp.Responses["A"]
			if dr.Error != nil {
				t.Fatal(dr.Error)
			}
			experimental.CheckGoldenJSONResponse(t, "testdata/golden", tc.name, &dr, *updateGolden)
		})
	}
}

// record runs the real rig, renews c1's proxy on node 1 and c2's api on every node, vanishes
// one certificate ten seconds before the recording (so the lookback answer holds it) and one
// just before (so the instant answer's recent window holds it too), and stores the answers to
// the plugin's own queries at one instant.
func record(t *testing.T) {
	r := startRig(t)
	ds := newTestDatasource(t, r.prom.URL, map[string]any{"missingLookback": "1m"}, nil)
	r.sim.Renew("c1.example.com", "1", "proxy", 0)
	r.sim.Renew("c2.example.com", "", "api", 0)
	r.vanish(t, ref{"c1.example.com", "2", "api"})
	time.Sleep(10 * time.Second)
	r.vanish(t, ref{"c2.example.com", "1", "proxy"})
	time.Sleep(time.Second) // `at` is truncated to the second: after the store lost it
	at := time.Now().Truncate(time.Second)
	req := engine.NewRequest(models.Query{GroupBy: "node", Category: models.CategoryAll}, ds.settings)
	client := ds.client
	save := func(name string, rec recording, v prom.Value) {
		rec.ResultType = v.Type()
		rec.Result, _ = json.Marshal(v)
		b, _ := json.MarshalIndent(rec, "", "  ")
		if err := os.MkdirAll(recordingDir, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(recordingDir, name), append(b, '\n'), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// What the engine sends for a query at `at` with a lookback answer evaluated at `at` too.
	instExpr := req.InstantExpr(5 * time.Second) // recentWindow of a lookback answer evaluated now
	v, _, err := client.Query(context.Background(), instExpr, at)
	if err != nil {
		t.Fatal(err)
	}
	save("instant.json", recording{Expr: instExpr, Time: at}, v)
	lbExpr := lookbackExpr(req, ds.settings.MissingLookback, at)
	v, _, err = client.Query(context.Background(), lbExpr, at)
	if err != nil {
		t.Fatal(err)
	}
	save("lookback.json", recording{Expr: lbExpr, Time: at, Lookback: ds.settings.MissingLookback}, v)
	// The series API's list of the lookback window, which decides whether (and where) the
	// engine sends the lookback at all; the replay answers it whole.
	matchers := promql.SeriesSelectors(promql.Selection{Versions: req.Versions})
	v, _, err = client.Series(context.Background(), matchers, at.Add(-ds.settings.MissingLookback), at)
	if err != nil {
		t.Fatal(err)
	}
	save("series.json", recording{Expr: strings.Join(matchers, " "), Time: at}, v)
	rg := v1.Range{Start: at.Add(-15 * time.Second), End: at, Step: 5 * time.Second}
	rangeExpr := req.RangeExpr()
	m, _, err := client.QueryRange(context.Background(), rangeExpr, rg)
	if err != nil {
		t.Fatal(err)
	}
	save("range.json", recording{Expr: rangeExpr, Time: at, Range: &rg}, m)
	// The last minute at the step the plugin picks for them, laid back from `at`.
	rr := renewalsRange(backend.TimeRange{From: at.Add(-time.Minute), To: at})
	renExpr := req.RenewalsExpr(rr.Step)
	m, _, err = client.QueryRange(context.Background(), renExpr, v1.Range{Start: at.Add(-time.Minute), End: at, Step: rr.Step})
	if err != nil {
		t.Fatal(err)
	}
	save("renewals.json", recording{Expr: renExpr, Time: at, Range: &v1.Range{Start: rr.Start, End: at, Step: rr.Step}}, m)
}

// lookbackExpr is the lookback expression of every cluster, as the engine sends it when the
// store cannot list series: what lookback.json records.
func lookbackExpr(r engine.Request, missingLookback time.Duration, at time.Time) string {
	return promql.Lookback(promql.Selection{Versions: r.Versions}, missingLookback, at)
}
