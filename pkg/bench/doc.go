// Package bench holds the fleet-scale benchmarks: the simulator serving many clusters, scraped
// by a real Prometheus as real deployments are (v1 once, /v2 from three node targets per
// cluster), and the plugin measured against the bare Prometheus HTTP API request a user of
// Grafana's built-in Prometheus datasource would run with the Redis docs' selectors.
//
//	go tool mage bench      # or: REQUIRE_PROMETHEUS=1 go test -run '^$' -bench Scale -benchtime 1x -v ./pkg/bench/
//
// Ratios, bytes, allocations and heap are printed; nothing here asserts a duration.
package bench
