package certs

import (
	"math"
	"slices"
	"strings"
	"testing"
)

func FuzzIdentify(f *testing.F) {
	f.Add("api", "", "", "", "", "", "c", "1", "", "job", "x")
	f.Add("", "api_cert", "", "/etc/opt/redislabs/api_cert.pem", "", "", "", "", "h:8070", "store", "filesystem")
	f.Add("", "", "", "", "api_cert.pem", "/etc/opt/redislabs", "c", "2", "", "exporter", "local")
	f.Add("", "", "", "", "trusted_ca.pem", "/etc/opt/redislabs/trusted_ca.pem", "c", "1", "", "issuer_CN", "c")
	f.Add("", "", "/etc/opt/redislabs/client_cert-12941999:1-crdt.pem", "", "", "", "c", "1", "", "", "")
	f.Add("", "", "/a/b/", "..", ".pem", "/x/_cert.PEM", "", "", "", "", "")
	f.Add("", "", "", "", "", "/etc/certs.d/", "ü", "\xff", "", "", "")
	f.Fuzz(func(t *testing.T, logical, certType, path, locator, filename, filepath, cluster, node, instance, k, v string) {
		labels := map[string]string{k: v}
		for key, val := range map[string]string{
			"logical_name": logical, "cert_type": certType, "path": path, "locator": locator,
			"filename": filename, "filepath": filepath, "cluster": cluster, "node": node, "instance": instance,
		} {
			if val != "" || k == key {
				labels[key] = val
			}
		}
		name := CertificateName(labels)
		id, p := Identify(labels)

		// Identify agrees with CertificateName and the label rules.
		if name == "" && id.Certificate != Unnamed || name != "" && id.Certificate != name {
			t.Fatalf("Identify name %q, CertificateName %q", id.Certificate, name)
		}
		if id.Cluster != labels["cluster"] {
			t.Fatalf("cluster %q, label %q", id.Cluster, labels["cluster"])
		}
		if wantNode := labels["node"]; wantNode == "" && id.Node != labels["instance"] || wantNode != "" && id.Node != wantNode {
			t.Fatalf("node %q from %v", id.Node, labels)
		}
		if hasPath(LabelsFrom(labels)) != (p != "") {
			t.Fatalf("hasPath %v, path %q", hasPath(LabelsFrom(labels)), p)
		}
		// A name taken from a path base name never contains "/".
		if labels["logical_name"] == "" && labels["cert_type"] == "" && strings.Contains(name, "/") {
			t.Fatalf("name %q from a path contains /: %v", name, labels)
		}
		// Every schema names the result the same way again (idempotence).
		if name != "" {
			for _, l := range []map[string]string{
				{"logical_name": name},
				{"cert_type": name + "_cert"},
			} {
				if got := CertificateName(l); got != name {
					t.Fatalf("CertificateName(%q) = %q, want %q", l, got, name)
				}
			}
			if !strings.Contains(name, "/") {
				for _, l := range []map[string]string{
					{"filename": name + "_cert.pem"},
					{"path": "/etc/opt/redislabs/" + name + "_cert.pem"},
					{"locator": "/etc/opt/redislabs/" + name + "_cert.pem"},
					{"filepath": "/etc/opt/redislabs", "filename": name + "_cert.pem"},
				} {
					if got := CertificateName(l); got != name {
						t.Fatalf("CertificateName(%q) = %q, want %q", l, got, name)
					}
				}
			}
		}
		// The identity is a fixed point: its canonical labels identify it.
		canon := map[string]string{"cluster": id.Cluster, "node": id.Node, "logical_name": id.Certificate}
		if got, _ := Identify(canon); got != id {
			t.Fatalf("Identify(canonical %v) = %+v, want %+v", canon, got, id)
		}
		_ = Classify(id.Certificate, len(v)%2 == 0)
	})
}

