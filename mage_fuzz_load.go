//go:build mage

package main

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"strings"

	"github.com/magefile/mage/sh"
)

// Fuzz runs every Go fuzz target of the module for a bounded budget each: -fuzztime=20000x,
// or the FUZZTIME environment variable (e.g. FUZZTIME=200000x, or FUZZTIME=1m).
//
// The default budget is a count of executions, not a duration: with a duration, Go 1.26's
// fuzz coordinator can report a bare "context deadline exceeded" failure when the deadline
// fires while a starved worker is mid-call (go.dev/issue/75804, fixed in Go 1.27). A CI run
// of ours failed that way with no failing input. A count has no deadline to race.
func Fuzz() error {
	fuzztime := os.Getenv("FUZZTIME")
	if fuzztime == "" {
		fuzztime = "20000x"
	}
	targets, err := fuzzTargets()
	if err != nil {
		return err
	}
	if len(targets) == 0 {
		return fmt.Errorf("no fuzz targets found")
	}
	for _, t := range targets {
		fmt.Printf("fuzz %s %s for %s\n", t.pkg, t.name, fuzztime)
		if err := sh.RunV("go", "test", "-run=^$", "-fuzz=^"+t.name+"$", "-fuzztime="+fuzztime, t.pkg); err != nil {
			return fmt.Errorf("%s %s: %w", t.pkg, t.name, err)
		}
	}
	fmt.Printf("fuzzed %d targets, %s each\n", len(targets), fuzztime)
	return nil
}

type fuzzTarget struct{ pkg, name string }

// fuzzTargets lists FuzzXxx functions per package (go test -list), so new targets are
// picked up without editing this file.
func fuzzTargets() ([]fuzzTarget, error) {
	pkgs, err := sh.Output("go", "list", "./pkg/...")
	if err != nil {
		return nil, err
	}
	var out []fuzzTarget
	for _, pkg := range strings.Fields(pkgs) {
		cmd := exec.Command("go", "test", "-list=^Fuzz", pkg)
		var buf bytes.Buffer
		cmd.Stdout, cmd.Stderr = &buf, os.Stderr
		if err := cmd.Run(); err != nil {
			return nil, fmt.Errorf("listing fuzz targets of %s: %w", pkg, err)
		}
		sc := bufio.NewScanner(&buf)
		for sc.Scan() {
			if line := strings.TrimSpace(sc.Text()); strings.HasPrefix(line, "Fuzz") {
				out = append(out, fuzzTarget{pkg, line})
			}
		}
	}
	return out, nil
}

// Load runs the load test: 200 concurrent QueryData/CallResource callers against a real
// Prometheus scraping the simulator for RSCERTS_LOAD_DURATION (default 60s), printing total
// and failed queries, queries/s, p50/p99 latency, peak heap and goroutines before/after.
func Load() error {
	pinned, err := sh.Output("go", "run", "./pkg/internal/promrig/ensure")
	if err != nil {
		return fmt.Errorf("pinned Prometheus: %w", err)
	}
	env := map[string]string{"RSCERTS_LOAD": "1", "REQUIRE_PROMETHEUS": "1"}
	if os.Getenv("PROMETHEUS_BIN") == "" {
		env["PROMETHEUS_BIN"] = strings.TrimSpace(pinned)
	}
	return sh.RunWithV(env, "go", "test", "-count=1", "-v", "-run=^TestLoad$", "-timeout=30m", "./pkg/loadtest")
}
