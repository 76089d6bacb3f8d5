//go:build mage

package main

import "github.com/seed/rscerts/pkg/dashboard"

// Dashboard regenerates src/dashboards/redis-software-certificates.json from pkg/dashboard
// (check the result in; a test fails while the two differ).
func Dashboard() error {
	return dashboard.Write(".")
}
