package certs

import (
	"math"
	"slices"
	"testing"
	"time"
)

func at(min int) time.Time { return testNow.Add(time.Duration(min) * time.Minute) }

func pts(kv ...float64) []Point {
	var out []Point
	for i := 0; i+1 < len(kv); i += 2 {
		out = append(out, Point{T: at(int(kv[i])), Seconds: kv[i+1]})
	}
	return out
}

func eqPoints(a, b []Point) bool {
	return slices.EqualFunc(a, b, func(x, y Point) bool {
		return x.T.Equal(y.T) && (x.Seconds == y.Seconds || math.IsNaN(x.Seconds) && math.IsNaN(y.Seconds))
	})
}

func TestMergeSeries(t *testing.T) {
	api := func(instance string, p []Point, extra ...string) SeriesIn {
		kv := append([]string{"cluster", "c", "node", "1", "logical_name", "api", "instance", instance}, extra...)
		return SeriesIn{Labels: lbl(kv...), Points: p}
	}
	in := []SeriesIn{
		api("a", pts(0, 100, 1, 99, 2, 98)),
		api("b", pts(1, 90, 3, 97), "path", "/p/api_cert.pem"),
		api("c", pts(2, 98, 0, 150, 4, math.NaN())),
		{Labels: lbl("cluster", "c", "node", "1", "filename", "mesh_ca_signed_cert.pem"), Points: pts(5, 1, 5, 2, 4, 3)},
		{Labels: lbl("cluster", "c", "node", "0", "logical_name", "cm")}, // no points: kept
	}
	inCopy := make([][]Point, len(in))
	for i := range in {
		inCopy[i] = slices.Clone(in[i].Points)
	}
	got := MergeSeries(in, map[string]bool{"c": true})
	if len(got) != 3 {
		t.Fatalf("%d series, want 3: %+v", len(got), got)
	}
	// Sorted by cluster, node, certificate.
	wantIDs := []Identity{{"c", "0", "cm"}, {"c", "1", "api"}, {"c", "1", "mesh_ca_signed"}}
	for i, s := range got {
		if s.Identity != wantIDs[i] {
			t.Errorf("series %d: %+v, want %+v", i, s.Identity, wantIDs[i])
		}
	}
	a := got[1]
	if want := pts(0, 100, 1, 90, 2, 98, 3, 97, 4, math.NaN()); !eqPoints(a.Points, want) {
		t.Errorf("api points %v, want %v", a.Points, want)
	}
	if a.Path != "/p/api_cert.pem" || a.Category != UserManaged {
		t.Errorf("api series %+v", a)
	}
	m := got[2]
	if want := pts(4, 3, 5, 1); !eqPoints(m.Points, want) {
		t.Errorf("mesh points %v, want %v", m.Points, want)
	}
	if m.Category != UserManaged { // customer-managed INE
		t.Errorf("mesh category %q", m.Category)
	}
	if len(got[0].Points) != 0 || got[0].Category != UserManaged {
		t.Errorf("cm series %+v", got[0])
	}
	for i := range in {
		if !eqPoints(in[i].Points, inCopy[i]) {
			t.Errorf("input %d modified", i)
		}
	}
	// NaN loses to a number at the same instant.
	nan := MergeSeries([]SeriesIn{
		{Labels: lbl("logical_name", "x"), Points: pts(0, math.NaN())},
		{Labels: lbl("logical_name", "x"), Points: pts(0, 7)},
	}, nil)
	if !eqPoints(nan[0].Points, pts(0, 7)) {
		t.Errorf("NaN vs number: %v", nan[0].Points)
	}
	// The same instant in another location is one point.
	loc := time.FixedZone("X", 3600)
	one := MergeSeries([]SeriesIn{
		{Labels: lbl("logical_name", "x"), Points: []Point{{T: testNow, Seconds: 5}}},
		{Labels: lbl("logical_name", "x"), Points: []Point{{T: testNow.In(loc), Seconds: 4}}},
	}, nil)
	if len(one[0].Points) != 1 || one[0].Points[0].Seconds != 4 {
		t.Errorf("same instant, other zone: %v", one[0].Points)
	}
}

