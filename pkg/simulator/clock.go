package simulator

import (
	"sync"
	"time"
)

// Internode certificates live about 90 days and Redis Software's rotation job
// replaces them when 60 days remain (its defaults).
const (
	internodeLifetime = 90 * day
	rotateAt          = 60 * day
)

// clock is the simulated now: Start plus real elapsed time, or a fixed instant
// when frozen. SetNow re-anchors it in both modes.
type clock struct {
	mu     sync.Mutex
	frozen bool
	base   time.Time // simulated time at anchor
	anchor time.Time // real time (monotonic) when base was set
}

func newClock(start time.Time, frozen bool) *clock {
	return &clock{frozen: frozen, base: start, anchor: time.Now()}
}

func (c *clock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.frozen {
		return c.base
	}
	return c.base.Add(time.Since(c.anchor))
}

func (c *clock) set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.base, c.anchor = t, time.Now()
}

// expiryAt is the expiry in effect at now (unix ns). A rotated certificate's
// expiry advances in steps of lifetime-rotateAt, one per rotation; deriving the
// step count from now instead of keeping state keeps the remaining time in
// (60, 90] days whichever way SetNow moves the clock, and makes it jump to
// now+90d exactly at the rotation point.
func (c *cert) expiryAt(now int64) int64 {
	if !c.AutoRotated {
		return c.expiry0
	}
	const step = internodeLifetime - rotateAt
	k := floorDiv(internodeLifetime-(c.expiry0-now), step)
	return c.expiry0 + k*step
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
