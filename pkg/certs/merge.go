package certs

import (
	"cmp"
	"math"
	"slices"
	"time"
)

// Observation is one deduplicated series as the query layer got it from
// Prometheus.
type Observation struct {
	Labels Labels
	// Version reported it.
	Version Version
	// Present: the series exists at evaluation time and Seconds is the
	// remaining lifetime then. Otherwise the series vanished within the
	// lookback window and ExpiresAt was computed from its LAST sample.
	Present   bool
	Seconds   float64
	ExpiresAt time.Time
}

// Certificate is one row of the product: one per Identity.
type Certificate struct {
	Identity
	Category      Category
	DaysRemaining float64   // seconds/86400, negative once expired
	ExpiresAt     time.Time // evaluation time + seconds (present) or from the last sample (missing)
	Status        Status
	Source        string // "v1", "v2" or "v1+v2": which versions reported it
	Path          string
	Present       bool
	// DaysBehind is how many days earlier it expires than the newest copy of the same
	// certificate in its cluster (SetDaysBehind; NaN when unreadable).
	DaysBehind float64
}

// mergeAcc accumulates the observations of one identity. It stores indexes
// into obs rather than copies so that the path (which may need a string
// concatenation) is built once per row, not once per observation.
type mergeAcc struct {
	id          Identity
	present     int // index of the winning present observation, -1 if none
	missing     int // index of the winning missing observation, -1 if none
	anyPath     int // first observation (input order) that has a path, -1 if none
	presentVers versionSet
	missingVers versionSet
}

// Merge turns observations into one Certificate per Identity: the same
// certificate reported by several /v2 targets, by v1 and v2, or by two schemas
// is one row.
//
//   - Where values differ the soonest expiry wins (Redis' docs take max across
//     nodes, which hides the worst one). A NaN value loses to any number.
//   - A present observation beats missing ones, whatever their expiry: the
//     present value is current, the missing one is history.
//   - An identity with only missing observations gets StatusMissing, keeps
//     ExpiresAt from its (soonest) last sample and DaysRemaining =
//     (ExpiresAt-now)/24h, so an expired certificate whose series vanished is
//     never lost. Missing observations must therefore carry ExpiresAt.
//   - Source lists the versions of the observations that define the row
//     (present ones if any, else the missing ones), sorted, "+"-joined.
//   - Path comes from the winning observation, else from the first
//     observation of the identity (input order) that has one. Among equal
//     values, an observation with a path beats one without, otherwise the
//     earlier one wins: ties are resolved by input order, which the query
//     layer keeps stable (Prometheus returns series sorted by labels).
//   - customerManagedINE maps cluster -> true when that cluster reports
//     customer_managed_ine_certificates = 1 (nil is fine).
//
// The result is sorted by DaysRemaining ascending (NaN first), then Cluster,
// Node, Certificate.
func Merge(obs []Observation, customerManagedINE map[string]bool, th Thresholds, now time.Time) []Certificate {
	// Sized for at most one row per observation, what the engine passes:
	// Prometheus has already merged the /v2 targets' copies and, for the
	// common schemas, v1 with v2. An index that grows rehashes every entry.
	index := make(map[Identity]int32, len(obs))
	accs := make([]mergeAcc, 0, len(obs))
	for i := range obs {
		o := &obs[i]
		id := identify(o.Labels)
		j, ok := index[id]
		if !ok {
			j = int32(len(accs))
			index[id] = j
			accs = append(accs, mergeAcc{id: id, present: -1, missing: -1, anyPath: -1})
		}
		a := &accs[j]
		// hasPath may scan filepath's base name for extensions (namesFile); it
		// is only needed for the path fallback (until one is found) and to
		// break ties.
		if a.anyPath < 0 && hasPath(o.Labels) {
			a.anyPath = i
		}
		if o.Present {
			a.presentVers.add(o.Version)
			if a.present < 0 {
				a.present = i
			} else if c := cmpValue(o.Seconds, obs[a.present].Seconds); c < 0 || c == 0 && pathBeats(o, &obs[a.present]) {
				a.present = i
			}
		} else {
			a.missingVers.add(o.Version)
			if a.missing < 0 {
				a.missing = i
			} else if c := o.ExpiresAt.Compare(obs[a.missing].ExpiresAt); c < 0 || c == 0 && pathBeats(o, &obs[a.missing]) {
				a.missing = i
			}
		}
	}

	out := make([]Certificate, len(accs))
	for k := range accs {
		a := &accs[k]
		c := &out[k]
		c.Identity = a.id
		c.Category = Classify(a.id.Certificate, customerManagedINE[a.id.Cluster])
		win := a.present
		if win >= 0 {
			s := obs[win].Seconds
			c.Present = true
			c.DaysRemaining = SecondsToDays(s)
			if !math.IsNaN(s) {
				c.ExpiresAt = now.Add(SecondsToDuration(s))
			}
			c.Status = th.Status(c.Category, c.DaysRemaining)
			c.Source = a.presentVers.String()
		} else {
			win = a.missing
			c.ExpiresAt = obs[win].ExpiresAt
			c.DaysRemaining = DaysUntil(c.ExpiresAt, now)
			c.Status = StatusMissing
			c.Source = a.missingVers.String()
		}
		c.Path = filePath(obs[win].Labels)
		if c.Path == "" && a.anyPath >= 0 {
			c.Path = filePath(obs[a.anyPath].Labels)
		}
	}
	return sortRows(out)
}

