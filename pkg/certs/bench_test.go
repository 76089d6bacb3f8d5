package certs

import (
	"path/filepath"
	"strconv"
	"testing"
	"time"
)

func BenchmarkIdentify(b *testing.B) {
	var all []map[string]string
	for _, f := range []string{"v1-docs.prom", "v2-docs.prom", "v2-filename.prom", "v2-node-endpoint.prom", "x509-7.8.prom"} {
		for _, s := range parseExposition(b, filepath.Join("testdata", f)) {
			all = append(all, s.Labels)
		}
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		Identify(all[i%len(all)])
	}
}

var benchCerts = []string{
	"cm", "api", "proxy", "metrics_exporter", "syncer", "trusted_ca",
	"ccs_internode_encryption", "data_internode_encryption", "mesh_ca_signed", "gossip_ca_signed",
}

// benchObservations: 100 clusters x 10 nodes x 10 certificates, each once
// from v1 (docs schema) and three times from /v2 (7.18 schema, one copy per
// scrape target): 40,000 observations, 10,000 certificates.
func benchObservations() []Observation {
	obs := make([]Observation, 0, 40000)
	for c := range 100 {
		cluster := "cluster-" + strconv.Itoa(c) + ".example.com"
		for n := range 10 {
			node := strconv.Itoa(n + 1)
			for k, cert := range benchCerts {
				secs := float64((c*7+n*3+k)%400) * 86400
				obs = append(obs, Observation{Version: V1, Present: true, Seconds: secs, Labels: LabelsFrom(map[string]string{
					"cluster": cluster, "node": node, "logical_name": cert,
					"path": "/etc/opt/redislabs/" + cert + "_cert.pem", "instance": cluster + ":8070", "job": "rs-v1",
				})})
				for inst := range 3 {
					obs = append(obs, Observation{Version: V2, Present: true, Seconds: secs - float64(inst), Labels: LabelsFrom(map[string]string{
						"cluster": cluster, "node": node, "filename": cert + "_cert.pem", "filepath": "/etc/opt/redislabs",
						"exporter": "local", "instance": "node" + strconv.Itoa(inst+1) + "." + cluster + ":8070", "job": "rs-v2",
					})})
				}
			}
		}
	}
	return obs
}

func BenchmarkMerge10k(b *testing.B) {
	obs := benchObservations()
	th := DefaultThresholds()
	now := time.Now()
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if out := Merge(obs, nil, th, now); len(out) != 10000 {
			b.Fatalf("%d rows", len(out))
		}
	}
}

// BenchmarkMergeSeries: 1,000 certificates x 4 duplicate series (v1 + 3 /v2
// targets) x 60 points (one hour at one-minute steps).
func BenchmarkMergeSeries(b *testing.B) {
	obs := benchObservations()[:4000]
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	in := make([]SeriesIn, len(obs))
	for i, o := range obs {
		p := make([]Point, 60)
		for j := range p {
			p[j] = Point{T: start.Add(time.Duration(j) * time.Minute), Seconds: o.Seconds - float64(j*60)}
		}
		in[i] = SeriesIn{Labels: o.Labels, Points: p}
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if out := MergeSeries(in, nil); len(out) != 1000 {
			b.Fatalf("%d series", len(out))
		}
	}
}
