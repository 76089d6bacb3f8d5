package pluginhost

import (
	"testing"

	"github.com/seed/rscerts/pkg/certs"
)

// The health summary names the versions the rows' Source lists, and none when no row has one
// (the census predates every series, as in a Prometheus started a moment ago).
func TestHealthSummaryVersions(t *testing.T) {
	row := func(cluster, node, source string) certs.Certificate {
		return certs.Certificate{Identity: certs.Identity{Cluster: cluster, Node: node, Certificate: "api"}, Source: source}
	}
	for _, tt := range []struct {
		rows []certs.Certificate
		want string
	}{
		{[]certs.Certificate{row("a", "1", "v1+v2"), row("b", "1", "v1")}, "v1 and v2 metrics: 2 clusters, 2 nodes, 2 certificates"},
		{[]certs.Certificate{row("a", "1", "v1"), row("a", "2", "")}, "v1 metrics: 1 cluster, 2 nodes, 2 certificates"},
		{[]certs.Certificate{row("a", "1", "v2")}, "v2 metrics: 1 cluster, 1 node, 1 certificate"},
		{[]certs.Certificate{row("a", "1", ""), row("a", "1", "")}, "certificate metrics: 1 cluster, 1 node, 2 certificates"},
	} {
		if got := Summary(tt.rows); got != tt.want {
			t.Errorf("Summary = %q, want %q", got, tt.want)
		}
	}
}
