//go:build mage

package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/magefile/mage/mg"
	"github.com/magefile/mage/sh"

	build "github.com/grafana/grafana-plugin-sdk-go/build"

	"github.com/seed/rscerts/pkg/packaging"
)

// Package builds the release archive for Grafana's catalog: `npm run build` (front end into
// dist/), every backend binary (build.BuildAll: linux amd64/arm64/arm, darwin amd64/arm64,
// windows amd64, plus go_plugin_build_manifest), then
// dist-package/seed-rscerts-datasource-<version>.zip, checked against the plugin
// validator's offline rules.
func Package() error {
	if err := sh.RunV("npm", "run", "build"); err != nil {
		return err
	}
	mg.Deps(build.BuildAll)
	return packageDist()
}

// PackageOnly archives the dist/ that is already built (no npm, no go build) and checks it.
func PackageOnly() error {
	return packageDist()
}

func packageDist() error {
	version, err := packaging.PackageVersion("package.json")
	if err != nil {
		return err
	}
	archive, err := packaging.Build(packaging.Options{DistDir: "dist", OutDir: "dist-package", Version: version})
	if err != nil {
		return err
	}
	problems, err := packaging.Check(archive, packaging.CheckOptions{Version: version})
	if err != nil {
		return err
	}
	if len(problems) > 0 {
		return fmt.Errorf("%s breaks the catalog's rules:\n  %s", archive, strings.Join(problems, "\n  "))
	}
	fi, err := os.Stat(archive)
	if err != nil {
		return err
	}
	fmt.Printf("%s (%.1f MiB)\n", filepath.ToSlash(archive), float64(fi.Size())/(1<<20))
	return nil
}
