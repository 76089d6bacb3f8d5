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
		"by version": {PresentByVersion(sel), `min by (__name__, ` + id + `) ` + main},
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

func TestLookbackShape(t *testing.T) {
	q := Lookback(Selection{Versions: []certs.Version{certs.V1}}, time.Hour)
	for _, w := range []string{
		`last_over_time((node_cert_expiration_seconds{node!=""} + timestamp(node_cert_expiration_seconds{node!=""}))[1h:10m])`,
		`"rs_state", "missing"`, `"rs_version", "v1"`,
		// the census of Present's main branch, after the missing part
		` or label_replace(group by (__name__, ` + strings.Join(IdentityLabels, ", ") + `) ({__name__="node_cert_expiration_seconds",node!=""}), "rs_state", "present", "", "")`,
	} {
		if !strings.Contains(q, w) {
			t.Errorf("query lacks %q:\n%s", w, q)
		}
	}
	balanced(t, q)
}

// Without a lookback window the answer is the census alone; a selection without Present's
// main branch has no census.
func TestCensus(t *testing.T) {
	sel := Selection{Versions: []certs.Version{certs.V1, certs.V2}, Clusters: []string{"a.b"}}
	if got, want := Lookback(sel, 0), Census(sel); got != want || !strings.Contains(want, `{__name__=~"node_cert_expiration_seconds|node_cert_expires_in_seconds",cluster="a.b",node!=""}`) {
		t.Errorf("Lookback(sel, 0) = %s, want the census %s", got, want)
	}
	if c := Census(Selection{}); c != "" {
		t.Errorf("census of nothing: %s", c)
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
		{time.Hour, 10 * time.Minute},
		{7 * 24 * time.Hour, 28 * time.Hour},
	} {
		if got := LookbackStep(tt.lookback); got != tt.want {
			t.Errorf("LookbackStep(%s) = %s, want %s", tt.lookback, got, tt.want)
		}
	}
}
