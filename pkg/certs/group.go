package certs

// GroupBy chooses how rows are aggregated.
type GroupBy string

const (
	// GroupByNode is the default: one row per cluster+node+certificate.
	GroupByNode GroupBy = "node"
	// GroupByCertificate: the soonest-expiring node per cluster+certificate.
	GroupByCertificate GroupBy = "certificate"
	// GroupByCluster: the soonest-expiring certificate per cluster.
	GroupByCluster GroupBy = "cluster"
)

// key maps an identity to its group. Any value other than "certificate" and
// "cluster" (including "") means "node": an unknown option must not hide rows.
func (by GroupBy) key(id Identity) Identity {
	switch by {
	case GroupByCertificate:
		return Identity{Cluster: id.Cluster, Certificate: id.Certificate}
	case GroupByCluster:
		return Identity{Cluster: id.Cluster}
	}
	return id
}

// KeepsNode reports whether the grouping's results name a node (one per node).
func (by GroupBy) KeepsNode() bool { return by.key(Identity{Node: "n"}).Node != "" }

// Group keeps, per group key, the certificate with the soonest expiry; the
// kept row is unchanged, so its Node and Certificate name the soonest one and
// its Status, Source and Path are that row's.
//
// Status "missing" has no special weight: the soonest by DaysRemaining wins
// (a vanished series' days come from its last sample), ties broken by
// Cluster, Node, Certificate. So a certificate that expired and vanished on one
// node outranks the same certificate still valid on the others, while one that
// vanished with a year left does not hide a node where it expires next week.
//
// The result is sorted like Merge's. The input is not modified.
func Group(certs []Certificate, by GroupBy) []Certificate {
	index := make(map[Identity]int, len(certs))
	out := make([]Certificate, 0, len(certs))
	for _, c := range certs {
		k := by.key(c.Identity)
		if i, ok := index[k]; ok {
			if compareCert(c, out[i]) < 0 {
				out[i] = c
			}
			continue
		}
		index[k] = len(out)
		out = append(out, c)
	}
	return sortRows(out)
}
