package frames

import (
	"math"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/data"

	"github.com/seed/rscerts/pkg/certs"
)

// Table is the certificates table, in the order given (the engine sorts soonest first).
// Days behind is coloured red from driftDays: that copy was left behind by a renewal.
func Table(rows []certs.Certificate, driftDays float64) *data.Frame {
	n := len(rows)
	cluster := make([]string, n)
	node := make([]string, n)
	cert := make([]string, n)
	category := make([]string, n)
	days := make([]float64, n)
	expires := make([]time.Time, n)
	status := make([]string, n)
	source := make([]string, n)
	path := make([]string, n)
	behind := make([]float64, n)
	for i, c := range rows {
		behind[i] = c.DaysBehind
		cluster[i], node[i], cert[i] = c.Cluster, c.Node, c.Certificate
		category[i], days[i], expires[i] = string(c.Category), c.DaysRemaining, c.ExpiresAt
		status[i], source[i], path[i] = string(c.Status), c.Source, c.Path
	}
	daysField := data.NewField(FieldDays, nil, days).SetConfig(daysConfig(FieldDays))
	f := data.NewFrame("certificates",
		data.NewField(FieldCluster, nil, cluster),
		data.NewField(FieldNode, nil, node),
		data.NewField(FieldCertificate, nil, cert),
		data.NewField(FieldCategory, nil, category),
		daysField,
		data.NewField(FieldExpiresAt, nil, expires),
		data.NewField(FieldStatus, nil, status),
		data.NewField(FieldSource, nil, source),
		data.NewField(FieldPath, nil, path),
		data.NewField(FieldDaysBehind, nil, behind).SetConfig(behindConfig(FieldDaysBehind, driftDays)),
	)
	f.Meta = &data.FrameMeta{Type: data.FrameTypeTable, TypeVersion: dataplaneVersion}
	return f
}

// behindConfig colours Days behind: base green, red from driftDays.
func behindConfig(displayName string, driftDays float64) *data.FieldConfig {
	c := daysConfig(displayName)
	c.Thresholds = &data.ThresholdsConfig{Mode: data.ThresholdsModeAbsolute, Steps: []data.Threshold{
		data.NewThreshold(math.Inf(-1), "green", ""),
		data.NewThreshold(driftDays, "red", ""),
	}}
	return c
}
