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

type buildinfo struct {
	Application string `json:"application"` // Grafana Mimir names itself here
	Version     string `json:"version"`
	Revision    string `json:"revision"`
	GoVersion   string `json:"goVersion"`
}

// Store asks the store what it is, in one request (two for VictoriaMetrics), each relative
// to the URL, so a path prefix (/prometheus, /select/0/prometheus) and the datasource's
// headers apply. Prometheus' build info has its version; Mimir adds its application name;
// VictoriaMetrics answers a fixed 2.24.0 and nothing else, and is confirmed by its UI
// config, which carries its real version in release builds. A store without build info
// (404) is "Prometheus" without a version, as before.
func (c *Client) Store(ctx context.Context) (Store, error) {
	var bi buildinfo
	code, err := c.get(ctx, "/api/v1/status/buildinfo", func(code int, body []byte) error { return apiData(code, body, &bi) })
	switch {
	case code == http.StatusNotFound:
		return Store{Name: "Prometheus"}, nil
	case err != nil:
		return Store{}, err
	case bi.Application != "":
		return Store{Name: bi.Application, Version: bi.Version}, nil
	case bi.Version == vmFakeVersion && bi.Revision == "" && bi.GoVersion == "":
		if s, ok := c.victoriaMetrics(ctx); ok {
			return s, nil
		}
	}
	return Store{Name: "Prometheus", Version: bi.Version}, nil
}

// victoriaMetrics reads VictoriaMetrics' UI config (vmui/config.json, served under the same
// prefixes as its Prometheus API): its `license` object is VictoriaMetrics' own, its
// version "v1.151.0" (empty for a `go install` build).
func (c *Client) victoriaMetrics(ctx context.Context) (Store, bool) {
	var ui struct {
		Version string          `json:"version"`
		License json.RawMessage `json:"license"`
	}
	plain := func(code int, body []byte) error {
		if code/100 != 2 {
			return httpError(code, body)
		}
		return json.Unmarshal(body, &ui)
	}
	if _, err := c.get(ctx, "/vmui/config.json", plain); err != nil || ui.License == nil {
		return Store{}, false
	}
	return Store{Name: "VictoriaMetrics", Version: strings.TrimPrefix(ui.Version, "v")}, true
}

// get GETs path (relative to the URL) and hands the answer to read. Failures are classified
// like a query's; code is the HTTP status (0 if there was none).
func (c *Client) get(ctx context.Context, path string, read func(code int, body []byte) error) (code int, err error) {
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
	if err := read(resp.StatusCode, body); err != nil {
		return resp.StatusCode, c.fail(err, resp.StatusCode)
	}
	return resp.StatusCode, nil
}

// apiData decodes the data of a Prometheus API answer into v, failing as client_golang's
// api client does (a JSON error body on 400 and 422 is the API's own error).
func apiData(code int, body []byte, v any) error {
	apiErrorCode := code == http.StatusBadRequest || code == http.StatusUnprocessableEntity
	if code/100 != 2 && !apiErrorCode {
		return httpError(code, body)
	}
	var a struct {
		Status    string          `json:"status"`
		ErrorType v1.ErrorType    `json:"errorType"`
		Error     string          `json:"error"`
		Data      json.RawMessage `json:"data"`
	}
	switch err := json.Unmarshal(body, &a); {
	case err != nil && apiErrorCode:
		return &v1.Error{Type: v1.ErrClient, Msg: fmt.Sprintf("client error: %d", code), Detail: string(body)}
	case err != nil:
		return &v1.Error{Type: v1.ErrBadResponse, Msg: err.Error()}
	case a.Status == "error":
		return &v1.Error{Type: a.ErrorType, Msg: a.Error}
	case apiErrorCode || a.Status != "success":
		return &v1.Error{Type: v1.ErrBadResponse, Msg: fmt.Sprintf("inconsistent body for response code %d", code)}
	}
	if err := json.Unmarshal(a.Data, v); err != nil {
		return &v1.Error{Type: v1.ErrBadResponse, Msg: err.Error()}
	}
	return nil
}
