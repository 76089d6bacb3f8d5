package pluginhost

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/grafana/grafana-plugin-sdk-go/data"
	"go.uber.org/goleak"

	"github.com/seed/rscerts/pkg/engine"
	"github.com/seed/rscerts/pkg/prom"
	"github.com/seed/rscerts/pkg/promql"
)

// Hardening: every way a Prometheus (or the network in front of it) can fail, one table.
// error_messages_test.go holds the first, narrower checks; this table adds the missing
// faults and, for every fault, checks what an operator depends on:
//   - the failing query gets its own error: status, error source and an actionable message;
//   - the other queries of the same request (table, alert values, time series) still succeed;
//   - the health check names the failure;
//   - QueryData itself never fails nor panics (the process stays up) and no goroutine leaks.

// faultCluster marks the query that meets the fault: its cluster filter is pushed into the
// PromQL, so the stub Prometheus sees it and misbehaves for that query only.
const faultCluster = "fault.example.com"

// faultKind is which Prometheus endpoint a request is for.
func faultKind(r *http.Request) string {
	switch {
	case strings.HasSuffix(r.URL.Path, "/status/buildinfo"):
		return "buildinfo"
	case strings.HasSuffix(r.URL.Path, "/query_range"):
		return "query_range"
	case strings.HasSuffix(r.URL.Path, "/query"):
		return "query"
	}
	return "other"
}

// healthyAnswer is a well-behaved Prometheus: buildinfo, and one certificate series for
// instant and range queries (with optional warnings).
func healthyAnswer(w http.ResponseWriter, r *http.Request, warnings ...string) {
	w.Header().Set("Content-Type", "application/json")
	metric := map[string]string{"cluster": "ok.example.com", "node": "1", "logical_name": "api",
		"__name__": promql.MetricV1}
	now := float64(time.Now().Unix())
	var data any
	switch faultKind(r) {
	case "buildinfo":
		data = map[string]any{"version": "3.0.0-stub"}
	case "query_range":
		data = map[string]any{"resultType": "matrix", "result": []any{map[string]any{"metric": metric,
			"values": [][]any{{now - 60, "8640000"}, {now, "8639940"}}}}}
	default:
		data = map[string]any{"resultType": "vector", "result": []any{map[string]any{"metric": metric, "value": []any{now, "8640000"}}}}
	}
	body := map[string]any{"status": "success", "data": data}
	if len(warnings) > 0 {
		body["warnings"] = warnings
	}
	_ = json.NewEncoder(w).Encode(body)
}

// faultServer answers healthily except for requests it must fault: the marked query, or
// every request once all is set (the health check).
type faultServer struct {
	*httptest.Server
	all  atomic.Bool
	hits atomic.Int64 // faulted requests
	stop chan struct{}
}

func newFaultServer(t *testing.T, fault func(w http.ResponseWriter, r *http.Request, stop <-chan struct{})) *faultServer {
	t.Helper()
	fs := &faultServer{stop: make(chan struct{})}
	fs.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if fs.all.Load() || strings.Contains(r.FormValue("query"), promql.Quote(faultCluster)) {
			fs.hits.Add(1)
			fault(w, r, fs.stop)
			return
		}
		healthyAnswer(w, r)
	}))
	t.Cleanup(func() { close(fs.stop); fs.Close() })
	return fs
}

// hang blocks until the client gives up (or the test ends).
func hang(_ http.ResponseWriter, r *http.Request, stop <-chan struct{}) {
	select {
	case <-r.Context().Done():
	case <-stop:
	}
}

// status answers code with body.
func status(code int, body string) func(http.ResponseWriter, *http.Request, <-chan struct{}) {
	return func(w http.ResponseWriter, _ *http.Request, _ <-chan struct{}) {
		if strings.HasPrefix(body, "{") {
			w.Header().Set("Content-Type", "application/json")
		}
		w.WriteHeader(code)
		_, _ = w.Write([]byte(body))
	}
}

const validVector = `{"status":"success","data":{"resultType":"vector","result":[{"metric":{"cluster":"x","node":"1","logical_name":"api","__name__":"node_cert_expiration_seconds"},"value":[1700000000,"86400"]}]}}`

