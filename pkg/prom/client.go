// Package prom talks to the Prometheus HTTP API through client_golang's api client, on the
// HTTP client the Grafana SDK builds from the datasource settings (auth, TLS, headers,
// timeouts, proxy), and turns its failures into messages an operator can act on.
package prom

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/grafana/grafana-plugin-sdk-go/backend/httpclient"
	"github.com/prometheus/client_golang/api"
	v1 "github.com/prometheus/client_golang/api/prometheus/v1"
	"github.com/prometheus/common/model"
)

// Client is one datasource instance's Prometheus connection.
type Client struct {
	api  v1.API
	http *http.Client
	url  string
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
	opts.Middlewares = append(opts.Middlewares, statusRecorder(), responseLimit(limit))
	hc, err := httpclient.New(opts)
	if err != nil {
		return nil, fmt.Errorf("http client: %w", err)
	}
	baseURL = strings.TrimRight(strings.TrimSpace(baseURL), "/")
	c, err := api.NewClient(api.Config{Address: baseURL, Client: hc})
	if err != nil {
		return nil, fmt.Errorf("invalid Prometheus URL %q: %w", baseURL, err)
	}
	return &Client{api: v1.NewAPI(c), http: hc, url: baseURL}, nil
}

// URL is the Prometheus base URL (no credentials: the SDK keeps them out of the URL).
func (c *Client) URL() string { return c.url }

// Close releases idle connections; called when Grafana disposes the instance.
func (c *Client) Close() {
	c.http.CloseIdleConnections()
}

// Query runs an instant query at ts.
func (c *Client) Query(ctx context.Context, expr string, ts time.Time) (model.Value, []string, error) {
	ctx, code := withStatus(ctx)
	v, warnings, _, err := c.api.Query(ctx, expr, ts)
	if err != nil {
		return nil, nil, classify(err, c.url, code.get())
	}
	return v, warnings, nil
}

// QueryRange runs a range query.
func (c *Client) QueryRange(ctx context.Context, expr string, r v1.Range) (model.Value, []string, error) {
	ctx, code := withStatus(ctx)
	v, warnings, _, err := c.api.QueryRange(ctx, expr, r)
	if err != nil {
		return nil, nil, classify(err, c.url, code.get())
	}
	return v, warnings, nil
}

// Version asks Prometheus for its build info. Prometheus-compatible stores without that
// endpoint (404) answer "" and no error, so health checks can fall back to a query.
func (c *Client) Version(ctx context.Context) (string, error) {
	ctx, code := withStatus(ctx)
	bi, err := c.api.Buildinfo(ctx)
	if err != nil {
		if code.get() == http.StatusNotFound {
			return "", nil
		}
		return "", classify(err, c.url, code.get())
	}
	return bi.Version, nil
}
