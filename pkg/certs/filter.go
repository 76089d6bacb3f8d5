package certs

import "slices"

// Filter selects certificates by exact values. An empty slice matches
// everything; Category "" or CategoryAll matches every category, any other
// value only that category (so an unknown category matches nothing rather than
// silently everything). Statuses select rows (tables and values), which have a
// status; series and renewal events have none, and Match ignores it.
type Filter struct {
	Clusters, Nodes, Certificates []string
	Category                      Category
	Statuses                      []Status
}

// Match reports whether c's identity and category pass the filter.
func (f Filter) Match(c Certificate) bool {
	if len(f.Clusters) > 0 && !slices.Contains(f.Clusters, c.Cluster) {
		return false
	}
	if len(f.Nodes) > 0 && !slices.Contains(f.Nodes, c.Node) {
		return false
	}
	if len(f.Certificates) > 0 && !slices.Contains(f.Certificates, c.Certificate) {
		return false
	}
	return f.Category == "" || f.Category == CategoryAll || f.Category == c.Category
}

// Rows keeps the rows that Match and have one of the Statuses (any, when none),
// in order, in place.
func (f Filter) Rows(rows []Certificate) []Certificate {
	kept := rows[:0]
	for _, c := range rows {
		if f.Match(c) && (len(f.Statuses) == 0 || slices.Contains(f.Statuses, c.Status)) {
			kept = append(kept, c)
		}
	}
	return kept
}
