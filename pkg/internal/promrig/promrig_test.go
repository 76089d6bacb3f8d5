package promrig

import (
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"
)

const textContentType = "text/plain; version=0.0.4; charset=utf-8"

func serveFile(t *testing.T, path string) http.HandlerFunc {
	body, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", textContentType)
		_, _ = w.Write(body)
	}
}

// seriesIn counts the sample lines of a text exposition file.
func seriesIn(t *testing.T, path string) int {
	body, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, l := range strings.Split(string(body), "\n") {
		if l = strings.TrimSpace(l); l != "" && !strings.HasPrefix(l, "#") {
			n++
		}
	}
	return n
}

// A Redis Software cluster as Prometheus sees it: v1 from one node, the
// cluster-wide /v2 from two nodes, so each v2 series is there once per instance.
func TestFixturesV1AndV2FromTwoNodes(t *testing.T) {
	t.Parallel()
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", serveFile(t, "testdata/v1-docs.prom"))
	mux.HandleFunc("GET /v2", serveFile(t, "testdata/v2-filename.prom"))
	exp := httptest.NewServer(mux)
	defer exp.Close()
	addr := exp.Listener.Addr().String()

	s := Start(t, Config{Jobs: []Job{
		{Name: "rs-v1", MetricsPath: "/", Targets: []Target{{Address: addr}}},
		{Name: "rs-v2", MetricsPath: "/v2", Targets: []Target{
			{Address: addr, Labels: map[string]string{"instance": "node1.c1.example.com:8070"}},
			{Address: addr, Labels: map[string]string{"instance": "node2.c1.example.com:8070"}},
		}},
	}})

	nV1, nV2 := seriesIn(t, "testdata/v1-docs.prom"), seriesIn(t, "testdata/v2-filename.prom")
	s.WaitForSeries(t, "node_cert_expires_in_seconds", 2*nV2, 30*time.Second)
	s.WaitForSeries(t, "node_cert_expiration_seconds", nV1, 30*time.Second)

	v2 := s.Query(t, "node_cert_expires_in_seconds")
	if len(v2) != 2*nV2 {
		t.Fatalf("v2 series: got %d, want %d (once per instance)", len(v2), 2*nV2)
	}
	perInstance := map[string]int{}
	for _, l := range v2 {
		perInstance[l["instance"]]++
		if l["job"] != "rs-v2" || l["cluster"] != "c1.example.com" || l["filepath"] != "/etc/opt/redislabs" {
			t.Errorf("unexpected v2 labels %v", l)
		}
	}
	want := map[string]int{"node1.c1.example.com:8070": nV2, "node2.c1.example.com:8070": nV2}
	if fmt.Sprint(perInstance) != fmt.Sprint(want) {
		t.Errorf("v2 series per instance: got %v, want %v", perInstance, want)
	}

	v1 := s.Query(t, `node_cert_expiration_seconds{logical_name="api"}`)
	if len(v1) != 1 || v1[0]["instance"] != addr || v1[0]["job"] != "rs-v1" ||
		v1[0]["path"] != "/etc/opt/redislabs/api_cert.pem" || v1[0]["cluster"] != "mycluster.local" {
		t.Errorf("v1 api series: %v", v1)
	}
	if n := len(s.Query(t, "node_cert_expiration_seconds")); n != nV1 {
		t.Errorf("v1 series: got %d, want %d", n, nV1)
	}

	// Label values with ':' survive, and values (negative = expired) are exact.
	crdt := s.Query(t, `node_cert_expires_in_seconds{filename="client_cert-12941999:1-crdt.pem"}`)
	if len(crdt) != 2 {
		t.Errorf("crdt series: %v", crdt)
	}
	expired := s.QuerySamples(t, `node_cert_expires_in_seconds{filename="api_cert.pem",node="2"}`)
	if len(expired) != 2 || expired[0].Value != -3600 || expired[1].Value != -3600 {
		t.Errorf("expired api cert on node 2: %+v", expired)
	}
	if got := s.Query(t, `min by (filename) (node_cert_expires_in_seconds) < 0`); len(got) != 1 || got[0]["filename"] != "api_cert.pem" {
		t.Errorf("expired certificates: %v", got)
	}
}

func TestTLSInsecureSkipVerify(t *testing.T) {
	t.Parallel()
	exp := httptest.NewTLSServer(serveFile(t, "testdata/v1-docs.prom"))
	defer exp.Close()
	s := Start(t, Config{Jobs: []Job{{
		Name: "tls", InsecureSkipVerify: true, // scheme defaults to https
		Targets: []Target{{Address: exp.Listener.Addr().String(), Labels: map[string]string{"cluster_env": "a: b # not a comment"}}},
	}}})
	got := s.WaitForSeries(t, `node_cert_expiration_seconds{job="tls"}`, seriesIn(t, "testdata/v1-docs.prom"), 30*time.Second)
	if got[0].Labels["cluster_env"] != "a: b # not a comment" {
		t.Errorf("label with YAML metacharacters: %v", got[0].Labels)
	}
	if up := s.QuerySamples(t, `up{job="tls"}`); len(up) != 1 || up[0].Value != 1 {
		t.Errorf("up: %+v", up)
	}
}

