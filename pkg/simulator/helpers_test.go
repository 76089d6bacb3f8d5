package simulator

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

var testStart = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

func newSim(t testing.TB, clusters ...ClusterConfig) *Simulator {
	t.Helper()
	if len(clusters) == 0 {
		clusters = DemoClusters()
	}
	s, err := New(Config{Clusters: clusters, Seed: 1, Start: testStart, Frozen: true})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// do sends one request to the handler and returns status and body.
func do(t testing.TB, s *Simulator, method, target string, body io.Reader) (int, http.Header, string) {
	t.Helper()
	req := httptest.NewRequest(method, target, body)
	if body != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	rec := httptest.NewRecorder()
	s.Handler().ServeHTTP(rec, req)
	return rec.Code, rec.Header(), rec.Body.String()
}

// scrape GETs target, checks status and content type, and parses the body strictly.
func scrape(t testing.TB, s *Simulator, target string) []sample {
	t.Helper()
	code, h, body := do(t, s, http.MethodGet, target, nil)
	if code != http.StatusOK {
		t.Fatalf("GET %s: %d %s", target, code, body)
	}
	if ct := h.Get("Content-Type"); ct != ContentType {
		t.Fatalf("GET %s: Content-Type %q", target, ct)
	}
	samples, err := parseText(body)
	if err != nil {
		t.Fatalf("GET %s: %v\n%s", target, err, body)
	}
	return samples
}

func only(samples []sample, metric string) []sample {
	var out []sample
	for _, s := range samples {
		if s.metric == metric {
			out = append(out, s)
		}
	}
	return out
}

// certName names a sample's certificate whichever schema it uses, as a
// consumer must: logical_name, or the file's base name without _cert.pem/.pem.
func certName(s sample) string {
	if n, ok := s.labels["logical_name"]; ok {
		return n
	}
	f := s.labels["filename"]
	if f == "" {
		f = s.labels["locator"][strings.LastIndexByte(s.labels["locator"], '/')+1:]
	}
	f = strings.TrimSuffix(f, ".pem")
	if !strings.HasSuffix(f, "-crdt") && f != "trusted_ca" {
		f = strings.TrimSuffix(f, "_cert")
	}
	return f
}