// pathBeats breaks a tie between equal values: an observation with a path
// beats one without; otherwise the earlier one stays.
func pathBeats(o, winner *Observation) bool {
	return !hasPath(winner.Labels) && hasPath(o.Labels)
}

// SecondsToDuration converts seconds (a store's value) to a duration without the undefined
// behaviour of converting an out-of-range float to int64: ±Inf and absurd values clamp to the
// largest representable duration (about 292 years). Every value read from a store goes
// through it.
func SecondsToDuration(s float64) time.Duration {
	const limit = float64(math.MaxInt64) / float64(time.Second)
	switch {
	case s >= limit:
		return math.MaxInt64
	case s <= -limit:
		return math.MinInt64
	}
	return time.Duration(s * float64(time.Second))
}

// sortRows returns rows in row order (compareCert), in a new slice. It sorts
// small (days, index) keys and moves each row once, which halved the time of
// sorting a fleet's 10,000 rows: sorting the rows themselves copied two
// 150-byte structs into every comparison.
func sortRows(rows []Certificate) []Certificate {
	type key struct {
		days float64
		i    int32
	}
	keys := make([]key, len(rows))
	for i := range rows {
		keys[i] = key{rows[i].DaysRemaining, int32(i)}
	}
	slices.SortFunc(keys, func(a, b key) int {
		return compareRow(a.days, b.days, &rows[a.i].Identity, &rows[b.i].Identity)
	})
	out := make([]Certificate, len(rows))
	for k, key := range keys {
		out[k] = rows[key.i]
	}
	return out
}

// compareCert is the row order: DaysRemaining ascending (cmp.Compare puts NaN
// first, where an unreadable value gets attention), then Cluster, Node,
// Certificate.
func compareCert(a, b Certificate) int {
	return compareRow(a.DaysRemaining, b.DaysRemaining, &a.Identity, &b.Identity)
}

func compareRow(daysA, daysB float64, a, b *Identity) int {
	if c := cmp.Compare(daysA, daysB); c != 0 {
		return c
	}
	return compareIdentity(*a, *b)
}

func compareIdentity(a, b Identity) int {
	if c := cmp.Compare(a.Cluster, b.Cluster); c != 0 {
		return c
	}
	if c := cmp.Compare(a.Node, b.Node); c != 0 {
		return c
	}
	return cmp.Compare(a.Certificate, b.Certificate)
}
