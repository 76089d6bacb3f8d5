package certs

// Category tells who renews a certificate, which decides the thresholds and
// how worried an operator should be.
type Category string

const (
	// UserManaged certificates are replaced by people (self-signed for 365
	// days until the user replaces them).
	UserManaged Category = "user-managed"
	// AutoRotated certificates are the internode ones Redis Software rotates
	// on its own (about 90 days, rotated when 60 remain).
	AutoRotated Category = "auto-rotated"
	// Other is everything not known by name: Active-Active *-crdt files and
	// names future releases add. They are kept, never dropped.
	Other Category = "other"
	// CategoryAll is not a certificate's category: a filter's, keeping every category.
	CategoryAll Category = "all"
)

// Classify returns the category of a certificate name as certificateName
// returns it. Names are matched exactly (Redis Software names are lower
// case); anything unknown, including Unnamed, is Other.
//
// When the cluster reports customer_managed_ine_certificates = 1 the
// internode certificates were provided by the customer and nobody rotates
// them, so they are user-managed.
func Classify(certificate string, customerManagedINE bool) Category {
	switch certificate {
	case "ccs_internode_encryption", "data_internode_encryption", "mesh_ca_signed", "gossip_ca_signed":
		if customerManagedINE {
			return UserManaged
		}
		return AutoRotated
	case "cm", "api", "proxy", "metrics_exporter", "syncer", "trusted_ca",
		"ldap_client", "mtls_trusted_ca", "sso_issuer", "sso_service":
		return UserManaged
	}
	return Other
}
