package pluginhost

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
)

// Hostile and bad input: query JSON that is malformed, mistyped or out of range gets a 400
// (error source downstream: the query's author's mistake) naming what is wrong, its sibling
// queries succeed, and nothing panics. Filter values are data, never PromQL or regex syntax:
// the real-Prometheus proof is in filters_and_stop_test.go.

func filterValues(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("c%04d.example.com", i)
	}
	return out
}

// hostileValues are filter values that would change the query if they reached PromQL or a
// regex unescaped.
var hostileValues = []string{
	`x"} or vector(1) or {a="`, `.*`, `.+`, `a|b`, `ok.example.com|x`, `ok.example.com.*`, `ok.example.co.`,
	`ok\.example\.com`, `(?i)OK.EXAMPLE.COM`, `"`, `\`, `\\`, `\"`, "line\nbreak", "tab\tx", `}`, `{`, `]`,
	`) or vector(1)`, `x" or cluster=~".*`, `$1`, `${1}`, `^ok.example.com$`, `[a-z]+`, "\x00", "\xff\xfe",
	"ü✓ 証明書", strings.Repeat("a", 10000), `\u0022`, `%22`, `'`, "`", `cluster!=""`, `*`,
}

func TestHardeningBadQueries(t *testing.T) {
	leakCheck(t)
	srv := newFaultServer(t, func(w http.ResponseWriter, r *http.Request, _ <-chan struct{}) { healthyAnswer(w, r) })
	ds := newTestDatasource(t, srv.URL, nil, nil)
	bad := []struct {
		name, json, want string
	}{
		{"not JSON", `not json`, "invalid query JSON"},
		{"truncated", `{"clusters":["a"`, "invalid query JSON"},
		{"array at top", `[1,2]`, "invalid query JSON"},
		{"string at top", `"certificates"`, "invalid query JSON"},
		{"number at top", `42`, "invalid query JSON"},
		{"clusters a string", `{"clusters":"c1.example.com"}`, "invalid query JSON"},
		{"clusters of numbers", `{"clusters":[1,2]}`, "invalid query JSON"},
		{"clusters of objects", `{"clusters":[{"a":1}]}`, "invalid query JSON"},
		{"nodes nested arrays", `{"nodes":[["1"]]}`, "invalid query JSON"},
		{"certificates a number", `{"certificates":7}`, "invalid query JSON"},
		{"queryType a number", `{"queryType":1}`, "invalid query JSON"},
		{"groupBy an array", `{"groupBy":["node"]}`, "invalid query JSON"},
		{"category an object", `{"category":{"x":1}}`, "invalid query JSON"},
		{"metricVersion a bool", `{"metricVersion":true}`, "invalid query JSON"},
		{"unknown queryType", `{"queryType":"graph"}`, `unknown queryType "graph": use certificates, days, timeseries or renewals`},
		{"queryType wrong case", `{"queryType":"Certificates"}`, `unknown queryType "Certificates"`},
		{"unknown value", `{"queryType":"days","value":"ahead"}`, `unknown value "ahead": use remaining, behind or expires`},
		{"value a number", `{"queryType":"days","value":1}`, "invalid query JSON"},
		{"value on a table", `{"value":"behind"}`, `value "behind" applies to days queries only`},
		{"renewals grouped by cluster", `{"queryType":"renewals","groupBy":"cluster"}`, `groupBy "cluster" does not apply to renewals`},
		{"renewals with statuses", `{"queryType":"renewals","statuses":["missing"]}`, "a renewals query has no status"},
		{"negative limit", `{"queryType":"timeseries","limit":-1}`, "limit -1 is negative: use 0 (every series) or the number of series to keep"},
		{"limit a string", `{"queryType":"timeseries","limit":"20"}`, "invalid query JSON"},
		{"limit a fraction", `{"queryType":"timeseries","limit":2.5}`, "invalid query JSON"},
		{"limit on a table", `{"limit":20}`, "limit 20 applies to timeseries queries only; a certificates query returns every result"},
		{"limit on an alert value", `{"queryType":"days","limit":1}`, "limit 1 applies to timeseries queries only"},
		{"unknown status", `{"queryType":"days","statuses":["overdue"]}`, `unknown status "overdue": use expired, critical, warning, rotation-overdue, ok or missing`},
		{"unknown category", `{"category":"expired"}`, `unknown category "expired": use all, user-managed, auto-rotated or other`},
		{"unknown metricVersion", `{"metricVersion":"v3"}`, `unknown metricVersion "v3"`},
		{"unknown groupBy", `{"groupBy":"instance"}`, `unknown groupBy "instance": use node, certificate or cluster`},
		{"injected queryType", `{"queryType":"certificates\" or 1"}`, `unknown queryType`},
		{"1001 clusters", mustJSON(map[string]any{"clusters": filterValues(1001)}), "clusters filter has 1001 values; at most 1000 are accepted"},
		{"1001 nodes", mustJSON(map[string]any{"nodes": filterValues(1001)}), "nodes filter has 1001 values; at most 1000"},
		{"1001 certificates", mustJSON(map[string]any{"certificates": filterValues(1001)}), "certificates filter has 1001 values; at most 1000"},
		{"100000 clusters", mustJSON(map[string]any{"clusters": filterValues(100000)}), "clusters filter has 100000 values"},
		{"deeply nested", `{"x":` + strings.Repeat("[", 20000) + strings.Repeat("]", 20000) + `}`, "invalid query JSON"},
		{"invalid UTF-8 in JSON", "{\"clusters\":[\"\xff\"]," + `"queryType":"nope"}`, `unknown queryType "nope"`},
	}
	good := []struct{ name, json string }{
		{"empty JSON", ``},
		{"empty object", `{}`},
		{"nulls", `{"clusters":null,"nodes":null,"queryType":null,"groupBy":null}`},
		{"unknown fields ignored", `{"refId":"A","datasource":{"uid":"x"},"expr":"up","hide":false}`},
		{"1000 clusters accepted", mustJSON(map[string]any{"clusters": append(filterValues(999), "ok.example.com")})},
		{"1000 nodes accepted", mustJSON(map[string]any{"nodes": append(filterValues(999), "1")})},
		{"1000 certificates accepted", mustJSON(map[string]any{"certificates": append(filterValues(999), "api")})},
		{"1000 duplicates of one cluster", mustJSON(map[string]any{"clusters": repeat("ok.example.com", 1000)})},
	}
	now := time.Now()
	tried := 0
	for _, tc := range bad {
		t.Run(tc.name, func(t *testing.T) {
			tried++
			resp, err := ds.QueryData(context.Background(), &backend.QueryDataRequest{Queries: []backend.DataQuery{
				{RefID: "bad", JSON: []byte(tc.json), TimeRange: backend.TimeRange{From: now.Add(-time.Hour), To: now}},
				dataQuery("good", map[string]any{"queryType": "days"}, now.Add(-time.Hour), now),
			}})
			if err != nil {
				t.Fatal(err)
			}
			r := resp.Responses["bad"]
			if r.Error == nil || r.Status != backend.StatusBadRequest || r.ErrorSource != backend.ErrorSourceDownstream || !strings.Contains(r.Error.Error(), tc.want) {
				t.Fatalf("got %d %q %v, want 400 downstream containing %q", r.Status, r.ErrorSource, r.Error, tc.want)
			}
			if len(r.Error.Error()) > 2000 {
				t.Fatalf("error message of %d bytes echoes the input", len(r.Error.Error()))
			}
			if g := resp.Responses["good"]; g.Error != nil || len(g.Frames) == 0 {
				t.Fatalf("sibling failed: %+v", g)
			}
		})
	}
	for _, tc := range good {
		t.Run(tc.name, func(t *testing.T) {
			tried++
			resp, _ := ds.QueryData(context.Background(), &backend.QueryDataRequest{Queries: []backend.DataQuery{
				{RefID: "A", JSON: []byte(tc.json), TimeRange: backend.TimeRange{From: now.Add(-time.Hour), To: now}},
			}})
			if r := resp.Responses["A"]; r.Error != nil || len(r.Frames) != 1 || r.Frames[0].Rows() != 1 {
				t.Fatalf("want the one row, got %+v", r)
			}
		})
	}
	// Hostile filter values never reach PromQL as syntax: the stub would see a parse error
	// otherwise; here each must simply match nothing, in every filter and query type.
	for _, field := range []string{"clusters", "nodes", "certificates"} {
		for _, qt := range []string{"certificates", "days", "timeseries"} {
			for i, v := range hostileValues {
				tried++
				resp, _ := ds.QueryData(context.Background(), &backend.QueryDataRequest{Queries: []backend.DataQuery{
					dataQuery("one", map[string]any{"queryType": qt, field: []string{v}}, now.Add(-time.Hour), now),
					dataQuery("two", map[string]any{"queryType": qt, field: []string{v, "decoy"}}, now.Add(-time.Hour), now),
				}})
				for _, ref := range []string{"one", "two"} {
					r := resp.Responses[ref]
					if r.Error != nil {
						t.Fatalf("%s %s #%d %q (%s): %v", field, qt, i, v, ref, r.Error)
					}
					for _, f := range r.Frames {
						if f.Rows() > 0 && f.Fields[0].Len() > 0 && qt == "certificates" {
							t.Fatalf("%s %s %q matched %d rows", field, qt, v, f.Rows())
						}
						if qt != "certificates" && len(f.Fields) > 0 && len(f.Fields[len(f.Fields)-1].Labels) > 0 {
							t.Fatalf("%s %s %q matched %v", field, qt, v, f.Fields[len(f.Fields)-1].Labels)
						}
					}
				}
			}
		}
	}
	// Resources take cluster values from the URL: hostile ones are data too.
	for _, v := range hostileValues[:len(hostileValues)-6] {
		tried++
		status, body := resourceCall(t, ds, "nodes", "nodes?cluster="+urlQueryEscape(v))
		if !utf8.ValidString(v) {
			if status != 400 || !strings.Contains(string(body), "not valid UTF-8") {
				t.Fatalf("nodes?cluster=%q: %d %s", v, status, body)
			}
			continue
		}
		if status != 200 || string(body) != "[]" {
			t.Fatalf("nodes?cluster=%q: %d %s", v, status, body)
		}
	}
	for _, raw := range []string{"nodes?cluster=%zz", "nodes?%", "clusters?;", "certificates?cluster=a&cluster=%"} {
		tried++
		status, body := resourceCall(t, ds, strings.SplitN(raw, "?", 2)[0], raw)
		if status != 400 && status != 200 {
			t.Fatalf("%s: %d %s", raw, status, body)
		}
	}
	t.Logf("hardening: %d bad or hostile query inputs tried, %d hostile filter values", tried, len(hostileValues))
}

