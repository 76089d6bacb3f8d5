package models

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/grafana/grafana-plugin-sdk-go/backend"

	"github.com/seed/rscerts/pkg/certs"
)

func TestParseQueryDefaults(t *testing.T) {
	q, err := ParseQuery(backend.DataQuery{JSON: []byte(`{"refId":"A","datasource":{"uid":"x"},"intervalMs":1000}`)})
	if err != nil {
		t.Fatal(err)
	}
	if q.QueryType != QueryCertificates || q.Category != CategoryAll || q.GroupBy != certs.GroupByNode || q.MetricVersion != MetricVersionDefault {
		t.Fatalf("unexpected defaults: %+v", q)
	}
}

func TestParseQueryTypeFromDataQuery(t *testing.T) {
	q, err := ParseQuery(backend.DataQuery{QueryType: "days", JSON: []byte(`{}`)})
	if err != nil || q.QueryType != QueryDays {
		t.Fatalf("got %+v, %v", q, err)
	}
	q, err = ParseQuery(backend.DataQuery{QueryType: "days", JSON: []byte(`{"queryType":"timeseries"}`)})
	if err != nil || q.QueryType != QueryTimeseries {
		t.Fatalf("JSON queryType must win: %+v, %v", q, err)
	}
}

func TestParseQueryNewFields(t *testing.T) {
	q, err := ParseQuery(backend.DataQuery{JSON: []byte(`{"queryType":"days","value":"behind","statuses":["rotation-overdue"]}`)})
	if err != nil || q.Value != ValueBehind || !slices.Equal(q.Statuses, []string{"rotation-overdue"}) {
		t.Fatalf("got %+v, %v", q, err)
	}
	q, err = ParseQuery(backend.DataQuery{JSON: []byte(`{"queryType":"days"}`)})
	if err != nil || q.Value != ValueRemaining {
		t.Fatalf("value must default to remaining: %+v, %v", q, err)
	}
	q, err = ParseQuery(backend.DataQuery{QueryType: "renewals", JSON: []byte(`{"category":"auto-rotated","clusters":["c1"]}`)})
	if err != nil || q.QueryType != QueryRenewals || q.GroupBy != certs.GroupByNode {
		t.Fatalf("got %+v, %v", q, err)
	}
}

func TestParseQueryLimit(t *testing.T) {
	tests := []struct {
		name, json string
		want       int
	}{
		{"absent: every series", `{"queryType":"timeseries"}`, 0},
		{"null: every series", `{"queryType":"timeseries","limit":null}`, 0},
		{"zero: every series", `{"queryType":"timeseries","limit":0}`, 0},
		{"top 20", `{"queryType":"timeseries","groupBy":"node","limit":20}`, 20},
		{"with groupBy cluster", `{"queryType":"timeseries","groupBy":"cluster","limit":3}`, 3},
		{"queryType from the DataQuery", `{"limit":1}`, 1},
		{"zero on a table: nothing to limit", `{"queryType":"certificates","limit":0}`, 0},
		{"zero on renewals", `{"queryType":"renewals","limit":0}`, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dq := backend.DataQuery{JSON: []byte(tt.json)}
			if !strings.Contains(tt.json, "queryType") {
				dq.QueryType = string(QueryTimeseries)
			}
			q, err := ParseQuery(dq)
			if err != nil || q.Limit != tt.want {
				t.Fatalf("limit %d, error %v; want %d", q.Limit, err, tt.want)
			}
		})
	}
}

func TestParseQueryFull(t *testing.T) {
	q, err := ParseQuery(backend.DataQuery{JSON: []byte(`{"queryType":"days","clusters":["a.b"],"nodes":["1","2"],
		"certificates":["api"],"category":"user-managed","metricVersion":"v1","groupBy":"certificate"}`)})
	if err != nil {
		t.Fatal(err)
	}
	f := q.Filter()
	if !slices.Equal(f.Clusters, []string{"a.b"}) || !slices.Equal(f.Nodes, []string{"1", "2"}) || f.Category != "user-managed" || q.GroupBy != certs.GroupByCertificate {
		t.Fatalf("got %+v", q)
	}
}

