//go:build mage

// Build targets. `go tool mage -v` runs the SDK default (build.BuildAll: every platform's
// backend binary into dist/); `go tool mage -l` lists the project's own targets.
package main

import (
	"os"

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
	return sh.RunV("go", "test", "-race", "-count=1", "./...")
}

// Vet runs go vet over every package.
func Vet() error {
	return sh.RunV("go", "vet", "./...")
}

// Integration runs the Go tests against a real Prometheus (built or found, never skipped).
func Integration() error {
	env := map[string]string{"REQUIRE_PROMETHEUS": "1"}
	return sh.RunWithV(env, "go", "test", "-race", "-count=1", "./...")
}

// Frontend installs npm packages (npm ci) and runs typecheck, lint, jest and the production build.
func Frontend() error {
	for _, args := range [][]string{
		{"ci", "--no-audit", "--no-fund"},
		{"run", "typecheck"},
		{"run", "lint"},
		{"run", "test:ci"},
		{"run", "build"},
	} {
		if err := sh.RunV("npm", args...); err != nil {
			return err
		}
	}
	return nil
}

// CI is everything `.ci/run` checks: vet, Go tests against a real Prometheus, the front end,
// and the backend binaries for every platform.
func CI() {
	os.Setenv("REQUIRE_PROMETHEUS", "1")
	mg.SerialDeps(Vet, Integration, Frontend, build.BuildAll)
}
