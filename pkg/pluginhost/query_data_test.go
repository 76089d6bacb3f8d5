package pluginhost

import (
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
)

func TestRangeOf(t *testing.T) {
	to := time.Now().Add(-time.Minute).Truncate(time.Hour)
	tests := []struct {
		name      string
		span      time.Duration
		interval  time.Duration
		maxPoints int64
		wantStep  time.Duration
	}{
		{"interval wins", time.Hour, time.Minute, 1000, time.Minute},
		{"max data points wins, rounded up to a nice step", 24 * time.Hour, 15 * time.Second, 1000, 2 * time.Minute},
		{"tiny interval floors at 1s", 10 * time.Minute, time.Millisecond, 0, time.Second},
		{"prometheus point limit", 30 * 24 * time.Hour, time.Second, 0, 5 * time.Minute},
		{"beyond a day: whole days", 20000 * 24 * time.Hour, time.Second, 100, 200 * 24 * time.Hour},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := rangeOf(backend.DataQuery{TimeRange: backend.TimeRange{From: to.Add(-tt.span), To: to}, Interval: tt.interval, MaxDataPoints: tt.maxPoints})
			if r.Step != tt.wantStep {
				t.Fatalf("step %s, want %s", r.Step, tt.wantStep)
			}
			if r.Start.UnixNano()%int64(r.Step) != 0 || r.Start.After(to.Add(-tt.span)) || !r.End.Equal(to) {
				t.Fatalf("range %v not aligned or not covering", r)
			}
			if points := r.End.Sub(r.Start) / r.Step; points > maxPoints {
				t.Fatalf("%d points exceed Prometheus' limit", points)
			}
		})
	}
}

func TestEvalTimeNeverInTheFuture(t *testing.T) {
	if got := evalTime(backend.TimeRange{To: time.Now().Add(time.Hour)}); got.After(time.Now()) {
		t.Fatalf("eval time %v is in the future", got)
	}
	past := time.Now().Add(-24 * time.Hour)
	if got := evalTime(backend.TimeRange{To: past}); !got.Equal(past) {
		t.Fatalf("eval time %v, want %v", got, past)
	}
}
