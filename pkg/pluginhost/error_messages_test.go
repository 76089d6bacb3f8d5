package pluginhost

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
)

// Fault cases only: these stubs play a broken or hostile Prometheus. Real behaviour is
// tested against a real Prometheus in integration_test.go.

const emptyVector = `{"status":"success","data":{"resultType":"vector","result":[]}}`

func TestFaultsGiveActionableErrors(t *testing.T) {
	tests := []struct {
		name       string
		handler    http.HandlerFunc
		wantStatus backend.Status
		wantMsg    string
	}{
		{"401", func(w http.ResponseWriter, _ *http.Request) { http.Error(w, "unauthorized", 401) }, backend.StatusUnauthorized, "refused the credentials (401"},
		{"403", func(w http.ResponseWriter, _ *http.Request) { http.Error(w, "nope", 403) }, backend.StatusForbidden, "denied access (403"},
		{"404", func(w http.ResponseWriter, _ *http.Request) { http.NotFound(w, nil) }, backend.StatusNotFound, "no Prometheus API"},
		{"503", func(w http.ResponseWriter, _ *http.Request) { http.Error(w, "overloaded", 503) }, backend.StatusBadGateway, "failed (HTTP 503)"},
		{"garbage", func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte("<html>hello</html>")) }, backend.StatusBadGateway, "did not answer like a Prometheus API"},
		{"bad_data", func(w http.ResponseWriter, _ *http.Request) {
			w.WriteHeader(400)
			_, _ = w.Write([]byte(`{"status":"error","errorType":"bad_data","error":"parse error: unexpected }"}`))
		}, backend.StatusBadRequest, "rejected the query: parse error"},
		{"matrix for instant", func(w http.ResponseWriter, _ *http.Request) {
			_, _ = w.Write([]byte(`{"status":"success","data":{"resultType":"matrix","result":[]}}`))
		}, backend.StatusBadGateway, "answered a matrix where an instant vector was expected"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := httptest.NewServer(tt.handler)
			defer srv.Close()
			ds := newTestDatasource(t, srv.URL, nil, nil)
			resp, err := ds.QueryData(context.Background(), &backend.QueryDataRequest{Queries: []backend.DataQuery{
				dataQuery("A", map[string]any{"queryType": "certificates"}, time.Now().Add(-time.Hour), time.Now()),
			}})
			if err != nil {
				t.Fatal(err)
			}
			r := resp.Responses["A"]
			if r.Error == nil || !strings.Contains(r.Error.Error(), tt.wantMsg) {
				t.Fatalf("error %v, want %q", r.Error, tt.wantMsg)
			}
			if r.Status != tt.wantStatus || r.ErrorSource != backend.ErrorSourceDownstream {
				t.Fatalf("status %d source %q, want %d downstream", r.Status, r.ErrorSource, tt.wantStatus)
			}
			h, err := ds.CheckHealth(context.Background(), &backend.CheckHealthRequest{})
			if err != nil {
				t.Fatal(err)
			}
			if h.Status != backend.HealthStatusError {
				t.Fatalf("health %v: %s", h.Status, h.Message)
			}
		})
	}
}

func TestHealthNamesUnreachablePrometheus(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close() // nothing listens there now: connection refused
	ds := newTestDatasource(t, "http://"+addr, nil, nil)
	h, _ := ds.CheckHealth(context.Background(), &backend.CheckHealthRequest{})
	if h.Status != backend.HealthStatusError || !strings.Contains(h.Message, "cannot reach Prometheus") {
		t.Fatalf("health %v: %s", h.Status, h.Message)
	}
}

func TestHealthWithoutCertificateSeries(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/buildinfo") {
			_, _ = w.Write([]byte(`{"status":"success","data":{"version":"3.9.9"}}`))
			return
		}
		_, _ = w.Write([]byte(emptyVector))
	}))
	defer srv.Close()
	ds := newTestDatasource(t, srv.URL, nil, nil)
	h, _ := ds.CheckHealth(context.Background(), &backend.CheckHealthRequest{})
	if h.Status != backend.HealthStatusError || !strings.Contains(h.Message, "Prometheus 3.9.9 is reachable") || !strings.Contains(h.Message, "https://<cluster>:8070/") {
		t.Fatalf("health %v: %s", h.Status, h.Message)
	}
}

