package certs

import "testing"

func TestCertificateName(t *testing.T) {
	tests := []struct {
		name   string
		labels map[string]string
		want   string
	}{
		// The four ways of naming api.
		{"api/logical_name", map[string]string{"logical_name": "api"}, "api"},
		{"api/cert_type", map[string]string{"cert_type": "api_cert"}, "api"},
		{"api/filename", map[string]string{"filename": "api_cert.pem"}, "api"},
		{"api/path", map[string]string{"path": "/etc/opt/redislabs/api_cert.pem"}, "api"},
		{"api/locator", map[string]string{"locator": "/etc/opt/redislabs/api_cert.pem"}, "api"},
		{"api/filepath file", map[string]string{"filepath": "/etc/opt/redislabs/api_cert.pem"}, "api"},

		// Precedence.
		{"logical_name beats path", map[string]string{"logical_name": "cm", "path": "/x/api_cert.pem"}, "cm"},
		{"cert_type beats locator", map[string]string{"cert_type": "cm_cert", "locator": "/x/api_cert.pem"}, "cm"},
		{"path beats filename", map[string]string{"path": "/x/cm_cert.pem", "filename": "api_cert.pem"}, "cm"},
		{"filename beats filepath file", map[string]string{"filename": "cm_cert.pem", "filepath": "/x/api_cert.pem"}, "cm"},
		{"empty logical_name ignored", map[string]string{"logical_name": "", "cert_type": "api_cert"}, "api"},
		{"logical_name verbatim", map[string]string{"logical_name": "api_cert"}, "api_cert"},

		// filepath as directory vs file.
		{"filepath dir alone", map[string]string{"filepath": "/etc/opt/redislabs"}, ""},
		{"filepath dir trailing slash", map[string]string{"filepath": "/etc/ssl/api.pem/"}, ""},
		{"filepath dir with dotted name", map[string]string{"filepath": "/etc/certs.d"}, ""},
		{"filepath dir + filename", map[string]string{"filepath": "/etc/opt/redislabs", "filename": "proxy_cert.pem"}, "proxy"},
		{"filepath file .crt", map[string]string{"filepath": "/etc/ssl/tls.crt"}, "tls"},
		{"filepath file .key", map[string]string{"filepath": "/etc/ssl/tls.key"}, "tls.key"},
		{"filepath upper ext", map[string]string{"filepath": "/etc/ssl/TLS.PEM"}, "TLS"},

		// Suffixes.
		{"trusted_ca", map[string]string{"filename": "trusted_ca.pem"}, "trusted_ca"},
		{"crdt client", map[string]string{"filename": "client_cert-12941999:1-crdt.pem"}, "client_cert-12941999:1-crdt"},
		{"crdt server path", map[string]string{"path": "/etc/opt/redislabs/server_cert-12941999:1-crdt.pem"}, "server_cert-12941999:1-crdt"},
		{"_cert.crt", map[string]string{"filename": "proxy_cert.crt"}, "proxy"},
		{".cer", map[string]string{"filename": "ldap_client.cer"}, "ldap_client"},
		{"no extension", map[string]string{"filename": "sso_issuer"}, "sso_issuer"},
		{"only .pem", map[string]string{"filename": ".pem"}, ".pem"},
		{"only _cert.pem", map[string]string{"filename": "_cert.pem"}, "_cert"},
		{"cert_type only _cert", map[string]string{"cert_type": "_cert"}, "_cert"},
		{"cert_type no suffix", map[string]string{"cert_type": "trusted_ca"}, "trusted_ca"},
		{"cert_type upper", map[string]string{"cert_type": "API_CERT"}, "API"},
		{"double suffix", map[string]string{"filename": "x_cert_cert.pem"}, "x_cert"},

		// Nothing names it.
		{"no labels", map[string]string{}, ""},
		{"nil labels", nil, ""},
		{"only scrape labels", map[string]string{"instance": "a:1", "job": "rs", "exporter": "local"}, ""},
		{"path is dir", map[string]string{"path": "/etc/opt/redislabs/"}, ""},
		{"path dot", map[string]string{"path": "/etc/.."}, ""},
		{"path dir falls to filename", map[string]string{"path": "/etc/", "filename": "cm_cert.pem"}, "cm"},

		// Unicode and odd characters pass through.
		{"unicode", map[string]string{"filename": "zertifikat_ü€_cert.pem"}, "zertifikat_ü€"},
		{"unicode logical", map[string]string{"logical_name": "证书"}, "证书"},
		{"kelvin sign not folded", map[string]string{"filename": "a.\u212aey"}, "a.\u212aey"},
		{"spaces and quotes", map[string]string{"path": `/tmp/my "odd" cert.pem`}, `my "odd" cert`},
		{"newline", map[string]string{"filename": "a\nb.pem"}, "a\nb"},
		{"invalid utf8", map[string]string{"filename": "\xff\xfe.pem"}, "\xff\xfe"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := CertificateName(tt.labels); got != tt.want {
				t.Errorf("CertificateName(%q) = %q, want %q", tt.labels, got, tt.want)
			}
		})
	}
}