// decodeObservations turns fuzz bytes into observations over a small label
// space, so identities collide often.
func decodeObservations(data []byte) []Observation {
	clusters := []string{"", "a", "b"}
	nodes := []string{"", "1", "2"}
	namers := []func(string) map[string]string{
		func(n string) map[string]string {
			return map[string]string{"logical_name": n, "path": "/etc/opt/redislabs/" + n + "_cert.pem"}
		},
		func(n string) map[string]string { return map[string]string{"cert_type": n + "_cert"} },
		func(n string) map[string]string {
			return map[string]string{"filename": n + "_cert.pem", "filepath": "/etc/opt/redislabs"}
		},
		func(n string) map[string]string { return map[string]string{} },
	}
	names := []string{"api", "cm", "mesh_ca_signed", "client_cert-1:1-crdt"}
	versions := []Version{V1, V2, "", "v3"}
	var obs []Observation
	for len(data) >= 5 {
		b := data[:5]
		data = data[5:]
		l := namers[int(b[0]>>4)%len(namers)](names[int(b[0])%len(names)])
		if c := clusters[int(b[1])%len(clusters)]; c != "" {
			l["cluster"] = c
		}
		if n := nodes[int(b[1]>>4)%len(nodes)]; n != "" {
			l["node"] = n
		}
		l["instance"] = string(rune('p' + b[2]%3))
		o := Observation{Labels: LabelsFrom(l), Version: versions[int(b[2]>>4)%len(versions)], Present: b[2]&8 != 0}
		secs := float64(int16(uint16(b[3])<<8|uint16(b[4]))) * 1000
		switch b[3] {
		case 0xff:
			secs = math.NaN()
		case 0xfe:
			secs = math.Inf(1)
		}
		if o.Present {
			o.Seconds = secs
		} else if !math.IsNaN(secs) {
			o.ExpiresAt = testNow.Add(SecondsToDuration(secs))
		}
		obs = append(obs, o)
	}
	return obs
}

func FuzzMerge(f *testing.F) {
	f.Add([]byte{0, 0, 0, 0, 1, 0, 0, 8, 0, 2, 0x10, 0x11, 0x18, 0xff, 0, 0x21, 0x12, 0x28, 0xfe, 0})
	f.Add([]byte("some arbitrary bytes for observations!!"))
	f.Fuzz(func(t *testing.T, data []byte) {
		obs := decodeObservations(data)
		distinct := map[Identity]bool{}
		anyPresent := map[Identity]bool{}
		for _, o := range obs {
			id := identify(o.Labels)
			distinct[id] = true
			anyPresent[id] = anyPresent[id] || o.Present
		}
		out := Merge(obs, map[string]bool{"a": true}, DefaultThresholds(), testNow)
		if len(out) > len(distinct) {
			t.Fatalf("%d rows for %d identities", len(out), len(distinct))
		}
		if len(out) != len(distinct) {
			t.Fatalf("lost identities: %d rows for %d identities", len(out), len(distinct))
		}
		if !slices.IsSortedFunc(out, compareCert) {
			t.Fatal("not sorted")
		}
		seen := map[Identity]bool{}
		for _, c := range out {
			if seen[c.Identity] {
				t.Fatalf("duplicate identity %+v", c.Identity)
			}
			seen[c.Identity] = true
			if c.Present != anyPresent[c.Identity] || (c.Status == StatusMissing) == c.Present {
				t.Fatalf("present/missing mismatch: %+v", c)
			}
		}
		for _, by := range []GroupBy{GroupByNode, GroupByCertificate, GroupByCluster} {
			g := Group(out, by)
			if len(g) > len(out) || !slices.IsSortedFunc(g, compareCert) {
				t.Fatalf("Group(%q) bad: %d rows", by, len(g))
			}
		}
	})
}

// FuzzMergeWithSeen: merging the seen (missing) observations once and the present ones per
// query gives exactly the rows of merging them all together, present first, as the engine
// used to.
func FuzzMergeWithSeen(f *testing.F) {
	f.Add([]byte{0, 0, 0, 0, 1, 0, 0, 8, 0, 2, 0x10, 0x11, 0x18, 0xff, 0, 0x21, 0x12, 0x28, 0xfe, 0})
	f.Add([]byte("some arbitrary bytes for observations!!"))
	f.Add([]byte{0x30, 0, 0, 0, 1, 0x00, 0, 8, 0, 2, 0x20, 0, 0, 0, 3})
	f.Fuzz(func(t *testing.T, data []byte) {
		var present, missing []Observation
		for _, o := range decodeObservations(data) {
			if o.Present {
				present = append(present, o)
			} else {
				missing = append(missing, o)
			}
		}
		ine := map[string]bool{"a": true}
		want := Merge(append(slices.Clone(present), missing...), ine, DefaultThresholds(), testNow)
		got := MergeWithSeen(present, NewSeen(missing), ine, DefaultThresholds(), testNow)
		if !slices.EqualFunc(want, got, sameCert) {
			t.Fatalf("rows differ\nall together: %+v\nwith seen:    %+v", want, got)
		}
	})
}

func sameCert(a, b Certificate) bool {
	sameFloat := a.DaysRemaining == b.DaysRemaining || math.IsNaN(a.DaysRemaining) && math.IsNaN(b.DaysRemaining)
	a.DaysRemaining, b.DaysRemaining = 0, 0
	return sameFloat && a.ExpiresAt.Equal(b.ExpiresAt) && a.Identity == b.Identity && a.Category == b.Category &&
		a.Status == b.Status && a.Source == b.Source && a.Path == b.Path && a.Present == b.Present
}
