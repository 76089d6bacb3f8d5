package pluginhost

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"

	"github.com/seed/rscerts/pkg/certs"
	"github.com/seed/rscerts/pkg/internal/demorig"
)

// The first-scrape contract, from the hard cases a new user meets first: a store started
// seconds before the first query, certificates that live seconds, vanish around minute and
// lookback-step boundaries, and a plugin restarted after a certificate vanished. Nothing
// waits for the system to settle: each check runs on the first query after the store itself
// shows the state under test.
func TestFromTheFirstScrape(t *testing.T) {
	t.Parallel()
	brief := ref{"c1.example.com", "3", "proxy"} // hidden from the start: appears, lives seconds
	r := startLiveRig(t, brief)
	ds := newTestDatasource(t, r.prom.URL, nil, nil)                                        // missingLookback 1h: step 10m, shared a minute
	short := newTestDatasource(t, r.prom.URL, map[string]any{"missingLookback": "1m"}, nil) // step and sharing 10s

	t.Run("Source and health are exact on the first query", func(t *testing.T) {
		want := r.expectedPresent()
		for name, d := range map[string]*Datasource{"1h": ds, "1m": short} {
			rows := tableRows(t, r.query(t, d, map[string]any{"queryType": "certificates"}))
			var wrong []string
			for _, got := range rows {
				id := certs.Identity{Cluster: got.Cluster, Node: got.Node, Certificate: got.Certificate}
				if w, ok := want[id]; !ok || got.Source != w.Source || got.Status == "missing" {
					wrong = append(wrong, fmt.Sprintf("%v: %s from %q, want %q", id, got.Status, got.Source, w.Source))
				}
			}
			if len(wrong) > 0 || len(rows) != len(want) {
				t.Errorf("%s: %d rows (want %d), %d wrong, e.g. %q", name, len(rows), len(want), len(wrong), wrong[:min(3, len(wrong))])
			}
		}
		h, err := ds.CheckHealth(context.Background(), &backend.CheckHealthRequest{})
		if err != nil || h.Status != backend.HealthStatusOk || !strings.Contains(h.Message, ": v1 and v2 metrics: ") {
			t.Errorf("health: %v %+v", err, h)
		}
	})

	t.Run("a certificate that lived seconds is missing at once, also after a restart", func(t *testing.T) {
		r.query(t, ds, map[string]any{}) // the shared lookback answer now predates the certificate
		r.restore(t, brief)
		hiddenAt := r.vanish(t, brief)
		restarted := newTestDatasource(t, r.prom.URL, nil, nil)
		// Scraped once or twice: its last slice may hold a single sample, valued at most the
		// time since that sample too late.
		slack := time.Since(hiddenAt) + demorig.ScrapeInterval
		for name, d := range map[string]*Datasource{"running": ds, "1m lookback": short, "restarted": restarted} {
			got := r.only(t, d, brief)
			if got.Status != "missing" {
				t.Fatalf("%s: %+v, want missing", name, got)
			}
			r.checkLastExpiry(t, got, brief, slack)
		}
		r.checkMissingAlert(t, ds, brief)
	})

	t.Run("vanishing around a minute boundary and a lookback step boundary", func(t *testing.T) {
		// Both datasources are queried every second, as a refreshing dashboard: each sends the
		// queries whose shared lookback answer is about to be or was just refreshed.
		for _, tc := range []struct {
			name     string
			boundary time.Duration
			offset   time.Duration
			c        ref
		}{
			{"1s before a minute", time.Minute, -time.Second, ref{"c1.example.com", "1", "cm"}},
			{"1s after a minute", time.Minute, time.Second, ref{"c1.example.com", "1", "syncer"}},
			{"1s before a 10s step", 10 * time.Second, -time.Second, ref{"c2.example.com", "2", "cm"}},
			{"1s after a 10s step", 10 * time.Second, time.Second, ref{"c2.example.com", "2", "syncer"}},
		} {
			next := time.Now().Truncate(tc.boundary).Add(tc.boundary + tc.offset)
			for time.Now().Before(next) {
				r.query(t, ds, map[string]any{})
				r.query(t, short, map[string]any{})
				time.Sleep(time.Second)
			}
			r.vanish(t, tc.c)
			for name, d := range map[string]*Datasource{"1h": ds, "1m": short} {
				got := r.only(t, d, tc.c)
				if got.Status != "missing" {
					t.Fatalf("%s, %s lookback: %+v, want missing", tc.name, name, got)
				}
				r.checkLastExpiry(t, got, tc.c, 0) // long-lived: valued from its samples exactly
			}
		}
	})

	t.Run("a certificate that comes back is present on the next query, once", func(t *testing.T) {
		c := ref{"c1.example.com", "1", "cm"}
		r.restore(t, c)
		for name, d := range map[string]*Datasource{"1h": ds, "1m": short} {
			if got := r.only(t, d, c); got.Status == "missing" || got.Source != "v1+v2" {
				t.Errorf("%s: %+v, want present from v1 and v2", name, got)
			}
		}
	})

	t.Run("it leaves the table once its last sample is older than missingLookback", func(t *testing.T) {
		c := ref{"c2.example.com", "2", "cm"} // vanished above
		deadline := time.Now().Add(2 * time.Minute)
		var lostAt time.Time
		for {
			lostAt = time.Now()
			resp := r.query(t, short, r.filter(c))
			if rows := tableRows(t, resp); len(rows) == 0 {
				if n := resp.Frames[0].Meta; n != nil && len(n.Notices) > 0 {
					t.Fatalf("gone, with notices: %+v", n.Notices)
				}
				break
			} else if rows[0].Status != "missing" {
				t.Fatalf("not missing: %+v", rows[0])
			}
			if time.Now().After(deadline) {
				t.Fatal("still listed 2 minutes after it vanished with a 1m lookback")
			}
			time.Sleep(time.Second)
		}
		// Gone with the 1m lookback only when its last sample was more than a minute before
		// the query that lost it.
		if last := r.lastSample(t, c); lostAt.Sub(last) < time.Minute {
			t.Errorf("left the table %s after its last sample, before the 1m lookback", lostAt.Sub(last))
		}
		if got := r.only(t, ds, c); got.Status != "missing" {
			t.Errorf("the 1h lookback lost it: %+v", got)
		}
	})
}

