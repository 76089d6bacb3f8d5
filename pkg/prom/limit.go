package prom

import (
	"errors"
	"fmt"
	"io"
	"net/http"

	"github.com/grafana/grafana-plugin-sdk-go/backend/httpclient"
)

// ErrResponseTooLarge is returned when Prometheus answers more than the configured limit.
var ErrResponseTooLarge = errors.New("response too large")

// responseLimit stops reading a Prometheus answer beyond max bytes, so a wrong URL or a
// runaway result cannot exhaust the plugin's memory.
func responseLimit(max int64) httpclient.Middleware {
	return httpclient.NamedMiddlewareFunc("rscerts-response-limit", func(_ httpclient.Options, next http.RoundTripper) http.RoundTripper {
		return httpclient.RoundTripperFunc(func(req *http.Request) (*http.Response, error) {
			resp, err := next.RoundTrip(req)
			if err != nil || resp == nil || max <= 0 {
				return resp, err
			}
			if resp.ContentLength > max {
				resp.Body.Close()
				return nil, fmt.Errorf("%w: %d bytes announced, limit %d", ErrResponseTooLarge, resp.ContentLength, max)
			}
			resp.Body = &limitedBody{rc: resp.Body, left: max, max: max}
			return resp, nil
		})
	})
}

type limitedBody struct {
	rc        io.ReadCloser
	left, max int64
}

func (b *limitedBody) Read(p []byte) (int, error) {
	if b.left <= 0 {
		// Probe one byte: exactly max bytes is fine, more is not.
		var one [1]byte
		if n, _ := b.rc.Read(one[:]); n > 0 {
			return 0, fmt.Errorf("%w: more than %d bytes", ErrResponseTooLarge, b.max)
		}
		return 0, io.EOF
	}
	if int64(len(p)) > b.left {
		p = p[:b.left]
	}
	n, err := b.rc.Read(p)
	b.left -= int64(n)
	return n, err
}

func (b *limitedBody) Close() error { return b.rc.Close() }
