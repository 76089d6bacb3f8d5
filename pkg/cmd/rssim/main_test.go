package main

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"io"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
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

// start runs rssim with args and returns its base URL and a stop function
// that fails the test if run returned an error.
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
