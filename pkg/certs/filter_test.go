package certs

import (
	"slices"
	"testing"
)

// A filter keeps rows by identity, category and status; series and events, which have no
// status, are matched on identity and category alone.
func TestFilterRows(t *testing.T) {
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

func TestFilterMatch(t *testing.T) {
	c := Certificate{Identity: Identity{"c1", "2", "api"}, Category: UserManaged}
	tests := []struct {
		name string
		f    Filter
		want bool
	}{
		{"zero filter", Filter{}, true},
		{"all category", Filter{Category: "all"}, true},
		{"cluster hit", Filter{Clusters: []string{"c0", "c1"}}, true},
		{"cluster miss", Filter{Clusters: []string{"c0"}}, false},
		{"cluster exact, no prefix", Filter{Clusters: []string{"c"}}, false},
		{"node hit", Filter{Nodes: []string{"2"}}, true},
		{"node miss", Filter{Nodes: []string{"1"}}, false},
		{"certificate hit", Filter{Certificates: []string{"api"}}, true},
		{"certificate case", Filter{Certificates: []string{"API"}}, false},
		{"category hit", Filter{Category: "user-managed"}, true},
		{"category miss", Filter{Category: "auto-rotated"}, false},
		{"unknown category", Filter{Category: "nonsense"}, false},
		{"all fields hit", Filter{Clusters: []string{"c1"}, Nodes: []string{"2"}, Certificates: []string{"api"}, Category: "user-managed"}, true},
		{"one field misses", Filter{Clusters: []string{"c1"}, Nodes: []string{"2"}, Certificates: []string{"cm"}}, false},
		{"empty non-nil slice", Filter{Clusters: []string{}}, true},
	}
	for _, tt := range tests {
		if got := tt.f.Match(c); got != tt.want {
			t.Errorf("%s: Match = %v, want %v", tt.name, got, tt.want)
		}
	}
}
