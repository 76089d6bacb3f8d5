package frames

import (
	"github.com/grafana/grafana-plugin-sdk-go/data"

	"github.com/seed/rscerts/pkg/certs"
)

// Days is one numeric-multi frame per row, for alert rules and stat panels.
func Days(rows []certs.Certificate, by certs.GroupBy) data.Frames {
	if len(rows) == 0 {
		return data.Frames{NoData(data.FrameTypeNumericMulti)}
	}
	out := make(data.Frames, 0, len(rows))
	for _, c := range rows {
		field := data.NewField(FieldDays, Labels(c.Identity, c.Category, by), []float64{c.DaysRemaining}).
			SetConfig(daysConfig(DisplayName(c.Identity, by)))
		f := data.NewFrame("days", field)
		f.Meta = &data.FrameMeta{Type: data.FrameTypeNumericMulti, TypeVersion: dataplaneVersion}
		out = append(out, f)
	}
	return out
}

// NoData is the dataplane "no data" answer: one typed frame without fields, which
// alerting reads as NoData instead of an error.
func NoData(t data.FrameType) *data.Frame {
	f := data.NewFrame("")
	f.Meta = &data.FrameMeta{Type: t, TypeVersion: dataplaneVersion}
	return f
}
