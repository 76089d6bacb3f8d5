package pluginhost

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/pem"
	"fmt"
	"math/big"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/grafana/grafana-plugin-sdk-go/backend/log"
)

// Secrets: credentials come only from the decrypted secure JSON, and no secret ever shows
// in a log line, health message, query error, frame or resource body, even when Prometheus
// (or a proxy) echoes the request's credentials back in its error pages.

// captureLogger records everything logged through the SDK's log.DefaultLogger.
type captureLogger struct {
	mu   *sync.Mutex
	buf  *strings.Builder
	with []any
}

func newCaptureLogger() *captureLogger {
	return &captureLogger{mu: &sync.Mutex{}, buf: &strings.Builder{}}
}

func (l *captureLogger) log(level, msg string, args ...any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	fmt.Fprintf(l.buf, "%s %s %v %v\n", level, msg, l.with, args)
}
func (l *captureLogger) Debug(msg string, args ...any) { l.log("debug", msg, args...) }
func (l *captureLogger) Info(msg string, args ...any)  { l.log("info", msg, args...) }
func (l *captureLogger) Warn(msg string, args ...any)  { l.log("warn", msg, args...) }
func (l *captureLogger) Error(msg string, args ...any) { l.log("error", msg, args...) }
func (l *captureLogger) Level() log.Level              { return log.Debug }
func (l *captureLogger) FromContext(context.Context) log.Logger {
	return l
}
func (l *captureLogger) With(args ...any) log.Logger {
	return &captureLogger{mu: l.mu, buf: l.buf, with: append(append([]any{}, l.with...), args...)}
}
func (l *captureLogger) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

// captureLogs swaps the SDK's default logger for the test.
func captureLogs(t *testing.T) *captureLogger {
	t.Helper()
	prev := log.DefaultLogger
	l := newCaptureLogger()
	log.DefaultLogger = l
	t.Cleanup(func() { log.DefaultLogger = prev })
	return l
}

// echoingPrometheus checks credentials; every error answer echoes the request headers the
// way a debugging proxy would. check returns whether the request is authorized.
func echoingPrometheus(check func(*http.Request) bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		var echo strings.Builder
		for k, v := range r.Header {
			fmt.Fprintf(&echo, "%s: %s; ", k, strings.Join(v, ","))
		}
		if r.URL.User != nil {
			fmt.Fprintf(&echo, "url user %s; ", r.URL.User.String())
		}
		switch {
		case !check(r):
			http.Error(w, "unauthorized: "+echo.String(), http.StatusUnauthorized)
		case strings.Contains(r.FormValue("query"), faultCluster):
			http.Error(w, "upstream failed for request "+echo.String(), http.StatusInternalServerError)
		case strings.Contains(r.FormValue("query"), "bad.example.com"):
			w.WriteHeader(http.StatusBadRequest)
			fmt.Fprintf(w, `{"status":"error","errorType":"bad_data","error":"rejected %s"}`, strings.ReplaceAll(echo.String(), `"`, `'`))
		default:
			healthyAnswer(w, r, "warning for "+echo.String())
		}
	}
}

