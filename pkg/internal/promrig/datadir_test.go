package promrig

import (
	"slices"
	"testing"
	"time"
)

func TestPrometheusArgsDataDir(t *testing.T) {
	cfg := Config{DataDir: "/x", Retention: 9 * 24 * time.Hour}
	if got := prometheusArgs(cfg, "2.42.0"); !slices.Equal(got, []string{"--storage.tsdb.retention.time=777600s"}) {
		t.Errorf("2.42: %v", got)
	}
	if got := prometheusArgs(cfg, "2.38.1"); !slices.Contains(got, "--storage.tsdb.allow-overlapping-blocks") {
		t.Errorf("2.38: %v, want overlapping blocks allowed", got)
	}
	if got := prometheusArgs(Config{}, "3.16.0"); len(got) != 0 {
		t.Errorf("no DataDir, no Retention: %v", got)
	}
	if err := checkConfig(KindVictoriaMetrics, cfg); err == nil {
		t.Error("VictoriaMetrics accepted a Prometheus data directory")
	}
}
