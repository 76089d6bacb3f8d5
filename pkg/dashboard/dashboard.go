// Package dashboard generates the dashboard shipped with the plugin
// (src/dashboards/redis-software-certificates.json) from Go, with the Grafana foundation
// SDK. Every panel queries our datasource through the ${datasource} variable.
package dashboard

import (
	"fmt"
	"strings"

	"github.com/grafana/grafana-foundation-sdk/go/cog"
	"github.com/grafana/grafana-foundation-sdk/go/dashboard"
)

// UID and File name the dashboard; the provisioning and the plugin.json include use them.
const (
	UID   = "rscerts-certificates"
	Title = "Redis Software certificates"
	File  = "redis-software-certificates.json"
)

func strOpt(s string) dashboard.StringOrArrayOfString {
	return dashboard.StringOrArrayOfString{String: &s}
}

func allOpt() dashboard.VariableOption {
	return dashboard.VariableOption{
		Text:  dashboard.StringOrArrayOfString{ArrayOfString: []string{"All"}},
		Value: dashboard.StringOrArrayOfString{ArrayOfString: []string{"$__all"}},
	}
}

// variables: the datasource, then clusters, then the nodes of the chosen clusters, both
// listed by the plugin's variable support (kind + clusters).
func variables() []cog.Builder[dashboard.VariableModel] {
	list := func(name, label, kind string, clusters []string) cog.Builder[dashboard.VariableModel] {
		return dashboard.NewQueryVariableBuilder(name).Label(label).
			Datasource(ds()).
			Query(dashboard.StringOrMap{Map: map[string]any{"kind": kind, "clusters": clusters}}).
			Definition(kind).
			Multi(true).IncludeAll(true).Current(allOpt()).AllValue(allValue).
			Refresh(dashboard.VariableRefreshOnDashboardLoad).
			Sort(dashboard.VariableSortAlphabeticalCaseInsensitiveAsc)
	}
	return []cog.Builder[dashboard.VariableModel]{
		// The import replaces ${DS_RSCERTS} with the chosen datasource; a provisioned copy
		// keeps the literal, which matches nothing, so Grafana picks the first of our type.
		dashboard.NewDatasourceVariableBuilder("datasource").Label("Data source").Type(PluginID).
			Current(dashboard.VariableOption{Text: strOpt("${DS_RSCERTS}"), Value: strOpt("${DS_RSCERTS}")}),
		list("cluster", "Cluster", "clusters", []string{}),
		list("node", "Node", "nodes", []string{"$cluster"}),
	}
}

// daysBehind explains the Days behind column every certificate table has.
const daysBehind = " Days behind: how many days earlier this copy expires than the newest copy of the same certificate in the cluster; red from 1 day (the datasource's driftDays default): a renewal or rotation skipped this node."

const (
	userManagedTable = "Certificates you renew (cm, api, proxy, metrics_exporter, syncer, ...): renew before the days run out." + daysBehind
	autoRotatedTable = "Internode certificates Redis Software rotates itself at 60 days left. Below 58 days (yellow, status rotation-overdue: rotationDaysBeforeExpiry 60 minus rotationGraceDays 2) the rotation was missed; below 45 rotation has failed (Redis' own alert fires); below 14 it is critical." + daysBehind
	otherTable       = "Active-Active (CRDT) and unrecognised certificates; coloured like user-managed ones, since someone has to look at them." + daysBehind
	renewalsDesc     = "Every renewal and rotation in the time range, newest first: when the new expiry was first seen, the expiry before and after, and the days remaining just before and after. The same events mark every time series panel (the Renewals annotation). A certificate the table lists for some nodes only was renewed on those alone: check Days behind in the tables below."
	perClusterDesc   = "The fewest days left of any %s certificate in each cluster, over time: one line per cluster at any fleet size. A line jumps up when its soonest certificate is renewed or rotated (the Renewals annotation marks it); the table lists every certificate."
	soonestDesc      = "The %d %s certificates, one line per cluster and certificate (its soonest node), whose days remaining went lowest in the time range, soonest first in the legend; the table lists every copy with its node. Pick a cluster (and node) above to see its own."
	overdueDesc      = "Auto-rotated certificates below 58 days (rotationDaysBeforeExpiry 60 minus rotationGraceDays 2) but not yet below 45: Redis Software missed their rotation, days before its own alert. Rotate with POST /v1/cluster/certificates/rotate."
	behindDesc       = "Certificate copies more than 1 day (the datasource's driftDays default) behind the newest copy of the same certificate in their cluster: a renewal or rotation skipped these nodes (red in the tables' Days behind column)."
)

