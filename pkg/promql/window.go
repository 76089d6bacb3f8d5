package promql

import (
	"strconv"
	"time"

	"github.com/prometheus/common/model"
)

// How certificates that vanished are found. A certificate is remembered by its samples, not by
// instants: every series with a sample inside a window is found, whether it lived five
// seconds or five months, and is valued at the expiry its last sample implied. Prometheus has
// no function for the timestamp of a range's last sample, so a window is read in slices of
// width w ending at instants T (subquery steps, or offsets), in two ways:
//
//   - exact: `s + timestamp(s)` at T, kept only where that sample is inside the slice (and
//     inside the window, so the lookback delta cannot reach beyond it): a sample's own value
//     plus its own timestamp, from the latest slice end where the series was visible;
//   - approximate, for a series never visible at a slice end (it lived less than a slice, and a
//     staleness marker hid it before the slice ended): the slice's last sample plus T, which
//     overstates the expiry by less than w.
//
// Exact answers win over approximate ones. Slices of FineStep cover the recent past
// (FineWindow of the lookback, and Instant's recent window), slices of LookbackStep the rest.

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
// FineStep. It bounds how much the expiry of a certificate that lived less than a step can be
// overstated once it is older than FineWindow; it never hides a certificate.
func LookbackStep(lookback time.Duration) time.Duration {
	return max((lookback / LookbackSlices).Truncate(time.Second), FineStep)
}

// Lookback is the expression, evaluated at `at`, for every certificate of the selected
// versions with a sample within the lookback window ending then (value: expiry epoch seconds
// of its last sample, state missing, version in LabelVersion), in every cluster: the cluster
// filter is applied in Go, so that one answer serves every panel and the expression stays
// the same size whatever the filter. Present certificates are in it too; the caller keeps
// those it does not see now as missing. It reads the whole window, so callers share its
// answer for a while (Instant's recent window covers the time since) rather than sending it
// with every query. "" for a lookback of 0.
func Lookback(sel Selection, lookback time.Duration, at time.Time) string {
	if lookback <= 0 {
		return ""
	}
	all := Selection{Versions: sel.Versions}
	start := windowStart(at, lookback)
	fine, step := min(FineWindow, lookback), LookbackStep(lookback)
	return tagState(`(`+each(all, func(s selector) string {
		sel := s.String()
		return exactWithin(sel, fine, FineStep, start) + ` or ` + exactWithin(sel, lookback, step, start) + ` or ` +
			approxWithin(sel, fine) + ` or ` + approxInSlices(sel, lookback)
	})+`)`, StateMissing)
}

// seenWithin is every series of s with a sample in the window ending at evaluation time `at`,
// read in slices of FineStep: Instant's recent window.
func seenWithin(s selector, window time.Duration, at time.Time) string {
	sel := s.String()
	return exactWithin(sel, window, FineStep, windowStart(at, window)) + ` or ` + approxWithin(sel, window)
}

// exactWithin values sel at its samples' own expiry, from the latest slice end (subquery steps
// of `step`, aligned to the epoch) where a sample of the window (newer than start, epoch
// seconds) was visible and at most a step old. Series visible at evaluation time itself are
// present: what the caller wants of them is in the present answer.
func exactWithin(sel string, window, step time.Duration, start string) string {
	slice := sel + ` + ((timestamp(` + sel + `) > time() - ` + seconds(step) + `) > ` + start + `)`
	return `last_over_time((` + slice + `)[` + promDuration(window) + `:` + promDuration(step) + `])`
}

// approxWithin values every series of sel with a sample in the window at the last one plus the
// end of its FineStep slice (subquery steps, and the slice ending at evaluation time, which
// holds what came after the last aligned step).
func approxWithin(sel string, window time.Duration) string {
	slice := `last_over_time(` + sel + `[` + promDuration(FineStep) + `]) + time()`
	return `last_over_time((` + slice + `)[` + promDuration(window) + `:` + promDuration(FineStep) + `]) or (` + slice + `)`
}

// approxInSlices does the same in LookbackSlices slices that tile the window exactly
// (offsets, not a subquery, whose first aligned slice would reach up to a step beyond the
// window), latest first.
func approxInSlices(sel string, window time.Duration) string {
	step := LookbackStep(window)
	out := ""
	for k := time.Duration(0); k < LookbackSlices; k++ {
		width := min(step, window-k*step)
		if k == LookbackSlices-1 {
			width = window - k*step // the remainder of a window not divisible by six
		}
		if width <= 0 {
			break // a window shorter than six FineSteps
		}
		slice := `last_over_time(` + sel + `[` + promDuration(width) + `]) + time()`
		if off := k * step; off > 0 {
			slice = `last_over_time(` + sel + `[` + promDuration(width) + `] offset ` + promDuration(off) + `) + (time() - ` + seconds(off) + `)`
		}
		if out != "" {
			out += ` or `
		}
		out += `(` + slice + `)`
	}
	return out
}

// windowStart is the window's start as epoch seconds: samples must be newer.
func windowStart(at time.Time, window time.Duration) string {
	return strconv.FormatFloat(float64(at.Add(-window).UnixMilli())/1000, 'f', -1, 64)
}

func seconds(d time.Duration) string { return strconv.FormatInt(int64(d/time.Second), 10) }

func promDuration(d time.Duration) string { return model.Duration(d).String() }
