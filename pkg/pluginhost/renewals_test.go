package pluginhost

import (
	"fmt"
	"math"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"

	"github.com/seed/rscerts/pkg/internal/demorig"
	"github.com/seed/rscerts/pkg/simulator"
)

// renewal is one row of a renewals frame.
type renewal struct {
	Time, ExpiresBefore, ExpiresAfter    time.Time
	Cluster, Node, Certificate, Category string
	DaysBefore, DaysAfter                float64
}

func renewalRows(t *testing.T, r backend.DataResponse) []renewal {
	t.Helper()
	if r.Error != nil {
		t.Fatalf("query failed: %v", r.Error)
	}
	if len(r.Frames) != 1 {
		t.Fatalf("want one table frame, got %d", len(r.Frames))
	}
	f := r.Frames[0]
	out := make([]renewal, f.Rows())
	for i := range out {
		s := func(name string) string { fl, _ := f.FieldByName(name); return fl.At(i).(string) }
		tm := func(name string) time.Time { fl, _ := f.FieldByName(name); return fl.At(i).(time.Time) }
		n := func(name string) float64 { fl, _ := f.FieldByName(name); return fl.At(i).(float64) }
		out[i] = renewal{Time: tm("Time"), ExpiresBefore: tm("Expires before"), ExpiresAfter: tm("Expires after"),
			Cluster: s("Cluster"), Node: s("Node"), Certificate: s("Certificate"), Category: s("Category"),
			DaysBefore: n("Days before"), DaysAfter: n("Days after")}
	}
	return out
}