// downstreamFaults is the table. settings are the datasource's jsonData; ctxTimeout, when set,
// is the request context's deadline (Grafana's own timeout).
var downstreamFaults = []struct {
	name       string
	fault      func(w http.ResponseWriter, r *http.Request, stop <-chan struct{})
	url        func(srv string) string // nil: the fault server
	settings   map[string]any
	ctxTimeout time.Duration
	// wantStatus 0 means success (with wantNotice on the frame).
	wantStatus backend.Status
	wantMsg    string
	wantHealth string
	wantNotice string
}{
	{name: "connection refused", url: func(string) string { return "http://" + closedPort() },
		wantStatus: backend.StatusBadGateway, wantMsg: "cannot reach Prometheus at http://127.0.0.1:", wantHealth: "connection refused"},
	{name: "DNS failure", url: func(string) string { return "http://prometheus.rscerts.invalid:9090" },
		wantStatus: backend.StatusBadGateway, wantMsg: `cannot resolve the Prometheus host "prometheus.rscerts.invalid"`, wantHealth: "cannot resolve the Prometheus host"},
	{name: "hang past the datasource timeout", fault: hang, settings: map[string]any{"timeout": 1},
		wantStatus: backend.StatusTimeout, wantMsg: "did not answer in time: raise the datasource timeout", wantHealth: "did not answer in time"},
	{name: "hang past the request deadline", fault: hang, ctxTimeout: 300 * time.Millisecond,
		wantStatus: backend.StatusTimeout, wantMsg: "did not answer in time", wantHealth: "did not answer in time"},
	{name: "slow body past the datasource timeout", settings: map[string]any{"timeout": 1},
		fault: func(w http.ResponseWriter, r *http.Request, stop <-chan struct{}) {
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write([]byte(`{"status":"success","data":{"resultType":"vector","result":[`))
			for range 100 { // a byte every 100ms: headers arrive at once, the body never ends in time
				w.(http.Flusher).Flush()
				select {
				case <-r.Context().Done():
					return
				case <-stop:
					return
				case <-time.After(100 * time.Millisecond):
				}
				_, _ = w.Write([]byte(" "))
			}
		},
		wantStatus: backend.StatusTimeout, wantMsg: "did not answer in time", wantHealth: "did not answer in time"},
	{name: "401", fault: status(401, "Unauthorized"),
		wantStatus: backend.StatusUnauthorized, wantMsg: "refused the credentials (401 Unauthorized): check basic auth", wantHealth: "401"},
	{name: "403", fault: status(403, "Forbidden"),
		wantStatus: backend.StatusForbidden, wantMsg: "denied access (403 Forbidden)", wantHealth: "403"},
	{name: "404 not a Prometheus API", fault: status(404, "<html>404 page not found</html>"),
		wantStatus: backend.StatusNotFound, wantMsg: "no Prometheus API at", wantHealth: "without /api/v1"},
	{name: "422 execution error", fault: status(422, `{"status":"error","errorType":"execution","error":"query processing would load too many samples into memory"}`),
		wantStatus: backend.StatusBadGateway, wantMsg: "Prometheus failed to execute the query: query processing would load too many samples", wantHealth: "too many samples"},
	{name: "400 bad_data", fault: status(400, `{"status":"error","errorType":"bad_data","error":"1:5: parse error: unexpected \"}\""}`),
		wantStatus: backend.StatusBadRequest, wantMsg: "Prometheus rejected the query: 1:5: parse error", wantHealth: "rejected the query"},
	{name: "400 without a Prometheus body", fault: status(400, "Bad Request"),
		wantStatus: backend.StatusBadRequest, wantMsg: "answered HTTP 400: Bad Request", wantHealth: "HTTP 400"},
	{name: "500", fault: status(500, "internal error"),
		wantStatus: backend.StatusBadGateway, wantMsg: "failed (HTTP 500): internal error", wantHealth: "HTTP 500"},
	{name: "502 from a proxy", fault: status(502, "<html><body>502 Bad Gateway</body></html>"),
		wantStatus: backend.StatusBadGateway, wantMsg: "failed (HTTP 502)", wantHealth: "HTTP 502"},
	{name: "503 unavailable", fault: status(503, `{"status":"error","errorType":"unavailable","error":"TSDB not ready"}`),
		wantStatus: backend.StatusBadGateway, wantMsg: "failed (HTTP 503): TSDB not ready", wantHealth: "HTTP 503"},
	{name: "invalid JSON", fault: status(200, "<html>login page</html>"),
		wantStatus: backend.StatusBadGateway, wantMsg: "did not answer like a Prometheus API", wantHealth: "did not answer like a Prometheus API"},
	{name: "truncated body, correct status and length", fault: status(200, validVector[:len(validVector)/2]),
		wantStatus: backend.StatusBadGateway, wantMsg: "did not answer like a Prometheus API", wantHealth: "did not answer like a Prometheus API"},
	{name: "truncated body, connection closed before Content-Length", fault: func(w http.ResponseWriter, _ *http.Request, _ <-chan struct{}) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Length", strconv.Itoa(len(validVector)))
		w.WriteHeader(200)
		_, _ = w.Write([]byte(validVector[:len(validVector)/2]))
		w.(http.Flusher).Flush()
		panic(http.ErrAbortHandler) // drop the connection mid-body
	}, wantStatus: backend.StatusBadGateway, wantMsg: "closed the connection in the middle of its answer (unexpected EOF)", wantHealth: "in the middle of its answer"},
	{name: "connection reset before any answer", fault: func(w http.ResponseWriter, _ *http.Request, _ <-chan struct{}) {
		conn, _, err := w.(http.Hijacker).Hijack()
		if err == nil {
			if tc, ok := conn.(*net.TCPConn); ok {
				_ = tc.SetLinger(0) // RST, not FIN
			}
			conn.Close()
		}
	}, wantStatus: backend.StatusBadGateway, wantMsg: "cannot reach Prometheus at http://127.0.0.1:", wantHealth: "connection reset"},
	{name: "200 with an error status in the body", fault: status(200, `{"status":"error","errorType":"internal","error":"storage corrupted"}`),
		wantStatus: backend.StatusBadGateway, wantMsg: "storage corrupted", wantHealth: "storage corrupted"},
	{name: "oversized, streamed without Content-Length", settings: map[string]any{"responseLimitMB": 1},
		fault: func(w http.ResponseWriter, _ *http.Request, _ <-chan struct{}) {
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write([]byte(`{"status":"success","data":{"resultType":"vector","result":[`))
			for i := range 30000 {
				fmt.Fprintf(w, `{"metric":{"cluster":"c%d"},"value":[1,"1"]},`, i)
			}
			_, _ = w.Write([]byte(`{"metric":{},"value":[1,"1"]}]}}`))
		}, wantStatus: backend.StatusBadGateway, wantMsg: "more than the datasource's response limit", wantHealth: "response limit"},
	{name: "oversized, announced by Content-Length", settings: map[string]any{"responseLimitMB": 1},
		fault: func(w http.ResponseWriter, _ *http.Request, _ <-chan struct{}) {
			w.Header().Set("Content-Length", strconv.Itoa(2<<20))
			w.WriteHeader(200)
			_, _ = w.Write(make([]byte, 2<<20))
		}, wantStatus: backend.StatusBadGateway, wantMsg: "2097152 bytes announced, limit 1048576", wantHealth: "response limit"},
	{name: "answer with warnings", fault: func(w http.ResponseWriter, r *http.Request, _ <-chan struct{}) {
		healthyAnswer(w, r, "PromQL info: metric might not be a counter", "partial response: store 2 down")
	}, wantNotice: "store warning: partial response: store 2 down", wantHealth: "Prometheus 3.0.0-stub: v1 metrics: 1 cluster, 1 node, 1 certificate"},
}

