package certs

import "slices"

// Filter selects certificate rows by exact values. An empty slice matches
// everything; Category "" or "all" matches every category, any other value
// only that category (so an unknown category matches nothing rather than
// silently everything).
type Filter struct {
	Clusters, Nodes, Certificates []string
	Category                      string
}

// Match reports whether c passes the filter.
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
	return f.Category == "" || f.Category == "all" || f.Category == string(c.Category)
}
