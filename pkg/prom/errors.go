package prom

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	v1 "github.com/prometheus/client_golang/api/prometheus/v1"
)

// Error is a failed Prometheus call: an operator-facing message, the HTTP status Grafana
// should show, and whether the fault is downstream (Prometheus, network) or ours.
type Error struct {
	Message string
	Status  backend.Status
	Source  backend.ErrorSource
	Err     error
}

func (e *Error) Error() string { return e.Message }
func (e *Error) Unwrap() error { return e.Err }

// maxDetail bounds how much of a Prometheus error body reaches the user.
const maxDetail = 300

// ContextError is the Error of a call that was canceled or ran out of time (nil for any
// other error), with the URL of the store when known ("" otherwise). A query's deadline can
// expire inside the client or around it, so both the client and the query handler use it.
func ContextError(err error, url string) *Error {
	who := "Prometheus"
	if url != "" {
		who += " at " + url
	}
	switch {
	case errors.Is(err, context.Canceled):
		return &Error{Message: "query canceled", Status: backend.StatusBadRequest, Source: backend.ErrorSourceDownstream, Err: err}
	case errors.Is(err, context.DeadlineExceeded):
		return &Error{Message: who + " did not answer in time: raise the datasource timeout or check Prometheus load", Status: backend.StatusTimeout, Source: backend.ErrorSourceDownstream, Err: err}
	}
	return nil
}

func classify(err error, url string, code int) error {
	down := func(status backend.Status, format string, a ...any) error {
		return &Error{Message: fmt.Sprintf(format, a...), Status: status, Source: backend.ErrorSourceDownstream, Err: err}
	}
	if e := ContextError(err, url); e != nil {
		return e
	}
	if errors.Is(err, ErrResponseTooLarge) {
		return down(backend.StatusBadGateway, "Prometheus at %s answered more than the datasource's response limit (%s): narrow the query with cluster filters or raise responseLimitMB", url, short(err.Error()))
	}
	switch code {
	case http.StatusUnauthorized:
		return down(backend.StatusUnauthorized, "Prometheus at %s refused the credentials (401 Unauthorized): check basic auth user and password or the bearer token header", url)
	case http.StatusForbidden:
		return down(backend.StatusForbidden, "Prometheus at %s denied access (403 Forbidden): the credentials lack permission to query", url)
	case http.StatusNotFound:
		return down(backend.StatusNotFound, "no Prometheus API at %s (404 Not Found): set the URL to the Prometheus base URL, without /api/v1", url)
	}
	var apiErr *v1.Error
	if errors.As(err, &apiErr) {
		detail := short(firstNonEmpty(apiErr.Msg, apiErr.Detail))
		switch apiErr.Type {
		case v1.ErrBadData:
			return down(backend.StatusBadRequest, "Prometheus rejected the query: %s", detail)
		case v1.ErrTimeout:
			return down(backend.StatusTimeout, "Prometheus timed out evaluating the query: %s", detail)
		case v1.ErrCanceled:
			return down(backend.StatusTimeout, "Prometheus canceled the query: %s", detail)
		case v1.ErrExec:
			return down(backend.StatusBadGateway, "Prometheus failed to execute the query: %s", detail)
		case v1.ErrBadResponse:
			return down(backend.StatusBadGateway, "%s did not answer like a Prometheus API (%s): check the URL", url, detail)
		case v1.ErrServer:
			return down(backend.StatusBadGateway, "Prometheus at %s failed (HTTP %d): %s", url, code, short(errorField(apiErr.Detail)))
		case v1.ErrClient:
			if code != 0 {
				return down(backend.Status(code), "Prometheus at %s answered HTTP %d: %s", url, code, short(apiErr.Detail))
			}
		}
	}
	if msg, ok := tlsProblem(err); ok {
		return down(backend.StatusBadGateway, "the TLS certificate of Prometheus at %s is not accepted (%s): add the CA that signed it (With CA Cert), or skip TLS verification for testing only", url, short(msg))
	}
	if errors.Is(err, io.ErrUnexpectedEOF) {
		return down(backend.StatusBadGateway, "Prometheus at %s closed the connection in the middle of its answer (unexpected EOF): check Prometheus and any proxy in between", url)
	}
	var dnsErr *net.DNSError
	if errors.As(err, &dnsErr) {
		return down(backend.StatusBadGateway, "cannot resolve the Prometheus host %q: check the URL", dnsErr.Name)
	}
	var opErr *net.OpError
	if errors.As(err, &opErr) {
		return down(backend.StatusBadGateway, "cannot reach Prometheus at %s: %s", url, short(opErr.Err.Error()))
	}
	return down(backend.StatusBadGateway, "Prometheus request to %s failed: %s", url, short(err.Error()))
}

// tlsProblem recognises a server certificate the client refused to trust.
func tlsProblem(err error) (string, bool) {
	var unknownCA x509.UnknownAuthorityError
	var hostname x509.HostnameError
	var invalid x509.CertificateInvalidError
	var verify *tls.CertificateVerificationError
	switch {
	case errors.As(err, &verify):
		return verify.Err.Error(), true
	case errors.As(err, &unknownCA):
		return unknownCA.Error(), true
	case errors.As(err, &hostname):
		return hostname.Error(), true
	case errors.As(err, &invalid):
		return invalid.Error(), true
	}
	return "", false
}

// errorField is the "error" of a Prometheus JSON error body, else the body itself.
func errorField(body string) string {
	var e struct {
		Error string `json:"error"`
	}
	if json.Unmarshal([]byte(body), &e) == nil && strings.TrimSpace(e.Error) != "" {
		return e.Error
	}
	return body
}

func firstNonEmpty(a, b string) string {
	if strings.TrimSpace(a) != "" {
		return a
	}
	return b
}

func short(s string) string {
	s = strings.TrimSpace(s)
	if len(s) > maxDetail {
		return s[:maxDetail] + "…"
	}
	return s
}
