package frames

import (
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/data"

	"github.com/seed/rscerts/pkg/certs"
)

// Timeseries is one timeseries-multi frame per series, values in days.
func Timeseries(series []certs.Series, by certs.GroupBy) data.Frames {
	if len(series) == 0 {
		return data.Frames{NoData(data.FrameTypeTimeSeriesMulti)}
	}
	out := make(data.Frames, 0, len(series))
	for _, s := range series {
		times := make([]time.Time, len(s.Points))
		days := make([]float64, len(s.Points))
		for i, p := range s.Points {
			times[i] = p.T.UTC()
			days[i] = certs.SecondsToDays(p.Seconds)
		}
		value := data.NewField(FieldDays, Labels(s.Identity, s.Category, by), days).
			SetConfig(daysConfig(DisplayName(s.Identity, by)))
		f := data.NewFrame("timeseries", data.NewField(FieldTime, nil, times), value)
		f.Meta = &data.FrameMeta{Type: data.FrameTypeTimeSeriesMulti, TypeVersion: dataplaneVersion}
		out = append(out, f)
	}
	return out
}
