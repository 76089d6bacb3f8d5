package frames

import (
	"math"

	"github.com/grafana/grafana-plugin-sdk-go/data"

	"github.com/seed/rscerts/pkg/certs"
)

// Value is what a Days frame reports per row.
type Value int

const (
	DaysRemaining Value = iota // Days remaining, unit d
	DaysBehind                 // Days behind, unit d
	ExpiresAt                  // Expires at, Unix milliseconds: alert templates print it as a date
)

// Days is one numeric-multi frame per row, for alert rules and stat panels.
func Days(rows []certs.Certificate, by certs.GroupBy, v Value) data.Frames {
	if len(rows) == 0 {
		return data.Frames{NoData(data.FrameTypeNumericMulti)}
	}
	out := make(data.Frames, 0, len(rows))
	for _, c := range rows {
		name, value, config := FieldDays, c.DaysRemaining, daysConfig(DisplayName(c.Identity, by))
		switch v {
		case DaysBehind:
			name, value = FieldDaysBehind, c.DaysBehind
		case ExpiresAt:
			name, value = FieldExpiresAt, math.NaN()
			if !c.ExpiresAt.IsZero() {
				value = float64(c.ExpiresAt.UnixMilli())
			}
			config.Unit = UnitDateTime
		}
		field := data.NewField(name, Labels(c.Identity, c.Category, by), []float64{value}).SetConfig(config)
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
