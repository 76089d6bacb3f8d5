package prom

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"

	v1 "github.com/prometheus/client_golang/api/prometheus/v1"
)

// Store is the Prometheus-compatible store at the datasource URL, as health names it.
type Store struct {
	Name    string // "Prometheus", "VictoriaMetrics", "Grafana Mimir", ...
	Version string // "" when the store does not say (e.g. a build without version stamps)
}

// String is "Prometheus 3.16.0", or the name alone without a version.
func (s Store) String() string {
	if s.Version == "" {
		return s.Name
	}
	return s.Name + " " + s.Version
}

// The answer VictoriaMetrics (single-node, vmselect) gives at /api/v1/status/buildinfo,
// whatever its release, so that Grafana uses its Prometheus 2.24 code paths.
const vmFakeVersion = "2.24.0"

type buildinfoAnswer struct {
	Status string `json:"status"`
	Data   struct {
		Application string `json:"application"` // Grafana Mimir names itself here
		Version     string `json:"version"`
		Revision    string `json:"revision"`
		GoVersion   string `json:"goVersion"`
	} `json:"data"`
}

// Store asks the store what it is, in one request (two for VictoriaMetrics), each relative
// to the URL, so a path prefix (/prometheus, /select/0/prometheus) and the datasource's
// headers apply. Prometheus' build info has its version; Mimir adds its application name;
// VictoriaMetrics answers a fixed 2.24.0 and nothing else, and is confirmed by its UI
// config, which carries its real version in release builds. A store without build info
// (404) is "Prometheus" without a version, as before.
func (c *Client) Store(ctx context.Context) (Store, error) {
	var bi buildinfoAnswer
	code, err := c.getJSON(ctx, "/api/v1/status/buildinfo", &bi)
	switch {
	case code == http.StatusNotFound:
		return Store{Name: "Prometheus"}, nil
	case err != nil:
		return Store{}, err
	case bi.Status != "success":
		return Store{}, c.fail(&v1.Error{Type: v1.ErrBadResponse, Msg: fmt.Sprintf("build info status %q", bi.Status)}, code)
	case bi.Data.Application != "":
		return Store{Name: bi.Data.Application, Version: bi.Data.Version}, nil
	case bi.Data.Version == vmFakeVersion && bi.Data.Revision == "" && bi.Data.GoVersion == "":
		if s, ok := c.victoriaMetrics(ctx); ok {
			return s, nil
		}
	}
	return Store{Name: "Prometheus", Version: bi.Data.Version}, nil
}

// victoriaMetrics reads VictoriaMetrics' UI config (vmui/config.json, served under the same
// prefixes as its Prometheus API): its `license` object is VictoriaMetrics' own, its
// version "v1.151.0" (empty for a `go install` build).
func (c *Client) victoriaMetrics(ctx context.Context) (Store, bool) {
	var ui struct {
		Version string          `json:"version"`
		License json.RawMessage `json:"license"`
	}
	if _, err := c.getJSON(ctx, "/vmui/config.json", &ui); err != nil || ui.License == nil {
		return Store{}, false
	}
	return Store{Name: "VictoriaMetrics", Version: strings.TrimPrefix(ui.Version, "v")}, true
}

// getJSON GETs path (relative to the URL) and decodes a 2xx JSON answer into v. Failures
// are classified like a query's; code is the HTTP status (0 if there was none).
func (c *Client) getJSON(ctx context.Context, path string, v any) (code int, err error) {
	ctx, status := withStatus(ctx)
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.raw.URL(path, nil).String(), nil)
	if err != nil {
		return 0, c.fail(err, 0)
	}
	resp, body, release, err := do(ctx, c.http, req)
	if err != nil {
		return status.get(), c.fail(err, status.get())
	}
	defer release()
	if resp.StatusCode/100 != 2 {
		return resp.StatusCode, c.fail(httpError(resp.StatusCode, body), resp.StatusCode)
	}
	if err := json.Unmarshal(body, v); err != nil {
		return resp.StatusCode, c.fail(&v1.Error{Type: v1.ErrBadResponse, Msg: err.Error()}, resp.StatusCode)
	}
	return resp.StatusCode, nil
}