// waitExpiry waits until every series of the certificate in the store (every version and
// scrape target) shows the expiry `want` at the newest step of the range a renewals query of
// the last five minutes reads, and returns when. A range, not an instant query: the range is
// what the plugin reads, and VictoriaMetrics may end its steps before the range's end (on its
// cache's grid) and hides the newest second (its latency offset), so a store that answers an
// instant query with the new expiry can still answer a range with the old one.
func (r *rig) waitExpiry(t *testing.T, c ref, want time.Time) time.Time {
	t.Helper()
	sel := c.storeSelectors()
	// value + step time is the expiry plus the sample's age at that step (under the store's
	// lookback); renewals move expiries by days, so ten minutes tells old from new.
	other := func(s string) string { return fmt.Sprintf(`abs(%s + time() - %d) > 600`, s, want.Unix()) }
	expr := `count(` + other(sel[0]) + ` or ` + other(sel[1]) + `) or vector(0)`
	deadline := time.Now().Add(30 * time.Second)
	for {
		now := time.Now()
		rng := renewalsRange(backend.TimeRange{From: now.Add(-5 * time.Minute), To: now})
		end := r.prom.RangeEnd(t, expr, rng.Start, rng.End, rng.Step)
		if len(end) == 1 && end[0].Value == 0 {
			return now
		}
		if now.After(deadline) {
			t.Fatalf("the store does not show %v expiring at %s at the newest step after 30s: %+v", c, want, end)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// The renewals contract from the first scrape: a user-managed certificate replaced on two of
// a cluster's three nodes, on a store started seconds before, is two events on the very
// next query, the third node is a day and more behind, and an internode certificate renewed
// short of its rotation point is rotation-overdue; expiries moving earlier and certificates
// appearing are not renewals.
func TestRenewalsRotationsAndDrift(t *testing.T) {
	t.Parallel()
	appears := ref{"c2.example.com", "1", "syncer"} // hidden from the start
	// c1's node 2 is skipped by the rotation job (RS200137): its internode certificates
	// keep whatever expiry they are given.
	d := demorig.StartWith(t, demorig.Options{Live: true, SkipRotation: []simulator.NodeRef{{Cluster: "c1.example.com", Node: "2"}},
		Hidden: []demorig.Hidden{{Cluster: appears.cluster, Node: appears.node, Certificate: appears.certificate}}})
	r := &rig{sim: d.Sim, prom: d.Prom, instanceOf: d.InstanceOf, ready: d.Ready}
	ds := newTestDatasource(t, r.prom.URL, nil, nil)
	// c1 (docs schema: v1 and v2 share labels) renews proxy on two nodes; c2 (7.18: v1 names
	// the certificate, /v2 its file, each scraped at its own time) renews api on every node.
	renewed := []ref{{"c1.example.com", "1", "proxy"}, {"c1.example.com", "2", "proxy"},
		{"c2.example.com", "1", "api"}, {"c2.example.com", "2", "api"}, {"c2.example.com", "3", "api"}}
	behind := ref{"c1.example.com", "3", "proxy"}
	shortened := ref{"c1.example.com", "2", "ccs_internode_encryption"}

	old := r.expiry(t, behind)
	oldExpiry := map[ref]time.Time{}
	for _, c := range renewed {
		oldExpiry[c] = r.expiry(t, c)
	}
	r.restore(t, appears)
	renewedAt := time.Now()
	for _, c := range renewed {
		if n := r.sim.Renew(c.cluster, c.node, c.certificate, 0); n != 1 {
			t.Fatalf("renewed %d certificates for %v", n, c)
		}
	}
	if n := r.sim.Renew(shortened.cluster, shortened.node, shortened.certificate, 50*24*time.Hour); n != 1 {
		t.Fatalf("renewed %d certificates for %v", n, shortened)
	}
	newExpiry := r.expiry(t, renewed[0])
	var seen time.Time
	for _, c := range renewed {
		seen = r.waitExpiry(t, c, r.expiry(t, c))
	}
	r.waitExpiry(t, shortened, r.expiry(t, shortened))

	t.Run("each node's renewal is one event on the next query", func(t *testing.T) {
		restarted := newTestDatasource(t, r.prom.URL, nil, nil)
		for name, d := range map[string]*Datasource{"running": ds, "restarted": restarted} {
			events := renewalRows(t, r.query(t, d, map[string]any{"queryType": "renewals"}))
			if len(events) != len(renewed) {
				t.Fatalf("%s: %d events, want %d (proxy on nodes 1 and 2 of c1, api on every node of c2): %+v", name, len(events), len(renewed), events)
			}
			for i, e := range events {
				c := ref{e.Cluster, e.Node, e.Certificate}
				if _, ok := oldExpiry[c]; !ok || e.Category != "user-managed" {
					t.Errorf("%s: event %d is %+v, not one of %v", name, i, e, renewed)
					continue
				}
				if i > 0 && e.Time.Before(events[i-1].Time) {
					t.Errorf("%s: events not sorted by time", name)
				}
				// Steps of a 5-minute range are 2s: first seen at most a step after the store had it.
				if e.Time.Before(renewedAt.Add(-time.Second)) || e.Time.After(seen.Add(2*time.Second)) {
					t.Errorf("%s: %v renewed at %s, seen in the store by %s, event at %s", name, c, renewedAt, seen, e.Time)
				}
				// Value plus evaluation time, as the table's expiry: later than the certificate's
				// by the age of the sample read, at most a scrape interval.
				late := func(got, want time.Time) bool {
					d := got.Sub(want)
					return d < -time.Second || d > demorig.ScrapeInterval+time.Second
				}
				if late(e.ExpiresBefore, oldExpiry[c]) {
					t.Errorf("%s: %v expired %s before, event says %s", name, c, oldExpiry[c], e.ExpiresBefore)
				}
				if late(e.ExpiresAfter, r.expiry(t, c)) {
					t.Errorf("%s: %v expires %s now, event says %s", name, c, r.expiry(t, c), e.ExpiresAfter)
				}
				if want := e.ExpiresAfter.Sub(e.Time).Hours() / 24; math.Abs(e.DaysAfter-want) > 1e-6 || math.Abs(e.DaysAfter-365) > 0.01 {
					t.Errorf("%s: days after %v, want about 365", name, e.DaysAfter)
				}
				if want := e.ExpiresBefore.Sub(e.Time).Hours() / 24; math.Abs(e.DaysBefore-want) > 1e-6 {
					t.Errorf("%s: days before %v, want %v", name, e.DaysBefore, want)
				}
			}
		}
		// Filters apply as for tables; an expiry moved earlier (the shortened internode
		// certificate) and a certificate's first appearance are no renewals.
		one := renewalRows(t, r.query(t, ds, map[string]any{"queryType": "renewals", "clusters": []string{"c1.example.com"}, "nodes": []string{"2"}, "category": "user-managed"}))
		if len(one) != 1 || one[0].Node != "2" {
			t.Errorf("nodes [2]: %+v", one)
		}
		if none := renewalRows(t, r.query(t, ds, map[string]any{"queryType": "renewals", "category": "auto-rotated"})); len(none) != 0 {
			t.Errorf("an expiry moved earlier is no renewal: %+v", none)
		}
		for _, e := range renewalRows(t, r.query(t, ds, map[string]any{"queryType": "renewals", "clusters": []string{appears.cluster}})) {
			if e.Node == appears.node && e.Certificate == appears.certificate {
				t.Errorf("a certificate's first appearance is no renewal: %+v", e)
			}
		}
	})

	t.Run("the node left behind is days behind, on every view", func(t *testing.T) {
		wantBehind := newExpiry.Sub(old).Hours() / 24
		for _, model := range []map[string]any{
			{"clusters": []string{"c1.example.com"}, "certificates": []string{"proxy"}},
			{"clusters": []string{"c1.example.com"}, "nodes": []string{"3"}, "certificates": []string{"proxy"}}, // filtered to the node behind
		} {
			resp := r.query(t, ds, model)
			f := resp.Frames[0]
			behindField, _ := f.FieldByName("Days behind")
			for i, got := range tableRows(t, resp) {
				b := behindField.At(i).(float64)
				want := 0.0
				if got.Node == behind.node {
					want = wantBehind
				}
				if math.Abs(b-want) > 1.0/86400*2 {
					t.Errorf("%v: node %s is %v days behind, want %v", model, got.Node, b, want)
				}
			}
		}
		frs := r.query(t, ds, map[string]any{"queryType": "days", "value": "behind", "clusters": []string{"c1.example.com"}, "certificates": []string{"proxy"}}).Frames
		var alerting []string
		for _, f := range frs {
			if f.Fields[0].Name != "Days behind" {
				t.Fatalf("value behind: field %q", f.Fields[0].Name)
			}
			if f.Fields[0].At(0).(float64) > 1 { // the provisioned rule's threshold, driftDays' default
				alerting = append(alerting, f.Fields[0].Labels["node"])
			}
		}
		if len(alerting) != 1 || alerting[0] != behind.node {
			t.Errorf("left-behind instances %v, want only node %s", alerting, behind.node)
		}
		exp := r.query(t, ds, map[string]any{"queryType": "days", "value": "expires", "clusters": []string{behind.cluster}, "nodes": []string{behind.node}, "certificates": []string{behind.certificate}}).Frames
		// A present row expires at its evaluation time plus its value: later than the
		// certificate by the age of the sample, at most a scrape interval.
		if len(exp) != 1 || math.Abs(exp[0].Fields[0].At(0).(float64)-float64(old.UnixMilli())) > float64((demorig.ScrapeInterval+time.Second).Milliseconds()) {
			t.Errorf("value expires: %s, want %d", mustJSON(exp), old.UnixMilli())
		}
	})

	t.Run("an internode certificate short of its rotation point is rotation-overdue", func(t *testing.T) {
		got := r.only(t, ds, shortened)
		if got.Status != "rotation-overdue" || got.Category != "auto-rotated" {
			t.Errorf("%v at %.1f days: %s (%s), want rotation-overdue", shortened, got.Days, got.Status, got.Category)
		}
		frs := r.query(t, ds, map[string]any{"queryType": "days", "statuses": []string{"rotation-overdue"}}).Frames
		if len(frs) != 1 || len(frs[0].Fields) != 1 || frs[0].Fields[0].Labels["node"] != shortened.node || frs[0].Fields[0].Labels["certificate"] != shortened.certificate {
			t.Errorf("the rotation-overdue alert query: %s", mustJSON(frs))
		}
	})
}
