package pluginhost

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"go.uber.org/goleak"
)

// Grafana disposes an instance on every settings change: its keep-alive connections must go
// with it, while Prometheus (here: the stub, left running) keeps them open otherwise.
func TestHardeningDisposeClosesConnections(t *testing.T) {
	srv := newFaultServer(t, func(w http.ResponseWriter, r *http.Request, _ <-chan struct{}) { healthyAnswer(w, r) })
	ignore := goleak.IgnoreCurrent()
	inst, err := NewDatasource(context.Background(), backend.DataSourceInstanceSettings{URL: srv.URL, JSONData: []byte(`{}`)})
	if err != nil {
		t.Fatal(err)
	}
	ds := inst.(*Datasource)
	now := time.Now()
	resp, _ := ds.QueryData(context.Background(), &backend.QueryDataRequest{Queries: []backend.DataQuery{
		dataQuery("A", nil, now.Add(-time.Hour), now), dataQuery("B", map[string]any{"queryType": "timeseries"}, now.Add(-time.Hour), now),
		dataQuery("C", map[string]any{"queryType": "days"}, now.Add(-time.Hour), now),
	}})
	for ref, r := range resp.Responses {
		if r.Error != nil {
			t.Fatalf("%s: %v", ref, r.Error)
		}
	}
	ds.Dispose()
	// The stub's own per-connection goroutines end once the client side is closed.
	goleak.VerifyNone(t, ignore)
}
