package prom

import (
	"context"
	"net/http"
	"sync/atomic"

	"github.com/grafana/grafana-plugin-sdk-go/backend/httpclient"
)

// client_golang reports HTTP failures as strings ("client error: 401"); to tell 401 from 404
// reliably, a middleware records the status code of the request's response in the context.
type statusHolder struct{ code atomic.Int32 }

func (h *statusHolder) get() int {
	if h == nil {
		return 0
	}
	return int(h.code.Load())
}

type statusKey struct{}

func withStatus(ctx context.Context) (context.Context, *statusHolder) {
	h := &statusHolder{}
	return context.WithValue(ctx, statusKey{}, h), h
}

func statusRecorder() httpclient.Middleware {
	return httpclient.NamedMiddlewareFunc("rscerts-status", func(_ httpclient.Options, next http.RoundTripper) http.RoundTripper {
		return httpclient.RoundTripperFunc(func(req *http.Request) (*http.Response, error) {
			resp, err := next.RoundTrip(req)
			if resp != nil {
				if h, ok := req.Context().Value(statusKey{}).(*statusHolder); ok {
					h.code.Store(int32(resp.StatusCode))
				}
			}
			return resp, err
		})
	})
}
