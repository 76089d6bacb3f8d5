package certs

import (
	"cmp"
	"math"
	"slices"
	"time"
)

// Point is one sample of a remaining-lifetime series.
type Point struct {
	T       time.Time
	Seconds float64
}

// SeriesIn is one range-query series per deduplicated label set. Unlike table rows, series
// carry no Source: no time series frame shows it, and not asking for it lets Prometheus merge
// the versions (see promql.Present).
type SeriesIn struct {
	Labels Labels
	Points []Point
}

// Series is one time series per Identity (or per group, see GroupSeries).
type Series struct {
	Identity
	Category Category
	Path     string  // first non-empty path in input order
	Points   []Point // sorted by T, one per distinct instant, min wins
}

// MergeSeries merges the series that share an Identity pointwise: the union of
// their timestamps, and at each instant the minimum (soonest expiry) wins; a
// NaN loses to any number. Instants are compared with time.Time.Equal, so the
// same instant in two locations is one point (carrying the winning point's T).
// Inputs are neither modified nor aliased. A series without points is kept
// (with no points): the identity exists even if the range had no samples.
//
// The result is sorted by Cluster, Node, Certificate.
func MergeSeries(in []SeriesIn, customerManagedINE map[string]bool) []Series {
	index := make(map[Identity]int, len(in))
	out := make([]Series, 0, len(in))
	ids := make([]int, len(in))
	// First pass: identities, paths and point counts, so every
	// output slice is allocated once at its final size.
	counts := make([]int, 0, len(in))
	for i := range in {
		s := &in[i]
		id := identify(s.Labels)
		j, ok := index[id]
		if !ok {
			j = len(out)
			index[id] = j
			out = append(out, Series{Identity: id})
			counts = append(counts, 0)
		}
		ids[i] = j
		counts[j] += len(s.Points)
		if out[j].Path == "" {
			out[j].Path = filePath(s.Labels)
		}
	}
	for j := range out {
		out[j].Points = make([]Point, 0, counts[j])
	}
	for i := range in {
		j := ids[i]
		out[j].Points = append(out[j].Points, in[i].Points...)
	}
	for j := range out {
		s := &out[j]
		s.Category = Classify(s.Certificate, customerManagedINE[s.Cluster])
		s.Points = minPerInstant(s.Points)
	}
	slices.SortFunc(out, func(a, b Series) int { return compareIdentity(a.Identity, b.Identity) })
	return out
}

// GroupSeries merges series per group key (see GroupBy) pointwise, the
// minimum at each instant winning, like MergeSeries.
//
// A grouped series spans several nodes (or certificates) whose order changes
// over time; it is named like Group's row at the end of the range:
// Certificate, Category and Path are those of the member holding the minimum
// at the last instant of the merged series (ties and point-less groups: the
// member first by Cluster, Node, Certificate). It names no node: its Node is
// empty, so its rank (sorting, SoonestSeries' ties) is the same whether the
// store sent one series per node or already the soonest node's
// (promql.PresentAcrossNodes).
//
// The result is sorted by Cluster, Node, Certificate. The input is not
// modified.
func GroupSeries(s []Series, by GroupBy) []Series {
	index := make(map[Identity]int, len(s))
	var groups [][]int
	for i := range s {
		k := by.key(s[i].Identity)
		g, ok := index[k]
		if !ok {
			g = len(groups)
			index[k] = g
			groups = append(groups, nil)
		}
		groups[g] = append(groups[g], i)
	}
	out := make([]Series, 0, len(groups))
	for _, members := range groups {
		n := 0
		for _, m := range members {
			n += len(s[m].Points)
		}
		pts := make([]Point, 0, n)
		for _, m := range members {
			pts = append(pts, s[m].Points...)
		}
		pts = minPerInstant(pts)
		named := nameMember(s, members, pts)
		g := s[named]
		g.Points = pts
		if by.key(g.Identity).Node == "" {
			g.Node = ""
		}
		for _, m := range members {
			if g.Path != "" {
				break
			}
			g.Path = s[m].Path
		}
		out = append(out, g)
	}
	slices.SortFunc(out, func(a, b Series) int { return compareIdentity(a.Identity, b.Identity) })
	return out
}

// SoonestSeries keeps the n series whose lowest value in the range is smallest:
// the n that expire soonest (or expired longest ago). Ties are broken by
// Cluster, Node, Certificate, so the choice is deterministic; NaN points never
// count as the lowest, and a series without a number (no points, or NaN only)
// ranks after every series that has one.
//
// The kept series stay in their input order (GroupSeries': Cluster, Node,
// Certificate), so a limit at or above len(s) answers exactly what no limit
// does. n <= 0 means no limit. The input is not modified; the result may
// share it when nothing is dropped.
func SoonestSeries(s []Series, n int) []Series {
	if n <= 0 || n >= len(s) {
		return s
	}
	lowest := make([]float64, len(s))
	order := make([]int, len(s))
	for i := range s {
		order[i] = i
		lowest[i] = math.NaN()
		for _, p := range s[i].Points {
			if cmpValue(p.Seconds, lowest[i]) < 0 {
				lowest[i] = p.Seconds
			}
		}
	}
	slices.SortFunc(order, func(a, b int) int {
		return cmp.Or(cmpValue(lowest[a], lowest[b]), compareIdentity(s[a].Identity, s[b].Identity), cmp.Compare(a, b))
	})
	keep := order[:n]
	slices.Sort(keep)
	out := make([]Series, n)
	for i, j := range keep {
		out[i] = s[j]
	}
	return out
}

// nameMember picks the member holding the minimum at the last instant of the
// merged points.
func nameMember(s []Series, members []int, merged []Point) int {
	best, bestV, bestOK := -1, 0.0, false
	var last time.Time
	if len(merged) > 0 {
		last = merged[len(merged)-1].T
	}
	for _, m := range members {
		v, ok := 0.0, false
		if len(merged) > 0 {
			v, ok = valueAt(s[m].Points, last)
		}
		switch {
		case best < 0,
			ok && !bestOK,
			ok == bestOK && cmpValue(v, bestV) < 0,
			ok == bestOK && cmpValue(v, bestV) == 0 && compareIdentity(s[m].Identity, s[best].Identity) < 0:
			best, bestV, bestOK = m, v, ok
		}
	}
	return best
}

// valueAt is the minimum of the points at instant t (inputs may be unsorted).
func valueAt(pts []Point, t time.Time) (float64, bool) {
	v, ok := 0.0, false
	for _, p := range pts {
		if p.T.Equal(t) && (!ok || cmpValue(p.Seconds, v) < 0) {
			v, ok = p.Seconds, true
		}
	}
	return v, ok
}

// cmpValue orders values for "soonest wins": ascending, NaN last, so a NaN
// never beats a number.
func cmpValue(a, b float64) int {
	an, bn := math.IsNaN(a), math.IsNaN(b)
	switch {
	case an && bn:
		return 0
	case an:
		return 1
	case bn:
		return -1
	}
	return cmp.Compare(a, b)
}

// minPerInstant sorts pts by time and keeps one point per instant, the
// minimum. It works in place on pts, which the callers own.
func minPerInstant(pts []Point) []Point {
	cmpPoint := func(a, b Point) int {
		if c := a.T.Compare(b.T); c != 0 {
			return c
		}
		return cmpValue(a.Seconds, b.Seconds)
	}
	if !slices.IsSortedFunc(pts, cmpPoint) {
		slices.SortStableFunc(pts, cmpPoint)
	}
	return slices.CompactFunc(pts, func(a, b Point) bool { return a.T.Equal(b.T) })
}
