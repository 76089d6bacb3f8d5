package certs

import (
	"math"
	"testing"
	"time"
)

func TestSetDaysBehind(t *testing.T) {
	now := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	row := func(cluster, node, cert string, days float64, present bool) Certificate {
		c := Certificate{Identity: Identity{cluster, node, cert}, DaysRemaining: days, Present: present}
		if !math.IsNaN(days) {
			c.ExpiresAt = now.Add(time.Duration(days * float64(24*time.Hour)))
		}
		return c
	}
	rows := []Certificate{
		row("c1", "1", "proxy", 365, true),
		row("c1", "2", "proxy", 364.5, true),
		row("c1", "3", "proxy", 20, true),         // left behind by the renewal
		row("c1", "1", "api", 90, true),           // single copy
		row("c2", "1", "proxy", 10, true),         // another cluster: compared with its own copies only
		row("c2", "2", "proxy", 400, false),       // missing: history, not the newest copy
		row("c3", "1", "cm", 50, false),           // no copy present: newest missing one counts
		row("c3", "2", "cm", 40, false),           //
		row("c1", "4", "proxy", math.NaN(), true), // unreadable
	}
	SetDaysBehind(rows)
	want := []float64{0, 0.5, 345, 0, 0, 0, 0, 10, math.NaN()}
	for i, w := range want {
		got := rows[i].DaysBehind
		if math.IsNaN(w) != math.IsNaN(got) || !math.IsNaN(w) && math.Abs(got-w) > 1e-9 {
			t.Errorf("%v: Days behind %v, want %v", rows[i].Identity, got, w)
		}
	}
}

func TestDaysBehindSurvivesGroup(t *testing.T) {
	now := time.Now()
	rows := []Certificate{
		{Identity: Identity{"c1", "1", "proxy"}, DaysRemaining: 365, ExpiresAt: now.Add(365 * 24 * time.Hour), Present: true},
		{Identity: Identity{"c1", "3", "proxy"}, DaysRemaining: 5, ExpiresAt: now.Add(5 * 24 * time.Hour), Present: true},
	}
	SetDaysBehind(rows)
	g := Group(rows, GroupByCertificate)
	if len(g) != 1 || g[0].Node != "3" || math.Abs(g[0].DaysBehind-360) > 1e-9 {
		t.Fatalf("grouped row %+v: want node 3, 360 days behind (the spread of the cluster's copies)", g)
	}
}
