package simulator

import (
	"math"
	"slices"
	"sort"
	"sync"
	"time"
)

// Internode certificates live about 90 days and Redis Software's rotation job
// replaces them when 60 days remain (its defaults).
const (
	internodeLifetime = 90 * day
	rotateAt          = 60 * day
)

// clock is the simulated now: Start plus real elapsed time times speed, or a
// fixed instant when frozen. SetNow re-anchors it in both modes.
type clock struct {
	mu     sync.Mutex
	frozen bool
	speed  float64   // simulated per real second; 1 = real time
	base   time.Time // simulated time at anchor
	anchor time.Time // real time (monotonic) when base was set
}

func newClock(start time.Time, frozen bool, speed float64) *clock {
	if speed == 0 {
		speed = 1
	}
	return &clock{frozen: frozen, speed: speed, base: start, anchor: time.Now()}
}

func (c *clock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.frozen {
		return c.base
	}
	elapsed := time.Since(c.anchor)
	if c.speed != 1 {
		// Saturate rather than overflow (a century of simulated time is plenty).
		elapsed = time.Duration(math.Min(float64(elapsed)*c.speed, float64(maxLifetime)))
	}
	return c.base.Add(elapsed)
}

func (c *clock) set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.base, c.anchor = t, time.Now()
}

// renewal is a certificate replaced at a simulated instant (unix ns) by one
// expiring at expiry: a scheduled Renewal or a Renew call.
type renewal struct{ at, expiry int64 }

// renewalAt is the latest renewal made at or before now, or nil.
func (c *cert) renewalAt(now int64) *renewal {
	p := c.renewals.Load()
	if p == nil {
		return nil
	}
	rs := *p
	i := sort.Search(len(rs), func(i int) bool { return rs[i].at > now })
	if i == 0 {
		return nil
	}
	return &rs[i-1]
}

// addRenewal records a renewal, keeping the list sorted by time (a later one
// made at the same instant wins). The list is copied, so readers need no lock;
// writers hold Simulator.renewMu.
func (c *cert) addRenewal(r renewal) {
	var rs []renewal
	if p := c.renewals.Load(); p != nil {
		rs = *p
	}
	i := sort.Search(len(rs), func(i int) bool { return rs[i].at > r.at })
	rs = slices.Insert(slices.Clip(rs), i, r)
	c.renewals.Store(&rs)
}

// expiryAt is the expiry in effect at now (unix ns): the latest renewal's at
// or before now (else the expiry drawn for Start), advanced by rotations.
//
// A rotated certificate's expiry advances in steps of lifetime-rotateAt, one per
// rotation; deriving the step count from now instead of keeping state keeps the
// remaining time in (60, 90] days whichever way SetNow moves the clock, and makes
// it jump to now+90d exactly at the rotation point. Before Start (no renewal) the
// step count goes negative: the rotations that led to the drawn expiry. After a
// renewal only the rotations since count. A node whose rotation is skipped keeps
// its expiry.
func (c *cert) expiryAt(now int64) int64 {
	e, renewed := c.expiry0, false
	if r := c.renewalAt(now); r != nil {
		e, renewed = r.expiry, true
	}
	if !c.AutoRotated || c.skipRotation {
		return e
	}
	const step = internodeLifetime - rotateAt
	k := floorDiv(internodeLifetime-(e-now), step)
	if renewed && k < 0 {
		k = 0
	}
	return e + k*step
}

// remaining is the exposed value: seconds until expiry, truncated to the
// millisecond so real-time output stays readable.
func (c *cert) remaining(now int64) float64 {
	return float64((c.expiryAt(now)-now)/int64(time.Millisecond)) / 1e3
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}
