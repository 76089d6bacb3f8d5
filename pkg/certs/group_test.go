package certs

import (
	"slices"
	"testing"
)

func row(cluster, node, cert string, days float64, st Status) Certificate {
	return Certificate{Identity: Identity{cluster, node, cert}, DaysRemaining: days, Status: st, Category: Classify(cert, false)}
}

func ids(cs []Certificate) []Identity {
	out := make([]Identity, len(cs))
	for i, c := range cs {
		out[i] = c.Identity
	}
	return out
}

func TestGroup(t *testing.T) {
	in := []Certificate{
		row("a", "1", "api", 100, StatusOK),
		row("a", "2", "api", 20, StatusWarning),
		row("a", "3", "api", 20, StatusWarning), // tie with node 2: node 2 wins
		row("a", "1", "cm", 300, StatusOK),
		row("a", "2", "cm", -3, StatusMissing), // expired & vanished: soonest
		row("b", "1", "api", 50, StatusMissing),
		row("b", "2", "api", 60, StatusOK),
		row("b", "1", "proxy", 40, StatusOK),
	}
	tests := []struct {
		by   GroupBy
		want []Identity
	}{
		{GroupByCertificate, []Identity{{"a", "2", "cm"}, {"a", "2", "api"}, {"b", "1", "proxy"}, {"b", "1", "api"}}},
		{GroupByCluster, []Identity{{"a", "2", "cm"}, {"b", "1", "proxy"}}},
		{GroupByNode, []Identity{{"a", "2", "cm"}, {"a", "2", "api"}, {"a", "3", "api"}, {"b", "1", "proxy"}, {"b", "1", "api"}, {"b", "2", "api"}, {"a", "1", "api"}, {"a", "1", "cm"}}},
		{"", []Identity{{"a", "2", "cm"}, {"a", "2", "api"}, {"a", "3", "api"}, {"b", "1", "proxy"}, {"b", "1", "api"}, {"b", "2", "api"}, {"a", "1", "api"}, {"a", "1", "cm"}}},
		{"bogus", []Identity{{"a", "2", "cm"}, {"a", "2", "api"}, {"a", "3", "api"}, {"b", "1", "proxy"}, {"b", "1", "api"}, {"b", "2", "api"}, {"a", "1", "api"}, {"a", "1", "cm"}}},
	}
	for _, tt := range tests {
		t.Run(string(tt.by), func(t *testing.T) {
			orig := slices.Clone(in)
			got := Group(in, tt.by)
			if !slices.Equal(ids(got), tt.want) {
				t.Errorf("Group(%q)\n got %v\nwant %v", tt.by, ids(got), tt.want)
			}
			if !slices.Equal(in, orig) {
				t.Error("input modified")
			}
		})
	}
	// The kept row is the soonest row unchanged (status missing included).
	got := Group(in, GroupByCertificate)
	if got[0].Status != StatusMissing || got[0].DaysRemaining != -3 {
		t.Errorf("kept row %+v", got[0])
	}
}

func TestGroupNodeDedupes(t *testing.T) {
	in := []Certificate{row("a", "1", "api", 9, StatusCritical), row("a", "1", "api", 3, StatusCritical)}
	got := Group(in, GroupByNode)
	if len(got) != 1 || got[0].DaysRemaining != 3 {
		t.Errorf("got %+v", got)
	}
	if got := Group(nil, GroupByCluster); len(got) != 0 {
		t.Errorf("Group(nil) = %v", got)
	}
}

func TestFilter(t *testing.T) {
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
