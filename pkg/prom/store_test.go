package prom

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/grafana/grafana-plugin-sdk-go/backend/httpclient"

	"github.com/seed/rscerts/pkg/internal/promrig"
)

func storeAt(t *testing.T, url string) Store {
	t.Helper()
	c, err := NewWithOptions(url, httpclient.Options{}, 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	s, err := c.Store(context.Background())
	if err != nil {
		t.Fatalf("Store(%s): %v", url, err)
	}
	return s
}

// wantVersion is what a real store reports: its release, or nothing for a `go install`
// build, whose binary does not know its version.
func wantVersion(s *promrig.Server) string {
	if s.SelfVersion {
		return s.Version
	}
	return ""
}

func TestStoreRealPrometheus(t *testing.T) {
	t.Parallel()
	srv := promrig.StartPrometheus(t, promrig.Config{})
	got := storeAt(t, srv.URL)
	// Debian's build says "2.42.0+ds" where its --version says 2.42.0.
	if want := wantVersion(srv); got.Name != "Prometheus" || (got.Version == "") != (want == "") || !strings.HasPrefix(got.Version, want) {
		t.Errorf("Prometheus %s (self-reported: %t): Store = %+v", srv.Version, srv.SelfVersion, got)
	}
}

// VictoriaMetrics answers build info with a fixed "2.24.0"; health must not call it Prometheus.
func TestStoreRealVictoriaMetrics(t *testing.T) {
	t.Parallel()
	srv := promrig.StartVictoriaMetrics(t, promrig.Config{})
	want := Store{Name: "VictoriaMetrics", Version: wantVersion(srv)}
	// Its API also answers under /prometheus, as vmselect's does under /select/<tenant>/prometheus.
	for _, url := range []string{srv.URL, srv.URL + "/prometheus", srv.URL + "/prometheus/"} {
		if got := storeAt(t, url); got != want {
			t.Errorf("%s: Store = %+v, want %+v", url, got, want)
		}
	}
	if s := want.String(); s != strings.TrimSpace("VictoriaMetrics "+want.Version) {
		t.Errorf("String() = %q", s)
	}
}

func TestStoreFromAnswers(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, buildinfo, vmui string
		want                  Store
	}{
		{"prometheus", `{"status":"success","data":{"version":"3.16.0","revision":"abc","goVersion":"go1.26"}}`, "", Store{"Prometheus", "3.16.0"}},
		{"a real Prometheus 2.24.0", `{"status":"success","data":{"version":"2.24.0","revision":"02e92236a8bad3503ff5eec3e04ac205a3b8e4fe","goVersion":"go1.15.6"}}`, "", Store{"Prometheus", "2.24.0"}},
		{"VictoriaMetrics release", `{"status":"success","data":{"version":"2.24.0"}}`, `{"version":"v1.151.0","license":{"type":"opensource"}}`, Store{"VictoriaMetrics", "1.151.0"}},
		{"2.24.0 without VictoriaMetrics' UI", `{"status":"success","data":{"version":"2.24.0"}}`, "", Store{"Prometheus", "2.24.0"}},
		{"Grafana Mimir", `{"status":"success","data":{"application":"Grafana Mimir","version":"2.14.0","revision":"x","goVersion":"go1.23"}}`, "", Store{"Grafana Mimir", "2.14.0"}},
		{"no build info", "", "", Store{Name: "Prometheus"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				body := map[string]string{"/api/v1/status/buildinfo": tc.buildinfo, "/vmui/config.json": tc.vmui}[r.URL.Path]
				if body == "" {
					http.NotFound(w, r)
					return
				}
				_, _ = w.Write([]byte(body))
			}))
			defer srv.Close()
			if got := storeAt(t, srv.URL); got != tc.want {
				t.Errorf("Store = %+v, want %+v", got, tc.want)
			}
		})
	}
}

func TestStoreFailures(t *testing.T) {
	t.Parallel()
	for code, want := range map[int]string{401: "refused the credentials", 500: "failed (HTTP 500)", 200: "did not answer like a Prometheus API"} {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			w.WriteHeader(code)
			_, _ = w.Write([]byte("<html>not an API</html>"))
		}))
		c, err := NewWithOptions(srv.URL, httpclient.Options{}, 1<<20)
		if err != nil {
			t.Fatal(err)
		}
		_, err = c.Store(context.Background())
		if pe, ok := err.(*Error); !ok || !strings.Contains(pe.Message, want) {
			t.Errorf("HTTP %d: error %v, want %q", code, err, want)
		}
		c.Close()
		srv.Close()
	}
}
