package promql

import "time"

// How a table finds the certificates that vanished since the shared lookback answer, without
// a second look at every series on every query.
//
// A certificate that vanished has samples but is not present: an instant selector no longer
// returns it (a staleness marker, or no sample within the store's lookback delta). Asking
// for exactly those (`last_over_time(s[recent]) unless s`) reads every series twice more
// than the present rows do: measured at 10,000 certificates on Prometheus 3.16 it was 60% of
// a table's store time. Instead every instant query carries counts (Recent): per cluster and
// version, the certificates with a sample within the presence window. Every present
// certificate has one (its sample is within the store's lookback delta, at most the window),
// so a count equal to that cluster's present certificates means none vanished within the
// window, and where it is larger the caller asks Vanished for that cluster alone. A count
// below the present ones (a store whose lookback delta is longer than the window) is treated
// the same way: the exact question, never a guess.

// PresenceWindow is the window Recent counts samples in. It must be at least the store's
// lookback delta (Prometheus' default, 5 minutes; VictoriaMetrics' staleness interval is
// shorter at usual scrape intervals), so that every present certificate is counted.
const PresenceWindow = 5 * time.Minute

// StateRecent marks Recent's rows: value is a count of certificates, labels are cluster and
// LabelVersion only.
const StateRecent = "recent"

// Recent is, per cluster and version (LabelVersion), the number of certificates (one per
// identity and version, node-less schemas taking their node from the scrape instance, as
// Instant's rows do) with a sample within max(recent, PresenceWindow), state StateRecent.
func Recent(sel Selection, recent time.Duration) string {
	window := max(recent, PresenceWindow)
	counted := each(sel, func(s selector) string { return `last_over_time(` + s.String() + `[` + promDuration(window) + `])` })
	return tagState(`count by (cluster, `+LabelVersion+`) (`+counted+`)`, StateRecent)
}

// Vanished is every certificate of the selection with a sample within `recent` before the
// evaluation time but none at it (state missing; value: its last sample plus the evaluation
// time, an upper bound of its expiry), per version. The cluster filter repeats in each of its
// selectors: where it would make the expression longer than MaxQueryBytes it is left out
// (every cluster's rows then come back, which callers can always take).
func Vanished(sel Selection, recent time.Duration) string {
	if q := vanished(sel, recent); len(sel.Clusters) == 0 || len(q) <= MaxQueryBytes {
		return q
	}
	return vanished(Selection{Versions: sel.Versions}, recent)
}

func vanished(sel Selection, recent time.Duration) string {
	return tagState(`(`+each(sel, func(s selector) string { return vanishedWithin(s, recent) })+`)`, StateMissing)
}

// vanishedWithin is every series of s with a sample within the window but none at evaluation
// time, valued at its last sample plus the evaluation time. Raw ranges, no subquery.
func vanishedWithin(s selector, window time.Duration) string {
	sel := s.String()
	return `((last_over_time(` + sel + `[` + promDuration(window) + `]) + time()) unless on (` + identityList + `, instance) ` + sel + `)`
}
