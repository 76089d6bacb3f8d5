package main

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/seed/rscerts/pkg/simulator"
)

// lineWriter hands run's first output line to the test, which learns the
// address it listens on from it.
type lineWriter struct {
	mu   sync.Mutex
	buf  bytes.Buffer
	line chan<- string
	sent bool
}

func (w *lineWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.buf.Write(p)
	if i := bytes.IndexByte(w.buf.Bytes(), '\n'); i >= 0 && !w.sent {
		w.line <- string(w.buf.Bytes()[:i])
		w.sent = true
	}
	return len(p), nil
}

// start runs rssim with args until the test ends (the cleanup fails the test if
// run returned an error) and returns its base URL and its start line.
func start(t *testing.T, args ...string) (string, string) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	lines := make(chan string, 1)
	out := &lineWriter{line: lines}
	done := make(chan error, 1)
	go func() { done <- run(ctx, append([]string{"-listen", "127.0.0.1:0"}, args...), out) }()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("run: %v", err)
			}
		case <-time.After(10 * time.Second):
			t.Error("run did not return after cancel")
		}
	})
	select {
	case line := <-lines:
		url := regexp.MustCompile(`https?://127\.0\.0\.1:\d+`).FindString(line)
		if url == "" {
			t.Fatalf("no URL in %q", line)
		}
		return url, line
	case err := <-done:
		t.Fatalf("run returned early: %v", err)
	case <-time.After(10 * time.Second):
		t.Fatal("run printed nothing")
	}
	return "", ""
}

func get(t *testing.T, c *http.Client, url string) (*http.Response, string) {
	t.Helper()
	resp, err := c.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, string(b)
}

func TestRunTLS(t *testing.T) {
	url, line := start(t, "-frozen", "-start", "2026-01-01T00:00:00Z", "-vanish", "c1.example.com/2/api")
	if !strings.HasPrefix(url, "https://") || !strings.Contains(line, "legacy.example.com:2:x509") {
		t.Fatalf("start line %q", line)
	}
	client := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}}
	resp, body := get(t, client, url+"/")
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "text/plain; version=0.0.4; charset=utf-8" {
		t.Fatalf("GET /: %s %q", resp.Status, resp.Header.Get("Content-Type"))
	}
	for _, want := range []string{
		"# TYPE node_cert_expiration_seconds gauge\n",
		`node_cert_expiration_seconds{cluster="c3.example.com",logical_name="api",node="1",path="/etc/opt/redislabs/api_cert.pem"} `,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("GET / lacks %q", want)
		}
	}
	if strings.Contains(body, `cluster="c1.example.com",logical_name="api",node="2"`) {
		t.Error("-vanish c1.example.com/2/api ignored")
	}

	// The generated certificate names localhost and 127.0.0.1.
	cert := resp.TLS.PeerCertificates[0]
	if err := cert.VerifyHostname("127.0.0.1"); err != nil {
		t.Error(err)
	}
	if err := cert.VerifyHostname("localhost"); err != nil {
		t.Error(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	strict := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
	if resp, _ := get(t, strict, url+"/healthz"); resp.StatusCode != 200 {
		t.Errorf("verified /healthz: %s", resp.Status)
	}
}

func TestRunPlainHTTPAndFlags(t *testing.T) {
	url, line := start(t, "-tls=false", "-frozen", "-cluster", "x.example.com:2:filename:ine")
	if !strings.HasPrefix(url, "http://") || !strings.Contains(line, "x.example.com:2:filename:ine") {
		t.Fatalf("start line %q", line)
	}
	_, body := get(t, http.DefaultClient, url+"/v2?node=2")
	if !strings.Contains(body, `customer_managed_ine_certificates{cluster="x.example.com"} 1`) ||
		!strings.Contains(body, `filename="client_cert-12941999:1-crdt.pem"`) {
		t.Errorf("GET /v2:\n%s", body)
	}

	for _, args := range [][]string{
		{"-cluster", "bad"},
		{"-scale", "1:2"},
		{"-scale", "2:2:2", "-cluster", "a:1:docs"},
		{"-start", "yesterday"},
		{"-vanish", "c1.example.com/1/nope"},
		{"-tls-cert", "only.pem"},
		{"-nosuchflag"},
	} {
		err := run(context.Background(), append([]string{"-listen", "127.0.0.1:0"}, args...), io.Discard)
		if err == nil {
			t.Errorf("run %v: no error", args)
		}
	}
}

// The scenario flags are refused with an error naming the flag and the mistake, before
// anything listens (the address is taken, so listening would fail differently).
func TestRunScenarioFlagErrors(t *testing.T) {
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"-speed", "0"}, "-speed 0: want simulated seconds per real second, > 0"},
		{[]string{"-speed", "-1440"}, "-speed -1440"},
		{[]string{"-renew", "c2.example.com/proxy/1,2"}, `-renew "c2.example.com/proxy/1,2": no @after: want cluster/certificate[/nodes]@after[:lifetime]`},
		{[]string{"-renew", "c2.example.com/proxy/1,2@tomorrow"}, `-renew "c2.example.com/proxy/1,2@tomorrow": after: `},
		{[]string{"-renew", "c2.example.com/proxy/1,4@24h"}, `cluster "c2.example.com" has no node 4`},
		{[]string{"-renew", "c2.example.com/prox@24h"}, `no certificate "prox"`},
		{[]string{"-renew", "c7.example.com/proxy@24h"}, `unknown cluster "c7.example.com"`},
		{[]string{"-skip-rotation", "c1.example.com/"}, `-skip-rotation "c1.example.com/": want cluster/node[,node...]`},
		{[]string{"-skip-rotation", "c1.example.com/4"}, `-skip-rotation "c1.example.com/4": cluster "c1.example.com" has no node 4`},
		{[]string{"-rotate-after", "c1.example.com@0s"}, `-rotate-after "c1.example.com@0s": after must be in (0, 30d]`},
		{[]string{"-rotate-after", "c1.example.com/1h"}, `-rotate-after "c1.example.com/1h": want cluster@after`},
	} {
		err := run(context.Background(), append([]string{"-listen", busy.Addr().String()}, tt.args...), io.Discard)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("run %q: %v, want an error containing %q", tt.args, err, tt.want)
		}
	}
}

