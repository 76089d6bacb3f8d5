package simulator

import (
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
)

// Directory all Redis Software certificates live in.
const certDir = "/etc/opt/redislabs"

// StandardCertificates is the per-node population, in the order
// ClusterConfig.CertsPerNode takes it.
var StandardCertificates = []string{
	"cm", "api", "proxy", "metrics_exporter", "syncer", "trusted_ca",
	"ccs_internode_encryption", "data_internode_encryption", "mesh_ca_signed", "gossip_ca_signed",
}

// activeActiveCertificates appear on node 2 of filename-schema clusters, as in
// the RS 7.18 scrape the schema comes from.
var activeActiveCertificates = []string{"client_cert-12941999:1-crdt", "server_cert-12941999:1-crdt"}

// Category groups certificates by who renews them.
type Category string

const (
	CategoryUser         Category = "user"          // self-signed for 365 days until the user replaces them
	CategoryInternode    Category = "internode"     // rotated by Redis Software unless customer-managed
	CategoryCA           Category = "ca"            // the cluster's internal CA, ~15 years
	CategoryActiveActive Category = "active-active" // per-database *-crdt.pem files
)

// Certificate is the ground truth about one simulated certificate.
type Certificate struct {
	Cluster          string    `json:"cluster"`
	Node             string    `json:"node"`
	Name             string    `json:"certificate"` // short name: "api", "client_cert-12941999:1-crdt"
	Category         Category  `json:"category"`
	Filename         string    `json:"filename"`
	Path             string    `json:"path"`
	Expiry           time.Time `json:"expiry"` // the one in effect now (internode ones rotate)
	RemainingSeconds float64   `json:"remaining_seconds"`
	AutoRotated      bool      `json:"auto_rotated"`
	InV1             bool      `json:"in_v1"` // v1 (/) shows only the certificates the docs list for it
	Vanished         bool      `json:"vanished"`
	// RotationSkipped: an auto-rotated certificate on a node the rotation job skips
	// (Config.SkipRotation); its expiry only moves when it is renewed.
	RotationSkipped bool `json:"rotation_skipped"`
	// RenewedAt is when the renewal in effect now was made (Config.Renewals, Renew);
	// zero when there is none (rotations are not renewals).
	RenewedAt time.Time `json:"renewed_at,omitzero"`
}

// cert is a Certificate plus what serving it needs, rendered once in New.
type cert struct {
	Certificate
	expiry0      int64 // unix ns of the expiry at Start
	skipRotation bool  // the rotation job skips this node (AutoRotated stays true)
	vanished     atomic.Bool
	renewals     atomic.Pointer[[]renewal] // sorted by time; nil: never renewed
	serial       string
	v1, v2       []byte // "metric{labels} " ready to append a value to
}

func fileFor(name string) string {
	switch {
	case name == "trusted_ca" || strings.HasSuffix(name, "-crdt"):
		return name + ".pem"
	default:
		return name + "_cert.pem"
	}
}

func categoryOf(name string) Category {
	switch {
	case name == "trusted_ca":
		return CategoryCA
	case strings.HasSuffix(name, "-crdt"):
		return CategoryActiveActive
	case strings.HasSuffix(name, "_internode_encryption"), strings.HasSuffix(name, "_ca_signed"):
		return CategoryInternode
	default:
		return CategoryUser
	}
}

// namesFor returns the certificate names on one node (0: the names every node has).
func namesFor(c *ClusterConfig, node int) []string {
	n := c.CertsPerNode
	if n == 0 {
		n = len(StandardCertificates)
	}
	names := append([]string(nil), StandardCertificates[:min(n, len(StandardCertificates))]...)
	for i := len(StandardCertificates); i < n; i++ {
		names = append(names, fmt.Sprintf("extra_%02d", i-len(StandardCertificates)+1))
	}
	if c.Schema == SchemaFilename && node == 2 {
		names = append(names, activeActiveCertificates...)
	}
	return names
}

// Health buckets of user-managed certificates; the forced ones guarantee every
// cluster shows each status a dashboard colours differently.
type health int

const (
	healthy  health = iota // > 30 days
	soon                   // 14..30 days
	critical               // 0..14 days
	expired                // < 0
)

const day = int64(24 * time.Hour)

// remainingFor draws a remaining lifetime (ns) inside the bucket, whole seconds
// so that frozen values are exact.
func remainingFor(r *rand.Rand, h health) int64 {
	sec := r.Int64N(86400) * int64(time.Second)
	switch h {
	case soon:
		return (16+r.Int64N(13))*day + sec
	case critical:
		return (2+r.Int64N(11))*day + sec
	case expired:
		return -(1+r.Int64N(30))*day - sec
	default:
		return (45+r.Int64N(316))*day + sec
	}
}

