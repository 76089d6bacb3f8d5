package dashboard

import (
	"github.com/grafana/grafana-foundation-sdk/go/cog"
	"github.com/grafana/grafana-foundation-sdk/go/common"
	"github.com/grafana/grafana-foundation-sdk/go/dashboard"
	"github.com/grafana/grafana-foundation-sdk/go/stat"
	"github.com/grafana/grafana-foundation-sdk/go/table"
	"github.com/grafana/grafana-foundation-sdk/go/timeseries"
)

// Field names of the backend's table frames (pkg/frames): certificates, then renewals.
const (
	fieldCluster       = "Cluster"
	fieldDays          = "Days remaining"
	fieldStatus        = "Status"
	fieldBehind        = "Days behind"
	fieldTime          = "Time"
	fieldExpiresBefore = "Expires before"
	fieldExpiresAfter  = "Expires after"
	fieldDaysBefore    = "Days before"
	fieldDaysAfter     = "Days after"
	unitDays           = "d"
	// unitDate shows a time as its UTC day, as the renewal annotations do: an expiry is a day.
	unitDate      = "time:YYYY-MM-DD"
	dashboardLink = "/d/" + UID + "/redis-software-certificates"
)

// soonestStat shows, per cluster, the fewest days left of one category.
func soonestStat(title, desc, category string, steps *dashboard.ThresholdsConfigBuilder) cog.Builder[dashboard.Panel] {
	return stat.NewPanelBuilder().
		Title(title).Description(desc).
		Datasource(ds()).
		WithTarget(target(newQuery(queryDays, category, "cluster"))).
		Unit(unitDays).Decimals(1).
		Thresholds(steps).
		ColorMode(common.BigValueColorModeBackground).
		GraphMode(common.BigValueGraphModeNone).
		ReduceOptions(common.NewReduceDataOptionsBuilder().Calcs([]string{"min"}).Values(false)).
		NoValue("no certificates").Orientation(common.VizOrientationAuto).
		Height(6).Span(7)
}

// rowFilter keeps the table rows whose field matches: a filterByValue matcher id ("equal",
// "greater") and its value.
type rowFilter struct {
	field, matcher string
	value          any
}

// statusIs keeps the rows of one status.
func statusIs(status string) rowFilter { return rowFilter{fieldStatus, "equal", status} }

// countStat counts the table rows the filter keeps. No row left means zero certificates in
// that state, hence the "0" for no value.
func countStat(title, desc string, keep rowFilter, color string) *stat.PanelBuilder {
	return stat.NewPanelBuilder().
		Title(title).Description(desc).
		Datasource(ds()).
		WithTarget(target(newQuery(queryCertificates, categoryAll, groupByNode))).
		WithTransformation(dashboard.DataTransformerConfig{Id: "filterByValue", Options: map[string]any{
			"type":  "include",
			"match": "any",
			"filters": []any{map[string]any{
				"fieldName": keep.field,
				"config":    map[string]any{"id": keep.matcher, "options": map[string]any{"value": keep.value}},
			}},
		}}).
		Thresholds(countSteps(color)).
		ColorMode(common.BigValueColorModeBackground).
		GraphMode(common.BigValueGraphModeNone).
		ReduceOptions(common.NewReduceDataOptionsBuilder().Calcs([]string{"count"}).Values(false).Fields("/^" + fieldDays + "$/")).
		NoValue("0").Orientation(common.VizOrientationAuto).
		Height(6)
}

// statusColors are the Status column's colours, in the order the mappings list them.
var statusColors = []struct{ status, color string }{
	{"expired", "dark-red"}, {"critical", "red"}, {"warning", "orange"}, {"rotation-overdue", rotationOverdueColor},
	{"ok", "green"}, {"missing", "purple"},
}

// statusMappings colours the Status column the way the backend classified each row.
func statusMappings() []any {
	colors := map[string]any{}
	for i, s := range statusColors {
		colors[s.status] = map[string]any{"color": s.color, "index": i}
	}
	return []any{map[string]any{"type": "value", "options": colors}}
}

// clusterLink makes a Cluster cell open this dashboard filtered to that cluster.
func clusterLink() []dashboard.DynamicConfigValue {
	return []dashboard.DynamicConfigValue{
		{Id: "links", Value: []any{map[string]any{
			"title": "Show only ${__value.raw}",
			"url":   dashboardLink + "?var-cluster=${__value.raw}&var-node=$__all&${datasource:queryparam}&${__url_time_range}",
		}}},
	}
}

// inDays shows a number of days with one decimal.
func inDays(more ...dashboard.DynamicConfigValue) []dashboard.DynamicConfigValue {
	return append([]dashboard.DynamicConfigValue{{Id: "unit", Value: unitDays}, {Id: "decimals", Value: 1}}, more...)
}

