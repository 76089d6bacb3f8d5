package certs

import (
	"slices"
	"testing"
)

// A filter keeps rows by identity, category and status; series and events, which have no
// status, are matched on identity and category alone.
func TestFilter(t *testing.T) {
	rows := []Certificate{
		{Identity: Identity{"c1", "1", "api"}, Category: UserManaged, Status: StatusOK},
		{Identity: Identity{"c1", "2", "api"}, Category: UserManaged, Status: StatusMissing},
		{Identity: Identity{"c2", "1", "cm"}, Category: AutoRotated, Status: StatusMissing},
	}
	names := func(rs []Certificate) []string {
		var out []string
		for _, c := range rs {
			out = append(out, c.Cluster+"/"+c.Node+"/"+c.Certificate)
		}
		return out
	}
	for _, tc := range []struct {
		name string
		f    Filter
		want []string
	}{
		{"nothing", Filter{}, []string{"c1/1/api", "c1/2/api", "c2/1/cm"}},
		{"all categories", Filter{Category: CategoryAll}, []string{"c1/1/api", "c1/2/api", "c2/1/cm"}},
		{"a category", Filter{Category: AutoRotated}, []string{"c2/1/cm"}},
		{"an unknown category", Filter{Category: "typo"}, nil},
		{"a status", Filter{Statuses: []Status{StatusMissing}}, []string{"c1/2/api", "c2/1/cm"}},
		{"status and cluster", Filter{Clusters: []string{"c1"}, Statuses: []Status{StatusMissing}}, []string{"c1/2/api"}},
	} {
		if got := names(tc.f.Rows(slices.Clone(rows))); !slices.Equal(got, tc.want) {
			t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
		}
	}
	if !(Filter{Statuses: []Status{StatusMissing}}).Match(Certificate{Identity: rows[0].Identity, Category: UserManaged}) {
		t.Error("Match looks at the status")
	}
}