// closedPort is a loopback address nothing listens on.
func closedPort() string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	addr := l.Addr().String()
	l.Close()
	return addr
}

// leakCheck fails t if goroutines started during the test outlive it. Registered first, it
// runs after every other cleanup (LIFO): after the stub servers closed and the instance was
// disposed (its idle keep-alive connections closed).
func leakCheck(t *testing.T) {
	t.Helper()
	ignore := goleak.IgnoreCurrent()
	t.Cleanup(func() { goleak.VerifyNone(t, ignore) })
}

func TestHardeningDownstreamFaults(t *testing.T) {
	survived := 0
	for _, tc := range downstreamFaults {
		t.Run(tc.name, func(t *testing.T) {
			leakCheck(t)
			fault := tc.fault
			if fault == nil {
				fault = func(w http.ResponseWriter, r *http.Request, _ <-chan struct{}) { healthyAnswer(w, r) }
			}
			srv := newFaultServer(t, fault)
			url := srv.URL
			siblings := true
			if tc.url != nil { // a network-level fault hits every query of the instance
				url, siblings = tc.url(srv.URL), false
			}
			ds := newTestDatasource(t, url, tc.settings, nil)
			ctx := context.Background()
			if tc.ctxTimeout > 0 {
				var cancel context.CancelFunc
				ctx, cancel = context.WithTimeout(ctx, tc.ctxTimeout)
				defer cancel()
			}
			now := time.Now()
			queries := []backend.DataQuery{dataQuery("fault", map[string]any{"queryType": "certificates", "clusters": []string{faultCluster}}, now.Add(-time.Hour), now)}
			if siblings {
				queries = append(queries,
					dataQuery("table", map[string]any{"queryType": "certificates"}, now.Add(-time.Hour), now),
					dataQuery("alert", map[string]any{"queryType": "days", "groupBy": "cluster"}, now.Add(-time.Hour), now),
					dataQuery("series", map[string]any{"queryType": "timeseries", "groupBy": "certificate"}, now.Add(-time.Hour), now))
			}
			start := time.Now()
			resp, err := ds.QueryData(ctx, &backend.QueryDataRequest{Queries: queries})
			if err != nil {
				t.Fatalf("QueryData must never fail as a whole: %v", err)
			}
			if len(resp.Responses) != len(queries) {
				t.Fatalf("%d responses for %d queries", len(resp.Responses), len(queries))
			}
			if d := time.Since(start); d > 10*time.Second {
				t.Fatalf("took %s: the fault must be cut by the timeout", d)
			}
			r := resp.Responses["fault"]
			if tc.wantStatus == 0 {
				if r.Error != nil || len(r.Frames) != 1 || r.Frames[0].Meta == nil || !hasNotice(r.Frames[0].Meta.Notices, tc.wantNotice) {
					t.Fatalf("want success with notice %q, got %+v", tc.wantNotice, r)
				}
			} else {
				if r.Error == nil || !strings.Contains(r.Error.Error(), tc.wantMsg) {
					t.Fatalf("error %v\nwant it to contain %q", r.Error, tc.wantMsg)
				}
				if r.Status != tc.wantStatus || r.ErrorSource != backend.ErrorSourceDownstream {
					t.Fatalf("status %d source %q, want %d downstream (%v)", r.Status, r.ErrorSource, tc.wantStatus, r.Error)
				}
				t.Logf("query error (%d %s): %v", r.Status, r.ErrorSource, r.Error)
			}
			for _, ref := range []string{"table", "alert", "series"} {
				if !siblings {
					break
				}
				if s := resp.Responses[ref]; s.Error != nil || len(s.Frames) == 0 || s.Frames[0].Rows() == 0 {
					t.Fatalf("sibling %s must succeed with data despite the fault: %+v", ref, s)
				}
			}
			if tc.url == nil && srv.hits.Load() == 0 {
				t.Fatal("the fault was never served")
			}

			srv.all.Store(true)
			hctx := context.Background()
			if tc.ctxTimeout > 0 {
				var cancel context.CancelFunc
				hctx, cancel = context.WithTimeout(hctx, tc.ctxTimeout)
				defer cancel()
			}
			h, err := ds.CheckHealth(hctx, &backend.CheckHealthRequest{})
			if err != nil {
				t.Fatal(err)
			}
			wantHealth := backend.HealthStatusError
			if tc.wantStatus == 0 {
				wantHealth = backend.HealthStatusOk
			}
			if h.Status != wantHealth || !strings.Contains(h.Message, tc.wantHealth) {
				t.Fatalf("health %v %q, want %v naming %q", h.Status, h.Message, wantHealth, tc.wantHealth)
			}
			t.Logf("health: %s", h.Message)
			survived++
		})
	}
	t.Logf("hardening: %d of %d downstream fault cases survived", survived, len(downstreamFaults))
}

