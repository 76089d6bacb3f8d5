package pluginhost

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"

	"github.com/seed/rscerts/pkg/models"
)

// newTestDatasource builds an instance the way Grafana's instance manager would.
func newTestDatasource(t testing.TB, url string, jsonData map[string]any, secure map[string]string) *Datasource {
	t.Helper()
	raw, err := json.Marshal(jsonData)
	if err != nil {
		t.Fatal(err)
	}
	inst, err := NewDatasource(context.Background(), backend.DataSourceInstanceSettings{
		UID: "rscerts-test", Name: "rscerts test", Type: models.PluginID, URL: url, JSONData: raw,
		DecryptedSecureJSONData: secure, Updated: time.Now(),
	})
	if err != nil {
		t.Fatal(err)
	}
	ds := inst.(*Datasource)
	t.Cleanup(ds.Dispose)
	return ds
}

func dataQuery(refID string, model map[string]any, from, to time.Time) backend.DataQuery {
	raw, _ := json.Marshal(model)
	return backend.DataQuery{RefID: refID, JSON: raw, TimeRange: backend.TimeRange{From: from, To: to},
		Interval: time.Minute, MaxDataPoints: 1000}
}

// resourceCall runs CallResource and returns status and body.
func resourceCall(t testing.TB, ds *Datasource, path, rawURL string) (int, []byte) {
	t.Helper()
	var got *backend.CallResourceResponse
	err := ds.CallResource(context.Background(), &backend.CallResourceRequest{Method: "GET", Path: path, URL: rawURL},
		backend.CallResourceResponseSenderFunc(func(r *backend.CallResourceResponse) error { got = r; return nil }))
	if err != nil || got == nil {
		t.Fatalf("CallResource %s: %v", path, err)
	}
	return got.Status, got.Body
}
