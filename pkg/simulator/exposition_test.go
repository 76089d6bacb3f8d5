package simulator

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// labelSets returns the sorted distinct "metric{label,names}" of samples.
func labelSets(samples []sample) []string {
	var out []string
	for _, s := range samples {
		k := s.metric + "{" + s.labelNames() + "}"
		if !slices.Contains(out, k) {
			out = append(out, k)
		}
	}
	slices.Sort(out)
	return out
}

func fixture(t *testing.T, name string) []sample {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	samples, err := parseText(string(b))
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return samples
}

func TestSchemasMatchFixtures(t *testing.T) {
	tests := []struct {
		schema  Schema
		fixture string
		ineSet  string // label names of customer_managed_ine_certificates
		check   func(t *testing.T, v2 []sample)
	}{
		{SchemaDocs, "v2-docs.prom", "cluster", func(t *testing.T, v2 []sample) {
			for _, s := range v2 {
				if s.labels["path"] != certDir+"/"+fileFor(s.labels["logical_name"]) {
					t.Errorf("path %q for %q", s.labels["path"], s.labels["logical_name"])
				}
			}
		}},
		{SchemaFilename, "v2-filename.prom", "cluster", func(t *testing.T, v2 []sample) {
			crdt := 0
			for _, s := range v2 {
				if s.labels["filepath"] != certDir || s.labels["exporter"] != "local" {
					t.Errorf("filepath must be the directory, exporter local: %v", s.labels)
				}
				if strings.HasSuffix(s.labels["filename"], "-crdt.pem") {
					crdt++
					if s.labels["node"] != "2" {
						t.Errorf("Active-Active file on node %s", s.labels["node"])
					}
				}
			}
			if crdt != 2 {
				t.Errorf("%d Active-Active files, want 2 on node 2", crdt)
			}
		}},
		{SchemaNodeEndpoint, "v2-node-endpoint.prom", "", func(t *testing.T, v2 []sample) {
			for _, s := range v2 {
				if !strings.HasPrefix(s.labels["locator"], certDir+"/") || s.labels["store"] != "filesystem" ||
					!strings.HasSuffix(s.labels["locator"], "/"+s.labels["cert_type"]+".pem") {
					t.Errorf("locator must be the full path of cert_type: %v", s.labels)
				}
			}
			if len(v2) != len(StandardCertificates) {
				t.Errorf("%d series, want only node 1's %d", len(v2), len(StandardCertificates))
			}
		}},
		{SchemaX509, "x509-7.8.prom", "cluster", func(t *testing.T, v2 []sample) {
			foreign := 0
			for _, s := range v2 {
				if _, ok := s.labels["cluster"]; !ok {
					foreign++
					if s.labels["exporter"] != "x509-certificate-exporter" {
						t.Errorf("series without cluster: %v", s.labels)
					}
					continue
				}
				if s.labels["exporter"] != "cert" || s.labels["filepath"] != certDir+"/"+s.labels["filename"] {
					t.Errorf("want exporter=cert and full filepath: %v", s.labels)
				}
			}
			if foreign != 1 {
				t.Errorf("%d unrelated exporter series, want 1", foreign)
			}
		}},
	}
	v1Want := labelSets(fixture(t, "v1-docs.prom"))
	for _, tt := range tests {
		t.Run(string(tt.schema), func(t *testing.T) {
			s := newSim(t, ClusterConfig{Name: "c.example.com", Nodes: 3, Schema: tt.schema})

			if got := labelSets(scrape(t, s, "/")); !slices.Equal(got, v1Want) {
				t.Errorf("v1 label sets\n got %v\nwant %v", got, v1Want)
			}

			all := scrape(t, s, "/v2")
			ine := only(all, metricINE)
			if len(ine) != 1 || ine[0].labelNames() != tt.ineSet || ine[0].value != 0 {
				t.Errorf("%s: %+v, want one series with labels {%s} and value 0", metricINE, ine, tt.ineSet)
			}
			var certs []sample
			for _, x := range all {
				if x.metric != metricINE {
					certs = append(certs, x)
				}
			}
			if got, want := labelSets(certs), labelSets(fixture(t, tt.fixture)); !slices.Equal(got, want) {
				t.Errorf("v2 label sets\n got %v\nwant %v", got, want)
			}
			tt.check(t, certs)
		})
	}
}

// Every schema names the same certificates, and v1 shows all but the CA and
// the Active-Active files.
func TestCertificateNamesAcrossSchemas(t *testing.T) {
	s := newSim(t)
	truth := map[string]bool{}
	for _, c := range s.Certificates() {
		truth[c.Cluster+"/"+c.Node+"/"+c.Name] = c.InV1
	}
	check := func(target, cluster, node string, v1 bool) {
		t.Helper()
		var got []string
		for _, x := range scrape(t, s, target) {
			if x.metric == metricINE || x.labels["exporter"] == "x509-certificate-exporter" {
				continue
			}
			n := node
			if n == "" {
				n = x.labels["node"]
			}
			got = append(got, cluster+"/"+n+"/"+certName(x))
		}
		var want []string
		for k, inV1 := range truth {
			if strings.HasPrefix(k, cluster+"/") && (node == "" || strings.HasPrefix(k, cluster+"/"+node+"/")) && (inV1 || !v1) {
				want = append(want, k)
			}
		}
		slices.Sort(got)
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Errorf("%s:\n got %v\nwant %v", target, got, want)
		}
	}
	for _, c := range DemoClusters() {
		check("/?cluster="+c.Name, c.Name, "", true)
		if c.Schema == SchemaNodeEndpoint {
			check("/v2?cluster="+c.Name+"&node=2", c.Name, "2", false)
		} else {
			check("/v2?cluster="+c.Name, c.Name, "", false)
		}
	}
}

func TestEscaping(t *testing.T) {
	name := "we\"ird\\clu\nster"
	for _, schema := range []Schema{SchemaDocs, SchemaFilename, SchemaX509} {
		s := newSim(t, ClusterConfig{Name: name, Nodes: 2, Schema: schema})
		_, _, raw := do(t, s, "GET", "/v2", nil)
		if !strings.Contains(raw, `cluster="we\"ird\\clu\nster"`) {
			t.Errorf("%s: escaped cluster label missing:\n%s", schema, raw)
		}
		for _, target := range []string{"/", "/v2"} {
			for _, x := range scrape(t, s, target) {
				if c, ok := x.labels["cluster"]; ok && c != name {
					t.Errorf("%s %s: cluster %q after unescaping, want %q", schema, target, c, name)
				}
			}
		}
	}
}