func repeat(s string, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = s
	}
	return out
}

func urlQueryEscape(s string) string {
	var b strings.Builder
	for _, c := range []byte(s) {
		fmt.Fprintf(&b, "%%%02X", c)
	}
	return b.String()
}

// Settings JSON that is malformed or out of range is a health error naming the field, and
// every query says the same; never a panic, never a failed instance.
func TestHardeningBadSettingsThroughHealth(t *testing.T) {
	leakCheck(t)
	tests := []struct {
		name string
		url  string
		json string
		want string
	}{
		{"malformed JSON", "http://p", `{"metricVersion":`, "settings: invalid JSON"},
		{"JSON array", "http://p", `[1]`, "settings: invalid JSON"},
		{"threshold a string", "http://p", `{"userManagedWarningDays":"thirty"}`, "settings: invalid JSON"},
		{"threshold zero", "http://p", `{"userManagedCriticalDays":0}`, "userManagedCriticalDays must be a positive number of days (got 0)"},
		{"threshold negative", "http://p", `{"autoRotatedCriticalDays":-3}`, "autoRotatedCriticalDays must be a positive number of days (got -3)"},
		{"threshold huge", "http://p", `{"userManagedWarningDays":1e300}`, "userManagedWarningDays must be a positive number of days (got 1e+300)"},
		{"threshold overflow", "http://p", `{"userManagedWarningDays":1e999}`, "settings: invalid JSON"},
		{"critical above warning", "http://p", `{"userManagedWarningDays":7,"userManagedCriticalDays":14}`, "userManagedCriticalDays (14) must not exceed userManagedWarningDays (7)"},
		{"auto critical above warning", "http://p", `{"autoRotatedWarningDays":10,"autoRotatedCriticalDays":20}`, "autoRotatedCriticalDays (20) must not exceed autoRotatedWarningDays (10)"},
		{"lookback not a duration", "http://p", `{"missingLookback":"1 hour"}`, `missingLookback "1 hour" is not a Prometheus duration`},
		{"lookback too short", "http://p", `{"missingLookback":"10s"}`, "between 1m and 7d"},
		{"lookback too long", "http://p", `{"missingLookback":"8d"}`, "between 1m and 7d"},
		{"unknown metricVersion", "http://p", `{"metricVersion":"v9"}`, `metricVersion "v9" is not one of auto, v1, v2`},
		{"response limit zero", "http://p", `{"responseLimitMB":0}`, "responseLimitMB must be between 1 and 4096"},
		{"response limit huge", "http://p", `{"responseLimitMB":1e12}`, "responseLimitMB must be between 1 and 4096"},
		{"cache TTL too long", "http://p", `{"cacheTTL":"1h"}`, "cacheTTL"},
		{"rotation days zero", "http://p", `{"rotationDaysBeforeExpiry":0}`, "rotationDaysBeforeExpiry must be a positive number of days (got 0)"},
		{"rotation days a string", "http://p", `{"rotationDaysBeforeExpiry":"60"}`, "settings: invalid JSON"},
		{"grace negative", "http://p", `{"rotationGraceDays":-1}`, "rotationGraceDays must be zero or a positive number of days (got -1)"},
		{"grace past the rotation point", "http://p", `{"rotationDaysBeforeExpiry":30,"rotationGraceDays":45}`, "rotationGraceDays (45) must be less than rotationDaysBeforeExpiry (30)"},
		{"drift zero", "http://p", `{"driftDays":0}`, "driftDays must be a positive number of days (got 0)"},
		{"drift NaN-ish", "http://p", `{"driftDays":"NaN"}`, "settings: invalid JSON"},
		{"empty URL", "", `{}`, "the Prometheus URL is empty"},
		{"URL with spaces only", "   ", `{}`, "the Prometheus URL is empty"},
		{"URL not parseable", "http://[::1", `{}`, "invalid Prometheus URL"},
		{"several at once", "", `{"userManagedCriticalDays":0,"missingLookback":"x"}`, "userManagedCriticalDays must be a positive"},
	}
	now := time.Now()
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			inst, err := NewDatasource(context.Background(), backend.DataSourceInstanceSettings{URL: tc.url, JSONData: []byte(tc.json)})
			if err != nil {
				t.Fatalf("instance creation must not fail: %v", err)
			}
			ds := inst.(*Datasource)
			defer ds.Dispose()
			h, err := ds.CheckHealth(context.Background(), &backend.CheckHealthRequest{})
			if err != nil || h.Status != backend.HealthStatusError || !strings.Contains(h.Message, tc.want) {
				t.Fatalf("health %v %q (err %v), want it to name %q", h.Status, h.Message, err, tc.want)
			}
			resp, _ := ds.QueryData(context.Background(), &backend.QueryDataRequest{Queries: []backend.DataQuery{dataQuery("A", nil, now.Add(-time.Hour), now)}})
			if r := resp.Responses["A"]; r.Error == nil || r.Status != backend.StatusBadRequest || !strings.Contains(r.Error.Error(), tc.want) {
				t.Fatalf("query: %+v", r)
			}
			if status, body := resourceCall(t, ds, "clusters", "clusters"); status != 400 || !strings.Contains(string(body), "invalid") {
				t.Fatalf("resource: %d %s", status, body)
			}
		})
	}
	t.Logf("hardening: %d bad settings tried through CheckHealth", len(tests))
}
