package backfill

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/seed/rscerts/pkg/simulator"
)

func TestWriteShape(t *testing.T) {
	cfg := simulator.ScaleConfig(2, 3, 10, 1)
	cfg.Start = time.Date(2026, 1, 2, 0, 0, 0, 0, time.UTC)
	var buf bytes.Buffer
	n, err := Write(&buf, Options{Config: cfg, From: cfg.Start.Add(-10 * time.Minute), To: cfg.Start, Resolution: 5 * time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n")
	if lines[len(lines)-1] != "# EOF" || int64(len(lines)-1) != n {
		t.Fatalf("%d samples, %d lines, last %q", n, len(lines), lines[len(lines)-1])
	}
	// Per timestamp: v1 9 of 10 names x 30 certs per cluster; v2 30 certs + 1 gauge, x3 targets.
	if want := int64(2 * 2 * (27 + 3*31)); n != want {
		t.Errorf("samples = %d, want %d", n, want)
	}
	t.Log(lines[0])
	t.Log(lines[len(lines)-2])
}