func TestHardeningSecretsNeverLeak(t *testing.T) {
	leakCheck(t)
	logs := captureLogs(t)
	const (
		user     = "rsadmin"
		password = "pw-S3cr3t-basic-7731"
		token    = "tok-S3cr3t-bearer-9911"
		urlPass  = "pw-S3cr3t-in-url-4242"
	)
	bearer := "Bearer " + token
	clientCert, clientKey := newClientCert(t)
	secrets := []string{password, token, urlPass, clientKey,
		base64.StdEncoding.EncodeToString([]byte(user + ":" + password)),
		base64.StdEncoding.EncodeToString([]byte(user + ":" + urlPass)),
		strings.Split(clientKey, "\n")[1]} // any line of the key

	var seen []string // everything the plugin said
	collect := func(ds *Datasource, wantHealth backend.HealthStatus) {
		t.Helper()
		h, err := ds.CheckHealth(context.Background(), &backend.CheckHealthRequest{})
		if err != nil {
			t.Fatal(err)
		}
		if h.Status != wantHealth {
			t.Errorf("health %v %q, want %v", h.Status, h.Message, wantHealth)
		}
		seen = append(seen, h.Message)
		now := time.Now()
		resp, err := ds.QueryData(context.Background(), &backend.QueryDataRequest{Queries: []backend.DataQuery{
			dataQuery("ok", map[string]any{}, now.Add(-time.Hour), now),
			dataQuery("days", map[string]any{"queryType": "days"}, now.Add(-time.Hour), now),
			dataQuery("series", map[string]any{"queryType": "timeseries"}, now.Add(-time.Hour), now),
			dataQuery("fault", map[string]any{"clusters": []string{faultCluster}}, now.Add(-time.Hour), now),
			dataQuery("bad", map[string]any{"clusters": []string{"bad.example.com"}}, now.Add(-time.Hour), now),
		}})
		if err != nil {
			t.Fatal(err)
		}
		for ref, r := range resp.Responses {
			if r.Error != nil {
				seen = append(seen, ref+": "+r.Error.Error())
			}
			seen = append(seen, mustJSON(r.Frames))
		}
		for _, path := range []string{"clusters", "nodes", "certificates"} {
			_, body := resourceCall(t, ds, path, path+"?cluster=ok.example.com")
			seen = append(seen, string(body))
		}
	}

	// Bearer token in a custom Authorization header (secure JSON only).
	authOK := func(r *http.Request) bool { return r.Header.Get("Authorization") == bearer }
	srv := httptest.NewServer(echoingPrometheus(authOK))
	t.Cleanup(srv.Close)
	collect(newTestDatasource(t, srv.URL, map[string]any{"httpHeaderName1": "Authorization"}, map[string]string{"httpHeaderValue1": bearer}), backend.HealthStatusOk)
	// A wrong token: 401 with the token echoed.
	collect(newTestDatasource(t, srv.URL, map[string]any{"httpHeaderName1": "Authorization"}, map[string]string{"httpHeaderValue1": "Bearer " + token + "-old"}), backend.HealthStatusError)

	// Basic auth: right and wrong password.
	basicOK := func(r *http.Request) bool { u, p, ok := r.BasicAuth(); return ok && u == user && p == password }
	bsrv := httptest.NewServer(echoingPrometheus(basicOK))
	t.Cleanup(bsrv.Close)
	collect(newTestDatasource(t, bsrv.URL, map[string]any{"basicAuth": true, "basicAuthUser": user}, map[string]string{"basicAuthPassword": password}), backend.HealthStatusOk)
	collect(newTestDatasource(t, bsrv.URL, map[string]any{"basicAuth": true, "basicAuthUser": user}, map[string]string{"basicAuthPassword": password + "x"}), backend.HealthStatusError)
	// A password written into the URL: refused, and never repeated.
	collect(newTestDatasource(t, strings.Replace(bsrv.URL, "://", "://"+user+":"+urlPass+"@", 1), nil, nil), backend.HealthStatusError)

	// Secrets put into plain jsonData are not used: the SDK reads them from secure JSON only.
	plain := newTestDatasource(t, srv.URL, map[string]any{"httpHeaderName1": "Authorization", "httpHeaderValue1": bearer,
		"basicAuth": true, "basicAuthUser": user, "basicAuthPassword": password}, nil)
	if h, _ := plain.CheckHealth(context.Background(), &backend.CheckHealthRequest{}); h.Status != backend.HealthStatusError || !strings.Contains(h.Message, "401") {
		t.Fatalf("credentials from plain jsonData must not be sent: %v %s", h.Status, h.Message)
	}

	// TLS client certificate: the key comes from secure JSON; a server requiring it works,
	// a broken key is a settings error that does not quote the key.
	tsrv := httptest.NewUnstartedServer(echoingPrometheus(func(r *http.Request) bool { return r.TLS != nil && len(r.TLS.PeerCertificates) == 1 }))
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM([]byte(clientCert))
	tsrv.TLS = &tls.Config{ClientAuth: tls.RequireAndVerifyClientCert, ClientCAs: pool}
	tsrv.StartTLS()
	t.Cleanup(tsrv.Close)
	tlsJSON := map[string]any{"tlsAuth": true, "tlsSkipVerify": true}
	collect(newTestDatasource(t, tsrv.URL, tlsJSON, map[string]string{"tlsClientCert": clientCert, "tlsClientKey": clientKey}), backend.HealthStatusOk)
	broken := strings.Replace(clientKey, strings.Split(clientKey, "\n")[1], "S3cr3tbrokenkey"+strings.Split(clientKey, "\n")[1][15:], 1)
	secrets = append(secrets, "S3cr3tbrokenkey")
	collect(newTestDatasource(t, tsrv.URL, tlsJSON, map[string]string{"tlsClientCert": clientCert, "tlsClientKey": broken}), backend.HealthStatusError)
	collect(newTestDatasource(t, tsrv.URL, tlsJSON, nil), backend.HealthStatusError) // no client certificate: refused

	// A query that panics logs its stack: no secret in it either.
	pds := newTestDatasource(t, srv.URL, map[string]any{"httpHeaderName1": "Authorization"}, map[string]string{"httpHeaderValue1": bearer})
	pds.engine.Prom = panicOn{pds.client}
	collect(pds, backend.HealthStatusOk)

	all := strings.Join(seen, "\n") + "\n" + logs.String()
	for _, s := range secrets {
		if strings.Contains(all, s) {
			i := strings.Index(all, s)
			t.Errorf("secret %q leaked: …%s…", s, all[max(0, i-200):min(len(all), i+len(s)+50)])
		}
	}
	for _, want := range []string{"refused the credentials (401 Unauthorized)", "[redacted]", "query panicked", "store warning: warning for", "tls: certificate required"} {
		if !strings.Contains(all, want) {
			t.Errorf("expected %q among the messages (the calls must really fail and succeed)", want)
		}
	}
	t.Logf("hardening: %d secrets checked against %d messages/frames/bodies and %d bytes of logs", len(secrets), len(seen), len(logs.String()))
}

