// Package simulator serves metrics the way the port-8070 endpoint of one or
// more Redis Software clusters does, so the plugin can be developed, tested and
// benchmarked without a cluster. It reproduces the certificate-expiry label
// schemas seen in the wild (testdata/*.prom) with values derived from a seed
// that count down in real time (or Config.Speed times faster), or stay frozen
// for tests. Internode certificates rotate when 60 of their 90 days remain,
// except on nodes the rotation skips (Config.SkipRotation); certificates are
// replaced at scheduled times (Config.Renewals) or on request (Renew).
//
// HTTP surface of Handler:
//
//	GET  /                       v1: node_cert_expiration_seconds{cluster,logical_name,node,path}, every cluster
//	GET  /v2                     v2 in each cluster's Schema, plus customer_managed_ine_certificates
//	POST /control/vanish         ?cluster=&node=&certificate= (node empty = all nodes)
//	POST /control/restore        same parameters
//	POST /control/renew          same parameters, plus days= (default 365, internode 90): renewed now
//	GET  /control/certificates   JSON of Certificates(): the ground truth
//	GET  /healthz
//
// Scrapes take cluster= (repeatable, default all) and node= (default all; a
// node-endpoint cluster's /v2 answers as node 1). Like the real /v2, a scrape
// is cluster-wide, so Prometheus scraping one target per node sees every
// series once per target. Give each target its own params to tell them apart:
//
//	scrape_configs:
//	  - job_name: rs-c3-node2
//	    scheme: https
//	    tls_config: {insecure_skip_verify: true}
//	    metrics_path: /v2
//	    params: {cluster: [c3.example.com], node: ["2"]}
//	    static_configs: [{targets: ["rssim:8070"]}]
//
// Node-endpoint series carry neither cluster nor node, so a scrape that
// selects two node-endpoint clusters would repeat series: select one per
// target with cluster=.
package simulator
