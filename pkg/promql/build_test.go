package promql

import (
	"strings"
	"testing"
	"time"

	"github.com/seed/rscerts/pkg/certs"
)

func TestPresentSelectsVersions(t *testing.T) {
	tests := []struct {
		name     string
		versions []certs.Version
		want     []string
		notWant  []string
	}{
		{"v1 only", []certs.Version{certs.V1}, []string{`{__name__="node_cert_expiration_seconds",node!=""}`, `{__name__="node_cert_expiration_seconds",node=""}`}, []string{MetricV2, MetricX509}},
		{"v2 only", []certs.Version{certs.V2}, []string{`{__name__="node_cert_expires_in_seconds",node!=""}`, MetricX509 + `{exporter="cert",cluster!="",node!=""}`}, []string{MetricV1}},
		{"both", []certs.Version{certs.V1, certs.V2}, []string{`{__name__=~"node_cert_expiration_seconds|node_cert_expires_in_seconds",node!=""}`, MetricX509}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q := Present(Selection{Versions: tt.versions})
			for _, w := range tt.want {
				if !strings.Contains(q, w) {
					t.Errorf("query lacks %q:\n%s", w, q)
				}
			}
			for _, w := range tt.notWant {
				if strings.Contains(q, w) {
					t.Errorf("query has %q:\n%s", w, q)
				}
			}
		})
	}
}

func TestPresentShape(t *testing.T) {
	q := Present(Selection{Versions: []certs.Version{certs.V1, certs.V2}, Clusters: []string{"a.b", "c"}})
	for _, w := range []string{
		`min by (__name__, cluster, node, logical_name, cert_type, path, locator, filename, filepath) (`,
		`{__name__=~"node_cert_expiration_seconds|node_cert_expires_in_seconds",cluster=~"a\\.b|c",node!=""}`,
		`label_replace(x509_cert_expires_in_seconds{exporter="cert",cluster!="",cluster=~"a\\.b|c",node=""}, "node", "$1", "instance", "(.+)")`,
		`max by (__name__, cluster) (customer_managed_ine_certificates{cluster=~"a\\.b|c"})`,
	} {
		if !strings.Contains(q, w) {
			t.Errorf("query lacks %q:\n%s", w, q)
		}
	}
	if strings.Contains(q, "last_over_time") || strings.Contains(q, LabelState) {
		t.Errorf("present query reads the lookback window or rewrites labels:\n%s", q)
	}
	balanced(t, q)
}

// The main branch goes through one `or`, with every smaller branch nested to its right; it is
// grouped without __name__ (Prometheus merges v1 and v2), the others keep it.
func TestPresentNesting(t *testing.T) {
	sel := Selection{Versions: []certs.Version{certs.V1, certs.V2}}
	id := strings.Join(IdentityLabels, ", ")
	main := `({__name__=~"node_cert_expiration_seconds|node_cert_expires_in_seconds",node!=""}) or (min by (__name__, ` + id + `) (label_replace(`
	for name, tt := range map[string]struct{ q, prefix string }{
		"by version": {Instant(sel, 0), `min by (__name__, ` + id + `) ` + main},
		"merged":     {Present(sel), `min by (` + id + `) ` + main},
	} {
		if !strings.HasPrefix(tt.q, tt.prefix) || !strings.HasSuffix(tt.q, "))") {
			t.Errorf("%s: not `main or (rest)`:\n%s", name, tt.q)
		}
		if n := strings.Count(tt.q, "min by ("+id+")"); name == "merged" && n != 1 {
			t.Errorf("%s: %d branches grouped without __name__, want only the main one", name, n)
		}
		if n := strings.Count(tt.q, " or "); n != 4 {
			t.Errorf("%s: %d `or`s, want 4 (main, node-less, two x509, INE)", name, n)
		}
		balanced(t, tt.q)
	}
	if q := Present(Selection{Versions: []certs.Version{certs.V1}}); !strings.HasPrefix(q, `min by (`+id+`) ({__name__="node_cert_expiration_seconds",node!=""}) or (`) {
		t.Errorf("v1 only:\n%s", q)
	}
}

