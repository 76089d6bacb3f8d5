package certs

import "time"

// Seen is what the shared lookback answer tells every query until it is refreshed: the
// certificates seen in the lookback window (observations that are not Present), merged once
// (at fleet scale that answer lists every certificate of the last hour, and merging it again
// for each of a dashboard's panels was half the work of turning answers into rows).
type Seen struct {
	rows  []Certificate    // one per identity, as Merge makes a row that has no present observation
	paths []string         // per row: the first observation (input order) that has a path, "" if none
	index map[Identity]int // into rows
}

// NewSeen merges missing observations (Present must be false) per identity.
func NewSeen(missing []Observation) *Seen {
	s := &Seen{index: make(map[Identity]int, len(missing)/2+1)}
	for i := range missing {
		o := &missing[i]
		id := identify(o.Labels)
		j, ok := s.index[id]
		if !ok {
			j = len(s.rows)
			s.index[id] = j
			s.rows = append(s.rows, Certificate{})
			s.paths = append(s.paths, "")
		}
		if s.paths[j] == "" && hasPath(o.Labels) {
			s.paths[j] = filePath(o.Labels)
		}
	}
	// Merge makes the rows (winner, Source, Path); their Category, Status and DaysRemaining
	// depend on the query (the INE flags, now) and are set by MergeWithSeen.
	for _, c := range Merge(missing, nil, Thresholds{}, time.Time{}) {
		s.rows[s.index[c.Identity]] = c
	}
	return s
}

// Len is the number of certificates seen.
func (s *Seen) Len() int {
	if s == nil {
		return 0
	}
	return len(s.rows)
}

// Has tells whether the certificate was seen.
func (s *Seen) Has(id Identity) bool {
	if s == nil {
		return false
	}
	_, ok := s.index[id]
	return ok
}

// MergeWithSeen is Merge(obs followed by the missing observations seen was made of): the
// same rows, in the same order, with the seen part already merged. obs may hold missing
// observations too (certificates that vanished since seen was made, valued at an upper
// bound of their expiry); where seen has the certificate, its expiry (from the samples)
// and versions are the row's. seen may be nil.
func MergeWithSeen(obs []Observation, seen *Seen, customerManagedINE map[string]bool, th Thresholds, now time.Time) []Certificate {
	out := Merge(obs, customerManagedINE, th, now)
	if seen.Len() == 0 {
		return out
	}
	covered := make([]bool, len(seen.rows))
	resorted := false
	for i := range out {
		j, ok := seen.index[out[i].Identity]
		if !ok {
			continue
		}
		covered[j] = true
		if !out[i].Present {
			c := &seen.rows[j]
			out[i].ExpiresAt, out[i].Source = c.ExpiresAt, c.Source
			out[i].DaysRemaining = DaysUntil(c.ExpiresAt, now)
			resorted = true
		}
		// A row without a path takes the first seen one, as Merge would.
		if out[i].Path == "" {
			out[i].Path = seen.paths[j]
		}
	}
	n := len(out)
	for j, c := range seen.rows {
		if covered[j] {
			continue
		}
		c.Category = Classify(c.Certificate, customerManagedINE[c.Cluster])
		c.DaysRemaining = DaysUntil(c.ExpiresAt, now)
		c.Status = StatusMissing
		out = append(out, c)
	}
	if len(out) > n || resorted {
		out = sortRows(out)
	}
	return out
}
