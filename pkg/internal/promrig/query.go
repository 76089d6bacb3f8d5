package promrig

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
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
	// Time is the sample's timestamp: the evaluation time for a vector, the raw sample's for
	// a matrix (a range selector such as `m[10m]`).
	Time time.Time
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
	r, body, err := s.fetch(ctx, "query", url.Values{"query": {expr}})
	if err != nil {
		return nil, body, err
	}
	out := make([]Sample, 0, len(r.Data.Result))
	for _, res := range r.Data.Result {
		pair := res.Value
		if n := len(res.Values); n > 0 {
			pair = res.Values[n-1]
		}
		out = append(out, sampleOf(res.Metric, pair))
	}
	return out, body, nil
}

// fetch runs a query (api "query" or "query_range") and decodes its vector or matrix answer.
func (s *Server) fetch(ctx context.Context, api string, params url.Values) (apiResponse, string, error) {
	var r apiResponse
	expr := params.Get("query")
	u := s.URL + "/api/v1/" + api + "?" + params.Encode()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return r, "", err
	}
	resp, err := httpClient.Do(req)
	if err != nil {
		return r, "", err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 32<<20))
	if err != nil {
		return r, string(body), err
	}
	if err := json.Unmarshal(body, &r); err != nil {
		return r, string(body), fmt.Errorf("HTTP %s: %w", resp.Status, err)
	}
	if r.Status != "success" {
		return r, string(body), fmt.Errorf("query %q: %s: %s", expr, r.ErrorType, r.Error)
	}
	switch r.Data.ResultType {
	case "vector", "matrix":
	default:
		return r, string(body), fmt.Errorf("query %q: result type %q, want vector or matrix", expr, r.Data.ResultType)
	}
	return r, string(body), nil
}

// sampleOf is one [timestamp, "value"] pair of a series.
func sampleOf(labels map[string]string, pair []any) Sample {
	smp := Sample{Labels: labels}
	if smp.Labels == nil {
		smp.Labels = map[string]string{}
	}
	if len(pair) == 2 {
		if ts, ok := pair[0].(float64); ok {
			smp.Time = time.UnixMilli(int64(math.Round(ts * 1000)))
		}
		if v, ok := pair[1].(string); ok {
			smp.Value, _ = strconv.ParseFloat(v, 64) // also parses "NaN", "+Inf"
		}
	}
	return smp
}

// RawSamples is every raw sample of the series the selector matches within the window before
// now, oldest first per series, staleness markers aside (VictoriaMetrics returns a vanished
// series' marker, NaN, as its last sample; Prometheus never does).
func (s *Server) RawSamples(t testing.TB, selector string, window time.Duration) []Sample {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	expr := selector + "[" + promDuration(window) + "]"
	r, body, err := s.fetch(ctx, "query", url.Values{"query": {expr}})
	if err != nil {
		t.Fatalf("promrig: query %q: %v\nresponse: %s", expr, err, clip(body, 4096))
	}
	var out []Sample
	for _, res := range r.Data.Result {
		for _, pair := range res.Values {
			if smp := sampleOf(res.Metric, pair); !math.IsNaN(smp.Value) {
				out = append(out, smp)
			}
		}
	}
	return out
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

// RangeEnd is the last point of every series of a range query over [start, end] at step:
// what a panel's newest step shows. (VictoriaMetrics may end the steps before `end`, on its
// cache's grid, and hides samples newer than its latency offset.)
func (s *Server) RangeEnd(t testing.TB, expr string, start, end time.Time, step time.Duration) []Sample {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	sec := func(tm time.Time) string { return strconv.FormatFloat(float64(tm.UnixMilli())/1000, 'f', -1, 64) }
	r, body, err := s.fetch(ctx, "query_range", url.Values{"query": {expr}, "start": {sec(start)}, "end": {sec(end)},
		"step": {strconv.FormatFloat(step.Seconds(), 'f', -1, 64)}})
	if err != nil {
		t.Fatalf("promrig: range query %q: %v\nresponse: %s", expr, err, clip(body, 4096))
	}
	var out []Sample
	for _, res := range r.Data.Result {
		if n := len(res.Values); n > 0 {
			out = append(out, sampleOf(res.Metric, res.Values[n-1]))
		}
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
