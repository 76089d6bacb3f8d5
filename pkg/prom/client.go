// Package prom talks to the Prometheus HTTP API (client_golang's api client builds the
// URLs; requests are sent and answers decoded here) on the HTTP client the Grafana SDK
// builds from the datasource settings (auth, TLS, headers, timeouts, proxy), and turns its
// failures into messages an operator can act on.
package prom

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/grafana/grafana-plugin-sdk-go/backend/httpclient"
	"github.com/prometheus/client_golang/api"
	v1 "github.com/prometheus/client_golang/api/prometheus/v1"
)

// Client is one datasource instance's Prometheus connection.
type Client struct {
	raw       api.Client // builds query URLs; answers are read by do and decodeResponse
	http      *http.Client
	transport *http.Transport // nil if the SDK did not build one
	url       string          // for messages: any password in the URL is redacted
	// secrets are the credential strings of this connection; no message may contain them,
	// even when Prometheus or a proxy echoes the request back in an error body.
	secrets []string
}

// New builds the client from the instance settings; secrets come only from the decrypted
// secure JSON, read by the SDK's HTTPClientOptions. Answers beyond limit bytes fail.
func New(ctx context.Context, s backend.DataSourceInstanceSettings, limit int64) (*Client, error) {
	opts, err := s.HTTPClientOptions(ctx)
	if err != nil {
		return nil, fmt.Errorf("http client options: %w", err)
	}
	return NewWithOptions(s.URL, opts, limit)
}

// NewWithOptions builds the client for a base URL with explicit HTTP client options.
func NewWithOptions(baseURL string, opts httpclient.Options, limit int64) (*Client, error) {
	if opts.Middlewares == nil {
		// httpclient.New only adds its defaults when no middleware is given: without them the
		// basic auth and custom headers (e.g. Authorization: Bearer) would never be sent.
		opts.Middlewares = httpclient.DefaultMiddlewares()
	}
	opts.Middlewares = append(opts.Middlewares, statusRecorder(), responseLimit(limit))
	// The SDK wraps its transport in middlewares, which hide CloseIdleConnections: keep the
	// transport itself so Close really releases the instance's keep-alive connections.
	var transport *http.Transport
	configure := opts.ConfigureTransport
	opts.ConfigureTransport = func(o httpclient.Options, t *http.Transport) {
		transport = t
		if configure != nil {
			configure(o, t)
		}
	}
	hc, err := httpclient.New(opts)
	if err != nil {
		return nil, fmt.Errorf("http client: %w", err)
	}
	baseURL = strings.TrimRight(strings.TrimSpace(baseURL), "/")
	secrets := secretsOf(opts, baseURL)
	display := redactURL(baseURL)
	c, err := api.NewClient(api.Config{Address: baseURL, Client: hc})
	if err != nil {
		return nil, fmt.Errorf("invalid Prometheus URL %q: %s", display, redact(err.Error(), secrets))
	}
	return &Client{raw: c, http: hc, transport: transport, url: display, secrets: secrets}, nil
}

// redactAll keeps secrets out of the store's warnings (shown as frame notices), and says
// whose they are: Prometheus, VictoriaMetrics, Thanos (a partial response), Mimir...
func (c *Client) redactAll(warnings []string) []string {
	for i, w := range warnings {
		warnings[i] = StoreWarning + redact(w, c.secrets)
	}
	return warnings
}

// StoreWarning starts every warning the store sent with its answer.
const StoreWarning = "store warning: "

// fail classifies a failed call and keeps the connection's secrets out of the message.
func (c *Client) fail(err error, code int) error {
	e := classify(err, c.url, code)
	if pe, ok := e.(*Error); ok {
		pe.Message = redact(pe.Message, c.secrets)
	}
	return e
}

// URL is the Prometheus base URL for messages, any password in it redacted.
func (c *Client) URL() string { return c.url }

// Close releases idle connections; called when Grafana disposes the instance.
func (c *Client) Close() {
	c.http.CloseIdleConnections()
	if c.transport != nil {
		c.transport.CloseIdleConnections()
	}
}

// Query runs an instant query at ts.
func (c *Client) Query(ctx context.Context, expr string, ts time.Time) (Value, []string, error) {
	return c.query(ctx, "/api/v1/query", url.Values{"query": {expr}, "time": {formatTime(ts)}})
}

// QueryRange runs a range query.
func (c *Client) QueryRange(ctx context.Context, expr string, r v1.Range) (Value, []string, error) {
	return c.query(ctx, "/api/v1/query_range", url.Values{
		"query": {expr}, "start": {formatTime(r.Start)}, "end": {formatTime(r.End)},
		"step": {strconv.FormatFloat(r.Step.Seconds(), 'f', -1, 64)},
	})
}

// Series asks which series matching any of the selectors have samples between start and end
// (the series API: an index lookup, no sample is read).
func (c *Client) Series(ctx context.Context, matchers []string, start, end time.Time) (Value, []string, error) {
	return c.query(ctx, "/api/v1/series", url.Values{"match[]": matchers, "start": {formatTime(start)}, "end": {formatTime(end)}})
}

// query POSTs the form (long PromQL never hits URL length limits) and falls back to GET for
// servers that refuse POST, as client_golang's API does.
func (c *Client) query(ctx context.Context, path string, form url.Values) (Value, []string, error) {
	ctx, code := withStatus(ctx)
	u := c.raw.URL(path, nil)
	encoded := form.Encode()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u.String(), strings.NewReader(encoded))
	if err != nil {
		return nil, nil, c.fail(err, 0)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, body, release, err := do(ctx, c.http, req)
	if err == nil && (resp.StatusCode == http.StatusMethodNotAllowed || resp.StatusCode == http.StatusNotImplemented) {
		release()
		u.RawQuery = encoded
		if req, err = http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil); err == nil {
			resp, body, release, err = do(ctx, c.http, req)
		}
	}
	if err != nil {
		return nil, nil, c.fail(err, code.get())
	}
	v, warnings, err := decodeResponse(resp, body)
	release() // nothing decoded refers to the body
	if err != nil {
		return nil, nil, c.fail(err, code.get())
	}
	return v, c.redactAll(warnings), nil
}

// formatTime is Prometheus' float seconds.
func formatTime(t time.Time) string {
	return strconv.FormatFloat(float64(t.Unix())+float64(t.Nanosecond())/1e9, 'f', -1, 64)
}
