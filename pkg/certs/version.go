package certs

import (
	"slices"
	"strings"
)

// Version is the Redis Software metrics endpoint that reported a sample.
type Version string

const (
	V1 Version = "v1" // https://<cluster>:8070/ (node_cert_expiration_seconds)
	V2 Version = "v2" // https://<cluster>:8070/v2 (node_cert_expires_in_seconds, x509_cert_expires_in_seconds)
)

// versionSet collects the versions that reported a row. v1 and v2 are bits so
// the hot path does not allocate; any other (future) version string is kept
// in a small slice instead of being dropped. The empty version contributes
// nothing.
type versionSet struct {
	bits  uint8
	other []string
}

const (
	bitV1 uint8 = 1 << iota
	bitV2
)

func (s *versionSet) add(v Version) {
	switch v {
	case V1:
		s.bits |= bitV1
	case V2:
		s.bits |= bitV2
	case "":
	default:
		if !slices.Contains(s.other, string(v)) {
			s.other = append(s.other, string(v))
		}
	}
}

// String is the sorted, "+"-joined list: "v1", "v2", "v1+v2". The common
// cases are constants and do not allocate.
func (s versionSet) String() string {
	if len(s.other) == 0 {
		switch s.bits {
		case bitV1:
			return "v1"
		case bitV2:
			return "v2"
		case bitV1 | bitV2:
			return "v1+v2"
		}
		return ""
	}
	all := make([]string, 0, len(s.other)+2)
	if s.bits&bitV1 != 0 {
		all = append(all, "v1")
	}
	if s.bits&bitV2 != 0 {
		all = append(all, "v2")
	}
	all = append(all, s.other...)
	slices.Sort(all)
	return strings.Join(all, "+")
}
