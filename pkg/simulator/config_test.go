package simulator

import "testing"

func TestParseClusterSpec(t *testing.T) {
	tests := []struct {
		spec string
		want ClusterConfig
		err  bool
	}{
		{"c1.example.com:3:docs", ClusterConfig{Name: "c1.example.com", Nodes: 3, Schema: SchemaDocs}, false},
		{"c3.example.com:2:node-endpoint:ine", ClusterConfig{Name: "c3.example.com", Nodes: 2, Schema: SchemaNodeEndpoint, CustomerManagedINE: true}, false},
		{"a:b:5:x509", ClusterConfig{Name: "a:b", Nodes: 5, Schema: SchemaX509}, false},
		{"c1:3", ClusterConfig{}, true},
		{"c1:three:docs", ClusterConfig{}, true},
		{"c1:0:docs", ClusterConfig{}, true},
		{"c1:3:yaml", ClusterConfig{}, true},
		{":3:docs", ClusterConfig{}, true},
	}
	for _, tt := range tests {
		got, err := ParseClusterSpec(tt.spec)
		if (err != nil) != tt.err || (!tt.err && got != tt.want) {
			t.Errorf("ParseClusterSpec(%q) = %+v, %v", tt.spec, got, err)
		}
	}
}

func TestNewRejects(t *testing.T) {
	for name, cfg := range map[string]Config{
		"no clusters": {},
		"duplicate":   {Clusters: []ClusterConfig{{Name: "a", Nodes: 1}, {Name: "a", Nodes: 2}}},
		"no nodes":    {Clusters: []ClusterConfig{{Name: "a"}}},
		"bad schema":  {Clusters: []ClusterConfig{{Name: "a", Nodes: 1, Schema: "v3"}}},
	} {
		if _, err := New(cfg); err == nil {
			t.Errorf("%s: New accepted %+v", name, cfg)
		}
	}
}
