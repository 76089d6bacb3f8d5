package certs

import (
	"cmp"
	"slices"
	"time"
)

// RenewalMinJump is how much later an expiry must move to count as a renewal: values fall a
// second per second between renewals, so any jump of a day is a new certificate, while clock
// skew and scrape jitter move it by seconds.
const RenewalMinJump = 24 * time.Hour

// Renewal is one certificate of one node getting a later expiry (renewed by hand or rotated).
type Renewal struct {
	Identity
	Category Category
	// Time is when the new expiry was first seen.
	Time                        time.Time
	ExpiresBefore, ExpiresAfter time.Time
}

// DaysBefore is the days remaining just before the renewal, at Time.
func (r Renewal) DaysBefore() float64 { return DaysUntil(r.ExpiresBefore, r.Time) }

// DaysAfter is the days remaining just after the renewal, at Time.
func (r Renewal) DaysAfter() float64 { return DaysUntil(r.ExpiresAfter, r.Time) }

// MergeRenewals makes one event of the events of one certificate whose new expiries are the
// same certificate (within RenewalMinJump): schemas whose label sets differ (7.18's /v2 names
// files, its v1 logical names) switch at their own scrapes. Like a row's expiry, the soonest
// values win, and the event is when the last source showed the new expiry, as Prometheus' own
// merge of v1 and v2 (and of scrape targets) of one label set has it. The result is sorted by
// time, then cluster, node, certificate; events is reused.
func MergeRenewals(events []Renewal) []Renewal {
	slices.SortFunc(events, func(a, b Renewal) int {
		return cmp.Or(compareIdentity(a.Identity, b.Identity), a.Time.Compare(b.Time))
	})
	out := events[:0]
	for _, e := range events {
		if n := len(out); n > 0 && out[n-1].Identity == e.Identity && e.ExpiresAfter.Sub(out[n-1].ExpiresAfter).Abs() < RenewalMinJump {
			last := &out[n-1]
			last.Time = e.Time
			last.ExpiresBefore = minTime(last.ExpiresBefore, e.ExpiresBefore)
			last.ExpiresAfter = minTime(last.ExpiresAfter, e.ExpiresAfter)
			continue
		}
		out = append(out, e)
	}
	slices.SortFunc(out, func(a, b Renewal) int {
		return cmp.Or(a.Time.Compare(b.Time), compareIdentity(a.Identity, b.Identity))
	})
	return out
}

func minTime(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}