// Build assembles the dashboard.
func Build() (dashboard.Dashboard, error) {
	b := dashboard.NewDashboardBuilder(Title).
		Uid(UID).
		Description("Which Redis Software TLS certificate expires when, on every node of every cluster.").
		Tags([]string{"redis", "certificates", "tls"}).
		Editable().
		Tooltip(dashboard.DashboardCursorSyncCrosshair).
		Time("now-7d", "now").
		Refresh("1m").
		Variables(variables()).
		Annotation(renewalsAnnotation())

	b.WithRow(dashboard.NewRowBuilder("Overview"))
	b.WithPanel(soonestStat("Soonest user-managed expiry", "Fewest days left of any user-managed certificate, per cluster.", categoryUserManaged, userManagedSteps()))
	b.WithPanel(soonestStat("Soonest auto-rotated expiry", "Fewest days left of any auto-rotated internode certificate, per cluster. Below 45 days rotation has failed.", categoryAutoRotated, autoRotatedSteps()))
	b.WithPanel(countStat("Expired", "Certificates past their expiry date.", statusIs("expired"), "dark-red").Span(4))
	b.WithPanel(countStat("Critical", "Certificates below the critical threshold (14 days), or unreadable.", statusIs("critical"), "red").Span(3))
	b.WithPanel(countStat("Missing", "Certificates whose series vanished within the datasource's missing lookback: some exporters drop a certificate once it expired.", statusIs("missing"), "purple").Span(3))

	// What an operator checks after the overview: did the renewals and rotations happen, on
	// every node?
	b.WithRow(dashboard.NewRowBuilder("Renewals and rotations"))
	b.WithPanel(renewalsTable("Recent renewals", renewalsDesc))
	b.WithPanel(countStat("Rotation overdue", overdueDesc, statusIs("rotation-overdue"), rotationOverdueColor).Height(8).Span(4))
	b.WithPanel(countStat("Left behind", behindDesc, rowFilter{fieldBehind, "greater", driftDays}, leftBehindColor).Height(8).Span(4))

	// Each category: the complete table beside one line per cluster, then the 20 soonest
	// certificates below (readable at 100 clusters: 100 + 20 lines, not 10,000).
	b.WithRow(dashboard.NewRowBuilder("User-managed certificates"))
	b.WithPanel(certTable("User-managed certificates", userManagedTable, categoryUserManaged, userManagedSteps(), "Category", "Source", "Path"))
	for _, p := range categorySeries("user-managed", "user-managed", categoryUserManaged, userManagedSteps) {
		b.WithPanel(p)
	}

	b.WithRow(dashboard.NewRowBuilder("Auto-rotated internode certificates"))
	b.WithPanel(certTable("Auto-rotated internode certificates", autoRotatedTable, categoryAutoRotated, autoRotatedSteps(), "Category", "Source", "Path"))
	for _, p := range categorySeries("auto-rotated", "auto-rotated internode", categoryAutoRotated, autoRotatedSteps) {
		b.WithPanel(p)
	}

	// Collapsed: these rarely matter and would push the main rows down.
	other := dashboard.NewRowBuilder("Other certificates (Active-Active, unknown)").Collapsed(true).
		WithPanel(certTable("Other certificates", otherTable, categoryOther, userManagedSteps(), "Category", "Source"))
	for _, p := range categorySeries("other", "Active-Active or unrecognised", categoryOther, userManagedSteps) {
		other.WithPanel(p)
	}
	b.WithRow(other)

	d, err := b.Build()
	if err != nil {
		return d, err
	}
	numberPanels(&d)
	// The SDK places every annotation toggle in the controls menu (Grafana 12.4 and later);
	// ours belongs where Grafana puts a dashboard's annotation toggles by default, in view.
	for i := range d.Annotations.List {
		d.Annotations.List[i].Placement = nil
	}
	return d, nil
}

// categorySeries is a category's two time series panels: the soonest expiry per cluster
// (beside the table) and the soonestLimit soonest certificates (full width below).
// kind names the category in titles; noun in descriptions.
func categorySeries(kind, noun, category string, steps func() *dashboard.ThresholdsConfigBuilder) []cog.Builder[dashboard.Panel] {
	title := strings.ToUpper(kind[:1]) + kind[1:]
	return []cog.Builder[dashboard.Panel]{
		daysSeries(title+": soonest expiry per cluster", fmt.Sprintf(perClusterDesc, noun), category, perCluster, steps()),
		daysSeries(fmt.Sprintf("%d soonest %s certificates", soonestLimit, kind), fmt.Sprintf(soonestDesc, soonestLimit, noun), category, soonestCertificates, steps()).Span(24),
	}
}

// numberPanels gives every panel and row a stable id, in layout order, so links such as
// viewPanel=N survive regeneration.
func numberPanels(d *dashboard.Dashboard) {
	id := uint32(0)
	next := func() *uint32 { id++; v := id; return &v }
	for _, p := range d.Panels {
		switch {
		case p.Panel != nil:
			p.Panel.Id = next()
		case p.RowPanel != nil:
			p.RowPanel.Id = *next()
			for i := range p.RowPanel.Panels {
				p.RowPanel.Panels[i].Id = next()
			}
		}
	}
}
