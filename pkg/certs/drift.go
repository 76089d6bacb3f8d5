package certs

import (
	"math"
	"time"
)

// SetDaysBehind sets every row's DaysBehind: how many days earlier it expires than the newest
// copy of the same certificate (same cluster and name) on any node. Copies renewed together
// differ by seconds; one a day or more behind was left behind by a renewal or a rotation
// (Redis Software bug RS200137 skipped nodes that were down).
//
// The newest copy is the newest present one; only when no copy is present, the newest missing
// one (a vanished copy's expiry is history and must not make the present ones look behind).
// Rows with an unreadable value (NaN days, zero ExpiresAt) get NaN and are nobody's newest
// copy. rows must be per node (before Group) and hold every node of the clusters they cover:
// filters on node, certificate, category or status come after.
func SetDaysBehind(rows []Certificate) {
	type key struct{ cluster, certificate string }
	type newest struct {
		at      time.Time
		present bool
	}
	best := make(map[key]newest, len(rows)/4+1)
	for i := range rows {
		c := &rows[i]
		if !readable(c) {
			continue
		}
		k := key{c.Cluster, c.Certificate}
		b, ok := best[k]
		if !ok || c.Present && !b.present || c.Present == b.present && c.ExpiresAt.After(b.at) {
			best[k] = newest{c.ExpiresAt, c.Present}
		}
	}
	for i := range rows {
		c := &rows[i]
		if !readable(c) {
			c.DaysBehind = math.NaN()
			continue
		}
		b := best[key{c.Cluster, c.Certificate}]
		c.DaysBehind = max(0, DaysUntil(b.at, c.ExpiresAt))
	}
}

func readable(c *Certificate) bool {
	return !math.IsNaN(c.DaysRemaining) && !c.ExpiresAt.IsZero()
}
