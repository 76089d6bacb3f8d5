package certs

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// sample is one line of Prometheus text exposition.
type sample struct {
	Metric string
	Labels map[string]string
	Value  float64
}

// parseExposition is a tiny parser for the fixture files: comments and blank
// lines are skipped; label values may contain \" \\ and \n escapes.
func parseExposition(t testing.TB, file string) []sample {
	t.Helper()
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []sample
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || line[0] == '#' {
			continue
		}
		s, err := parseSampleLine(line)
		if err != nil {
			t.Fatalf("%s:%d: %v", file, n, err)
		}
		out = append(out, s)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func parseSampleLine(line string) (sample, error) {
	s := sample{Labels: map[string]string{}}
	i := strings.IndexAny(line, "{ ")
	if i < 0 {
		return s, fmt.Errorf("no value in %q", line)
	}
	s.Metric = line[:i]
	rest := line[i:]
	if rest[0] == '{' {
		rest = rest[1:]
		for {
			rest = strings.TrimLeft(rest, " ,")
			if strings.HasPrefix(rest, "}") {
				rest = rest[1:]
				break
			}
			eq := strings.Index(rest, "=\"")
			if eq < 0 {
				return s, fmt.Errorf("bad label in %q", line)
			}
			name := rest[:eq]
			rest = rest[eq+2:]
			var b strings.Builder
			closed := false
			for j := 0; j < len(rest); j++ {
				c := rest[j]
				if c == '\\' && j+1 < len(rest) {
					j++
					switch rest[j] {
					case 'n':
						b.WriteByte('\n')
					default:
						b.WriteByte(rest[j])
					}
					continue
				}
				if c == '"' {
					rest = rest[j+1:]
					closed = true
					break
				}
				b.WriteByte(c)
			}
			if !closed {
				return s, fmt.Errorf("unterminated label value in %q", line)
			}
			s.Labels[name] = b.String()
		}
	}
	fields := strings.Fields(rest)
	if len(fields) == 0 {
		return s, fmt.Errorf("no value in %q", line)
	}
	v, err := strconv.ParseFloat(fields[0], 64)
	if err != nil {
		return s, err
	}
	s.Value = v
	return s, nil
}

func TestParseSampleLine(t *testing.T) {
	s, err := parseSampleLine(`m{a="x\"y",b="1\\2",c="l\nm"} -3600`)
	if err != nil {
		t.Fatal(err)
	}
	if s.Metric != "m" || s.Labels["a"] != `x"y` || s.Labels["b"] != `1\2` || s.Labels["c"] != "l\nm" || s.Value != -3600 {
		t.Fatalf("got %+v", s)
	}
	if _, err := parseSampleLine(`m{a="x} 1`); err == nil {
		t.Fatal("want error for unterminated value")
	}
}

type wantRow struct {
	cluster, node, cert, path string
	cat                       Category
}

func docsRows(cluster string) []wantRow {
	names := []struct {
		n string
		c Category
	}{
		{"cm", UserManaged}, {"api", UserManaged}, {"proxy", UserManaged}, {"metrics_exporter", UserManaged},
		{"syncer", UserManaged}, {"ccs_internode_encryption", AutoRotated}, {"data_internode_encryption", AutoRotated},
		{"mesh_ca_signed", AutoRotated}, {"gossip_ca_signed", AutoRotated},
	}
	var rows []wantRow
	for _, n := range names {
		rows = append(rows, wantRow{cluster, "1", n.n, "/etc/opt/redislabs/" + n.n + "_cert.pem", n.c})
	}
	return rows
}

// TestFixtures names every line of every fixture file.
func TestFixtures(t *testing.T) {
	const dir = "/etc/opt/redislabs/"
	const c1, lg = "c1.example.com", "legacy.example.com"
	tests := []struct {
		file     string
		instance string // added as the scrape target's instance label when set
		want     []wantRow
	}{
		{file: "v1-docs.prom", want: docsRows("mycluster.local")},
		{file: "v2-docs.prom", want: docsRows("mycluster.local")},
		// instance must not override node.
		{file: "v2-docs.prom", instance: "10.0.0.9:8070", want: docsRows("mycluster.local")},
		{file: "v2-filename.prom", want: []wantRow{
			{c1, "1", "api", dir + "api_cert.pem", UserManaged},
			{c1, "1", "cm", dir + "cm_cert.pem", UserManaged},
			{c1, "1", "proxy", dir + "proxy_cert.pem", UserManaged},
			{c1, "1", "metrics_exporter", dir + "metrics_exporter_cert.pem", UserManaged},
			{c1, "1", "syncer", dir + "syncer_cert.pem", UserManaged},
			{c1, "1", "trusted_ca", dir + "trusted_ca.pem", UserManaged},
			{c1, "1", "ccs_internode_encryption", dir + "ccs_internode_encryption_cert.pem", AutoRotated},
			{c1, "1", "data_internode_encryption", dir + "data_internode_encryption_cert.pem", AutoRotated},
			{c1, "1", "mesh_ca_signed", dir + "mesh_ca_signed_cert.pem", AutoRotated},
			{c1, "1", "gossip_ca_signed", dir + "gossip_ca_signed_cert.pem", AutoRotated},
			{c1, "2", "api", dir + "api_cert.pem", UserManaged},
			{c1, "2", "client_cert-12941999:1-crdt", dir + "client_cert-12941999:1-crdt.pem", Other},
			{c1, "2", "server_cert-12941999:1-crdt", dir + "server_cert-12941999:1-crdt.pem", Other},
		}},
		{file: "v2-node-endpoint.prom", want: nodeEndpointRows("")},
		{file: "v2-node-endpoint.prom", instance: "node3.c2:8070", want: nodeEndpointRows("node3.c2:8070")},
		{file: "x509-7.8.prom", want: []wantRow{
			{lg, "1", "api", dir + "api_cert.pem", UserManaged},
			{lg, "1", "trusted_ca", dir + "trusted_ca.pem", UserManaged},
			{lg, "1", "gossip_ca_signed", dir + "gossip_ca_signed_cert.pem", AutoRotated},
			// The unrelated exporter's series: named anyway (filtering it
			// out is the query layer's job), cluster-less.
			{"", "", "tls", "/etc/ssl/tls.crt", Other},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.file+"/"+tt.instance, func(t *testing.T) {
			samples := parseExposition(t, filepath.Join("testdata", tt.file))
			if len(samples) != len(tt.want) {
				t.Fatalf("%d samples, want %d", len(samples), len(tt.want))
			}
			for i, s := range samples {
				if tt.instance != "" {
					s.Labels["instance"] = tt.instance
				}
				w := tt.want[i]
				id, path := Identify(s.Labels)
				want := Identity{w.cluster, w.node, w.cert}
				if id != want || path != w.path {
					t.Errorf("line %d: Identify = %+v, %q; want %+v, %q", i+1, id, path, want, w.path)
				}
				if got := CertificateName(s.Labels); got != w.cert {
					t.Errorf("line %d: CertificateName = %q, want %q", i+1, got, w.cert)
				}
				if got := Classify(id.Certificate, false); got != w.cat {
					t.Errorf("line %d: Classify(%q) = %q, want %q", i+1, id.Certificate, got, w.cat)
				}
			}
		})
	}
}

func nodeEndpointRows(node string) []wantRow {
	var rows []wantRow
	for _, n := range []string{"api", "cm", "proxy", "syncer", "metrics_exporter", "ccs_internode_encryption", "data_internode_encryption"} {
		cat := UserManaged
		if strings.Contains(n, "internode") {
			cat = AutoRotated
		}
		rows = append(rows, wantRow{"", node, n, "/etc/opt/redislabs/" + n + "_cert.pem", cat})
	}
	return rows
}

// TestFixturesMergeAcrossSchemas: v1-docs and v2-docs describe the same
// certificates, so merging them gives 9 rows reported by "v1+v2".
func TestFixturesMergeAcrossSchemas(t *testing.T) {
	var obs []Observation
	for _, f := range []struct {
		file string
		v    Version
	}{{"v1-docs.prom", V1}, {"v2-docs.prom", V2}} {
		for _, s := range parseExposition(t, filepath.Join("testdata", f.file)) {
			obs = append(obs, Observation{Labels: LabelsFrom(s.Labels), Version: f.v, Present: true, Seconds: s.Value})
		}
	}
	got := Merge(obs, nil, DefaultThresholds(), testNow)
	if len(got) != 9 {
		t.Fatalf("%d rows, want 9", len(got))
	}
	for _, c := range got {
		if c.Source != "v1+v2" {
			t.Errorf("%s: Source %q", c.Certificate, c.Source)
		}
	}
}