// certTable lists the certificates of one category, soonest first, with the cluster
// linking to this dashboard filtered to that cluster.
func certTable(title, desc, category string, steps *dashboard.ThresholdsConfigBuilder, hidden ...string) cog.Builder[dashboard.Panel] {
	exclude := map[string]any{}
	for _, h := range hidden {
		exclude[h] = true
	}
	return table.NewPanelBuilder().
		Title(title).Description(desc).
		Datasource(ds()).
		WithTarget(target(newQuery(queryCertificates, category, groupByNode))).
		WithTransformation(dashboard.DataTransformerConfig{Id: "organize", Options: map[string]any{"excludeByName": exclude}}).
		Footer(common.NewTableFooterOptionsBuilder().Show(false).Reducer([]string{}).CountRows(false)).
		SortBy([]cog.Builder[common.TableSortByFieldState]{common.NewTableSortByFieldStateBuilder().DisplayName(fieldDays).Desc(false)}).
		OverrideByName(fieldDays, inDays(
			dashboard.DynamicConfigValue{Id: "thresholds", Value: stepsJSON(steps)},
			dashboard.DynamicConfigValue{Id: "custom.cellOptions", Value: map[string]any{"type": "color-background", "mode": "basic"}},
		)).
		OverrideByName(fieldStatus, []dashboard.DynamicConfigValue{
			{Id: "mappings", Value: statusMappings()},
			{Id: "custom.cellOptions", Value: map[string]any{"type": "color-text"}},
		}).
		OverrideByName(fieldBehind, inDays(
			dashboard.DynamicConfigValue{Id: "thresholds", Value: stepsJSON(behindSteps())},
			dashboard.DynamicConfigValue{Id: "custom.cellOptions", Value: map[string]any{"type": "color-background", "mode": "basic"}},
		)).
		OverrideByName(fieldCluster, clusterLink()).
		Height(9).Span(12)
}

// renewalsTable lists the renewal and rotation events of the time range, newest first.
func renewalsTable(title, desc string) cog.Builder[dashboard.Panel] {
	return table.NewPanelBuilder().
		Title(title).Description(desc).
		Datasource(ds()).
		WithTarget(target(renewalsQuery("A"))).
		Footer(common.NewTableFooterOptionsBuilder().Show(false).Reducer([]string{}).CountRows(false)).
		SortBy([]cog.Builder[common.TableSortByFieldState]{common.NewTableSortByFieldStateBuilder().DisplayName(fieldTime).Desc(true)}).
		NoValue("no renewal or rotation in the time range").
		OverrideByName(fieldExpiresBefore, []dashboard.DynamicConfigValue{{Id: "unit", Value: unitDate}}).
		OverrideByName(fieldExpiresAfter, []dashboard.DynamicConfigValue{{Id: "unit", Value: unitDate}}).
		OverrideByName(fieldDaysBefore, inDays()).
		OverrideByName(fieldDaysAfter, inDays()).
		OverrideByName(fieldCluster, clusterLink()).
		Height(8).Span(16)
}

// renewalsAnnotation marks every renewal and rotation on every time series panel.
func renewalsAnnotation() cog.Builder[dashboard.AnnotationQuery] {
	return dashboard.NewAnnotationQueryBuilder().
		Name("Renewals").
		Datasource(ds()).
		Enable(true).
		IconColor("blue").
		Target(target(renewalsQuery("Anno")))
}

// seriesLines is what one time series panel draws: the grouping and the limit of its query.
type seriesLines struct {
	groupBy string
	limit   int // 0: every series of the grouping
}

var (
	// perCluster is one line per cluster: the soonest expiry of any certificate in it.
	perCluster = seriesLines{groupByCluster, 0}
	// soonestCertificates is the soonestLimit lines, one per cluster and certificate (its
	// soonest node), whose days went lowest in the range. Not per node: no time series panel
	// groups by node, so the store aggregates the nodes away (promql.PresentAcrossNodes)
	// and a fleet's range answer stays under the response limit; the tables name the nodes.
	soonestCertificates = seriesLines{groupByCertificate, soonestLimit}
)

// daysSeries plots days remaining over time, threshold bands behind the lines. Every time
// series panel sends the same PromQL (grouping, limit and category are applied in Go), so a
// refresh reads the range once, whatever the panels draw.
func daysSeries(title, desc, category string, lines seriesLines, steps *dashboard.ThresholdsConfigBuilder) *timeseries.PanelBuilder {
	q := newQuery(queryTimeseries, category, lines.groupBy)
	q.Limit = lines.limit
	return timeseries.NewPanelBuilder().
		Title(title).Description(desc).
		Datasource(ds()).
		WithTarget(target(q)).
		Unit(unitDays).Decimals(1).
		Thresholds(steps).
		ThresholdsStyle(common.NewGraphThresholdsStyleConfigBuilder().Mode(common.GraphThresholdsStyleModeLineAndArea)).
		Legend(common.NewVizLegendOptionsBuilder().
			DisplayMode(common.LegendDisplayModeTable).Placement(common.LegendPlacementRight).
			ShowLegend(true).Calcs([]string{"min", "lastNotNull"}).SortBy("Min").SortDesc(false)).
		Tooltip(common.NewVizTooltipOptionsBuilder().Mode(common.TooltipDisplayModeMulti).Sort(common.SortOrderAscending)).
		Height(9).Span(12)
}
