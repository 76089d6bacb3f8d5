package simulator

import (
	"strconv"
)

// Metric families, with the HELP texts Redis Software uses.
const (
	metricV1   = "node_cert_expiration_seconds"
	helpV1     = "Certificate expiration (in seconds) per given node"
	metricV2   = "node_cert_expires_in_seconds"
	helpV2     = "Number of seconds until the certificate expires"
	metricX509 = "x509_cert_expires_in_seconds"
	metricINE  = "customer_managed_ine_certificates"
	helpINE    = "1 when internode encryption certificates are customer-provided (not rotated automatically), else 0"
)

// ContentType is the Prometheus text exposition format the endpoints serve.
const ContentType = "text/plain; version=0.0.4; charset=utf-8"

type label struct{ name, value string }

// appendLabelValue escapes a label value as the text format requires.
func appendLabelValue(dst []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '\\':
			dst = append(dst, '\\', '\\')
		case '"':
			dst = append(dst, '\\', '"')
		case '\n':
			dst = append(dst, '\\', 'n')
		default:
			dst = append(dst, s[i])
		}
	}
	return dst
}

// seriesPrefix renders `metric{l1="v1",...} `, to which a scrape only appends
// the value: label escaping happens once, not on every scrape.
func seriesPrefix(metric string, labels ...label) []byte {
	b := append([]byte(nil), metric...)
	if len(labels) > 0 {
		b = append(b, '{')
		for i, l := range labels {
			if i > 0 {
				b = append(b, ',')
			}
			b = append(b, l.name...)
			b = append(b, '=', '"')
			b = appendLabelValue(b, l.value)
			b = append(b, '"')
		}
		b = append(b, '}')
	}
	return append(b, ' ')
}

func appendHeader(dst []byte, metric, help string) []byte {
	dst = append(dst, "# HELP "...)
	dst = append(dst, metric...)
	dst = append(dst, ' ')
	dst = append(dst, help...) // constant texts: nothing to escape
	dst = append(dst, "\n# TYPE "...)
	dst = append(dst, metric...)
	return append(dst, " gauge\n"...)
}

func appendSample(dst, prefix []byte, v float64) []byte {
	dst = append(dst, prefix...)
	dst = strconv.AppendFloat(dst, v, 'g', -1, 64)
	return append(dst, '\n')
}

// render fills the prefixes of c as its cluster's schema shows it.
func (c *cert) render(schema Schema) {
	if c.InV1 {
		c.v1 = seriesPrefix(metricV1, c.docsLabels()...)
	}
	switch schema {
	case SchemaFilename:
		c.v2 = seriesPrefix(metricV2,
			label{"cluster", c.Cluster}, label{"exporter", "local"},
			label{"filename", c.Filename}, label{"filepath", certDir}, label{"node", c.Node})
	case SchemaNodeEndpoint:
		c.v2 = seriesPrefix(metricV2,
			label{"cert_type", c.Filename[:len(c.Filename)-len(".pem")]}, label{"exporter", "local"},
			label{"locator", c.Path}, label{"store", "filesystem"})
	case SchemaX509:
		issuerOU, subjectCN, subjectOU := "", c.Cluster, ""
		switch c.Category {
		case CategoryCA:
			issuerOU, subjectOU = "Internal CA", "Internal CA"
		case CategoryInternode: // signed by the cluster CA for the node
			issuerOU, subjectCN = "Internal CA", "node"+c.Node
		}
		c.v2 = seriesPrefix(metricX509,
			label{"cluster", c.Cluster}, label{"exporter", "cert"},
			label{"filename", c.Filename}, label{"filepath", c.Path},
			label{"issuer_CN", c.Cluster}, label{"issuer_O", "Redis"}, label{"issuer_OU", issuerOU},
			label{"node", c.Node}, label{"serial_number", c.serial},
			label{"subject_CN", subjectCN}, label{"subject_O", "Redis"}, label{"subject_OU", subjectOU})
	default:
		c.v2 = seriesPrefix(metricV2, c.docsLabels()...)
	}
}

func (c *cert) docsLabels() []label {
	return []label{{"cluster", c.Cluster}, {"logical_name", c.Name}, {"node", c.Node}, {"path", c.Path}}
}

// foreignPrefix is the unrelated x509 exporter's series that shares the metric
// name in the same Prometheus (x509-7.8.prom); consumers must ignore it.
var foreignPrefix = seriesPrefix(metricX509,
	label{"exporter", "x509-certificate-exporter"}, label{"filename", "tls.crt"},
	label{"filepath", "/etc/ssl/tls.crt"}, label{"subject_CN", "www.example.org"})
