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

// Labels the Lookback query adds to its result series (binary operators drop the metric
// name there, so the version travels in a label).
const (
	LabelVersion = "rs_version" // v1 | v2
	LabelState   = "rs_state"   // missing
)

// States of Lookback rows.
const (
	StateMissing = "missing" // seen in the window (maybe present too)
	StatePresent = "present" // census: this version reports the certificate now
)

// IdentityLabels are every label any known schema uses to name a certificate, its node and
// its cluster. Grouping by all of them (absent labels group as empty) keeps every schema's
// certificates apart while dropping scrape-target labels. They are the labels package certs
// reads (certs.LabelNames), so the two cannot drift apart, except the scrape instance: it is
// what grouping deduplicates away, and where a schema has no node label the node-less branch
// copies it into node first.
var IdentityLabels = identityLabels()

// The groupings over IdentityLabels the expressions use: one row per certificate (merging
// versions and scrape targets), or one per certificate and metric name (version).
var (
	minByIdentity = `min by (` + strings.Join(IdentityLabels, ", ") + `) `
	minByVersion  = `min by (__name__, ` + strings.Join(IdentityLabels, ", ") + `) `
)

func identityLabels() []string {
	var out []string
	for _, name := range certs.LabelNames {
		if name != "instance" {
			out = append(out, name)
		}
	}
	return out
}

// Selection is what a query reads.
type Selection struct {
	Versions []certs.Version
	// Clusters limits the series to these exact cluster label values (empty = all).
	Clusters []string
}

// Present is the expression for the certificates present at evaluation time (value: seconds
// remaining; for tables and alert values at an instant, for time series over a range) and
// the customer-managed-INE flags.
//
// The main selector's rows (v1 and v2 with a node label: the common schemas) are grouped
// without __name__, so Prometheus merges v1 and v2 into one row per certificate. Rows are
// what a query pays for: Prometheus encodes and compresses each, the plugin decompresses,
// decodes and merges each, and a range query pays per series at every step; keeping the
// metric name doubled them. Which versions report a merged certificate (the Source column)
// comes from the census in the Lookback answer instead. The rarer branches keep their metric
// name, so no two branches can yield the same label set (`or` would drop one).
func Present(sel Selection) string {
	return present(sel, minByIdentity)
}

// PresentByVersion is Present with every row keeping its metric name: each certificate once
// per version that reports it. It is the reference the merged form is tested against.
func PresentByVersion(sel Selection) string {
	return present(sel, minByVersion)
}

// present joins the main branch (the common schemas: v1 and v2 with a node label) with the
// others as `main or (rest)`. `or` is left-associative and, in a range query, costs per
// series of both operands at every step; nesting the small branches first means the big
// main branch goes through one `or`, not four (measured: half the range query's time).
func present(sel Selection, mainBy string) string {
	var main string
	var rest []string
	for i, s := range presentSelectors(sel) {
		withNode := `(` + s.with(`node!=""`).String() + `)`
		if i == 0 {
			main = mainBy + withNode
		} else {
			rest = append(rest, minByVersion+withNode)
		}
		rest = append(rest, minByVersion+`(label_replace(`+s.with(`node=""`).String()+`, "node", "$1", "instance", "(.+)"))`)
	}
	rest = append(rest, `max by (__name__, cluster) (`+ineSelector(sel)+`)`)
	return main + ` or (` + strings.Join(rest, " or ") + `)`
}

// presentSelectors merges the v1 and v2 node_cert metrics into one selector on __name__.
func presentSelectors(sel Selection) []selector {
	var names []string
	var x509 []selector
	for _, v := range sel.Versions {
		for _, s := range selectors(sel)[v] {
			if s.metric == MetricX509 {
				x509 = append(x509, s)
				continue
			}
			names = append(names, s.metric)
		}
	}
	var out []selector
	if len(names) > 0 {
		var common []string
		if len(sel.Clusters) > 0 {
			common = []string{ExactMatcher("cluster", sel.Clusters)}
		}
		out = append(out, selector{matchers: append([]string{ExactMatcher("__name__", names)}, common...)})
	}
	return append(out, x509...)
}

// VersionOf tells which endpoint version a metric name belongs to ("" for none).
func VersionOf(metric string) certs.Version {
	switch metric {
	case MetricV1:
		return certs.V1
	case MetricV2, MetricX509:
		return certs.V2
	}
	return ""
}