func TestGroupSeries(t *testing.T) {
	mk := func(cluster, node, cert string, p []Point) Series {
		return Series{Identity: Identity{cluster, node, cert}, Category: Classify(cert, false), Path: "/" + node + "/" + cert, Points: p}
	}
	in := []Series{
		mk("a", "1", "api", pts(0, 10, 1, 9, 2, 8)),
		mk("a", "2", "api", pts(0, 12, 2, 5, 3, 4)),
		mk("a", "1", "cm", pts(1, 2, 4, 1)),
		mk("b", "1", "api", nil),
		mk("b", "2", "api", nil),
	}
	orig := make([][]Point, len(in))
	for i := range in {
		orig[i] = slices.Clone(in[i].Points)
	}

	byCert := GroupSeries(in, GroupByCertificate)
	if len(byCert) != 3 {
		t.Fatalf("by certificate: %d series: %+v", len(byCert), byCert)
	}
	// a/api: union of instants, pointwise min; named after node 2 (holds the
	// min at the last instant, t=3: its path), naming no node.
	// Sorted by cluster and certificate: a/api before a/cm.
	ga := byCert[0]
	if ga.Identity != (Identity{"a", "", "api"}) || ga.Path != "/2/api" {
		t.Errorf("a/api group %+v", ga)
	}
	if want := pts(0, 10, 1, 9, 2, 5, 3, 4); !eqPoints(ga.Points, want) {
		t.Errorf("a/api points %v, want %v", ga.Points, want)
	}
	if byCert[1].Identity != (Identity{"a", "", "cm"}) {
		t.Errorf("a/cm group %+v", byCert[1].Identity)
	}
	// No points at all: the first member by identity names it.
	if byCert[2].Identity != (Identity{"b", "", "api"}) || byCert[2].Path != "/1/api" || len(byCert[2].Points) != 0 {
		t.Errorf("b/api group %+v", byCert[2])
	}

	byCluster := GroupSeries(in, GroupByCluster)
	if len(byCluster) != 2 {
		t.Fatalf("by cluster: %d", len(byCluster))
	}
	gc := byCluster[0]
	if want := pts(0, 10, 1, 2, 2, 5, 3, 4, 4, 1); !eqPoints(gc.Points, want) {
		t.Errorf("cluster a points %v, want %v", gc.Points, want)
	}
	if gc.Identity != (Identity{"a", "", "cm"}) || gc.Path != "/1/cm" || gc.Category != UserManaged {
		t.Errorf("cluster a group %+v", gc)
	}

	byNode := GroupSeries(in, GroupByNode)
	if len(byNode) != len(in) {
		t.Errorf("by node: %d series, want %d", len(byNode), len(in))
	}
	for i := range in {
		if !eqPoints(in[i].Points, orig[i]) {
			t.Errorf("input %d modified", i)
		}
	}
	// Tie at the last instant: first by identity.
	tie := GroupSeries([]Series{mk("a", "2", "x", pts(0, 1)), mk("a", "1", "x", pts(0, 1))}, GroupByCertificate)
	if tie[0].Path != "/1/x" || tie[0].Node != "" {
		t.Errorf("tie named by %+v, want node 1's path and no node", tie[0])
	}
	// A member with a point at the last instant beats one without, even if
	// the latter has smaller values earlier.
	late := GroupSeries([]Series{mk("a", "1", "x", pts(0, 1)), mk("a", "2", "x", pts(5, 100))}, GroupByCertificate)
	if late[0].Path != "/2/x" {
		t.Errorf("late named by %q, want node 2's path", late[0].Path)
	}
}

func TestSoonestSeries(t *testing.T) {
	mk := func(cluster, node string, p []Point) Series {
		return Series{Identity: Identity{cluster, node, "api"}, Category: UserManaged, Points: p}
	}
	nan := math.NaN()
	// In GroupSeries' order (Cluster, Node, Certificate). Lowest values: a/1 50, a/2 -3
	// (expired), a/3 50 (ties a/1), b/1 none, b/2 20 (after a NaN), b/3 NaN only, c/1 80
	// (its last point is the lowest of all last points: the lowest in the range decides).
	in := []Series{
		mk("a", "1", pts(0, 90, 1, 50, 2, 60)),
		mk("a", "2", pts(0, 10, 1, -3)),
		mk("a", "3", pts(0, 50)),
		mk("b", "1", nil),
		mk("b", "2", pts(0, nan, 1, 20)),
		mk("b", "3", pts(0, nan)),
		mk("c", "1", pts(0, 100, 1, 80)),
	}
	orig := slices.Clone(in)
	node := func(s []Series) []string {
		out := make([]string, len(s))
		for i := range s {
			out[i] = s[i].Cluster + "/" + s[i].Node
		}
		return out
	}
	all := node(in)
	tests := []struct {
		name string
		n    int
		want []string
	}{
		{"no limit", 0, all},
		{"negative is no limit", -1, all},
		{"the soonest, an expired one", 1, []string{"a/2"}},
		{"NaN points are not the lowest", 2, []string{"a/2", "b/2"}},
		{"tie broken by identity", 3, []string{"a/1", "a/2", "b/2"}},
		{"both of the tie", 4, []string{"a/1", "a/2", "a/3", "b/2"}},
		{"the lowest in the range, not the last value", 5, []string{"a/1", "a/2", "a/3", "b/2", "c/1"}},
		{"series without a number come last, by identity", 6, []string{"a/1", "a/2", "a/3", "b/1", "b/2", "c/1"}},
		{"limit at the count", 7, all},
		{"limit above the count", 100, all},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := SoonestSeries(in, tt.n)
			if !slices.Equal(node(got), tt.want) {
				t.Errorf("SoonestSeries(%d) = %v, want %v", tt.n, node(got), tt.want)
			}
			for _, s := range got {
				i := slices.IndexFunc(in, func(x Series) bool { return x.Identity == s.Identity })
				if !eqPoints(s.Points, in[i].Points) || s.Category != in[i].Category {
					t.Errorf("%s/%s changed: %+v", s.Cluster, s.Node, s)
				}
			}
			if !slices.EqualFunc(in, orig, func(a, b Series) bool { return a.Identity == b.Identity && eqPoints(a.Points, b.Points) }) {
				t.Error("input modified")
			}
		})
	}
	if got := SoonestSeries(nil, 3); len(got) != 0 {
		t.Errorf("SoonestSeries(nil, 3) = %v", got)
	}
}
