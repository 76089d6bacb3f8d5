package pluginhost

import (
	"testing"

	"github.com/seed/rscerts/pkg/certs"
)

// The health summary names the versions that report a certificate now: a missing row's
// Source is history and does not count.
func TestHealthSummaryVersions(t *testing.T) {
	row := func(cluster, node, source string, present bool) certs.Certificate {
		return certs.Certificate{Identity: certs.Identity{Cluster: cluster, Node: node, Certificate: "api"}, Source: source, Present: present}
	}
	for _, tt := range []struct {
		rows []certs.Certificate
		want string
	}{
		{[]certs.Certificate{row("a", "1", "v1+v2", true), row("b", "1", "v1", true)}, "v1 and v2 metrics: 2 clusters, 2 nodes, 2 certificates"},
		{[]certs.Certificate{row("a", "1", "v1", true), row("a", "2", "v2", false)}, "v1 metrics: 1 cluster, 2 nodes, 2 certificates"},
		{[]certs.Certificate{row("a", "1", "v2", true)}, "v2 metrics: 1 cluster, 1 node, 1 certificate"},
		{[]certs.Certificate{row("a", "1", "v1", false), row("a", "1", "v2", false)}, "no current metrics: 1 cluster, 1 node, 2 certificates"},
	} {
		if got := Summary(tt.rows); got != tt.want {
			t.Errorf("Summary = %q, want %q", got, tt.want)
		}
	}
}
