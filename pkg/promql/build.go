package promql

import (
	"strings"
	"time"

	"github.com/prometheus/common/model"

	"github.com/seed/rscerts/pkg/certs"
)

// Metric names Redis Software has used for certificate expiry.
const (
	MetricV1   = "node_cert_expiration_seconds"
	MetricV2   = "node_cert_expires_in_seconds"
	MetricX509 = "x509_cert_expires_in_seconds"
	// MetricINE is 1 when a cluster's internode certificates are customer-provided (not rotated).
	MetricINE = "customer_managed_ine_certificates"
)

// Labels the query adds to its result series.
const (
	LabelVersion = "rs_version" // v1 | v2
	LabelState   = "rs_state"   // present | missing | ine
	// labelJoin is a scratch label for the node fallback; the final `min by` drops it.
	labelJoin = "rs_node_instance"
)

// Values of LabelState.
const (
	StatePresent = "present"
	StateMissing = "missing"
	StateINE     = "ine"
)

// IdentityLabels are every label any known schema uses to name a certificate, its node and
// its cluster. Grouping by all of them (absent labels group as empty) keeps every schema's
// certificates apart while dropping scrape-target labels.
var IdentityLabels = []string{"cluster", "node", "logical_name", "cert_type", "path", "locator", "filename", "filepath"}

// Selection is what a query reads.
type Selection struct {
	Versions []certs.Version
	// Clusters limits the series to these exact cluster label values (empty = all).
	Clusters []string
}

// Instant is the expression for instant queries (tables, alert values): present
// certificates (seconds remaining), missing ones (expiry epoch of their last sample within
// lookback) and the customer-managed-INE flags.
func Instant(sel Selection, lookback time.Duration) string {
	present := presentExpr(sel)
	var b strings.Builder
	b.WriteString(tagState(present, StatePresent))
	if lookback > 0 {
		b.WriteString(" or ")
		b.WriteString(tagState("("+missingExpr(sel, lookback)+" unless "+present+")", StateMissing))
	}
	b.WriteString(" or ")
	b.WriteString(tagState(ineExpr(sel), StateINE))
	return b.String()
}

// Range is the expression for range queries (time series): present certificates and the
// customer-managed-INE flags over time.
func Range(sel Selection) string {
	return tagState(presentExpr(sel), StatePresent) + " or " + tagState(ineExpr(sel), StateINE)
}

// selectors returns, per version, the raw vector selectors of that version's metrics.
func selectors(sel Selection) map[certs.Version][]string {
	cluster := ""
	if len(sel.Clusters) > 0 {
		cluster = ExactMatcher("cluster", sel.Clusters)
	}
	with := func(metric string, matchers ...string) string {
		if cluster != "" {
			matchers = append(matchers, cluster)
		}
		return metric + "{" + strings.Join(matchers, ",") + "}"
	}
	out := map[certs.Version][]string{}
	for _, v := range sel.Versions {
		switch v {
		case certs.V1:
			out[v] = []string{with(MetricV1)}
		case certs.V2:
			// Only the x509 series of Redis Software's embedded exporter: other x509 exporters
			// in the same Prometheus have no cluster label.
			out[v] = []string{with(MetricV2), with(MetricX509, `exporter="cert"`, `cluster!=""`)}
		}
	}
	return out
}

// tagged applies wrap to every selector, tags the result with its version and joins all with
// `or`. The version tag must be added before `or`, which ignores metric names when matching.
func tagged(sel Selection, wrap func(string) string) string {
	var parts []string
	for _, v := range sel.Versions {
		for _, s := range selectors(sel)[v] {
			parts = append(parts, `label_replace(`+wrap(s)+`, "`+LabelVersion+`", "`+string(v)+`", "", "")`)
		}
	}
	return strings.Join(parts, " or ")
}

// dedupe groups by identity: node falls back to instance when empty, then `min by` drops the
// scrape-target labels so duplicates from several targets collapse to the soonest expiry.
func dedupe(expr string) string {
	joined := `label_join(` + expr + `, "` + labelJoin + `", ";", "node", "instance")`
	withNode := `label_replace(` + joined + `, "node", "$1", "` + labelJoin + `", ";(.+)")`
	return `min by (` + strings.Join(IdentityLabels, ", ") + `, ` + LabelVersion + `) (` + withNode + `)`
}

func presentExpr(sel Selection) string {
	return dedupe(tagged(sel, func(s string) string { return s }))
}

// missingExpr evaluates `expiry = sample value + sample timestamp` over the lookback window
// and keeps the last one, so a vanished certificate keeps the expiry its last sample implied.
func missingExpr(sel Selection, lookback time.Duration) string {
	rng := model.Duration(lookback).String()
	res := model.Duration(subqueryStep(lookback)).String()
	return dedupe(tagged(sel, func(s string) string {
		return `last_over_time((` + s + ` + timestamp(` + s + `))[` + rng + `:` + res + `])`
	}))
}

// subqueryStep keeps the missing-series subquery at about 60 evaluations whatever the window.
// Subquery steps are aligned to multiples of the step, so a series is found missing only if
// it existed at one of them: a series that lived less than one step can go unnoticed.
func subqueryStep(lookback time.Duration) time.Duration {
	step := (lookback / 60).Truncate(time.Second)
	if step < 5*time.Second {
		step = 5 * time.Second
	}
	return step
}

func ineExpr(sel Selection) string {
	s := MetricINE + "{}"
	if len(sel.Clusters) > 0 {
		s = MetricINE + "{" + ExactMatcher("cluster", sel.Clusters) + "}"
	}
	return `max by (cluster) (` + s + `)`
}

func tagState(expr, state string) string {
	return `label_replace(` + expr + `, "` + LabelState + `", "` + state + `", "", "")`
}
