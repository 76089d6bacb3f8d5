// Package promql builds the PromQL this plugin sends to Prometheus.
//
// Present (time series) and Instant (tables and alert values) answer:
//
//   - the certificate series of the chosen metric versions (v1 node_cert_expiration_seconds,
//     v2 node_cert_expires_in_seconds, and Redis Software 7.8's x509_cert_expires_in_seconds
//     with exporter="cert" and a cluster label); Present merges the main branch (v1 and v2
//     with a node label) across versions in Prometheus, Instant keeps every row's __name__ so
//     Source is exact, and the rarer branches always keep it to tell the version;
//   - deduplicated on the Prometheus side: `min by (<identity labels>)` drops the scrape-target
//     labels (instance, job, exporter, ...), so the copies of a /v2 series that every node's
//     target returns cross the wire once, and the soonest expiry wins;
//   - the node falls back to the scrape `instance` where a schema has no `node` label
//     (Redis Software 8.0.2 per-node /v2), in PromQL so deduplication keeps nodes apart;
//   - the per-cluster customer_managed_ine_certificates gauge (its __name__ marks it);
//   - Instant also counts, per cluster and version, the certificates with a recent sample
//     (Recent), so the engine asks Vanished only where one vanished (recent.go).
//
// Lookback answers which certificates were seen within the missing-series window and the
// expiry their last sample implied. It reads the whole window, so the engine sends it only
// for the clusters where the series API lists a series not present now, and shares its answer
// for a refresh period (a minute, or the lookback step if shorter), refreshed in the
// background.
//
// Certificate naming and classification happen in Go (package certs), since they depend on
// which of several labels a schema has. Every user-supplied value is escaped here: a cluster
// named `a.b` matches exactly `a.b`.
package promql