func TestHealthReportsInvalidSettings(t *testing.T) {
	ds := newTestDatasource(t, "http://127.0.0.1:1", map[string]any{"userManagedWarningDays": 5}, nil)
	h, _ := ds.CheckHealth(context.Background(), &backend.CheckHealthRequest{})
	if h.Status != backend.HealthStatusError || !strings.Contains(h.Message, "userManagedCriticalDays (14) must not exceed userManagedWarningDays (5)") {
		t.Fatalf("health %v: %s", h.Status, h.Message)
	}
}

func TestOneBadQueryNeverFailsItsSiblings(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte(emptyVector)) }))
	defer srv.Close()
	ds := newTestDatasource(t, srv.URL, nil, nil)
	now := time.Now()
	resp, _ := ds.QueryData(context.Background(), &backend.QueryDataRequest{Queries: []backend.DataQuery{
		dataQuery("good", map[string]any{"queryType": "days"}, now.Add(-time.Hour), now),
		dataQuery("bad", map[string]any{"queryType": "days", "groupBy": "instance"}, now.Add(-time.Hour), now),
		{RefID: "garbage", JSON: []byte(`{"clusters":`)},
	}})
	if r := resp.Responses["good"]; r.Error != nil || len(r.Frames) != 1 || r.Frames[0].Meta.Type != "numeric-multi" {
		t.Fatalf("good query: %+v", r)
	}
	for _, ref := range []string{"bad", "garbage"} {
		r := resp.Responses[ref]
		if r.Error == nil || r.Status != backend.StatusBadRequest {
			t.Fatalf("%s: want a 400, got %+v", ref, r)
		}
	}
}

func TestQueryTimeoutHonoursContext(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	defer srv.Close()
	defer close(release)
	ds := newTestDatasource(t, srv.URL, nil, nil)
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	resp, _ := ds.QueryData(ctx, &backend.QueryDataRequest{Queries: []backend.DataQuery{
		dataQuery("A", map[string]any{}, time.Now().Add(-time.Hour), time.Now()),
	}})
	r := resp.Responses["A"]
	if r.Error == nil || r.Status != backend.StatusTimeout || !strings.Contains(r.Error.Error(), "did not answer in time") {
		t.Fatalf("got %+v", r)
	}
}

func TestResourcesRejectUnknownPathAndMethod(t *testing.T) {
	ds := newTestDatasource(t, "http://127.0.0.1:1", nil, nil)
	if status, body := resourceCall(t, ds, "secrets", "secrets"); status != 404 || !strings.Contains(string(body), "unknown resource") {
		t.Fatalf("got %d %s", status, body)
	}
}

func TestOversizedResponseIsRefused(t *testing.T) {
	big := `{"status":"success","data":{"resultType":"vector","result":[` + strings.Repeat(`{"metric":{"x":"y"},"value":[1,"1"]},`, 40000) + `{"metric":{},"value":[1,"1"]}]}}`
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		// No Content-Length: the limit must hold while streaming too.
		_, _ = w.Write([]byte(big[:len(big)/2]))
		w.(http.Flusher).Flush()
		_, _ = w.Write([]byte(big[len(big)/2:]))
	}))
	defer srv.Close()
	ds := newTestDatasource(t, srv.URL, map[string]any{"responseLimitMB": 1}, nil)
	resp, _ := ds.QueryData(context.Background(), &backend.QueryDataRequest{Queries: []backend.DataQuery{
		dataQuery("A", map[string]any{}, time.Now().Add(-time.Hour), time.Now()),
	}})
	r := resp.Responses["A"]
	if r.Error == nil || !strings.Contains(r.Error.Error(), "response limit") || r.ErrorSource != backend.ErrorSourceDownstream {
		t.Fatalf("got %+v", r)
	}
}
