package dashboard

import (
	"github.com/grafana/grafana-foundation-sdk/go/cog"
	"github.com/grafana/grafana-foundation-sdk/go/common"
	"github.com/grafana/grafana-foundation-sdk/go/dashboard"
	"github.com/grafana/grafana-foundation-sdk/go/stat"
	"github.com/grafana/grafana-foundation-sdk/go/table"
	"github.com/grafana/grafana-foundation-sdk/go/timeseries"
)

// Field names of the backend's table frame (pkg/frames).
const (
	fieldCluster  = "Cluster"
	fieldDays     = "Days remaining"
	fieldStatus   = "Status"
	unitDays      = "d"
	dashboardLink = "/d/" + UID + "/redis-software-certificates"
)

// soonestStat shows, per cluster, the fewest days left of one category.
func soonestStat(title, desc, category string, steps *dashboard.ThresholdsConfigBuilder) cog.Builder[dashboard.Panel] {
	return stat.NewPanelBuilder().
		Title(title).Description(desc).
		Datasource(ds()).
		WithTarget(target(newQuery("days", category, "cluster"))).
		Unit(unitDays).Decimals(1).
		Thresholds(steps).
		ColorMode(common.BigValueColorModeBackground).
		GraphMode(common.BigValueGraphModeNone).
		ReduceOptions(common.NewReduceDataOptionsBuilder().Calcs([]string{"min"}).Values(false)).
		NoValue("no certificates").Orientation(common.VizOrientationAuto).
		Height(6).Span(7)
}

// countStat counts the table rows whose Status is status. No row left means zero
// certificates in that state, hence the "0" for no value.
func countStat(title, desc, status, color string) *stat.PanelBuilder {
	return stat.NewPanelBuilder().
		Title(title).Description(desc).
		Datasource(ds()).
		WithTarget(target(newQuery("certificates", categoryAll, "node"))).
		WithTransformation(dashboard.DataTransformerConfig{Id: "filterByValue", Options: map[string]any{
			"type":  "include",
			"match": "any",
			"filters": []any{map[string]any{
				"fieldName": fieldStatus,
				"config":    map[string]any{"id": "equal", "options": map[string]any{"value": status}},
			}},
		}}).
		Thresholds(countSteps(color)).
		ColorMode(common.BigValueColorModeBackground).
		GraphMode(common.BigValueGraphModeNone).
		ReduceOptions(common.NewReduceDataOptionsBuilder().Calcs([]string{"count"}).Values(false).Fields("/^" + fieldDays + "$/")).
		NoValue("0").Orientation(common.VizOrientationAuto).
		Height(6)
}

// statusMappings colours the Status column the way the backend classified each row.
func statusMappings() []any {
	colors := map[string]any{}
	for i, s := range []struct{ status, color string }{
		{"expired", "dark-red"}, {"critical", "red"}, {"warning", "orange"}, {"ok", "green"}, {"missing", "purple"},
	} {
		colors[s.status] = map[string]any{"color": s.color, "index": i}
	}
	return []any{map[string]any{"type": "value", "options": colors}}
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
		WithTarget(target(newQuery("certificates", category, "node"))).
		WithTransformation(dashboard.DataTransformerConfig{Id: "organize", Options: map[string]any{"excludeByName": exclude}}).
		Footer(common.NewTableFooterOptionsBuilder().Show(false).Reducer([]string{}).CountRows(false)).
		SortBy([]cog.Builder[common.TableSortByFieldState]{common.NewTableSortByFieldStateBuilder().DisplayName(fieldDays).Desc(false)}).
		OverrideByName(fieldDays, []dashboard.DynamicConfigValue{
			{Id: "unit", Value: unitDays},
			{Id: "decimals", Value: 1},
			{Id: "thresholds", Value: stepsJSON(steps)},
			{Id: "custom.cellOptions", Value: map[string]any{"type": "color-background", "mode": "basic"}},
		}).
		OverrideByName(fieldStatus, []dashboard.DynamicConfigValue{
			{Id: "mappings", Value: statusMappings()},
			{Id: "custom.cellOptions", Value: map[string]any{"type": "color-text"}},
		}).
		OverrideByName(fieldCluster, []dashboard.DynamicConfigValue{
			{Id: "links", Value: []any{map[string]any{
				"title": "Show only ${__value.raw}",
				"url":   dashboardLink + "?var-cluster=${__value.raw}&var-node=$__all&${datasource:queryparam}&${__url_time_range}",
			}}},
		}).
		Height(9).Span(12)
}

// daysSeries plots days remaining over time, threshold bands behind the lines.
func daysSeries(title, desc, category string, steps *dashboard.ThresholdsConfigBuilder) cog.Builder[dashboard.Panel] {
	return timeseries.NewPanelBuilder().
		Title(title).Description(desc).
		Datasource(ds()).
		WithTarget(target(newQuery("timeseries", category, "node"))).
		Unit(unitDays).Decimals(1).
		Thresholds(steps).
		ThresholdsStyle(common.NewGraphThresholdsStyleConfigBuilder().Mode(common.GraphThresholdsStyleModeLineAndArea)).
		Legend(common.NewVizLegendOptionsBuilder().
			DisplayMode(common.LegendDisplayModeTable).Placement(common.LegendPlacementRight).
			ShowLegend(true).Calcs([]string{"lastNotNull"}).SortBy("Last *").SortDesc(false)).
		Tooltip(common.NewVizTooltipOptionsBuilder().Mode(common.TooltipDisplayModeMulti).Sort(common.SortOrderAscending)).
		Height(9).Span(12)
}
