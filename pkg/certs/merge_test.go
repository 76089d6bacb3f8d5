package certs

import (
	"math"
	"slices"
	"testing"
	"time"
)

var testNow = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

const day = 86400.0

func lbl(kv ...string) Labels {
	var l Labels
	for i := 0; i+1 < len(kv); i += 2 {
		l.Set(kv[i], kv[i+1])
	}
	return l
}

func present(v Version, days float64, kv ...string) Observation {
	return Observation{Labels: lbl(kv...), Version: v, Present: true, Seconds: days * day}
}

func missing(v Version, expires time.Time, kv ...string) Observation {
	return Observation{Labels: lbl(kv...), Version: v, ExpiresAt: expires}
}

func TestMerge(t *testing.T) {
	th := DefaultThresholds()
	tests := []struct {
		name string
		obs  []Observation
		ine  map[string]bool
		want []Certificate
	}{
		{
			name: "v2 duplicates from three instances collapse",
			obs: []Observation{
				present(V2, 100, "cluster", "c", "node", "1", "logical_name", "api", "path", "/p/api_cert.pem", "instance", "n1:8070"),
				present(V2, 100, "cluster", "c", "node", "1", "logical_name", "api", "path", "/p/api_cert.pem", "instance", "n2:8070"),
				present(V2, 100, "cluster", "c", "node", "1", "logical_name", "api", "path", "/p/api_cert.pem", "instance", "n3:8070"),
			},
			want: []Certificate{{Identity: Identity{"c", "1", "api"}, Category: UserManaged, DaysRemaining: 100,
				ExpiresAt: testNow.Add(100 * 24 * time.Hour), Status: StatusOK, Source: "v2", Path: "/p/api_cert.pem", Present: true}},
		},
		{
			name: "v1 and v2 across schemas give v1+v2, soonest wins",
			obs: []Observation{
				present(V2, 20, "cluster", "c", "node", "1", "filename", "api_cert.pem", "filepath", "/etc/opt/redislabs", "exporter", "local"),
				present(V1, 25, "cluster", "c", "node", "1", "logical_name", "api", "path", "/etc/opt/redislabs/api_cert.pem"),
			},
			want: []Certificate{{Identity: Identity{"c", "1", "api"}, Category: UserManaged, DaysRemaining: 20,
				ExpiresAt: testNow.Add(20 * 24 * time.Hour), Status: StatusWarning, Source: "v1+v2", Path: "/etc/opt/redislabs/api_cert.pem", Present: true}},
		},
		{
			name: "differing values: soonest wins and brings its path",
			obs: []Observation{
				present(V1, 10, "cluster", "c", "node", "1", "logical_name", "cm", "path", "/a/cm_cert.pem"),
				present(V1, 3, "cluster", "c", "node", "1", "logical_name", "cm", "path", "/b/cm_cert.pem"),
				present(V1, 7, "cluster", "c", "node", "1", "logical_name", "cm", "path", "/c/cm_cert.pem"),
			},
			want: []Certificate{{Identity: Identity{"c", "1", "cm"}, Category: UserManaged, DaysRemaining: 3,
				ExpiresAt: testNow.Add(3 * 24 * time.Hour), Status: StatusCritical, Source: "v1", Path: "/b/cm_cert.pem", Present: true}},
		},
		{
			name: "present beats missing, even a sooner missing one; source from present only",
			obs: []Observation{
				missing(V1, testNow.Add(-48*time.Hour), "cluster", "c", "node", "1", "logical_name", "proxy"),
				present(V2, 200, "cluster", "c", "node", "1", "logical_name", "proxy"),
			},
			want: []Certificate{{Identity: Identity{"c", "1", "proxy"}, Category: UserManaged, DaysRemaining: 200,
				ExpiresAt: testNow.Add(200 * 24 * time.Hour), Status: StatusOK, Source: "v2", Present: true}},
		},
		{
			name: "missing only: status missing, days from ExpiresAt, soonest last sample",
			obs: []Observation{
				missing(V2, testNow.Add(36*time.Hour), "cluster", "c", "node", "2", "logical_name", "syncer", "instance", "a"),
				missing(V1, testNow.Add(12*time.Hour), "cluster", "c", "node", "2", "logical_name", "syncer", "path", "/p/syncer_cert.pem"),
			},
			want: []Certificate{{Identity: Identity{"c", "2", "syncer"}, Category: UserManaged, DaysRemaining: 0.5,
				ExpiresAt: testNow.Add(12 * time.Hour), Status: StatusMissing, Source: "v1+v2", Path: "/p/syncer_cert.pem"}},
		},
		{
			name: "expired and vanished is still listed",
			obs: []Observation{
				missing(V2, testNow.Add(-3*24*time.Hour), "cluster", "c", "node", "1", "filename", "api_cert.pem", "filepath", "/etc/opt/redislabs"),
			},
			want: []Certificate{{Identity: Identity{"c", "1", "api"}, Category: UserManaged, DaysRemaining: -3,
				ExpiresAt: testNow.Add(-3 * 24 * time.Hour), Status: StatusMissing, Source: "v2", Path: "/etc/opt/redislabs/api_cert.pem"}},
		},
		{
			name: "expired present",
			obs:  []Observation{present(V2, -1, "cluster", "c", "node", "2", "filename", "api_cert.pem")},
			want: []Certificate{{Identity: Identity{"c", "2", "api"}, Category: UserManaged, DaysRemaining: -1,
				ExpiresAt: testNow.Add(-24 * time.Hour), Status: StatusExpired, Source: "v2", Path: "api_cert.pem", Present: true}},
		},
		{
			name: "unknown names kept as other; unnamed kept",
			obs: []Observation{
				present(V2, 10, "cluster", "c", "node", "2", "filename", "client_cert-1:1-crdt.pem"),
				present(V2, 20, "cluster", "c", "node", "2"),
			},
			want: []Certificate{
				{Identity: Identity{"c", "2", "client_cert-1:1-crdt"}, Category: Other, DaysRemaining: 10,
					ExpiresAt: testNow.Add(10 * 24 * time.Hour), Status: StatusCritical, Source: "v2", Path: "client_cert-1:1-crdt.pem", Present: true},
				{Identity: Identity{"c", "2", Unnamed}, Category: Other, DaysRemaining: 20,
					ExpiresAt: testNow.Add(20 * 24 * time.Hour), Status: StatusWarning, Source: "v2", Present: true},
			},
		},
		{
			name: "customer-managed INE per cluster",
			obs: []Observation{
				present(V2, 20, "cluster", "a", "node", "1", "logical_name", "mesh_ca_signed"),
				present(V2, 20, "cluster", "b", "node", "1", "logical_name", "mesh_ca_signed"),
			},
			ine: map[string]bool{"a": true},
			want: []Certificate{
				{Identity: Identity{"a", "1", "mesh_ca_signed"}, Category: UserManaged, DaysRemaining: 20,
					ExpiresAt: testNow.Add(20 * 24 * time.Hour), Status: StatusWarning, Source: "v2", Present: true},
				{Identity: Identity{"b", "1", "mesh_ca_signed"}, Category: AutoRotated, DaysRemaining: 20,
					ExpiresAt: testNow.Add(20 * 24 * time.Hour), Status: StatusWarning, Source: "v2", Present: true},
			},
		},
		{
			name: "path fallback: winner has none, another has one",
			obs: []Observation{
				present(V1, 50, "cluster", "c", "node", "1", "logical_name", "cm", "path", "/p/cm_cert.pem"),
				present(V2, 40, "cluster", "c", "node", "1", "logical_name", "cm"),
			},
			want: []Certificate{{Identity: Identity{"c", "1", "cm"}, Category: UserManaged, DaysRemaining: 40,
				ExpiresAt: testNow.Add(40 * 24 * time.Hour), Status: StatusOK, Source: "v1+v2", Path: "/p/cm_cert.pem", Present: true}},
		},
		{
			name: "tie: the observation with a path wins",
			obs: []Observation{
				present(V2, 40, "cluster", "c", "node", "1", "logical_name", "cm", "filepath", "/etc/opt/redislabs"),
				present(V2, 40, "cluster", "c", "node", "1", "logical_name", "cm", "filepath", "/etc/opt/redislabs", "filename", "cm_cert.pem"),
			},
			want: []Certificate{{Identity: Identity{"c", "1", "cm"}, Category: UserManaged, DaysRemaining: 40,
				ExpiresAt: testNow.Add(40 * 24 * time.Hour), Status: StatusOK, Source: "v2", Path: "/etc/opt/redislabs/cm_cert.pem", Present: true}},
		},
		{
			name: "future and empty versions",
			obs: []Observation{
				present("v3", 40, "cluster", "c", "node", "1", "logical_name", "cm"),
				present(V1, 40, "cluster", "c", "node", "1", "logical_name", "cm"),
				present("", 40, "cluster", "c", "node", "1", "logical_name", "cm"),
				present("a0", 40, "cluster", "c", "node", "1", "logical_name", "cm"),
			},
			want: []Certificate{{Identity: Identity{"c", "1", "cm"}, Category: UserManaged, DaysRemaining: 40,
				ExpiresAt: testNow.Add(40 * 24 * time.Hour), Status: StatusOK, Source: "a0+v1+v3", Present: true}},
		},
		{name: "empty", obs: nil, want: []Certificate{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Merge(tt.obs, tt.ine, th, testNow)
			if !slices.Equal(got, tt.want) {
				t.Errorf("Merge:\n got %+v\nwant %+v", got, tt.want)
			}
		})
	}
}

