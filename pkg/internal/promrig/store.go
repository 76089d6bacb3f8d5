package promrig

import (
	"fmt"
	"os"
	"testing"
)

// The stores the rig runs. Tests pass on each; KindVictoriaMetrics is a VictoriaMetrics
// single-node with its own scraper (promscrape) reading the same rendered scrape config.
const (
	KindPrometheus      = "prometheus"
	KindVictoriaMetrics = "victoriametrics"
	// StoreEnv chooses the store Start runs: RSCERTS_STORE=victoriametrics, default prometheus.
	StoreEnv = "RSCERTS_STORE"
	// vmLatencyOffset is VictoriaMetrics' -search.latencyOffset here: by default (30s) it
	// hides samples newer than 30 s from queries near now, so a certificate scraped for the
	// first time, or one that just vanished (its staleness marker), would show 30 s late.
	vmLatencyOffset = "1s"
)

// StoreKind is the store Start runs: $RSCERTS_STORE, default KindPrometheus.
func StoreKind(t testing.TB) string {
	t.Helper()
	switch k := os.Getenv(StoreEnv); k {
	case "", KindPrometheus:
		return KindPrometheus
	case KindVictoriaMetrics:
		return KindVictoriaMetrics
	default:
		t.Fatalf("%s=%q: want %s or %s", StoreEnv, k, KindPrometheus, KindVictoriaMetrics)
		return ""
	}
}

// VictoriaMetricsBinary is Binary for VictoriaMetrics single-node: $VICTORIAMETRICS_BIN,
// else victoria-metrics on PATH, else PinnedVictoriaMetrics built into the cache.
func VictoriaMetricsBinary(t testing.TB) string {
	t.Helper()
	return findBinary(t, victoriaMetricsBuild)
}

// Name is how the store calls itself: "Prometheus" or "VictoriaMetrics".
func (s *Server) Name() string { return builds[s.Kind].title }

// launchArgs is the command line of a store serving on addr with its data in dataDir.
func launchArgs(kind, cfgPath, dataDir, addr string, extra []string) []string {
	if kind == KindVictoriaMetrics {
		return append([]string{
			"-promscrape.config=" + cfgPath,
			"-storageDataPath=" + dataDir,
			"-httpListenAddr=" + addr,
			"-search.latencyOffset=" + vmLatencyOffset,
			// The default, 16 KiB, holds the plugin's queries with no or few cluster values (the
			// lookback at most 12 KiB, the instant query 2.7 KB plus about 0.4 KB per cluster;
			// README says so), not the hardening tests' filters. Prometheus' only bound is Go's
			// 10 MB form limit, which their 1000 filter values (1.4 MB) and huge hostile values
			// (2.6 MB) stay under: allow the same here.
			"-search.maxQueryLen=10485760",
		}, extra...)
	}
	// Only flags that both 2.42 (Debian) and 3.x accept.
	return append([]string{
		"--config.file=" + cfgPath,
		"--storage.tsdb.path=" + dataDir,
		"--web.listen-address=" + addr,
		"--web.enable-lifecycle",
		"--log.level=info",
	}, extra...)
}

// prometheusArgs are the flags cfg's DataDir and Retention need on Prometheus version
// (e.g. "2.42.0"). Before 2.39, blocks that overlap (backfilled ones and the head, or each
// other) were refused without --storage.tsdb.allow-overlapping-blocks; 2.39 always allows
// them and 3.x removed the flag.
func prometheusArgs(cfg Config, version string) []string {
	var args []string
	if cfg.Retention > 0 {
		args = append(args, "--storage.tsdb.retention.time="+promDuration(cfg.Retention))
	}
	if cfg.DataDir != "" {
		var major, minor int
		if _, err := fmt.Sscanf(version, "%d.%d", &major, &minor); err == nil && major == 2 && minor < 39 {
			args = append(args, "--storage.tsdb.allow-overlapping-blocks")
		}
	}
	return args
}

// readyPath answers 200 once the store serves queries.
func readyPath(kind string) string {
	if kind == KindVictoriaMetrics {
		return "/health"
	}
	return "/-/ready"
}

func checkConfig(kind string, cfg Config) error {
	if kind == KindVictoriaMetrics && len(cfg.RemoteWrite) > 0 {
		return fmt.Errorf("promrig: remote_write is a Prometheus setting; VictoriaMetrics receives it at /api/v1/write")
	}
	if kind == KindVictoriaMetrics && (cfg.DataDir != "" || cfg.Retention > 0) {
		return fmt.Errorf("promrig: DataDir and Retention are Prometheus settings; VictoriaMetrics cannot read Prometheus blocks (import the history through /api/v1/import/prometheus or vmctl instead)")
	}
	return nil
}
