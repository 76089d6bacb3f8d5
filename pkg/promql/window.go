package promql

import (
	"strconv"
	"strings"
	"time"

	"github.com/prometheus/common/model"
)

// How certificates that vanished are found. A certificate is remembered by its samples, not by
// instants: every series with a sample inside a window is found, whether it lived five
// seconds or five months, and is valued at the expiry its last sample implied. Prometheus has
// no function for the timestamp of a range's last sample, so a window is cut into slices of
// width w ending at instants T (a subquery step, or an offset), and for each slice:
//
//   - exact: `s + timestamp(s)` at T, kept only where s has a sample inside the slice (so the
//     lookback delta cannot reach back beyond the window): the sample's own value plus its
//     own timestamp;
//   - else approximate: the slice's last sample plus T. A series is invisible at T only when a
//     staleness marker followed its last sample inside the slice (it vanished within one
//     scrape of T), so this overstates the expiry by less than w.
//
// The latest slice holding a sample gives the value. Slices of FineStep cover the recent
// past (FineWindow, and Instant's recent window), slices of LookbackStep the rest.

// FineStep is the slice width of the recent past: finer than any usual scrape interval, so a
// recent certificate's expiry is exact, or within FineStep where scrapes are more frequent.
const FineStep = 5 * time.Second

// FineWindow is how far back the Lookback answer reads at FineStep: certificates that lived
// less than a LookbackStep keep a precise expiry for this long (a plugin restarted after one
// vanished still shows it exactly).
const FineWindow = 5 * time.Minute

// LookbackSlices is how many slices of LookbackStep the whole window is read in.
const LookbackSlices = 6

// LookbackStep is the slice width of the whole missing-series window: a sixth of it, at least
// FineStep. It bounds how much a short-lived certificate's expiry can be overstated once it is
// older than FineWindow; it never hides a certificate.
func LookbackStep(lookback time.Duration) time.Duration {
	return max((lookback / LookbackSlices).Truncate(time.Second), FineStep)
}

// Lookback is the expression for every certificate with a sample within the lookback window
// ending at evaluation time (value: expiry epoch seconds of its last sample, state missing,
// version in LabelVersion). Present certificates are in it too; the caller keeps those it
// does not see now as missing. It reads the whole window, so callers share its answer for a
// while (Instant's recent window covers the time since) rather than sending it with every
// query. "" for a lookback of 0.
func Lookback(sel Selection, lookback time.Duration) string {
	if lookback <= 0 {
		return ""
	}
	fine := each(sel, func(s selector) string { return seenWithin(s, min(FineWindow, lookback)) })
	coarse := each(sel, func(s selector) string { return seenInSlices(s, lookback) })
	return tagState(`(`+fine+`) or (`+coarse+`)`, StateMissing)
}

// seenWithin is every series of s with a sample in the window ending at evaluation time, in
// slices of FineStep aligned to the epoch (a subquery), plus the slice ending at evaluation
// time itself, which covers what came after the last aligned step.
func seenWithin(s selector, window time.Duration) string {
	slice := sliceAt(s, FineStep, 0)
	return `last_over_time((` + slice + `)[` + promDuration(window) + `:` + promDuration(FineStep) + `]) or ` + slice
}

// seenInSlices is every series of s with a sample in the window ending at evaluation time, in
// LookbackSlices slices that tile it exactly (offsets, not a subquery, whose first aligned
// slice would reach up to a step beyond the window), latest first.
func seenInSlices(s selector, window time.Duration) string {
	step := LookbackStep(window)
	var slices []string
	for k := time.Duration(0); k < LookbackSlices; k++ {
		width := min(step, window-k*step)
		if k == LookbackSlices-1 {
			width = window - k*step // the remainder of a window not divisible by six
		}
		if width <= 0 {
			break // a window shorter than six FineSteps
		}
		slices = append(slices, sliceAt(s, width, k*step))
	}
	return strings.Join(slices, " or ")
}

// sliceAt is the expiry implied by the last sample of s in the slice of the given width that
// ends `offset` before evaluation time: exact where s is visible at the slice's end, else the
// sample plus the slice's end.
func sliceAt(s selector, width, offset time.Duration) string {
	sel, off, end := s.String(), "", "time()"
	if offset > 0 {
		off = " offset " + promDuration(offset)
		end = "(time() - " + strconv.FormatInt(int64(offset/time.Second), 10) + ")"
	}
	last := `last_over_time(` + sel + `[` + promDuration(width) + `]` + off + `)`
	exact := `(` + sel + off + ` + timestamp(` + sel + off + `)) and ` + last
	return `(` + exact + `) or (` + last + ` + ` + end + `)`
}

func promDuration(d time.Duration) string { return model.Duration(d).String() }
