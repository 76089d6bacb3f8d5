package promrig

import (
	"encoding/json"
	"fmt"
	"net/url"
	"sort"
	"strings"
	"time"
)

// Target is one scrape target. Labels are added to every series scraped from
// it and may override `instance` (e.g. to look like one node of a cluster).
type Target struct {
	Address string // host:port, no scheme
	Labels  map[string]string
	Params  url.Values // URL query parameters for this target's scrapes
}

// Job is one Prometheus scrape job. Scheme defaults to "http", or "https"
// when InsecureSkipVerify is set; MetricsPath defaults to "/metrics".
type Job struct {
	Name, MetricsPath, Scheme string
	InsecureSkipVerify        bool
	Targets                   []Target
	HonorLabels               bool
}

// Config configures Start.
type Config struct {
	Jobs           []Job
	ScrapeInterval time.Duration // default 1s; also the scrape timeout and evaluation interval
	ExtraArgs      []string      // appended to the command line
	// ExternalLabels are added to every series the server sends elsewhere (remote write,
	// federation), as an HA pair's `replica` label; they are not part of its own series.
	ExternalLabels map[string]string
	// RemoteWrite are URLs (e.g. a VictoriaMetrics' .../api/v1/write) that a Prometheus
	// forwards every sample to, batched at most a second.
	RemoteWrite []string
	// DataDir, when set, is the Prometheus data directory to start on instead of an empty
	// one, e.g. one that already holds blocks from `promtool tsdb create-blocks-from`
	// (package backfill). Prometheus only: VictoriaMetrics cannot read Prometheus blocks (it
	// would need the history imported, e.g. the same OpenMetrics text through
	// /api/v1/import/prometheus, or vmctl's prometheus mode reading the blocks).
	DataDir string
	// Retention is --storage.tsdb.retention.time (default: Prometheus' own, 15d); with DataDir,
	// make it longer than the history or Prometheus deletes the oldest blocks.
	Retention time.Duration
}

// renderConfig writes prometheus.yml by hand (no YAML dependency). Every
// string is a JSON string, which is also a valid YAML double-quoted scalar,
// so label values such as `client_cert-1:1-crdt.pem` or `a: b # c` survive.
// major is the Prometheus major version: fields 2.x does not know are only
// written for 3.x, because 2.x rejects unknown fields. VictoriaMetrics' promscrape
// (kind KindVictoriaMetrics) also refuses unknown fields, and knows neither 3.x's
// nor evaluation_interval (it evaluates no rules).
func renderConfig(cfg Config, kind string, major int) (string, error) {
	iv := cfg.ScrapeInterval
	if iv <= 0 {
		iv = time.Second
	}
	if kind == KindVictoriaMetrics {
		major = 0
	}
	var b strings.Builder
	// scrape_timeout defaults to 10s and must not exceed the interval.
	fmt.Fprintf(&b, "global:\n  scrape_interval: %s\n  scrape_timeout: %s\n", promDuration(iv), promDuration(iv))
	if kind != KindVictoriaMetrics {
		fmt.Fprintf(&b, "  evaluation_interval: %s\n", promDuration(iv))
	}
	writeLabels(&b, "  external_labels:\n", "    ", cfg.ExternalLabels)
	for i, u := range cfg.RemoteWrite {
		if i == 0 {
			b.WriteString("remote_write:\n")
		}
		fmt.Fprintf(&b, "  - url: %s\n    queue_config:\n      batch_send_deadline: 1s\n", q(u))
	}
	b.WriteString("scrape_configs:\n")
	seen := map[string]bool{}
	for _, j := range cfg.Jobs {
		if j.Name == "" {
			return "", fmt.Errorf("promrig: job without a name")
		}
		if seen[j.Name] {
			return "", fmt.Errorf("promrig: duplicate job %q", j.Name)
		}
		seen[j.Name] = true
		// Prometheus' `params` are per scrape config, so targets with different
		// params get a scrape config each. They share the job label through a
		// static `job` label, which Prometheus (2.x and 3.x) prefers to job_name.
		groups, order := map[string][]Target{}, []string{}
		for _, t := range j.Targets {
			k := t.Params.Encode()
			if _, ok := groups[k]; !ok {
				order = append(order, k)
			}
			groups[k] = append(groups[k], t)
		}
		for i, k := range order {
			name := j.Name
			if i > 0 {
				name = fmt.Sprintf("%s~params%d", j.Name, i)
			}
			writeScrapeConfig(&b, j, name, groups[k], major)
		}
		if len(j.Targets) == 0 { // keep the job visible in config even without targets
			writeScrapeConfig(&b, j, j.Name, nil, major)
		}
	}
	return b.String(), nil
}

func writeScrapeConfig(b *strings.Builder, j Job, name string, targets []Target, major int) {
	scheme := j.Scheme
	if scheme == "" {
		scheme = "http"
		if j.InsecureSkipVerify {
			scheme = "https"
		}
	}
	path := j.MetricsPath
	if path == "" {
		path = "/metrics"
	}
	fmt.Fprintf(b, "  - job_name: %s\n    scheme: %s\n    metrics_path: %s\n    honor_labels: %t\n",
		q(name), q(scheme), q(path), j.HonorLabels)
	if major >= 3 {
		// 3.x refuses a scrape whose Content-Type is missing or unknown unless a
		// fallback is set; 2.x assumed text. Keep the 2.x behaviour so a fixture
		// server's Content-Type does not decide whether the test sees series.
		b.WriteString("    fallback_scrape_protocol: PrometheusText0.0.4\n")
	}
	if j.InsecureSkipVerify {
		b.WriteString("    tls_config:\n      insecure_skip_verify: true\n")
	}
	if len(targets) > 0 && len(targets[0].Params) > 0 {
		b.WriteString("    params:\n")
		writeParams(b, targets[0].Params)
	}
	b.WriteString("    static_configs:\n")
	if len(targets) == 0 {
		b.WriteString("      - targets: []\n")
	}
	for _, t := range targets {
		fmt.Fprintf(b, "      - targets: [%s]\n", q(t.Address))
		labels := map[string]string{}
		for k, v := range t.Labels {
			labels[k] = v
		}
		if name != j.Name {
			if _, ok := labels["job"]; !ok {
				labels["job"] = j.Name
			}
		}
		writeLabels(b, "        labels:\n", "          ", labels)
	}
}

// writeLabels writes head and then one `"name": "value"` line per label, if there are any.
func writeLabels(b *strings.Builder, head, indent string, labels map[string]string) {
	if len(labels) == 0 {
		return
	}
	b.WriteString(head)
	for _, k := range sortedKeys(labels) {
		fmt.Fprintf(b, "%s%s: %s\n", indent, q(k), q(labels[k]))
	}
}

func writeParams(b *strings.Builder, p url.Values) {
	keys := make([]string, 0, len(p))
	for k := range p {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		vals := make([]string, len(p[k]))
		for i, v := range p[k] {
			vals[i] = q(v)
		}
		fmt.Fprintf(b, "      %s: [%s]\n", q(k), strings.Join(vals, ", "))
	}
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// q quotes s as a YAML double-quoted scalar (JSON string syntax is a subset).
func q(s string) string {
	out, _ := json.Marshal(s)
	return string(out)
}

// promDuration formats d the way Prometheus parses durations ("1s", "1500ms").
func promDuration(d time.Duration) string {
	if d%time.Second == 0 {
		return fmt.Sprintf("%ds", d/time.Second)
	}
	return fmt.Sprintf("%dms", d/time.Millisecond)
}
