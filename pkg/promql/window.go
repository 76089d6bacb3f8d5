package promql

import (
	"strconv"
	"time"

	"github.com/prometheus/common/model"
)

// How certificates that vanished are found. A certificate is remembered by its samples, not by
// instants: every series with a sample inside the window is found, whether it lived five
// seconds or five months, and valued at the expiry its samples imply. Prometheus has no
// function for the timestamp of a range's last sample, so the window is read in
// LookbackSlices slices that tile it exactly (offsets, not a subquery, whose first aligned
// step would reach up to a step before the window), latest first, three ways:
//
//   - exact where the series was visible at an epoch-aligned step of the window (a subquery
//     of `s + timestamp(s)`, kept only for samples newer than the window's start): a sample's
//     own value plus its own timestamp;
//   - exact where a slice holds two samples or more: Redis Software reports seconds remaining
//     at scrape time, so the samples lie on a line of slope -1 and predict_linear extrapolates
//     it to the slice's end, where value plus time is the expiry;
//   - otherwise (one sample in its last slice: a certificate scraped once) the sample plus the
//     slice's end, which overstates the expiry by less than a slice.

// LookbackSlices is how many slices the whole window is read in.
const LookbackSlices = 6

// LookbackStep is the slice width: a sixth of the window, at least 5s.
func LookbackStep(lookback time.Duration) time.Duration {
	return max((lookback / LookbackSlices).Truncate(time.Second), 5*time.Second)
}

// Lookback is the expression, evaluated at `at`, for every certificate of the selection
// with a sample within the lookback window ending then (value: expiry epoch seconds, state
// missing, version in LabelVersion). Present certificates are in it too; the caller keeps
// those it does not see now as missing. It reads every sample of the window, which at fleet
// scale takes seconds: the caller first asks the series API which series had samples
// (SeriesSelectors, an index lookup) and sends it only for the clusters where one of them is
// not present now, and shares its answer for a while (Instant's recent window covers the time
// since). The cluster filter repeats in each of the expression's selectors: where it would
// make the expression longer than MaxQueryBytes, it is left out (the answer then holds
// every cluster, which callers can always take). "" for a lookback of 0.
func Lookback(sel Selection, lookback time.Duration, at time.Time) string {
	if lookback <= 0 {
		return ""
	}
	if q := lookback1(sel, lookback, at); len(sel.Clusters) == 0 || len(q) <= MaxQueryBytes {
		return q
	}
	return lookback1(Selection{Versions: sel.Versions}, lookback, at)
}

// MaxQueryBytes bounds the expressions built here: VictoriaMetrics refuses queries longer
// than its -search.maxQueryLen, 16 KiB by default.
const MaxQueryBytes = 12 << 10

func lookback1(all Selection, lookback time.Duration, at time.Time) string {
	start := strconv.FormatFloat(float64(at.Add(-lookback).UnixMilli())/1000, 'f', -1, 64)
	step := LookbackStep(lookback)
	return tagState(`(`+each(all, func(s selector) string {
		sel := s.String()
		visible := sel + ` + (timestamp(` + sel + `) > ` + start + `)`
		return `last_over_time((` + visible + `)[` + promDuration(lookback) + `:` + promDuration(step) + `]) or ` +
			inSlices(lookback, func(rng, end string) string { return `predict_linear(` + sel + rng + `, 0) + ` + end }) + ` or ` +
			inSlices(lookback, func(rng, end string) string { return `last_over_time(` + sel + rng + `) + ` + end })
	})+`)`, StateMissing)
}

// inSlices joins f over the slices tiling the window, latest first: f gets the slice's range
// (`[10m] offset 20m`) and the expression of its end time.
func inSlices(window time.Duration, f func(rng, end string) string) string {
	step := LookbackStep(window)
	out := ""
	for k := time.Duration(0); k < LookbackSlices; k++ {
		width := min(step, window-k*step)
		if k == LookbackSlices-1 {
			width = window - k*step // the remainder of a window not divisible by six
		}
		if width <= 0 {
			break // a window shorter than six minimal steps
		}
		rng, end := `[`+promDuration(width)+`]`, `time()`
		if off := k * step; off > 0 {
			rng += ` offset ` + promDuration(off)
			end = `(time() - ` + strconv.FormatInt(int64(off/time.Second), 10) + `)`
		}
		if out != "" {
			out += ` or `
		}
		out += `(` + f(rng, end) + `)`
	}
	return out
}

func promDuration(d time.Duration) string { return model.Duration(d).String() }
