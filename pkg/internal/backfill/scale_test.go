package backfill

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/seed/rscerts/pkg/simulator"
)

// TestBackfillScale times Create for a benchmark-sized fleet; it runs only when asked:
//
//	BACKFILL_SCALE=100:10:10 BACKFILL_HISTORY=24h BACKFILL_RESOLUTION=1m go test -run Scale -v -timeout 60m ./pkg/internal/backfill/
func TestBackfillScale(t *testing.T) {
	spec := os.Getenv("BACKFILL_SCALE")
	if spec == "" {
		t.Skip("set BACKFILL_SCALE=clusters:nodes:certs (and BACKFILL_HISTORY, BACKFILL_RESOLUTION) to time a large backfill")
	}
	var clusters, nodes, certs int
	if _, err := fmt.Sscanf(spec, "%d:%d:%d", &clusters, &nodes, &certs); err != nil {
		t.Fatalf("BACKFILL_SCALE=%q: %v", spec, err)
	}
	dur := func(env, def string) time.Duration {
		v := os.Getenv(env)
		if v == "" {
			v = def
		}
		d, err := time.ParseDuration(v)
		if err != nil {
			t.Fatalf("%s: %v", env, err)
		}
		return d
	}
	history, res := dur("BACKFILL_HISTORY", "24h"), dur("BACKFILL_RESOLUTION", "1m")
	promtool, err := Promtool("")
	if err != nil {
		t.Skip(err)
	}
	cfg := simulator.ScaleConfig(clusters, nodes, certs, 1)
	cfg.Start = time.Now().Truncate(time.Second)
	dir := filepath.Join(t.TempDir(), "data")
	r, err := Create(context.Background(), promtool, dir, Options{Config: cfg, From: cfg.Start.Add(-history), To: cfg.Start, Resolution: res})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%s certificates (%s), %s at %s with %s: %d samples, %.1f GB of OpenMetrics generated in %s, promtool %s (blocks of %s), total %s\n%s",
		spec, fmt.Sprint(clusters*nodes*certs), history, res, promtool, r.Samples, float64(r.InputBytes)/1e9,
		r.Generate.Round(time.Second), r.Promtool.Round(time.Second), r.BlockDuration, (r.Generate + r.Promtool).Round(time.Second), r.Output)
}
