package promrig

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"testing"
	"time"
)

// No proxy: the server is always on loopback, and a proxy from the
// environment must never see test traffic.
var httpClient = &http.Client{Transport: &http.Transport{Proxy: nil}, Timeout: 10 * time.Second}

// Sample is one series of an instant query result.
type Sample struct {
	Labels map[string]string
	Value  float64
}

type apiResponse struct {
	Status    string `json:"status"`
	ErrorType string `json:"errorType"`
	Error     string `json:"error"`
	Data      struct {
		ResultType string `json:"resultType"`
		Result     []struct {
			Metric map[string]string `json:"metric"`
			Value  []any             `json:"value"`  // vector: [ts, "v"]
			Values [][]any           `json:"values"` // matrix: [[ts, "v"], ...]
		} `json:"result"`
	} `json:"data"`
}

// query runs an instant query and returns the samples and the raw body (for
// failure messages). Matrix results yield the newest value of each series.
func (s *Server) query(ctx context.Context, expr string) ([]Sample, string, error) {
	u := s.URL + "/api/v1/query?" + url.Values{"query": {expr}}.Encode()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, "", err
	}
	resp, err := httpClient.Do(req)
	if err != nil {
		return nil, "", err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 32<<20))
	if err != nil {
		return nil, string(body), err
	}
	var r apiResponse
	if err := json.Unmarshal(body, &r); err != nil {
		return nil, string(body), fmt.Errorf("HTTP %s: %w", resp.Status, err)
	}
	if r.Status != "success" {
		return nil, string(body), fmt.Errorf("query %q: %s: %s", expr, r.ErrorType, r.Error)
	}
	switch r.Data.ResultType {
	case "vector", "matrix":
	default:
		return nil, string(body), fmt.Errorf("query %q: result type %q, want vector or matrix", expr, r.Data.ResultType)
	}
	out := make([]Sample, 0, len(r.Data.Result))
	for _, res := range r.Data.Result {
		pair := res.Value
		if n := len(res.Values); n > 0 {
			pair = res.Values[n-1]
		}
		smp := Sample{Labels: res.Metric}
		if smp.Labels == nil {
			smp.Labels = map[string]string{}
		}
		if len(pair) == 2 {
			if v, ok := pair[1].(string); ok {
				smp.Value, _ = strconv.ParseFloat(v, 64) // also parses "NaN", "+Inf"
			}
		}
		out = append(out, smp)
	}
	return out, string(body), nil
}

// QuerySamples runs an instant query and returns its series with values; it
// fails the test on any error.
func (s *Server) QuerySamples(t testing.TB, expr string) []Sample {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	out, body, err := s.query(ctx, expr)
	if err != nil {
		t.Fatalf("promrig: query %q: %v\nresponse: %s", expr, err, clip(body, 4096))
	}
	return out
}

// Query runs an instant query and returns the label set of each result series.
func (s *Server) Query(t testing.TB, expr string) []map[string]string {
	t.Helper()
	samples := s.QuerySamples(t, expr)
	out := make([]map[string]string, len(samples))
	for i, smp := range samples {
		out[i] = smp.Labels
	}
	return out
}

// WaitForSeries polls expr until it returns at least atLeast series. On
// timeout, or if Prometheus exits, it fails with the last response and the
// tail of the Prometheus log. Scrapes begin up to one interval after start,
// so allow a few seconds.
func (s *Server) WaitForSeries(t testing.TB, expr string, atLeast int, timeout time.Duration) []Sample {
	t.Helper()
	deadline := time.Now().Add(timeout)
	var last string
	for {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		samples, body, err := s.query(ctx, expr)
		cancel()
		switch {
		case err == nil && len(samples) >= atLeast:
			return samples
		case err != nil:
			last = fmt.Sprintf("error: %v; body: %s", err, clip(body, 4096))
		default:
			last = fmt.Sprintf("%d series: %s", len(samples), clip(body, 4096))
		}
		if s.Exited() || time.Now().After(deadline) {
			why := "timed out after " + timeout.String()
			if s.Exited() {
				why = "Prometheus exited"
			}
			t.Fatalf("promrig: WaitForSeries(%q, >= %d): %s\nlast response: %s\nPrometheus %s log tail:\n%s",
				expr, atLeast, why, last, s.Version, tail(s.Log(), 40))
		}
		time.Sleep(200 * time.Millisecond)
	}
}

func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + fmt.Sprintf("... (%d more bytes)", len(s)-n)
}