func TestMergeSortOrder(t *testing.T) {
	obs := []Observation{
		present(V1, 30, "cluster", "b", "node", "1", "logical_name", "api"),
		present(V1, 30, "cluster", "a", "node", "2", "logical_name", "api"),
		present(V1, 30, "cluster", "a", "node", "1", "logical_name", "cm"),
		present(V1, 30, "cluster", "a", "node", "1", "logical_name", "api"),
		present(V1, -2, "cluster", "z", "node", "9", "logical_name", "zz"),
		missing(V2, testNow.Add(24*time.Hour), "cluster", "y", "node", "1", "logical_name", "gone"),
		present(V1, 400, "cluster", "a", "node", "1", "logical_name", "trusted_ca"),
	}
	got := Merge(obs, nil, DefaultThresholds(), testNow)
	var order []Identity
	for _, c := range got {
		order = append(order, c.Identity)
	}
	want := []Identity{
		{"z", "9", "zz"}, {"y", "1", "gone"},
		{"a", "1", "api"}, {"a", "1", "cm"}, {"a", "2", "api"}, {"b", "1", "api"},
		{"a", "1", "trusted_ca"},
	}
	if !slices.Equal(order, want) {
		t.Errorf("order\n got %v\nwant %v", order, want)
	}
}

func TestMergeOddValues(t *testing.T) {
	obs := []Observation{
		{Labels: lbl("cluster", "c", "node", "1", "logical_name", "nan"), Version: V2, Present: true, Seconds: math.NaN()},
		{Labels: lbl("cluster", "c", "node", "1", "logical_name", "mixed"), Version: V2, Present: true, Seconds: math.NaN()},
		{Labels: lbl("cluster", "c", "node", "1", "logical_name", "mixed"), Version: V1, Present: true, Seconds: 5 * day},
		{Labels: lbl("cluster", "c", "node", "1", "logical_name", "inf"), Version: V1, Present: true, Seconds: math.Inf(1)},
		{Labels: lbl("cluster", "c", "node", "1", "logical_name", "huge"), Version: V1, Present: true, Seconds: -1e300},
	}
	got := Merge(obs, nil, DefaultThresholds(), testNow)
	by := map[string]Certificate{}
	for _, c := range got {
		by[c.Certificate] = c
	}
	if c := by["nan"]; !math.IsNaN(c.DaysRemaining) || c.Status != StatusCritical || !c.ExpiresAt.IsZero() {
		t.Errorf("nan row %+v", c)
	}
	if got[0].Certificate != "nan" {
		t.Errorf("NaN row should sort first, got %q", got[0].Certificate)
	}
	if c := by["mixed"]; c.DaysRemaining != 5 || c.Source != "v1+v2" {
		t.Errorf("number should beat NaN: %+v", c)
	}
	if c := by["inf"]; c.Status != StatusOK || !c.ExpiresAt.After(testNow.AddDate(200, 0, 0)) {
		t.Errorf("inf row %+v", c)
	}
	if c := by["huge"]; c.Status != StatusExpired || !c.ExpiresAt.Before(testNow) {
		t.Errorf("huge negative row %+v", c)
	}
}

func TestMergeDoesNotModifyInput(t *testing.T) {
	obs := []Observation{present(V1, 1, "cluster", "c", "node", "1", "logical_name", "a")}
	before := obs[0]
	Merge(obs, nil, DefaultThresholds(), testNow)
	if obs[0] != before {
		t.Fatal("input modified")
	}
}
