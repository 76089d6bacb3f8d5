// Package certs is the pure logic of the plugin: it turns the certificate
// expiry series of every Redis Software label schema into one row per
// certificate, classifies it, gives it a status, and groups and filters rows.
// It does no I/O and knows no Prometheus client types: labels arrive as
// Labels, a struct of the label names any schema names a certificate with
// (LabelNames). The exported strings (categories, statuses, sources,
// group-by values) are a contract with the front end, dashboards and alert
// rules.
//
// # Identity
//
// A certificate is identified by cluster, node and certificate name (see
// IdentityOf, certificateName and testdata/*.prom for the schemas):
//
//   - Name: logical_name; else cert_type minus "_cert"; else the base name of
//     path, locator, filename, then filepath, minus "_cert.pem"/".pem" (and the
//     .crt/.cer variants). All of logical_name="api", cert_type="api_cert",
//     filename="api_cert.pem" and path=".../api_cert.pem" are "api";
//     "client_cert-12941999:1-crdt.pem" is "client_cert-12941999:1-crdt".
//     logical_name is taken verbatim: it is already the logical name.
//   - filepath names the certificate only when it names a FILE: its base name
//     equals the filename label or ends in a certificate extension (.pem,
//     .crt, .cer, .cert, .key, .der, .p7b, .p7c, .p12, .pfx, .jks). In the 7.18
//     schema filepath is the directory /etc/opt/redislabs; naming after it
//     would call every certificate "redislabs". A trailing "/" is a directory.
//   - Base names "", "." and ".." name nothing; suffix stripping never leaves
//     an empty name (".pem" stays ".pem"). Matching of suffixes and extensions
//     is ASCII case-insensitive; the name keeps its case, and Classify matches
//     exactly (an upper-case variant is "other", with user-managed thresholds,
//     so nothing is lost). Unicode and odd characters pass through untouched.
//   - certificateName returns "" when nothing names the certificate and
//     IdentityOf substitutes Unnamed ("(unnamed)"): such series are kept, not
//     dropped; several unnamed series on one node collapse into one row
//     (soonest wins), which still surfaces the worst one.
//   - Node is the node label, else the scrape target's instance label (the
//     8.0.2 per-node endpoint has neither cluster nor node), kept verbatim
//     (port included) so it matches what Prometheus shows. Cluster is the
//     cluster label or "". Other labels never enter the identity.
//   - Deciding WHICH series belong to Redis Software (x509_* series must have
//     exporter="cert" and a cluster label) is the query layer's job; this
//     package names whatever it is given.
//
// # Merge
//
// Merge collapses duplicates (one /v2 copy per scrape target, v1 and v2, two
// schemas) into one row per identity. The soonest expiry wins because the
// operator needs the worst value (Redis' docs take max, which hides it); a
// present series beats a vanished one; an identity seen only in vanished
// series is StatusMissing with its last known expiry, so an expired
// certificate whose series disappeared stays on screen. Ties, and the
// fallback for an empty Path, follow input order (an observation with a path
// beats one without). NaN values lose to numbers; a row whose only value is
// NaN is critical and sorts first. Versions other than v1/v2 are kept in
// Source, sorted; an empty Version contributes nothing.
//
// # Status
//
// Strict bounds: < 0 expired, < critical critical, < warning warning; an
// auto-rotated certificate not below its warning threshold but below the
// rotation point less its grace (RotationDays 60 minus RotationGraceDays 2) is
// rotation-overdue: its rotation was missed. Else ok. Defaults 30/14 days
// (user-managed and other) and 45/14 (auto-rotated, matching Redis' internal
// alert at 45 days; rotation normally happens at 60).
// Customer-provided internode certificates (customer_managed_ine_certificates
// = 1) are user-managed: nobody rotates them.
//
// # Grouping
//
// Group and GroupSeries keep the soonest per cluster+certificate or per
// cluster, regardless of status (missing rows compete on DaysRemaining computed
// from their last sample); the kept row names the soonest node/certificate.
// A grouped series names no node (see GroupSeries).
// Unknown GroupBy values behave as "node" so an unexpected option never hides
// rows. Series are merged pointwise (minimum per instant, union of instants)
// and a grouped series is named after the member holding the minimum at its
// last instant, without a node. SoonestSeries keeps the n series whose lowest value in the
// range is smallest (ties by Cluster, Node, Certificate), in their input order:
// a time series query's limit, applied after grouping.
package certs
