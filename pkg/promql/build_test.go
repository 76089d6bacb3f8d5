package promql

import (
	"strings"
	"testing"
	"time"

	"github.com/seed/rscerts/pkg/certs"
)

func TestInstantSelectsVersions(t *testing.T) {
	tests := []struct {
		name     string
		versions []certs.Version
		want     []string
		notWant  []string
	}{
		{"v1 only", []certs.Version{certs.V1}, []string{MetricV1 + "{}", `"rs_version", "v1"`}, []string{MetricV2, MetricX509}},
		{"v2 only", []certs.Version{certs.V2}, []string{MetricV2 + "{}", MetricX509 + `{exporter="cert",cluster!=""}`, `"rs_version", "v2"`}, []string{MetricV1}},
		{"both", []certs.Version{certs.V1, certs.V2}, []string{MetricV1, MetricV2, MetricX509}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q := Instant(Selection{Versions: tt.versions}, time.Hour)
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

func TestInstantShape(t *testing.T) {
	q := Instant(Selection{Versions: []certs.Version{certs.V1, certs.V2}, Clusters: []string{"a.b", "c"}}, time.Hour)
	for _, w := range []string{
		`min by (cluster, node, logical_name, cert_type, path, locator, filename, filepath, rs_version)`,
		`cluster=~"a\\.b|c"`,
		`[1h:1m]`,
		` unless `,
		`"rs_state", "present"`, `"rs_state", "missing"`, `"rs_state", "ine"`,
		`max by (cluster) (customer_managed_ine_certificates{cluster=~"a\\.b|c"})`,
		`label_replace(label_join(`,
	} {
		if !strings.Contains(q, w) {
			t.Errorf("query lacks %q:\n%s", w, q)
		}
	}
	if n := strings.Count(q, "(") - strings.Count(q, ")"); n != 0 {
		t.Errorf("unbalanced parentheses (%d):\n%s", n, q)
	}
}

func TestInstantWithoutLookbackHasNoMissingBranch(t *testing.T) {
	q := Instant(Selection{Versions: []certs.Version{certs.V1}}, 0)
	if strings.Contains(q, StateMissing) || strings.Contains(q, "last_over_time") {
		t.Fatalf("lookback 0 must not ask for missing series:\n%s", q)
	}
}

func TestRangeHasNoMissingBranch(t *testing.T) {
	q := Range(Selection{Versions: []certs.Version{certs.V1, certs.V2}})
	if strings.Contains(q, StateMissing) || !strings.Contains(q, StatePresent) || !strings.Contains(q, StateINE) {
		t.Fatalf("unexpected range query:\n%s", q)
	}
}

func TestSubqueryStep(t *testing.T) {
	for _, tt := range []struct{ lookback, want time.Duration }{
		{time.Minute, 5 * time.Second},
		{5 * time.Minute, 5 * time.Second},
		{time.Hour, time.Minute},
		{24 * time.Hour, 24 * time.Minute},
	} {
		if got := subqueryStep(tt.lookback); got != tt.want {
			t.Errorf("subqueryStep(%s) = %s, want %s", tt.lookback, got, tt.want)
		}
	}
}
