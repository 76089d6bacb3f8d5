package pluginhost

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"

	"github.com/seed/rscerts/pkg/certs"
	"github.com/seed/rscerts/pkg/engine"
	"github.com/seed/rscerts/pkg/models"
	"github.com/seed/rscerts/pkg/prom"
)

// CheckHealth is the "Save & test" button: it reaches Prometheus, names the store and its
// version, and says what certificate data it found, or exactly what is wrong.
func (d *Datasource) CheckHealth(ctx context.Context, _ *backend.CheckHealthRequest) (*backend.CheckHealthResult, error) {
	if d.configErr != nil {
		return healthError(d.configErr.Error()), nil
	}
	store, err := d.client.Store(ctx)
	if err != nil {
		return healthError(message(err)), nil
	}
	q := models.Query{MetricVersion: d.settings.MetricVersion, GroupBy: certs.GroupByNode}
	snap, err := d.engine.Certificates(ctx, engine.NewRequest(q, d.settings), time.Now())
	if err != nil {
		return healthError(message(err)), nil
	}
	prefix := store.String() // "Prometheus 3.16.0", "VictoriaMetrics"
	if len(snap.Certificates) == 0 {
		return healthError(fmt.Sprintf("%s is reachable at %s but has no Redis Software certificate metrics (%s): scrape https://<cluster>:8070/ (v1) or https://<cluster>:8070/v2 (v2) of every cluster", prefix, d.client.URL(), wantedMetrics(d.settings.MetricVersion))), nil
	}
	return &backend.CheckHealthResult{Status: backend.HealthStatusOk, Message: prefix + ": " + Summary(snap.Certificates)}, nil
}

// Summary says what was found: "v1 and v2 metrics: 2 clusters, 6 nodes, 27 certificates".
// The versions are those reporting a certificate at the moment of the check (a missing
// row's versions are history).
func Summary(rows []certs.Certificate) string {
	clusters, nodes := map[string]bool{}, map[[2]string]bool{}
	v1, v2 := false, false
	for _, c := range rows {
		clusters[c.Cluster] = true
		nodes[[2]string{c.Cluster, c.Node}] = true
		if c.Present {
			v1 = v1 || strings.Contains(c.Source, string(certs.V1))
			v2 = v2 || strings.Contains(c.Source, string(certs.V2))
		}
	}
	versions := "v1 and v2"
	switch {
	case v1 && !v2:
		versions = "v1"
	case v2 && !v1:
		versions = "v2"
	case !v1 && !v2: // nothing reports a certificate now: every row is missing
		versions = "no current"
	}
	return fmt.Sprintf("%s metrics: %s, %s, %s", versions, plural(len(clusters), "cluster"), plural(len(nodes), "node"), plural(len(rows), "certificate"))
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}

func wantedMetrics(v models.MetricVersion) string {
	switch v {
	case models.MetricVersionV1:
		return "node_cert_expiration_seconds"
	case models.MetricVersionV2:
		return "node_cert_expires_in_seconds"
	}
	return "node_cert_expiration_seconds or node_cert_expires_in_seconds"
}

func message(err error) string {
	var pe *prom.Error
	if errors.As(err, &pe) {
		return pe.Message
	}
	return err.Error()
}

func healthError(msg string) *backend.CheckHealthResult {
	return &backend.CheckHealthResult{Status: backend.HealthStatusError, Message: msg}
}