// Lookback is the expression for every certificate seen within the lookback window (value:
// expiry epoch seconds of its last sample there: sample value + sample timestamp; state
// missing), followed by the census (see Census). Present certificates are in the missing
// part too; the caller keeps those it does not see now as missing. It is the costly query of
// the plugin (it reads the window), so callers share its answer for a while rather than
// sending it with every panel. A lookback of 0 asks for the census alone.
func Lookback(sel Selection, lookback time.Duration) string {
	census := Census(sel)
	if lookback <= 0 {
		return census
	}
	rng := model.Duration(lookback).String()
	res := model.Duration(LookbackStep(lookback)).String()
	missing := tagState(each(sel, func(s selector) string {
		return `last_over_time((` + s.String() + ` + timestamp(` + s.String() + `))[` + rng + `:` + res + `])`
	}), StateMissing)
	if census == "" {
		return missing
	}
	return missing + " or " + census
}

// Census is the expression for which versions report each certificate of Present's main
// branch (one row per version and certificate, value 1, state present): Present merges those
// rows across versions, so their Source comes from here. It rides with the shared Lookback
// answer, so it costs no request of its own and is as old as that answer (about a minute at
// most). "" when the selection has no main branch.
func Census(sel Selection) string {
	sels := presentSelectors(sel)
	if len(sels) == 0 || sels[0].metric != "" { // x509 only: every row keeps its name
		return ""
	}
	return tagState(`group by (__name__, `+strings.Join(IdentityLabels, ", ")+`) (`+sels[0].with(`node!=""`).String()+`)`, StatePresent)
}

// LookbackStep is the Lookback subquery's resolution: six evaluations per window, at least
// 5s. Steps are aligned to multiples of it, so a series is remembered only if it existed at
// one of them: one that lived less than a step can go unnoticed.
func LookbackStep(lookback time.Duration) time.Duration {
	step := (lookback / 6).Truncate(time.Second)
	if step < 5*time.Second {
		step = 5 * time.Second
	}
	return step
}

// selector is one metric's vector selector.
type selector struct {
	metric   string
	matchers []string
}

func (s selector) with(m ...string) selector {
	return selector{metric: s.metric, matchers: append(append([]string(nil), s.matchers...), m...)}
}

func (s selector) String() string {
	return s.metric + "{" + strings.Join(s.matchers, ",") + "}"
}

// selectors returns, per version, the vector selectors of that version's metrics.
func selectors(sel Selection) map[certs.Version][]selector {
	var common []string
	if len(sel.Clusters) > 0 {
		common = []string{ExactMatcher("cluster", sel.Clusters)}
	}
	out := map[certs.Version][]selector{}
	for _, v := range sel.Versions {
		switch v {
		case certs.V1:
			out[v] = []selector{{MetricV1, common}}
		case certs.V2:
			// Only the x509 series of Redis Software's embedded exporter: other x509 exporters
			// in the same Prometheus have no cluster label.
			x509 := append([]string{`exporter="cert"`, `cluster!=""`}, common...)
			out[v] = []selector{{MetricV2, common}, {MetricX509, x509}}
		}
	}
	return out
}

// each builds, for every selector, `min by (identity)` of wrap(selector) and tags it with its
// version, joined with `or`. Aggregating first keeps the label work (tagging) on the
// deduplicated series, not on every scrape target's copy. Series without a node label
// (8.0.2's per-node schema) take their node from the scrape instance, in a branch of their
// own so that the common case needs no label rewriting at all.
func each(sel Selection, wrap func(selector) string) string {
	var parts []string
	for _, v := range sel.Versions {
		for _, s := range selectors(sel)[v] {
			withNode := minByIdentity + `(` + wrap(s.with(`node!=""`)) + `)`
			noNode := minByIdentity + `(label_replace(` + wrap(s.with(`node=""`)) + `, "node", "$1", "instance", "(.+)"))`
			for _, e := range []string{withNode, noNode} {
				parts = append(parts, `label_replace(`+e+`, "`+LabelVersion+`", "`+string(v)+`", "", "")`)
			}
		}
	}
	return strings.Join(parts, " or ")
}

func ineSelector(sel Selection) string {
	if len(sel.Clusters) > 0 {
		return MetricINE + "{" + ExactMatcher("cluster", sel.Clusters) + "}"
	}
	return MetricINE + "{}"
}

func tagState(expr, state string) string {
	return `label_replace(` + expr + `, "` + LabelState + `", "` + state + `", "", "")`
}
