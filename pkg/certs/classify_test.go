package certs

import "testing"

func TestClassify(t *testing.T) {
	tests := []struct {
		name string
		ine  bool
		want Category
	}{
		{"ccs_internode_encryption", false, AutoRotated},
		{"data_internode_encryption", false, AutoRotated},
		{"mesh_ca_signed", false, AutoRotated},
		{"gossip_ca_signed", false, AutoRotated},
		{"ccs_internode_encryption", true, UserManaged},
		{"data_internode_encryption", true, UserManaged},
		{"mesh_ca_signed", true, UserManaged},
		{"gossip_ca_signed", true, UserManaged},
		{"cm", false, UserManaged},
		{"api", false, UserManaged},
		{"api", true, UserManaged},
		{"proxy", false, UserManaged},
		{"metrics_exporter", false, UserManaged},
		{"syncer", false, UserManaged},
		{"trusted_ca", false, UserManaged},
		{"ldap_client", false, UserManaged},
		{"mtls_trusted_ca", false, UserManaged},
		{"sso_issuer", false, UserManaged},
		{"sso_service", false, UserManaged},
		{"client_cert-12941999:1-crdt", false, Other},
		{"server_cert-12941999:1-crdt", true, Other},
		{"future_cert", false, Other},
		{"API", false, Other},
		{Unnamed, false, Other},
		{"", false, Other},
	}
	for _, tt := range tests {
		if got := Classify(tt.name, tt.ine); got != tt.want {
			t.Errorf("Classify(%q, %v) = %q, want %q", tt.name, tt.ine, got, tt.want)
		}
	}
}

func TestContractStrings(t *testing.T) {
	for got, want := range map[string]string{
		string(V1): "v1", string(V2): "v2",
		string(UserManaged): "user-managed", string(AutoRotated): "auto-rotated", string(Other): "other",
		string(StatusExpired): "expired", string(StatusCritical): "critical", string(StatusWarning): "warning",
		string(StatusOK): "ok", string(StatusMissing): "missing",
		string(GroupByNode): "node", string(GroupByCertificate): "certificate", string(GroupByCluster): "cluster",
	} {
		if got != want {
			t.Errorf("constant %q, want %q", got, want)
		}
	}
}