// truth reads /control/certificates.
func truth(t *testing.T, url string) map[string]simulator.Certificate {
	t.Helper()
	_, body := get(t, http.DefaultClient, url+"/control/certificates")
	var certs []simulator.Certificate
	if err := json.Unmarshal([]byte(body), &certs); err != nil {
		t.Fatal(err)
	}
	m := map[string]simulator.Certificate{}
	for _, c := range certs {
		m[c.Cluster+"/"+c.Node+"/"+c.Name] = c
	}
	return m
}

// A simulated day passes in a tenth of a real second at -speed 1e6: the scheduled renewals,
// the first rotation and the skipped node all show within the test, on the served endpoints.
func TestRunScenario(t *testing.T) {
	start0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	url, line := start(t, "-tls=false", "-start", start0.Format(time.RFC3339), "-speed", "1e6",
		"-rotate-after", "c1.example.com@12h", "-skip-rotation", "c1.example.com/3",
		"-renew", "c2.example.com/proxy/1,2@24h", "-renew", "c2.example.com/api@1d:400d")
	if !strings.Contains(line, "speed 1e+06") || !strings.Contains(line, "renew c2.example.com/proxy/1,2@1d") {
		t.Errorf("start line %q", line)
	}
	const day = 24 * time.Hour
	firstRotation := start0.Add(12*time.Hour + 60*day)
	var m map[string]simulator.Certificate
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		m = truth(t, url)
		if m["c1.example.com/3/ccs_internode_encryption"].RemainingSeconds < 58*86400 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("c1 node 3 still has %v s after 20 s at speed 1e6", m["c1.example.com/3/ccs_internode_encryption"].RemainingSeconds)
		}
	}
	for _, name := range []string{"ccs_internode_encryption", "data_internode_encryption", "mesh_ca_signed", "gossip_ca_signed"} {
		n1, n2, n3 := m["c1.example.com/1/"+name], m["c1.example.com/2/"+name], m["c1.example.com/3/"+name]
		// Nodes 1 and 2 rotated (30 days later each time: once, unless the machine stalled
		// for seconds), node 3 was skipped.
		rotated := n1.Expiry.Sub(firstRotation)
		if !n3.Expiry.Equal(firstRotation) || !n3.RotationSkipped || rotated <= 0 || rotated%(30*day) != 0 || !n2.Expiry.Equal(n1.Expiry) || n1.RotationSkipped {
			t.Errorf("%s: expiries %v %v %v (skipped %v), want %v plus 30 days per rotation on nodes 1 and 2, %v on 3", name, n1.Expiry, n2.Expiry, n3.Expiry, n3.RotationSkipped, firstRotation, firstRotation)
		}
	}
	renewedAt := start0.Add(day)
	for _, n := range []string{"1", "2", "3"} {
		p, a := m["c2.example.com/"+n+"/proxy"], m["c2.example.com/"+n+"/api"]
		if (n == "3") != p.RenewedAt.IsZero() || (n != "3" && !p.Expiry.Equal(renewedAt.Add(365*day))) {
			t.Errorf("c2 node %s proxy: expiry %v renewed at %v", n, p.Expiry, p.RenewedAt)
		}
		if !a.RenewedAt.Equal(renewedAt) || !a.Expiry.Equal(renewedAt.Add(400*day)) {
			t.Errorf("c2 node %s api: expiry %v renewed at %v, want %v", n, a.Expiry, a.RenewedAt, renewedAt.Add(400*day))
		}
	}
	if p1, p3 := m["c2.example.com/1/proxy"], m["c2.example.com/3/proxy"]; !p3.Expiry.Before(p1.Expiry) {
		t.Errorf("node 3's proxy (%v) not behind node 1's (%v)", p3.Expiry, p1.Expiry)
	}

	// Renew now, over HTTP: node 3's proxy catches up (expiry = now + 365 days).
	resp, err := http.Post(url+"/control/renew?cluster=c2.example.com&node=3&certificate=proxy", "", nil)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(b), `"matched": 1`) {
		t.Fatalf("renew: %s %s", resp.Status, b)
	}
	if p := truth(t, url)["c2.example.com/3/proxy"]; p.RenewedAt.IsZero() || !p.Expiry.Equal(p.RenewedAt.Add(365*day)) || p.RemainingSeconds < 200*86400 {
		t.Errorf("after /control/renew node 3's proxy: %+v", p)
	}
}

func TestRunScale(t *testing.T) {
	url, line := start(t, "-tls=false", "-scale", "3:2:12")
	if !strings.Contains(line, "3 clusters (scale 3:2:12)") {
		t.Errorf("start line %q", line)
	}
	_, body := get(t, http.DefaultClient, url+"/v2?cluster=c003.example.com")
	if n := strings.Count(body, "node_cert_expires_in_seconds{"); n != 2*12 {
		t.Errorf("%d series for c003, want 24", n)
	}
}