// Per-target params: Prometheus has them per scrape config only, so the rig
// splits the job and keeps the job label.
func TestTargetParams(t *testing.T) {
	t.Parallel()
	exp := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", textContentType)
		fmt.Fprintf(w, "probe{query=%q} 1\n", r.URL.RawQuery)
	}))
	defer exp.Close()
	addr := exp.Listener.Addr().String()
	s := Start(t, Config{Jobs: []Job{{Name: "probe", Targets: []Target{
		{Address: addr, Labels: map[string]string{"instance": "plain"}},
		{Address: addr, Labels: map[string]string{"instance": "one"}, Params: url.Values{"node": {"2"}}},
		{Address: addr, Labels: map[string]string{"instance": "multi"}, Params: url.Values{"a": {"1", "2"}, "b": {"x y"}}},
	}}}})
	s.WaitForSeries(t, "probe", 3, 30*time.Second)
	var got []string
	for _, l := range s.Query(t, "probe") {
		got = append(got, l["job"]+" "+l["instance"]+" "+l["query"])
	}
	sort.Strings(got)
	want := []string{"probe multi a=1&a=2&b=x+y", "probe one node=2", "probe plain "}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestStopReallyStops(t *testing.T) {
	t.Parallel()
	s := Start(t, Config{})
	if want := map[string][]int{KindPrometheus: {2, 3}, KindVictoriaMetrics: {1}}[s.Kind]; s.Version == "" || !slices.Contains(want, s.Major) {
		t.Errorf("%s version %q major %d", s.Kind, s.Version, s.Major)
	}
	host := strings.TrimPrefix(s.URL, "http://")
	c, err := net.Dial("tcp", host)
	if err != nil {
		t.Fatalf("running server refuses connections: %v", err)
	}
	c.Close()
	done := make(chan struct{})
	go func() { s.Stop(); close(done) }()
	s.Stop() // concurrent and repeated calls are fine
	<-done
	if !s.Exited() {
		t.Fatal("process still running after Stop")
	}
	if c, err := net.DialTimeout("tcp", host, time.Second); err == nil {
		c.Close()
		t.Fatalf("port %s still accepts connections after Stop", host)
	}
	if !strings.Contains(s.Log(), "See you next time") && !strings.Contains(s.Log(), "Received an OS signal") &&
		!strings.Contains(s.Log(), "Received SIGTERM") && !strings.Contains(s.Log(), "VictoriaMetrics has been stopped") {
		t.Logf("log tail (no clean-shutdown line found):\n%s", tail(s.Log(), 10))
	}
}

func TestRenderConfigQuotingAndVersions(t *testing.T) {
	yml, err := renderConfig(Config{ScrapeInterval: 1500 * time.Millisecond, Jobs: []Job{{
		Name: `j"1`, Targets: []Target{{Address: "h:1", Labels: map[string]string{"k": "v: #x\n"}}},
	}}}, KindPrometheus, 2)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`scrape_interval: 1500ms`, `job_name: "j\"1"`, `"k": "v: #x\n"`, `targets: ["h:1"]`} {
		if !strings.Contains(yml, want) {
			t.Errorf("config lacks %q:\n%s", want, yml)
		}
	}
	if strings.Contains(yml, "fallback_scrape_protocol") {
		t.Error("2.x config must not carry 3.x-only fields")
	}
	for _, kind := range []string{KindPrometheus, KindVictoriaMetrics} {
		yml, _ := renderConfig(Config{ExternalLabels: map[string]string{"replica": "a"}}, kind, 3)
		if strings.Contains(yml, "evaluation_interval") != (kind == KindPrometheus) || strings.Contains(yml, "fallback_scrape_protocol") ||
			!strings.Contains(yml, "external_labels:\n    \"replica\": \"a\"\n") {
			t.Errorf("%s config:\n%s", kind, yml)
		}
	}
	if _, err := renderConfig(Config{Jobs: []Job{{Name: "a"}, {Name: "a"}}}, KindPrometheus, 3); err == nil {
		t.Error("duplicate job names accepted")
	}
	for mod, want := range map[string]string{"v0.316.0": "3.16.0", "v0.300.1": "3.0.1", "v0.54.1": "2.54.1"} {
		if got, ok := moduleToRelease(mod); !ok || got != want {
			t.Errorf("moduleToRelease(%s) = %q, want %q", mod, got, want)
		}
	}
}
