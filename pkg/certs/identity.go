package certs

import "strings"

// Unnamed is the certificate name IdentityOf substitutes when no label names
// the certificate. Such a series is kept (never dropped) so that an expiring
// certificate is not hidden just because an exporter forgot to name it.
const Unnamed = "(unnamed)"

// Identity is what makes a certificate row unique: the cluster, the node and
// the certificate name. Scrape-target labels (instance when node is present,
// job, exporter, store, issuer_*, subject_*, serial_number, ...) are never part
// of it, so /v2 duplicates from several scrape targets and v1/v2 duplicates
// collapse into one identity.
type Identity struct{ Cluster, Node, Certificate string }

// IdentityOf is the identity of one series' labels.
func IdentityOf(l Labels) Identity { return identify(l) }

// identify is the identity without the path: the path may need a string
// concatenation (7.18 schema: filepath + "/" + filename), so Merge computes it
// only for the observation that wins a row.
func identify(l Labels) Identity {
	id := Identity{
		Cluster:     l.Cluster,
		Node:        l.Node,
		Certificate: certificateName(l),
	}
	if id.Node == "" {
		// The 8.0.2 per-node endpoint has neither cluster nor node: the scrape
		// target is the only thing telling nodes apart.
		id.Node = l.Instance
	}
	if id.Certificate == "" {
		id.Certificate = Unnamed
	}
	return id
}

// certificateName names the certificate a series reports on, the same way
// whichever schema it came from: logical_name="api", cert_type="api_cert",
// filename="api_cert.pem" and path="/etc/opt/redislabs/api_cert.pem" are all
// "api". It returns "" when no label names the certificate.
//
// Order: logical_name (verbatim); cert_type without a trailing "_cert"; the
// base name of path, locator, filename, and finally of filepath, the latter
// only when filepath names a file (see namesFile). Base names lose a trailing
// "_cert.pem", "_cert.crt", "_cert.cer", ".pem", ".crt" or ".cer" (first match,
// ASCII case-insensitive), unless stripping would leave nothing.
func certificateName(l Labels) string {
	if l.LogicalName != "" {
		return l.LogicalName
	}
	if l.CertType != "" {
		return trimSuffixFold(l.CertType, "_cert")
	}
	if n := fileName(l.Path); n != "" {
		return n
	}
	if n := fileName(l.Locator); n != "" {
		return n
	}
	if n := fileName(l.Filename); n != "" {
		return n
	}
	if namesFile(l.Filepath, l.Filename) {
		return fileName(l.Filepath)
	}
	return ""
}

// filePath returns path, else locator, else filepath when it names a file,
// else filepath+"/"+filename when filepath is a directory and filename is set,
// else filename, else "".
func filePath(l Labels) string {
	if l.Path != "" {
		return l.Path
	}
	if l.Locator != "" {
		return l.Locator
	}
	fp, fn := l.Filepath, l.Filename
	if fp != "" {
		if namesFile(fp, fn) {
			return fp
		}
		if fn != "" {
			return joinDir(fp, fn)
		}
	}
	return fn
}

// hasPath reports whether filePath would return a non-empty string, without
// building it.
func hasPath(l Labels) bool {
	return l.Path != "" || l.Locator != "" || l.Filename != "" || namesFile(l.Filepath, "")
}

func joinDir(dir, file string) string {
	if strings.HasSuffix(dir, "/") || strings.HasPrefix(file, "/") {
		return dir + file
	}
	return dir + "/" + file
}

// certFileExts are the extensions that make a filepath label a file rather
// than a directory. In the 7.18 schema filepath is a DIRECTORY
// (/etc/opt/redislabs) and naming the certificate after it would call every
// certificate "redislabs"; in the 7.8 schema it is the full file path.
var certFileExts = [...]string{
	".pem", ".crt", ".cer", ".cert", ".key", ".der",
	".p7b", ".p7c", ".p12", ".pfx", ".jks",
}

// namesFile reports whether a filepath label value names a file: its base name
// is non-empty and either equals the filename label (7.8 schema: filepath is
// the full path of filename, whatever its extension) or ends in a certificate
// file extension (ASCII case-insensitive). A trailing "/" always means a
// directory.
func namesFile(filepath, filename string) bool {
	base := baseName(filepath)
	if base == "" {
		return false
	}
	if filename != "" && base == filename {
		return true
	}
	for _, ext := range certFileExts {
		if hasSuffixFold(base, ext) && len(base) > len(ext) {
			return true
		}
	}
	return false
}

// baseName is the part after the last "/". Unlike path.Base it does not skip
// trailing slashes: "/etc/opt/redislabs/" is a directory, and a directory does
// not name a certificate. "." and ".." are not names either.
func baseName(p string) string {
	base := p[strings.LastIndexByte(p, '/')+1:]
	if base == "." || base == ".." {
		return ""
	}
	return base
}

// nameSuffixes are stripped from file base names, first match wins, so that
// "api_cert.pem" and "trusted_ca.pem" become "api" and "trusted_ca", while
// "client_cert-12941999:1-crdt.pem" only loses ".pem".
var nameSuffixes = [...]string{"_cert.pem", "_cert.crt", "_cert.cer", ".pem", ".crt", ".cer"}

func fileName(p string) string {
	base := baseName(p)
	for _, s := range nameSuffixes {
		if len(base) > len(s) && hasSuffixFold(base, s) {
			return base[:len(base)-len(s)]
		}
	}
	return base
}

// trimSuffixFold trims suffix s (ASCII case-insensitive) unless that would
// leave the empty string: a cert_type of "_cert" is odd, but still a name.
func trimSuffixFold(v, s string) string {
	if len(v) > len(s) && hasSuffixFold(v, s) {
		return v[:len(v)-len(s)]
	}
	return v
}

// hasSuffixFold is an ASCII-only case-insensitive suffix test. s is always
// lower-case ASCII here; ASCII-only folding keeps Unicode folds (the Kelvin
// sign folds to "k") from stripping bytes out of the middle of a rune.
func hasSuffixFold(v, s string) bool {
	if len(v) < len(s) {
		return false
	}
	v = v[len(v)-len(s):]
	for i := 0; i < len(s); i++ {
		c := v[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != s[i] {
			return false
		}
	}
	return true
}