// clusterScenario is what Config says about one cluster's rotations.
type clusterScenario struct {
	firstRotation time.Duration   // > 0: internode certificates rotate first at Start+firstRotation
	skip          map[string]bool // node ids whose rotation is skipped
}

// populate builds one cluster's certificates. Each cluster draws from its own
// stream keyed by seed and name, so adding a cluster leaves the others alone.
//
// As in Redis Software, a user-managed certificate (cm, api, proxy, ...) is set
// for the whole cluster, so every node reports the same expiry (and, being the
// same file, the same serial); internode certificates are issued per node but
// rotated together, so they share one expiry per cluster and name. The CA is one
// per cluster, Active-Active files are per node.
func populate(cl *ClusterConfig, seed int64, start time.Time, sc clusterScenario) [][]*cert {
	h := fnv.New64a()
	h.Write([]byte(cl.Name))
	r := rand.New(rand.NewPCG(uint64(seed), h.Sum64()))
	t0 := start.UnixNano()

	caExpiry := t0 + (5479-r.Int64N(731))*day + r.Int64N(86400)*int64(time.Second)
	caSerial := strconv.FormatUint(uint64(r.Uint32()), 10)

	// One expiry per cluster-wide name, drawn in name order.
	type shared struct {
		expiry int64
		serial string // user-managed: one file on every node
	}
	wide := map[string]*shared{}
	var users []string
	for _, name := range namesFor(cl, 0) {
		sh := &shared{}
		switch categoryOf(name) {
		case CategoryInternode:
			if !cl.CustomerManagedINE { // anywhere in (60, 90] days: between two rotations
				sh.expiry = t0 + rotateAt + (1+r.Int64N((internodeLifetime-rotateAt)/int64(time.Second)))*int64(time.Second)
				if sc.firstRotation > 0 { // drawn all the same, so the stream stays put
					sh.expiry = t0 + int64(sc.firstRotation) + rotateAt
				}
			} else { // customer-provided: no rotation, so show some running low
				sh.expiry = t0 + (5+r.Int64N(86))*day + r.Int64N(86400)*int64(time.Second)
			}
		case CategoryUser:
			sh.serial = strconv.FormatUint(uint64(r.Uint32()), 10)
			users = append(users, name)
		default:
			continue
		}
		wide[name] = sh
	}

	// One user-managed name per non-healthy bucket, chosen at random, always
	// keeping one healthy; the rest mostly healthy with the odd one out.
	buckets := make([]health, len(users))
	perm := r.Perm(len(users))
	forced := []health{expired, critical, soon}
	nForced := min(len(forced), max(len(users)-1, 0))
	for i := range nForced {
		buckets[perm[i]] = forced[i]
	}
	for i := nForced; i < len(perm)-1; i++ {
		if r.IntN(10) == 0 {
			buckets[perm[i]] = health(1 + r.IntN(3))
		}
	}
	for i, name := range users {
		wide[name].expiry = t0 + remainingFor(r, buckets[i])
	}

	nodes := make([][]*cert, cl.Nodes)
	for n := range nodes {
		id := strconv.Itoa(n + 1)
		for _, name := range namesFor(cl, n+1) {
			c := &cert{Certificate: Certificate{
				Cluster: cl.Name, Node: id, Name: name, Category: categoryOf(name),
				Filename: fileFor(name), Path: certDir + "/" + fileFor(name),
			}}
			c.InV1 = c.Category == CategoryUser || c.Category == CategoryInternode
			switch c.Category {
			case CategoryCA:
				c.expiry0, c.serial = caExpiry, caSerial
			case CategoryActiveActive:
				c.serial = strconv.FormatUint(uint64(r.Uint32()), 10)
				c.expiry0 = t0 + (200+r.Int64N(161))*day + r.Int64N(86400)*int64(time.Second)
			case CategoryInternode: // one certificate per node (its own serial), rotated together
				c.serial = strconv.FormatUint(uint64(r.Uint32()), 10)
				c.expiry0 = wide[name].expiry
				c.AutoRotated = !cl.CustomerManagedINE
				c.skipRotation = c.AutoRotated && sc.skip[id]
				c.RotationSkipped = c.skipRotation
			case CategoryUser:
				c.expiry0, c.serial = wide[name].expiry, wide[name].serial
			}
			nodes[n] = append(nodes[n], c)
		}
	}
	return nodes
}
