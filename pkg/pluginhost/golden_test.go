package pluginhost

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/grafana/grafana-plugin-sdk-go/backend/httpclient"
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

// replay is a Prometheus HTTP API that answers with recordings, whatever the filters, read by
// the plugin's own client as it reads a live store: the engine still filters and groups in Go,
// which is what the golden frames pin.
type replay struct{ instant, lookback, rng, renewals, series recording }

// serve starts the replay and returns its URL.
func (r replay) serve(t *testing.T) string {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		if err := req.ParseForm(); err != nil {
			t.Error(err)
		}
		var rec recording
		switch path.Base(req.URL.Path) {
		case "query":
			var err error
			if rec, err = r.query(req.Form.Get("query")); err != nil {
				w.WriteHeader(http.StatusBadRequest)
				b, _ := json.Marshal(map[string]string{"status": "error", "errorType": "bad_data", "error": err.Error()})
				w.Write(b)
				return
			}
		case "query_range":
			rec = r.rng
			if strings.Contains(req.Form.Get("query"), promql.LabelPart) {
				rec = r.renewals
			}
		case "series":
			w.Write(append(append([]byte(`{"status":"success","data":`), r.series.Result...), '}'))
			return
		default:
			http.NotFound(w, req)
			return
		}
		fmt.Fprintf(w, `{"status":"success","data":{"resultType":%q,"result":%s}}`, rec.ResultType, rec.Result)
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

// query is the recording of an instant expression's kind (only the lookback reads slices at
// offsets). An unfiltered expression must be exactly the recorded one, or the recordings are
// stale; a cluster-filtered one gets the unfiltered answer, which the engine filters in Go as
// well. The instant expression also depends on the lookback answer's age, which the replay
// keeps at zero by evaluating every case at the recording time.
func (r replay) query(expr string) (recording, error) {
	rec := r.lookback
	if !strings.Contains(expr, "offset") {
		rec = r.instant
	}
	if !strings.Contains(expr, "cluster=") && expr != rec.Expr {
		return rec, fmt.Errorf("not the recorded expression (re-record: go test ./pkg/pluginhost -run TestGolden -record): %s", expr)
	}
	return rec, nil
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
	client, err := prom.NewWithOptions(replay{inst, lb, rng, ren, ser}.serve(t), httpclient.Options{}, settings.ResponseLimitBytes)
	if err != nil {
		t.Fatal(err)
	}
	ds := &Datasource{settings: settings, client: client, engine: engine.New(client, settings)}
	t.Cleanup(ds.Dispose)

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
	// Answers are kept as Prometheus wrote them (the `data` of each answer), and the replay
	// serves them back the same way.
	save := func(name string, rec recording, api string, params url.Values) {
		t.Helper()
		resp, err := http.PostForm(r.prom.URL+"/api/v1/"+api, params)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var answer struct {
			Status string          `json:"status"`
			Data   json.RawMessage `json:"data"`
		}
		if err := json.NewDecoder(resp.Body).Decode(&answer); err != nil || answer.Status != "success" {
			t.Fatalf("%s: %s %v", name, answer.Status, err)
		}
		rec.ResultType, rec.Result = "series", answer.Data
		if api != "series" {
			var data struct {
				ResultType string          `json:"resultType"`
				Result     json.RawMessage `json:"result"`
			}
			if err := json.Unmarshal(answer.Data, &data); err != nil {
				t.Fatal(err)
			}
			rec.ResultType, rec.Result = data.ResultType, data.Result
		}
		b, _ := json.MarshalIndent(rec, "", "  ")
		if err := os.MkdirAll(recordingDir, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(recordingDir, name), append(b, '\n'), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	sec := func(tm time.Time) string { return strconv.FormatFloat(float64(tm.UnixMilli())/1000, 'f', -1, 64) }
	instant := func(expr string) url.Values { return url.Values{"query": {expr}, "time": {sec(at)}} }
	ranged := func(expr string, rg v1.Range) url.Values {
		return url.Values{"query": {expr}, "start": {sec(rg.Start)}, "end": {sec(rg.End)}, "step": {strconv.FormatFloat(rg.Step.Seconds(), 'f', -1, 64)}}
	}
	// What the engine sends for a query at `at` with a lookback answer evaluated at `at` too.
	instExpr := req.InstantExpr(5 * time.Second) // recentWindow of a lookback answer evaluated now
	save("instant.json", recording{Expr: instExpr, Time: at}, "query", instant(instExpr))
	lbExpr := lookbackExpr(req, ds.settings.MissingLookback, at)
	save("lookback.json", recording{Expr: lbExpr, Time: at, Lookback: ds.settings.MissingLookback}, "query", instant(lbExpr))
	// The series API's list of the lookback window, which decides whether (and where) the
	// engine sends the lookback at all; the replay answers it whole.
	matchers := promql.SeriesSelectors(promql.Selection{Versions: req.Versions})
	save("series.json", recording{Expr: strings.Join(matchers, " "), Time: at}, "series",
		url.Values{"match[]": matchers, "start": {sec(at.Add(-ds.settings.MissingLookback))}, "end": {sec(at)}})
	rg := v1.Range{Start: at.Add(-15 * time.Second), End: at, Step: 5 * time.Second}
	rangeExpr := req.RangeExpr()
	save("range.json", recording{Expr: rangeExpr, Time: at, Range: &rg}, "query_range", ranged(rangeExpr, rg))
	// The last minute at the step the plugin picks for them, laid back from `at`.
	rr := renewalsRange(backend.TimeRange{From: at.Add(-time.Minute), To: at})
	renExpr := req.RenewalsExpr(rr.Step)
	save("renewals.json", recording{Expr: renExpr, Time: at, Range: &v1.Range{Start: rr.Start, End: at, Step: rr.Step}}, "query_range",
		ranged(renExpr, v1.Range{Start: at.Add(-time.Minute), End: at, Step: rr.Step}))
}

// lookbackExpr is the lookback expression of every cluster, as the engine sends it when the
// store cannot list series: what lookback.json records.
func lookbackExpr(r engine.Request, missingLookback time.Duration, at time.Time) string {
	return promql.Lookback(promql.Selection{Versions: r.Versions}, missingLookback, at)
}