func TestIdentify(t *testing.T) {
	tests := []struct {
		name     string
		labels   map[string]string
		wantID   Identity
		wantPath string
	}{
		{"v1 docs", map[string]string{"cluster": "c", "node": "1", "logical_name": "api", "path": "/etc/opt/redislabs/api_cert.pem", "instance": "h:8070", "job": "rs"},
			Identity{"c", "1", "api"}, "/etc/opt/redislabs/api_cert.pem"},
		{"node falls back to instance", map[string]string{"cert_type": "api_cert", "locator": "/l/api_cert.pem", "instance": "10.0.0.1:8070"},
			Identity{"", "10.0.0.1:8070", "api"}, "/l/api_cert.pem"},
		{"empty node falls back", map[string]string{"node": "", "instance": "i", "logical_name": "cm"},
			Identity{"", "i", "cm"}, ""},
		{"cluster-less, node-less", map[string]string{"logical_name": "cm"}, Identity{"", "", "cm"}, ""},
		{"unnamed", map[string]string{"cluster": "c", "node": "1"}, Identity{"c", "1", Unnamed}, ""},
		{"filepath dir + filename", map[string]string{"filepath": "/etc/opt/redislabs", "filename": "api_cert.pem"},
			Identity{"", "", "api"}, "/etc/opt/redislabs/api_cert.pem"},
		{"filepath dir with slash + filename", map[string]string{"filepath": "/etc/opt/redislabs/", "filename": "api_cert.pem"},
			Identity{"", "", "api"}, "/etc/opt/redislabs/api_cert.pem"},
		{"filepath root + filename", map[string]string{"filepath": "/", "filename": "a.pem"}, Identity{"", "", "a"}, "/a.pem"},
		{"filepath file", map[string]string{"filepath": "/etc/opt/redislabs/api_cert.pem", "filename": "api_cert.pem"},
			Identity{"", "", "api"}, "/etc/opt/redislabs/api_cert.pem"},
		{"filepath file equal to filename without ext", map[string]string{"filepath": "/secrets/tls", "filename": "tls"},
			Identity{"", "", "tls"}, "/secrets/tls"},
		{"filepath dir, no filename", map[string]string{"filepath": "/etc/opt/redislabs", "logical_name": "api"},
			Identity{"", "", "api"}, ""},
		{"filename only", map[string]string{"filename": "api_cert.pem"}, Identity{"", "", "api"}, "api_cert.pem"},
		{"path beats locator", map[string]string{"path": "/p/a.pem", "locator": "/l/a.pem"}, Identity{"", "", "a"}, "/p/a.pem"},
		{"scrape labels ignored", map[string]string{"cluster": "c", "node": "2", "filename": "cm_cert.pem", "exporter": "cert",
			"issuer_CN": "x", "subject_CN": "y", "serial_number": "9", "store": "filesystem", "job": "j", "instance": "i"},
			Identity{"c", "2", "cm"}, "cm_cert.pem"},
		{"unicode cluster", map[string]string{"cluster": "клáster.例", "node": "ノード", "logical_name": "api"},
			Identity{"клáster.例", "ノード", "api"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			id, path := Identify(tt.labels)
			if id != tt.wantID || path != tt.wantPath {
				t.Errorf("Identify = %+v, %q; want %+v, %q", id, path, tt.wantID, tt.wantPath)
			}
		})
	}
}

func TestHasPathAgreesWithFilePath(t *testing.T) {
	for _, m := range []map[string]string{
		{}, {"path": "x"}, {"locator": "x"}, {"filename": "x"}, {"filepath": "/d"}, {"filepath": "/d/x.pem"},
		{"filepath": "/d", "filename": "x"}, {"filepath": "/d/"}, {"logical_name": "api"},
	} {
		l := LabelsFrom(m)
		if hasPath(l) != (filePath(l) != "") {
			t.Errorf("%v: hasPath %v, filePath %q", m, hasPath(l), filePath(l))
		}
	}
}

func TestLabelsFromKeepsOnlyNamingLabels(t *testing.T) {
	m := map[string]string{"job": "j", "exporter": "cert", "__name__": "x"}
	for i, name := range LabelNames {
		m[name] = string(rune('a' + i))
	}
	want := Labels{"a", "b", "c", "d", "e", "f", "g", "h", "i"}
	if got := LabelsFrom(m); got != want {
		t.Fatalf("LabelsFrom = %+v, want %+v", got, want)
	}
}
