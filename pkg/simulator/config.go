package simulator

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Schema is the label schema a cluster's /v2 endpoint uses. Real output drifted
// between Redis Software releases; each value reproduces one of them.
type Schema string

const (
	// SchemaDocs: cluster, logical_name, node, path (v1-docs.prom / v2-docs.prom).
	SchemaDocs Schema = "docs"
	// SchemaFilename: cluster, node, filename, filepath (a DIRECTORY), exporter="local"
	// (RS 7.18, v2-filename.prom); node 2 also holds Active-Active *-crdt.pem files.
	SchemaFilename Schema = "filename"
	// SchemaNodeEndpoint: cert_type, locator (full path), exporter, store; no cluster and
	// no node label, each node's /v2 returns only its own series (RS 8.0.2).
	SchemaNodeEndpoint Schema = "node-endpoint"
	// SchemaX509: x509_cert_expires_in_seconds with issuer_*/subject_* labels (RS 7.8),
	// plus one unrelated exporter's series per scrape that consumers must ignore.
	SchemaX509 Schema = "x509"
)

// Schemas lists every schema, in the order the demo uses them.
var Schemas = []Schema{SchemaDocs, SchemaFilename, SchemaNodeEndpoint, SchemaX509}

func (s Schema) valid() bool {
	for _, k := range Schemas {
		if s == k {
			return true
		}
	}
	return false
}

// ClusterConfig describes one simulated cluster.
type ClusterConfig struct {
	Name   string
	Nodes  int    // node ids are "1".."Nodes"
	Schema Schema // "" means SchemaDocs
	// CustomerManagedINE: internode certificates are customer-provided, so
	// Redis Software does not rotate them and they can run out.
	CustomerManagedINE bool
	// CertsPerNode takes the first N of StandardCertificates (extra_01... beyond
	// ten); 0 means all ten standard ones.
	CertsPerNode int
}

// Config describes a whole simulator.
type Config struct {
	Clusters []ClusterConfig
	Seed     int64     // all randomness comes from this seed
	Start    time.Time // the simulated "now" at start; zero means time.Now()
	Frozen   bool      // the clock never moves unless SetNow is called (tests)
	// Speed is simulated seconds per real second: the clock's now is Start plus the real
	// time elapsed times Speed (1440: a simulated day per real minute). 0 means 1; a
	// Frozen clock ignores it.
	Speed float64

	// Renewals replace certificates at a simulated time (Renewal).
	Renewals []Renewal
	// SkipRotation names the nodes whose auto-rotated internode certificates the rotation
	// job skips (Redis Software RS200137): their expiry never advances by rotation, so they
	// count down through 60, 58, 45 days while the other nodes rotate.
	SkipRotation []NodeRef
	// FirstRotations make a cluster's first internode rotation happen at Start+After.
	FirstRotations []FirstRotation
}

// DemoClusters is the default set rssim serves: one cluster per schema, so a
// dashboard pointed at it meets every schema at once.
func DemoClusters() []ClusterConfig {
	return []ClusterConfig{
		{Name: "c1.example.com", Nodes: 3, Schema: SchemaDocs},
		{Name: "c2.example.com", Nodes: 3, Schema: SchemaFilename},
		{Name: "c3.example.com", Nodes: 2, Schema: SchemaNodeEndpoint},
		{Name: "legacy.example.com", Nodes: 2, Schema: SchemaX509},
	}
}

// ScaleConfig builds many docs-schema clusters (c001.example.com, ...) with
// certsPerNode certificates per node, for benchmarks. A /v2 scrape of it holds
// clusters*nodes*certsPerNode certificate series plus one gauge per cluster.
func ScaleConfig(clusters, nodes, certsPerNode int, seed int64) Config {
	width := max(3, len(strconv.Itoa(clusters)))
	cfg := Config{Seed: seed, Clusters: make([]ClusterConfig, clusters)}
	for i := range cfg.Clusters {
		cfg.Clusters[i] = ClusterConfig{
			Name:         fmt.Sprintf("c%0*d.example.com", width, i+1),
			Nodes:        nodes,
			Schema:       SchemaDocs,
			CertsPerNode: certsPerNode,
		}
	}
	return cfg
}

// ParseClusterSpec parses "name:nodes:schema[:ine]" as given to rssim -cluster.
// The name is everything before the last fields, so it may itself hold colons.
func ParseClusterSpec(spec string) (ClusterConfig, error) {
	parts := strings.Split(spec, ":")
	var c ClusterConfig
	if len(parts) >= 4 && parts[len(parts)-1] == "ine" {
		c.CustomerManagedINE = true
		parts = parts[:len(parts)-1]
	}
	if len(parts) < 3 {
		return c, fmt.Errorf("cluster spec %q: want name:nodes:schema[:ine]", spec)
	}
	c.Schema = Schema(parts[len(parts)-1])
	n, err := strconv.Atoi(parts[len(parts)-2])
	if err != nil {
		return c, fmt.Errorf("cluster spec %q: nodes: %w", spec, err)
	}
	c.Nodes = n
	c.Name = strings.Join(parts[:len(parts)-2], ":")
	return c, c.validate()
}

func (c *ClusterConfig) validate() error {
	switch {
	case c.Name == "":
		return errors.New("cluster with empty name")
	case c.Nodes < 1:
		return fmt.Errorf("cluster %q: nodes must be >= 1, got %d", c.Name, c.Nodes)
	case c.CertsPerNode < 0:
		return fmt.Errorf("cluster %q: negative CertsPerNode", c.Name)
	case c.Schema != "" && !c.Schema.valid():
		return fmt.Errorf("cluster %q: unknown schema %q (want one of %v)", c.Name, c.Schema, Schemas)
	}
	return nil
}

func (cfg *Config) validate() error {
	if len(cfg.Clusters) == 0 {
		return errors.New("no clusters configured")
	}
	seen := make(map[string]bool, len(cfg.Clusters))
	for i := range cfg.Clusters {
		c := &cfg.Clusters[i]
		if err := c.validate(); err != nil {
			return err
		}
		if seen[c.Name] {
			return fmt.Errorf("cluster %q configured twice", c.Name)
		}
		seen[c.Name] = true
	}
	return cfg.validateScenario()
}