func TestParseQueryRejects(t *testing.T) {
	tests := []struct{ json, want string }{
		{`{"queryType":"renewal"}`, `unknown queryType "renewal": use certificates, days, timeseries or renewals`},
		{`{"queryType":"renewals","statuses":["ok"]}`, "a renewals query has no status"},
		{`{"queryType":"renewals","groupBy":"certificate"}`, `groupBy "certificate" does not apply to renewals`},
		{`{"queryType":"days","value":"left"}`, `unknown value "left": use remaining, behind or expires`},
		{`{"queryType":"certificates","value":"behind"}`, `value "behind" applies to days queries only`},
		{`{"queryType":"days","value":7}`, "invalid query JSON"},
		{`{"category":"managed"}`, `unknown category "managed"`},
		{`{"metricVersion":"v3"}`, `unknown metricVersion "v3"`},
		{`{"groupBy":"instance"}`, `unknown groupBy "instance"`},
		{`{"clusters":"a"}`, "invalid query JSON"},
		{`{"statuses":["gone"]}`, `unknown status "gone"`},
		{`{"queryType":"timeseries","statuses":["missing"]}`, "a timeseries query has no status"},
		{`{"clusters":[1]}`, "invalid query JSON"},
		{`not json`, "invalid query JSON"},
		{fmt.Sprintf(`{"nodes":%s}`, manyValues(MaxFilterValues+1)), "nodes filter has 1001 values"},
		{`{"queryType":"timeseries","limit":-1}`, "limit -1 is negative: use 0 (every series) or the number of series to keep"},
		{`{"queryType":"timeseries","limit":2.5}`, "invalid query JSON"},
		{`{"queryType":"timeseries","limit":"20"}`, "invalid query JSON"},
		{`{"queryType":"certificates","limit":20}`, "limit 20 applies to timeseries queries only; a certificates query returns every result"},
		{`{"limit":20}`, "limit 20 applies to timeseries queries only; a certificates query"},
		{`{"queryType":"days","limit":1}`, "limit 1 applies to timeseries queries only; a days query"},
		{`{"queryType":"renewals","limit":5}`, "limit 5 applies to timeseries queries only; a renewals query"},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			_, err := ParseQuery(backend.DataQuery{JSON: []byte(tt.json)})
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %v, want %q", err, tt.want)
			}
		})
	}
}

func TestResolveVersion(t *testing.T) {
	tests := []struct {
		query, def, want MetricVersion
	}{
		{MetricVersionDefault, MetricVersionV1, MetricVersionV1},
		{MetricVersionDefault, MetricVersionDefault, MetricVersionAuto},
		{MetricVersionV2, MetricVersionV1, MetricVersionV2},
	}
	for _, tt := range tests {
		if got := (Query{MetricVersion: tt.query}).ResolveVersion(tt.def); got != tt.want {
			t.Errorf("ResolveVersion(%q, default %q) = %q, want %q", tt.query, tt.def, got, tt.want)
		}
	}
	if v := MetricVersionAuto.Versions(); !slices.Equal(v, []certs.Version{certs.V1, certs.V2}) {
		t.Errorf("auto reads %v", v)
	}
}

func manyValues(n int) string {
	vals := make([]string, n)
	for i := range vals {
		vals[i] = fmt.Sprint(i)
	}
	b, _ := json.Marshal(vals)
	return string(b)
}

func FuzzParseQuery(f *testing.F) {
	for _, s := range []string{`{}`, `{"queryType":"days","clusters":["a"]}`, `{"groupBy":1}`, `[]`, `null`, `{"nodes":[null]}`, `{"queryType":"timeseries","limit":20}`, `{"limit":-1}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		q, err := ParseQuery(backend.DataQuery{JSON: b})
		if err == nil && q.Validate() != nil {
			t.Fatalf("ParseQuery accepted a query Validate rejects: %+v", q)
		}
	})
}
