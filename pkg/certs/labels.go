package certs

// Labels are the labels of one series that can name a certificate, its node
// and its cluster, in every schema met in the wild (see testdata/*.prom).
// Naming reads only these, so they are fields rather than a map: a fleet's
// answer holds tens of thousands of series, and building and probing a map
// per series was most of the time spent turning answers into rows.
type Labels struct {
	Cluster, Node string
	// Instance is the scrape target: the node of schemas that have no node label.
	Instance    string
	LogicalName string // docs schema: "api"
	CertType    string // 8.0.2: "api_cert"
	Path        string // docs schema: full file path
	Locator     string // 8.0.2: full file path
	Filename    string // 7.18: "api_cert.pem"
	Filepath    string // 7.18: the directory; 7.8: the full file path
}

// LabelNames are the Prometheus label names of the Labels fields, in field order. The
// plugin's PromQL groups by them (promql.IdentityLabels), so whatever naming reads survives
// Prometheus-side deduplication.
var LabelNames = [...]string{"cluster", "node", "instance", "logical_name", "cert_type", "path", "locator", "filename", "filepath"}

// Set sets the field that Prometheus label name maps to; other names are ignored.
func (l *Labels) Set(name, value string) {
	switch name {
	case "cluster":
		l.Cluster = value
	case "node":
		l.Node = value
	case "instance":
		l.Instance = value
	case "logical_name":
		l.LogicalName = value
	case "cert_type":
		l.CertType = value
	case "path":
		l.Path = value
	case "locator":
		l.Locator = value
	case "filename":
		l.Filename = value
	case "filepath":
		l.Filepath = value
	}
}