func (r *rig) filter(c ref) map[string]any {
	return map[string]any{"clusters": []string{c.cluster}, "nodes": []string{c.node}, "certificates": []string{c.certificate}}
}

// only is the table's single row for the certificate.
func (r *rig) only(t *testing.T, ds *Datasource, c ref) row {
	t.Helper()
	rows := tableRows(t, r.query(t, ds, r.filter(c)))
	if len(rows) != 1 {
		t.Fatalf("%v: %d rows, want 1: %+v", c, len(rows), rows)
	}
	return rows[0]
}

// checkMissingAlert runs the provisioned alert rule's query (days, statuses [missing]): the
// certificate is one instance with its labels.
func (r *rig) checkMissingAlert(t *testing.T, ds *Datasource, c ref) {
	t.Helper()
	resp := r.query(t, ds, map[string]any{"queryType": "days", "statuses": []string{"missing"}, "clusters": []string{c.cluster}})
	if resp.Error != nil {
		t.Fatal(resp.Error)
	}
	for _, f := range resp.Frames {
		if len(f.Fields) == 1 && f.Fields[0].Labels["node"] == c.node && f.Fields[0].Labels["certificate"] == c.certificate {
			return
		}
	}
	t.Errorf("the missing-certificate alert query has no instance for %v: %s", c, mustJSON(resp.Frames))
}

// lastSample is when the store last stored a sample of the certificate (any version): the
// newest timestamp visible at a 1s step (a series stays visible until the next scrape marks
// it stale). timestamp() of a selector is its sample's; of any other expression, the step's.
func (r *rig) lastSample(t *testing.T, c ref) time.Time {
	t.Helper()
	sel := c.storeSelectors()
	s := r.prom.QuerySamples(t, `max(max_over_time(timestamp(`+sel[0]+`)[10m:1s]) or max_over_time(timestamp(`+sel[1]+`)[10m:1s]))`)
	if len(s) != 1 {
		t.Fatalf("no sample of %v in the last 10 minutes", c)
	}
	return time.UnixMilli(int64(s[0].Value * 1000))
}

// expectedPresent is expected() without the certificates the simulator hides now.
func (r *rig) expectedPresent() map[certs.Identity]row {
	want := r.expected()
	for _, c := range r.sim.Certificates() {
		if c.Vanished {
			delete(want, certs.Identity{Cluster: c.Cluster, Node: c.Node, Certificate: c.Name})
		}
	}
	return want
}
