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
func (r Renewal) DaysBefore() float64 { return daysUntil(r.ExpiresBefore, r.Time) }

// DaysAfter is the days remaining just after the renewal, at Time.
func (r Renewal) DaysAfter() float64 { return daysUntil(r.ExpiresAfter, r.Time) }

func daysUntil(t, from time.Time) float64 { return float64(t.Sub(from)) / float64(24*time.Hour) }

// SortRenewals orders events by time, then cluster, node, certificate.
func SortRenewals(r []Renewal) {
	slices.SortFunc(r, func(a, b Renewal) int {
		return cmp.Or(a.Time.Compare(b.Time), compareIdentity(a.Identity, b.Identity))
	})
}
