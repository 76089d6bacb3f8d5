package certs

// Label maps, as the schema fixtures and fuzz inputs are written, read the way the plugin reads
// a Prometheus row (Labels.Set per label).

// LabelsFrom picks the naming labels out of a label map.
func LabelsFrom(m map[string]string) Labels {
	var l Labels
	for k, v := range m {
		l.Set(k, v)
	}
	return l
}

// Identify derives the identity and the file path (or the file name when only that is known,
// else "") from one series' labels.
func Identify(labels map[string]string) (id Identity, path string) {
	l := LabelsFrom(labels)
	return identify(l), filePath(l)
}

// CertificateName is certificateName of a label map.
func CertificateName(labels map[string]string) string {
	return certificateName(LabelsFrom(labels))
}
