package promql

import (
	"slices"
	"strconv"
	"strings"
	"time"

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

// Labels the Lookback query and Instant's vanished rows add to their result series (binary
// operators drop the metric name there, so the version travels in a label).
const (
	LabelVersion = "rs_version" // v1 | v2
	LabelState   = "rs_state"   // missing
)

// States of Lookback rows.
const (
	StateMissing = "missing" // seen in the window (maybe present too)
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
	identityList  = strings.Join(IdentityLabels, ", ")
	minByIdentity = `min by (` + identityList + `) `
	minByVersion  = `min by (__name__, ` + identityList + `) `
	// The same without the node (PresentAcrossNodes).
	certificateList         = strings.Join(slices.DeleteFunc(slices.Clone(IdentityLabels), func(l string) bool { return l == "node" }), ", ")
	minByCertificate        = `min by (` + certificateList + `) `
	minByCertificateVersion = `min by (__name__, ` + certificateList + `) `
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

// Present is the expression for the certificates present at evaluation time, for time series
// over a range (value: seconds remaining), and the customer-managed-INE flags.
//
// The main selector's rows (v1 and v2 with a node label: the common schemas) are grouped
// without __name__, so Prometheus merges v1 and v2 into one row per certificate. Rows are
// what a query pays for: Prometheus encodes and compresses each, the plugin decompresses,
// decodes and merges each, and a range query pays per series at every step; keeping the
// metric name doubled them. The rarer branches keep their metric name, so no two branches
// can yield the same label set (`or` would drop one).
func Present(sel Selection) string {
	return present(sel, minByIdentity)
}

// PresentAcrossNodes is Present with the node aggregated away: one series per cluster and
// certificate (and per metric name outside the main branch), the soonest node's value at each
// step, for time series grouped by certificate or cluster with no node filter. Package certs
// groups such series exactly as it groups one series per node (the minimum at each step), so
// the frames are the same; the store sends one series per certificate instead of one per node
// and certificate (a tenth at ten nodes a cluster), which keeps a fleet's range answer under
// the response limit. Node-less schemas need no copy of their scrape target: it is dropped.
func PresentAcrossNodes(sel Selection) string {
	var main string
	var rest []string
	for i, s := range presentSelectors(sel) {
		if i == 0 {
			main = minByCertificate + `(` + s.String() + `)`
		} else {
			rest = append(rest, minByCertificateVersion+`(`+s.String()+`)`)
		}
	}
	rest = append(rest, `max by (__name__, cluster) (`+ineSelector(sel)+`)`)
	return main + ` or (` + strings.Join(rest, " or ") + `)`
}

// Instant is the expression of a table or alert value at `at`: Present with every row keeping
// its metric name (each certificate once per version reporting it, so Source is exact as of
// this very evaluation), followed by the certificates that had a sample within `recent`
// before `at` but have none now (state missing; value: their last sample plus `at`, an upper
// bound of their expiry). recent covers the time since the shared Lookback answer was
// evaluated, so a certificate that vanished after it is missing on the next query; only
// vanished certificates cross the wire.
//
// Keeping the metric name costs rows (a certificate reported by v1 and v2 is two), which the
// plugin merges; measured at 10,000 certificates it is cheaper than labelling merged rows
// with their versions in PromQL (a count_values join that doubled Prometheus' time).
func Instant(sel Selection, recent time.Duration) string {
	var tail []string
	if recent > 0 {
		tail = append(tail, tagState(`(`+each(sel, func(s selector) string { return vanishedWithin(s, recent) })+`)`, StateMissing))
	}
	return present(sel, minByVersion, tail...)
}

// vanishedWithin is every series of s with a sample within the window but none at evaluation
// time, valued at its last sample plus the evaluation time. Raw ranges, no subquery: this is
// part of every instant query.
func vanishedWithin(s selector, window time.Duration) string {
	sel := s.String()
	return `((last_over_time(` + sel + `[` + promDuration(window) + `]) + time()) unless on (` + identityList + `, instance) ` + sel + `)`
}

// present joins the main branch (the common schemas: v1 and v2 with a node label) with the
// others as `main or (rest)`. `or` is left-associative and, in a range query, costs per
// series of both operands at every step; nesting the small branches first means the big
// main branch goes through one `or`, not four (measured: half the range query's time).
func present(sel Selection, mainBy string, tail ...string) string {
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
	rest = append(rest, tail...)
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
		out = append(out, selector{matchers: append([]string{ExactMatcher("__name__", names)}, clusterMatchers(sel)...)})
	}
	return append(out, x509...)
}

// SeriesSelectors are the selectors of every raw series Lookback reads, as the series API
// takes them (match[]).
func SeriesSelectors(sel Selection) []string {
	var out []string
	for _, v := range sel.Versions {
		for _, s := range selectors(sel)[v] {
			out = append(out, s.String())
		}
	}
	return out
}

// ReportKey is what Instant's grouping by version makes of a series' labels (get reads one,
// "" when absent), as a comparable key: the metric name and every identity label, with the
// scrape instance as node where a schema has none. A raw series from the series API and a
// present row of Instant have the same key exactly when the row reports that series.
func ReportKey(get func(name string) string) string {
	var b strings.Builder
	b.WriteString(get("__name__"))
	for _, name := range IdentityLabels {
		v := get(name)
		if name == "node" && v == "" {
			v = get("instance")
		}
		b.WriteByte(0)
		b.WriteString(v)
	}
	return b.String()
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

// selector is one metric's vector selector; metric is empty for presentSelectors' main
// branch, which selects v1 and v2 at once by a __name__ matcher.
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
	common := clusterMatchers(sel)
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

// clusterMatchers is the selection's cluster filter as label matchers (none for every cluster).
func clusterMatchers(sel Selection) []string {
	if len(sel.Clusters) == 0 {
		return nil
	}
	return []string{ExactMatcher("cluster", sel.Clusters)}
}

func ineSelector(sel Selection) string {
	return selector{metric: MetricINE, matchers: clusterMatchers(sel)}.String()
}

func tagState(expr, state string) string {
	return `label_replace(` + expr + `, "` + LabelState + `", "` + state + `", "", "")`
}

// Labels of Renewals rows.
const (
	LabelPart  = "rs_part" // which side of a renewal a row's value is
	PartBefore = "before"  // seconds remaining one step before
	PartAfter  = "after"   // seconds remaining at the step that first shows the new expiry
)

// Renewals is the range-query expression of renewal events at the given step: at each step
// where a certificate's expiry is more than minJump later than one step before, two rows,
// labelled PartAfter (value: seconds remaining then) and PartBefore (seconds remaining one
// step before, read with `offset`); plus the customer-managed-INE flags. The expiry is value
// plus evaluation time, as the table's is (later than the certificate's by the sample's age,
// at most a scrape interval): values fall a second per second, so it moved later by more than
// minJump where the value rose by more than minJump minus the step. Only those steps cross the
// wire: a 30-day range over a fleet is a few rows per renewal.
//
// Each branch is aggregated first (min by identity: /v2's targets and, on the main branch, v1
// and v2 merged) and compared on its own, so the comparisons and `or`s work on one row per
// certificate. Measured at 10,000 certificates, aggregating after an `or` of the raw branches
// took 8 times as long, and valuing every raw sample with its own timestamp()
// (`s + timestamp(s)`, exact to the millisecond) 8 times as long again.
func Renewals(sel Selection, step, minJump time.Duration) string {
	threshold := strconv.FormatInt(int64((minJump-step)/time.Second), 10)
	offset := ` offset ` + promDuration(step)
	var after, before []string
	for _, s := range presentSelectors(sel) {
		for _, b := range []func(string) string{
			func(off string) string { return minByIdentity + `(` + s.with(`node!=""`).String() + off + `)` },
			func(off string) string {
				return minByIdentity + `(label_replace(` + s.with(`node=""`).String() + off + `, "node", "$1", "instance", "(.+)"))`
			},
		} {
			now, prev := b(""), b(offset)
			after = append(after, `(`+now+` > `+prev+` + (`+threshold+`))`)
			before = append(before, `(`+prev+` < `+now+` - (`+threshold+`))`)
		}
	}
	part := func(branches []string, p string) string {
		return `label_replace(` + strings.Join(branches, " or ") + `, "` + LabelPart + `", "` + p + `", "", "")`
	}
	return part(after, PartAfter) + ` or ` + part(before, PartBefore) + ` or max by (__name__, cluster) (` + ineSelector(sel) + `)`
}
