package engine

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/seed/rscerts/pkg/certs"
	"github.com/seed/rscerts/pkg/prom"
	"github.com/seed/rscerts/pkg/promql"
)

// withVanished adds to an answer of promql.Instant the certificates that vanished within its
// recent window, asked of the store (promql.Vanished) only for the clusters and versions
// whose counts say one did (vanishedSelection); the answer as it was when none did. The rows
// are a new vector: answers are shared with other queries. A failed request loses only those
// rows, with a warning.
func (e *Engine) withVanished(ctx context.Context, present prom.Value, at time.Time, recent time.Duration) (prom.Value, []string) {
	vec, ok := present.(prom.Vector)
	if !ok {
		return present, nil // MergeInstant says what it is
	}
	gone, some := vanishedSelection(vec)
	if !some {
		return present, nil
	}
	v, warnings, err := e.Prom.Query(ctx, promql.Vanished(gone, recent), at)
	if err == nil {
		if rows, ok := v.(prom.Vector); ok {
			return append(append(make(prom.Vector, 0, len(vec)+len(rows)), vec...), rows...), warnings
		}
		err = errNotVector(v)
	}
	return present, append(append([]string(nil), warnings...), vanishedLost+err.Error())
}

// vanishedLost starts the warning of a table whose vanished certificates could not be listed.
const vanishedLost = "certificates that vanished within the last minutes could not be listed as missing: "

// vanishedSelection compares promql.Recent's counts in an Instant answer with its present
// rows, per cluster and version: where they differ, a certificate had a sample within the
// presence window and is not present now (or the store's lookback delta is longer than the
// window), and the clusters and versions of those groups are returned (some is true).
func vanishedSelection(vec prom.Vector) (gone promql.Selection, some bool) {
	type group struct{ version, cluster string }
	counted := map[group]int{}
	present := map[group]int{}
	seen := map[string]struct{}{} // version and identity of present rows already counted
	var key strings.Builder
	for _, s := range vec {
		switch s.Metric.Get(promql.LabelState) {
		case promql.StateRecent:
			counted[group{s.Metric.Get(promql.LabelVersion), s.Metric.Get("cluster")}] = int(s.V)
			continue
		case "":
		default:
			continue
		}
		v := promql.VersionOf(s.Metric.Get(metricName))
		if v == "" {
			continue // the INE flags
		}
		// Recent counts each identity once per version (v2's and x509's rows of one
		// identity are one), as Instant's rows of one version are counted here.
		key.Reset()
		key.WriteString(string(v))
		for _, name := range promql.IdentityLabels {
			key.WriteByte(0)
			key.WriteString(s.Metric.Get(name))
		}
		if _, dup := seen[key.String()]; dup {
			continue
		}
		seen[key.String()] = struct{}{}
		present[group{string(v), s.Metric.Get("cluster")}]++
	}
	var versions, clusters []string
	differ := func(g group) {
		if counted[g] != present[g] {
			versions, clusters = append(versions, g.version), append(clusters, g.cluster)
		}
	}
	for g := range counted {
		differ(g)
	}
	for g := range present {
		if _, ok := counted[g]; !ok {
			differ(g)
		}
	}
	if len(clusters) == 0 {
		return gone, false
	}
	slices.Sort(versions)
	slices.Sort(clusters)
	for _, v := range slices.Compact(versions) {
		gone.Versions = append(gone.Versions, certs.Version(v))
	}
	gone.Clusters = slices.Compact(clusters)
	return gone, true
}