func hasNotice(notices []data.Notice, text string) bool {
	for _, n := range notices {
		if n.Text == text && n.Severity == data.NoticeSeverityWarning {
			return true
		}
	}
	return false
}

// panicOn is a Prometheus client that panics for the marked query: a bug inside the plugin.
type panicOn struct{ engine.Prometheus }

func (p panicOn) Query(ctx context.Context, expr string, ts time.Time) (prom.Value, []string, error) {
	if strings.Contains(expr, promql.Quote(faultCluster)) {
		var m map[string]int
		m["boom"]++ // assignment to entry in nil map
	}
	return p.Prometheus.Query(ctx, expr, ts)
}

// A fault inside the plugin is the plugin's: status 500, error source plugin, a message
// that says where to look, the siblings unaffected, the process up.
func TestHardeningPluginFaultIsThePlugins(t *testing.T) {
	leakCheck(t)
	srv := newFaultServer(t, func(w http.ResponseWriter, r *http.Request, _ <-chan struct{}) { healthyAnswer(w, r) })
	ds := newTestDatasource(t, srv.URL, nil, nil)
	ds.engine = engine.New(panicOn{ds.client}, ds.settings)
	now := time.Now()
	resp, err := ds.QueryData(context.Background(), &backend.QueryDataRequest{Queries: []backend.DataQuery{
		dataQuery("fault", map[string]any{"clusters": []string{faultCluster}}, now.Add(-time.Hour), now),
		dataQuery("table", map[string]any{}, now.Add(-time.Hour), now),
		dataQuery("series", map[string]any{"queryType": "timeseries"}, now.Add(-time.Hour), now),
	}})
	if err != nil {
		t.Fatal(err)
	}
	r := resp.Responses["fault"]
	if r.Error == nil || r.Status != backend.StatusInternal || r.ErrorSource != backend.ErrorSourcePlugin || !strings.Contains(r.Error.Error(), "see the plugin log") {
		t.Fatalf("got %+v", r)
	}
	for _, ref := range []string{"table", "series"} {
		if s := resp.Responses[ref]; s.Error != nil || len(s.Frames) == 0 {
			t.Fatalf("sibling %s: %+v", ref, s)
		}
	}
}
