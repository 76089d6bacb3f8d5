// Package promql builds the PromQL this plugin sends to Prometheus.
//
// Present (one round trip per table, alert value or time series) answers:
//
//   - the certificate series of the chosen metric versions (v1 node_cert_expiration_seconds,
//     v2 node_cert_expires_in_seconds, and Redis Software 7.8's x509_cert_expires_in_seconds
//     with exporter="cert" and a cluster label); the main branch (v1 and v2 with a node label)
//     is merged across versions by Prometheus, the rarer branches keep __name__ to tell the
//     version;
//   - deduplicated on the Prometheus side: `min by (<identity labels>)` drops the scrape-target
//     labels (instance, job, exporter, ...), so the copies of a /v2 series that every node's
//     target returns cross the wire once, and the soonest expiry wins;
//   - the node falls back to the scrape `instance` where a schema has no `node` label
//     (Redis Software 8.0.2 per-node /v2), in PromQL so deduplication keeps nodes apart;
//   - the per-cluster customer_managed_ine_certificates gauge (its __name__ marks it).
//
// Lookback answers which certificates were seen within the missing-series window and the
// expiry their last sample implied, and, in the same answer, the census: which versions report
// each certificate of Present's main branch (the Source column). It reads the whole window, so
// the engine shares one answer per minute instead of sending it with every query.
//
// Certificate naming and classification happen in Go (package certs), since they depend on
// which of several labels a schema has. Every user-supplied value is escaped here: a cluster
// named `a.b` matches exactly `a.b`.
package promql