func TestVersionOf(t *testing.T) {
	for metric, want := range map[string]certs.Version{MetricV1: certs.V1, MetricV2: certs.V2, MetricX509: certs.V2, MetricINE: "", "up": ""} {
		if got := VersionOf(metric); got != want {
			t.Errorf("VersionOf(%s) = %q, want %q", metric, got, want)
		}
	}
}

var testAt = time.Unix(1_800_000_000, 500_000_000)

func TestLookbackShape(t *testing.T) {
	q := Lookback(Selection{Versions: []certs.Version{certs.V1}, Clusters: []string{"c1"}}, time.Hour, testAt)
	s := `node_cert_expiration_seconds{cluster="c1",node!=""}`
	for _, w := range []string{
		// exact where visible at a 10m step, samples newer than the window's start only
		`last_over_time((` + s + ` + (timestamp(` + s + `) > 1799996400.5))[1h:10m])`,
		// exact from two samples of a slice: six slices of 10m tiling the hour, latest first
		`(predict_linear(` + s + `[10m], 0) + time()) or (predict_linear(` + s + `[10m] offset 10m, 0) + (time() - 600))`,
		`(predict_linear(` + s + `[10m] offset 50m, 0) + (time() - 3000))`,
		// else the slice's last sample plus its end
		`(last_over_time(` + s + `[10m]) + time()) or (last_over_time(` + s + `[10m] offset 10m) + (time() - 600))`,
		`"rs_state", "missing"`, `"rs_version", "v1"`,
	} {
		if !strings.Contains(q, w) {
			t.Errorf("query lacks %q:\n%s", w, q)
		}
	}
	if strings.Contains(q, "offset 1h") || strings.Count(q, `cluster="c1"`) != strings.Count(q, "node_cert_expiration_seconds{") {
		t.Errorf("reads beyond the window, or not only c1:\n%s", q)
	}
	if Lookback(Selection{Versions: []certs.Version{certs.V1}}, 0, testAt) != "" {
		t.Error("a lookback of 0 asks for something")
	}
	balanced(t, q)
}

// The queries stay short: VictoriaMetrics refuses queries longer than its -search.maxQueryLen
// (16 KiB by default); a lookback whose cluster filter would make it longer has none.
func TestQueryLength(t *testing.T) {
	all := []certs.Version{certs.V1, certs.V2}
	for _, lb := range []time.Duration{time.Minute, time.Hour, 7 * 24 * time.Hour} {
		for _, clusters := range [][]string{nil, {"c1.example.com"}, {strings.Repeat("x", 1000)}} {
			q := Lookback(Selection{Versions: all, Clusters: clusters}, lb, testAt)
			if len(q) > MaxQueryBytes {
				t.Errorf("lookback %s, clusters %.20q: %d bytes", lb, clusters, len(q))
			}
			if filtered := strings.Contains(q, "cluster="); filtered != (len(clusters) == 1 && len(clusters[0]) < 100) {
				t.Errorf("lookback %s, clusters %.20q: filtered %v", lb, clusters, filtered)
			}
		}
	}
	if q := Instant(Selection{Versions: all}, time.Minute); len(q) > 4<<10 {
		t.Errorf("instant: %d bytes", len(q))
	}
}

// The slices tile the window exactly, also when it is not divisible by six.
func TestLookbackSlicesTileTheWindow(t *testing.T) {
	for _, lb := range []time.Duration{time.Minute, 100 * time.Second, time.Hour, 25 * time.Hour} {
		q := inSlices(lb, func(rng, end string) string { return "f(m" + rng + ")" })
		var covered time.Duration
		for k := range LookbackSlices {
			off := time.Duration(k) * LookbackStep(lb)
			width := LookbackStep(lb)
			if k == LookbackSlices-1 {
				width = lb - off
			}
			want := `f(m[` + promDuration(width) + `])`
			if off > 0 {
				want = `f(m[` + promDuration(width) + `] offset ` + promDuration(off) + `)`
			}
			if !strings.Contains(q, want) {
				t.Errorf("%s: slice %d lacks %s:\n%s", lb, k, want, q)
			}
			covered += width
		}
		if covered != lb {
			t.Errorf("%s: slices cover %s", lb, covered)
		}
	}
}

