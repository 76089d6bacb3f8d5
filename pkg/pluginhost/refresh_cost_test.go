package pluginhost

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"

	"github.com/seed/rscerts/pkg/internal/panelqueries"
	"github.com/seed/rscerts/pkg/internal/promrig"
)

// A refresh of the bundled dashboard (every panel's query and its renewals annotation at
// once, one time range, as Grafana sends them) costs at most 4 store requests: the instant
// query, the lookback when its shared answer is due, one range query for the time series and
// one for the renewals (the table and the annotation share it: its steps depend on the range
// only). Counted at a proxy in front of the real store, on a new instance (cold), on the next
// refresh (warm: the lookback answer is shared, so 3) and on the first refresh after the
// shared lookback answer is due (3 on its path, and the lookback refreshed in the background).
func TestDashboardRefreshCost(t *testing.T) {
	t.Parallel()
	r := startRig(t)
	gw := promrig.StartGateway(t, r.prom.URL, "/count", "X-Count", "1")
	queries, err := panelqueries.Read()
	if err != nil {
		t.Fatal(err)
	}
	for _, lookback := range []string{"1h", "1m"} {
		ds := newTestDatasource(t, gw.URL, map[string]any{"missingLookback": lookback, "httpHeaderName1": "X-Count"}, map[string]string{"httpHeaderValue1": "1"})
		refresh := func(name string, most int) {
			before := storeRequests(gw)
			now := time.Now()
			var wg sync.WaitGroup
			for i, m := range queries {
				wg.Add(1)
				go func() {
					defer wg.Done()
					resp, err := ds.QueryData(context.Background(), &backend.QueryDataRequest{Queries: []backend.DataQuery{dataQuery("A", m, now.Add(-24*time.Hour), now)}})
					if err != nil || resp.Responses["A"].Error != nil {
						t.Errorf("%s, panel query %d: %v %v", name, i, err, resp.Responses["A"].Error)
					}
				}()
			}
			wg.Wait()
			if n := storeRequests(gw) - before; n > most || n < 1 {
				t.Errorf("missingLookback %s, %s refresh of %d panel queries: %d store requests, want 1 to %d", lookback, name, len(queries), n, most)
			}
		}
		refresh("cold", 4)
		time.Sleep(2 * time.Second)
		refresh("warm", 3)    // the lookback answer is shared: the instant and the two range queries
		if lookback == "1m" { // the shared answer is refreshed every 10s (one lookback step)
			time.Sleep(11 * time.Second)
			// Due: the refresh reads the answer it has while a newer one is fetched in the
			// background (one more request, off the refresh's path), which then serves.
			before := storeRequests(gw)
			refresh("lookback due", 4)
			for deadline := time.Now().Add(10 * time.Second); storeRequests(gw)-before < 4; time.Sleep(50 * time.Millisecond) {
				if time.Now().After(deadline) {
					t.Fatalf("no background lookback after the due refresh: %d requests", storeRequests(gw)-before)
				}
			}
			refresh("after the background lookback", 3)
		}
	}
}

// storeRequests counts the queries that reached the store (build info aside), the lookback's
// list of series included.
func storeRequests(gw *promrig.Gateway) int {
	f := gw.Forwarded()
	return f["/api/v1/query"] + f["/api/v1/query_range"] + f["/api/v1/series"]
}
