//go:build mage

// Build targets. `go tool mage -v` runs the SDK default (build.BuildAll: every platform's
// backend binary into dist/); `go tool mage -l` lists the project's own targets.
package main

import (
	"fmt"
	"os"
	"os/exec"
	"strings"

	"github.com/magefile/mage/mg"
	"github.com/magefile/mage/sh"

	// mage:import
	build "github.com/grafana/grafana-plugin-sdk-go/build"
)

// plugin.json lives at the repository root (the only copy), not in src/ where the SDK looks by default.
func init() {
	_ = build.SetBeforeBuildCallback(func(cfg build.Config) (build.Config, error) {
		cfg.PluginJSONPath = "."
		return cfg, nil
	})
}

// Default configures the default target.
var Default = build.BuildAll

// Unit runs the Go unit tests with the race detector (integration tests skip without Prometheus).
func Unit() error {
	return sh.RunV("go", "test", "-race", "-count=1", "./pkg/...")
}

// Vet runs go vet over every package.
func Vet() error {
	return sh.RunV("go", "vet", "./pkg/...")
}

// Integration runs every Go test with the race detector against a real Prometheus: the pinned
// Prometheus 3 (built once into the cache), then again, for the rig's, the handlers' and the
// end-to-end packages (storeTests), with a `prometheus` found on PATH (e.g. Debian's 2.42)
// when there is one, and a third time on VictoriaMetrics single-node
// (RSCERTS_STORE=victoriametrics: $VICTORIAMETRICS_BIN, else the pinned release built once into
// the cache), which scrapes the same targets itself. The load test, the demo fleet's and the
// client's own store tests run on the pinned Prometheus 3 only.
func Integration() error {
	pinned, err := sh.Output("go", "run", "./pkg/internal/promrig/ensure")
	if err != nil {
		return fmt.Errorf("pinned Prometheus: %w", err)
	}
	vm := os.Getenv("VICTORIAMETRICS_BIN")
	if vm == "" {
		if vm, err = sh.Output("go", "run", "./pkg/internal/promrig/ensure", "victoriametrics"); err != nil {
			return fmt.Errorf("pinned VictoriaMetrics: %w", err)
		}
	}
	env := map[string]string{"REQUIRE_PROMETHEUS": "1", "PROMETHEUS_BIN": strings.TrimSpace(pinned),
		"VICTORIAMETRICS_BIN": strings.TrimSpace(vm), "RSCERTS_STORE": "prometheus"}
	test := func(pkgs ...string) error {
		return sh.RunWithV(env, "go", append([]string{"test", "-race", "-count=1", "-timeout=30m"}, pkgs...)...)
	}
	if err := test("./pkg/..."); err != nil {
		return err
	}
	// The tests whose answers depend on the store: the rig's own, the integration and
	// hardening tests of the handlers, and the protocol end-to-end tests of the built plugin.
	storeTests := []string{"./pkg/internal/promrig/", "./pkg/pluginhost/", "./pkg/e2e/"}
	if other, err := exec.LookPath("prometheus"); err != nil {
		fmt.Println("no other prometheus on PATH: second pass skipped")
	} else {
		env["PROMETHEUS_BIN"] = other
		if err := test(storeTests...); err != nil {
			return err
		}
	}
	env["RSCERTS_STORE"] = "victoriametrics"
	return test(storeTests...)
}

// Frontend installs npm packages (npm ci) and runs typecheck, lint, jest and the production build.
// Jest runs twice: on the pinned React 18 and @grafana/* 12.0.0, then on React 19 and @grafana/*
// 13 (Grafana 13.2+), installed from .config/react19's own lock file.
func Frontend() error {
	for _, args := range [][]string{
		{"ci", "--no-audit", "--no-fund"},
		{"run", "typecheck"},
		{"run", "lint"},
		{"run", "test:ci"},
		{"run", "install:react19"},
		{"run", "test:react19"},
		{"run", "build"},
	} {
		if err := sh.RunV("npm", args...); err != nil {
			return err
		}
	}
	return nil
}

// CI is everything `.ci/run` checks: vet, the front end and its bundle, the backend for every
// platform, every Go test against a real Prometheus, then every fuzz target for a bounded
// budget (FUZZTIME, 10000 executions each here: a count, see Fuzz for why not a duration).
func CI() {
	os.Setenv("REQUIRE_PROMETHEUS", "1")
	if os.Getenv("FUZZTIME") == "" {
		os.Setenv("FUZZTIME", "10000x")
	}
	mg.SerialDeps(Vet, Frontend, build.BuildAll, Integration, Fuzz)
}

// Bench runs the micro-benchmarks (normalization, decoding, frames) and the fleet-scale
// comparison with a bare Prometheus request (1k and 10k certificates; RSCERTS_BENCH_CLUSTERS
// chooses other sizes, in clusters of 100 certificates). It prints ratios; it asserts nothing.
func Bench() error {
	if err := sh.RunV("go", "test", "-run=^$", "-bench=.", "-benchmem", "./pkg/certs/", "./pkg/prom/", "./pkg/engine/", "./pkg/frames/"); err != nil {
		return err
	}
	env := map[string]string{"REQUIRE_PROMETHEUS": "1"}
	return sh.RunWithV(env, "go", "test", "-run=^$", "-bench=Scale", "-benchtime=1x", "-timeout=60m", "./pkg/bench/")
}

// BenchProtocol measures what Grafana pays: the built plugin over the plugin protocol, warm and
// cold, on fleets with backfilled history (promtool), against the raw fetch through the same
// proxy (1k and 10k certificates; RSCERTS_BENCH_CLUSTERS chooses other sizes). It prints
// ratios with their spread; it asserts nothing but that every query answers.
func BenchProtocol() error {
	env := map[string]string{"REQUIRE_PROMETHEUS": "1"}
	return sh.RunWithV(env, "go", "test", "-run=^$", "-bench=Protocol", "-benchtime=1x", "-timeout=90m", "./pkg/bench/")
}
