package simulator

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

// discard is a ResponseWriter that keeps nothing, so the benchmark measures
// the simulator rather than a recorder's buffer growth.
type discard struct {
	h http.Header
	n int
}

func (d *discard) Header() http.Header         { return d.h }
func (d *discard) WriteHeader(int)             {}
func (d *discard) Write(b []byte) (int, error) { d.n += len(b); return len(b), nil }

// BenchmarkScrapeV2Scale is one /v2 scrape of 100 clusters x 10 nodes x 10
// certificates (10,000 series); run with -benchmem.
func BenchmarkScrapeV2Scale(b *testing.B) {
	s, err := New(ScaleConfig(100, 10, 10, 1))
	if err != nil {
		b.Fatal(err)
	}
	h := s.Handler()
	req := httptest.NewRequest(http.MethodGet, "/v2", nil)
	w := &discard{h: http.Header{}}
	b.ReportAllocs()
	for b.Loop() {
		w.n = 0
		h.ServeHTTP(w, req)
	}
	b.SetBytes(int64(w.n))
}