// Instant keeps the metric name of every row (the version: Source is exact) and adds the
// certificates that vanished within the recent window, from raw ranges only.
func TestInstantShape(t *testing.T) {
	id := strings.Join(IdentityLabels, ", ")
	both := Instant(Selection{Versions: []certs.Version{certs.V1, certs.V2}, Clusters: []string{"a.b"}}, 15*time.Second)
	for _, w := range []string{
		`min by (__name__, ` + id + `) ({__name__=~"node_cert_expiration_seconds|node_cert_expires_in_seconds",cluster="a.b",node!=""}) or (`,
		`((last_over_time(node_cert_expiration_seconds{cluster="a.b",node!=""}[15s]) + time()) unless on (` + id + `, instance) node_cert_expiration_seconds{cluster="a.b",node!=""})`,
		`"rs_state", "missing"`, `"rs_version", "v2"`,
	} {
		if !strings.Contains(both, w) {
			t.Errorf("query lacks %q:\n%s", w, both)
		}
	}
	if strings.Contains(both, ":") && strings.Contains(both, "s:") {
		t.Errorf("a subquery in every instant query:\n%s", both)
	}
	balanced(t, both)
	if v1 := Instant(Selection{Versions: []certs.Version{certs.V1}}, 0); strings.Contains(v1, "last_over_time") {
		t.Errorf("no recent window asked for:\n%s", v1)
	}
}

func balanced(t *testing.T, q string) {
	t.Helper()
	if n := strings.Count(q, "(") - strings.Count(q, ")"); n != 0 {
		t.Errorf("unbalanced parentheses (%d):\n%s", n, q)
	}
}

func TestLookbackStep(t *testing.T) {
	for _, tt := range []struct{ lookback, want time.Duration }{
		{time.Minute, 10 * time.Second},
		{20 * time.Second, 5 * time.Second},
		{100 * time.Second, 16 * time.Second},
		{time.Hour, 10 * time.Minute},
		{7 * 24 * time.Hour, 28 * time.Hour},
	} {
		if got := LookbackStep(tt.lookback); got != tt.want {
			t.Errorf("LookbackStep(%s) = %s, want %s", tt.lookback, got, tt.want)
		}
	}
}

func TestRenewalsShape(t *testing.T) {
	id := strings.Join(IdentityLabels, ", ")
	q := Renewals(Selection{Versions: []certs.Version{certs.V1, certs.V2}, Clusters: []string{`a"b`}}, 10*time.Minute, 24*time.Hour)
	main := `{__name__=~"node_cert_expiration_seconds|node_cert_expires_in_seconds",cluster="a\"b",node!=""}`
	for _, w := range []string{
		// v1 and v2 merged per certificate, compared with themselves a step before; the value
		// rises by more than a day minus the step (86400 - 600).
		`(min by (` + id + `) (` + main + `) > min by (` + id + `) (` + main + ` offset 10m) + (85800))`,
		`(min by (` + id + `) (` + main + ` offset 10m) < min by (` + id + `) (` + main + `) - (85800))`,
		`label_replace(x509_cert_expires_in_seconds{exporter="cert",cluster!="",cluster="a\"b",node=""} offset 10m, "node", "$1", "instance", "(.+)")`,
		`, "rs_part", "after", "", "")`, `, "rs_part", "before", "", "")`,
		`max by (__name__, cluster) (customer_managed_ine_certificates{cluster="a\"b"})`,
	} {
		if !strings.Contains(q, w) {
			t.Errorf("query lacks %q:\n%s", w, q)
		}
	}
	if strings.Contains(q, "timestamp(") {
		t.Errorf("timestamp() of every raw sample costs 8 times as much:\n%s", q)
	}
	balanced(t, q)
	// Every selector of the query carries the cluster filter: none reads another cluster.
	if n, m := strings.Count(q, `{`), strings.Count(q, `cluster="a\"b"`); n != m {
		t.Errorf("%d selectors, %d with the cluster filter:\n%s", n, m, q)
	}
	if v1 := Renewals(Selection{Versions: []certs.Version{certs.V1}}, time.Hour, time.Hour); strings.Contains(v1, MetricV2) || !strings.Contains(v1, " + (0))") {
		t.Errorf("v1 only, one hour's jump at one hour's step:\n%s", v1)
	}
}
