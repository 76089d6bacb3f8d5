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