// newClientCert is a self-signed client certificate and its PEM key.
func newClientCert(t *testing.T) (certPEM, keyPEM string) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "grafana"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
		BasicConstraintsValid: true, IsCA: true}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	kder, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})), string(pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kder}))
}

// TLS verification is on unless the operator turns it off.
func TestHardeningTLSVerification(t *testing.T) {
	leakCheck(t)
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { healthyAnswer(w, r) }))
	t.Cleanup(srv.Close)
	caPEM := string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw}))

	h, _ := newTestDatasource(t, srv.URL, nil, nil).CheckHealth(context.Background(), &backend.CheckHealthRequest{})
	if h.Status != backend.HealthStatusError || !strings.Contains(h.Message, "TLS certificate of Prometheus at "+srv.URL+" is not accepted") ||
		!strings.Contains(h.Message, "certificate signed by unknown authority") {
		t.Fatalf("default must verify: %v %q", h.Status, h.Message)
	}
	now := time.Now()
	resp, _ := newTestDatasource(t, srv.URL, nil, nil).QueryData(context.Background(), &backend.QueryDataRequest{Queries: []backend.DataQuery{dataQuery("A", nil, now.Add(-time.Hour), now)}})
	if r := resp.Responses["A"]; r.Error == nil || r.ErrorSource != backend.ErrorSourceDownstream || !strings.Contains(r.Error.Error(), "With CA Cert") {
		t.Fatalf("query: %+v", r)
	}
	for name, cfg := range map[string]struct {
		json   map[string]any
		secure map[string]string
	}{
		"skip verify":  {map[string]any{"tlsSkipVerify": true}, nil},
		"with CA cert": {map[string]any{"tlsAuthWithCACert": true}, map[string]string{"tlsCACert": caPEM}},
	} {
		h, _ := newTestDatasource(t, srv.URL, cfg.json, cfg.secure).CheckHealth(context.Background(), &backend.CheckHealthRequest{})
		if h.Status != backend.HealthStatusOk {
			t.Fatalf("%s: %v %q", name, h.Status, h.Message)
		}
	}
	// The wrong CA still fails (every httptest server shares one certificate: make another).
	otherCA, _ := newClientCert(t)
	h, _ = newTestDatasource(t, srv.URL, map[string]any{"tlsAuthWithCACert": true}, map[string]string{"tlsCACert": otherCA}).CheckHealth(context.Background(), &backend.CheckHealthRequest{})
	if h.Status != backend.HealthStatusError || !strings.Contains(h.Message, "not accepted") {
		t.Fatalf("wrong CA: %v %q", h.Status, h.Message)
	}
}
