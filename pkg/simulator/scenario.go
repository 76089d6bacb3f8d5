package simulator

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Default lifetimes of a renewed certificate: a year for user-managed ones (and
// the CA and Active-Active files), 90 days for internode ones, as Redis
// Software issues them.
const (
	DefaultUserLifetime      = 365 * 24 * time.Hour
	DefaultInternodeLifetime = 90 * 24 * time.Hour
)

// MaxRotateAfter is the latest first rotation Config.FirstRotations accepts: an
// internode certificate between two rotations has at most 90 days left, so its
// next rotation (at 60 days) is at most 30 days away.
const MaxRotateAfter = time.Duration(internodeLifetime - rotateAt)

// maxLifetime bounds renewals so that expiries stay far inside int64 nanoseconds.
const maxLifetime = 100 * 365 * 24 * time.Hour

// DefaultLifetime is the validity of a certificate of category c once renewed.
func DefaultLifetime(c Category) time.Duration {
	if c == CategoryInternode {
		return DefaultInternodeLifetime
	}
	return DefaultUserLifetime
}

// Renewal replaces a certificate on some nodes of a cluster at Start+After
// (simulated time) with one valid for Lifetime, as an operator replacing a
// user-managed certificate does. Rotations of auto-rotated ones continue from
// the new expiry (unless the node's rotation is skipped).
type Renewal struct {
	Cluster string
	// Certificate is the short name ("proxy"), the file name ("proxy_cert.pem"), or
	// "*" for every certificate of the nodes.
	Certificate string
	// Nodes are node ids ("1", "2"); empty means every node of the cluster.
	Nodes []string
	// After is when, after Config.Start, in simulated time (>= 0).
	After time.Duration
	// Lifetime is the new certificate's validity; 0 means DefaultLifetime of its category.
	Lifetime time.Duration
}

// String is the spec ParseRenewal reads: cluster/certificate[/nodes]@after[:lifetime].
func (r Renewal) String() string {
	s := r.Cluster + "/" + r.Certificate
	if len(r.Nodes) > 0 {
		s += "/" + strings.Join(r.Nodes, ",")
	}
	s += "@" + FormatDuration(r.After)
	if r.Lifetime != 0 {
		s += ":" + FormatDuration(r.Lifetime)
	}
	return s
}

// NodeRef names one node of a cluster.
type NodeRef struct{ Cluster, Node string }

func (n NodeRef) String() string { return n.Cluster + "/" + n.Node }

// FirstRotation sets when a cluster's internode certificates are first rotated:
// at Start+After, so at Start they expire at Start+After+60 days (instead of a
// drawn point between two rotations). 0 < After <= MaxRotateAfter.
type FirstRotation struct {
	Cluster string
	After   time.Duration
}

func (f FirstRotation) String() string { return f.Cluster + "@" + FormatDuration(f.After) }

// ScenarioError is an entry of Config.Renewals, SkipRotation or FirstRotations
// (or its spec) that is refused, and why.
type ScenarioError struct {
	Field string // "Renewals", "SkipRotation" or "FirstRotations"
	Spec  string // the entry as ParseRenewal, ParseSkipRotation or ParseFirstRotation read it
	Err   error
}

func (e *ScenarioError) Error() string {
	kind := map[string]string{"Renewals": "renewal", "SkipRotation": "skipped rotation", "FirstRotations": "first rotation"}[e.Field]
	return fmt.Sprintf("%s %q: %v", kind, e.Spec, e.Err)
}

func (e *ScenarioError) Unwrap() error { return e.Err }

func renewalErr(spec string, err error) error {
	return &ScenarioError{Field: "Renewals", Spec: spec, Err: err}
}
func skipErr(spec string, err error) error {
	return &ScenarioError{Field: "SkipRotation", Spec: spec, Err: err}
}
func firstRotationErr(spec string, err error) error {
	return &ScenarioError{Field: "FirstRotations", Spec: spec, Err: err}
}

// ParseDuration reads a Go duration ("36h", "90m") or days with an optional Go
// duration after them ("1d", "1.5d", "365d", "1d12h").
func ParseDuration(s string) (time.Duration, error) {
	days, rest, ok := strings.Cut(s, "d")
	if !ok {
		return time.ParseDuration(s)
	}
	n, err := strconv.ParseFloat(days, 64)
	if err != nil || days == "" || strings.ContainsAny(days, "eEnNiIxXpP_") || math.IsNaN(n) || math.Abs(n) > 1e6 {
		return 0, fmt.Errorf("invalid duration %q", s)
	}
	d := time.Duration(n * float64(24*time.Hour))
	if rest != "" {
		if rest[0] == '-' || rest[0] == '+' {
			return 0, fmt.Errorf("invalid duration %q", s)
		}
		x, err := time.ParseDuration(rest)
		if err != nil {
			return 0, fmt.Errorf("invalid duration %q", s)
		}
		if n < 0 {
			x = -x
		}
		d += x
	}
	return d, nil
}

// FormatDuration writes whole days as "30d" and anything else as Go does, without
// zero minutes and seconds ("12h", "1h30m", "90s").
func FormatDuration(d time.Duration) string {
	const dayD = 24 * time.Hour
	if d != 0 && d%dayD == 0 {
		return strconv.FormatInt(int64(d/dayD), 10) + "d"
	}
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = s[:len(s)-2]
	}
	if strings.HasSuffix(s, "h0m") {
		s = s[:len(s)-2]
	}
	return s
}

// ParseRenewal reads cluster/certificate[/nodes]@after[:lifetime], as rssim -renew
// takes it: nodes is a comma-separated list of node ids (empty or * = every node),
// after and lifetime are durations (ParseDuration: "24h", "1d", "400d"). Examples:
// "c2.example.com/proxy/1,2@24h", "c2.example.com/api@1d:400d".
func ParseRenewal(spec string) (Renewal, error) {
	const want = "want cluster/certificate[/nodes]@after[:lifetime], e.g. c2.example.com/proxy/1,2@24h"
	var r Renewal
	at := strings.LastIndexByte(spec, '@')
	if at < 0 {
		return r, renewalErr(spec, errors.New("no @after: "+want))
	}
	target, when := spec[:at], spec[at+1:]
	p := strings.SplitN(target, "/", 3)
	if len(p) < 2 || p[0] == "" || p[1] == "" {
		return r, renewalErr(spec, errors.New(want))
	}
	r.Cluster, r.Certificate = p[0], p[1]
	if len(p) == 3 && p[2] != "" && p[2] != "*" {
		nodes, err := parseNodes(p[2])
		if err != nil {
			return r, renewalErr(spec, err)
		}
		r.Nodes = nodes
	}
	after, lifetime, hasLifetime := strings.Cut(when, ":")
	var err error
	if r.After, err = ParseDuration(after); err != nil {
		return r, renewalErr(spec, fmt.Errorf("after: %w", err))
	}
	if hasLifetime {
		if r.Lifetime, err = ParseDuration(lifetime); err != nil {
			return r, renewalErr(spec, fmt.Errorf("lifetime: %w", err))
		}
		if r.Lifetime <= 0 {
			return r, renewalErr(spec, errors.New("lifetime must be positive"))
		}
	}
	if err := r.validate(nil); err != nil {
		return r, renewalErr(spec, err)
	}
	return r, nil
}

// ParseSkipRotation reads cluster/nodes, as rssim -skip-rotation takes it: the nodes
// (comma-separated ids) whose internode certificates the rotation job skips.
// Example: "c1.example.com/3".
func ParseSkipRotation(spec string) ([]NodeRef, error) {
	i := strings.LastIndexByte(spec, '/')
	if i <= 0 || i == len(spec)-1 {
		return nil, skipErr(spec, errors.New("want cluster/node[,node...], e.g. c1.example.com/3"))
	}
	nodes, err := parseNodes(spec[i+1:])
	if err != nil {
		return nil, skipErr(spec, err)
	}
	out := make([]NodeRef, len(nodes))
	for j, n := range nodes {
		out[j] = NodeRef{Cluster: spec[:i], Node: n}
	}
	return out, nil
}

// ParseFirstRotation reads cluster@after, as rssim -rotate-after takes it.
// Example: "c1.example.com@1h".
func ParseFirstRotation(spec string) (FirstRotation, error) {
	var f FirstRotation
	at := strings.LastIndexByte(spec, '@')
	if at <= 0 {
		return f, firstRotationErr(spec, errors.New("want cluster@after, e.g. c1.example.com@1h"))
	}
	d, err := ParseDuration(spec[at+1:])
	if err != nil {
		return f, firstRotationErr(spec, err)
	}
	f = FirstRotation{Cluster: spec[:at], After: d}
	if err := f.validate(nil); err != nil {
		return f, firstRotationErr(spec, err)
	}
	return f, nil
}

func parseNodes(list string) ([]string, error) {
	var out []string
	for _, n := range strings.Split(list, ",") {
		if id, err := strconv.Atoi(n); err != nil || id < 1 || strconv.Itoa(id) != n {
			return nil, fmt.Errorf("node %q: want a node id 1..N", n)
		}
		if !slices.Contains(out, n) {
			out = append(out, n)
		}
	}
	return out, nil
}

// checkNode reports whether node names a node of cl; cl nil checks the syntax only.
func checkNode(cl *ClusterConfig, node string) error {
	id, err := strconv.Atoi(node)
	if err != nil || id < 1 || strconv.Itoa(id) != node {
		return fmt.Errorf("node %q: want a node id 1..N", node)
	}
	if cl != nil && id > cl.Nodes {
		return fmt.Errorf("cluster %q has no node %s (nodes 1..%d)", cl.Name, node, cl.Nodes)
	}
	return nil
}

// validate checks r against cl (nil: everything that does not need the cluster).
func (r Renewal) validate(cl *ClusterConfig) error {
	var err error
	switch {
	case r.Cluster == "":
		err = errors.New("no cluster")
	case r.Certificate == "":
		err = errors.New("no certificate")
	case r.After < 0:
		err = errors.New("after must not be negative")
	case r.Lifetime < 0 || r.Lifetime > maxLifetime:
		err = fmt.Errorf("lifetime must be between 0 (the default) and %s", FormatDuration(maxLifetime))
	case r.After > maxLifetime:
		err = fmt.Errorf("after must be at most %s", FormatDuration(maxLifetime))
	}
	for _, n := range r.Nodes {
		if err == nil {
			err = checkNode(cl, n)
		}
	}
	return err
}

func (f FirstRotation) validate(cl *ClusterConfig) error {
	var err error
	switch {
	case f.Cluster == "":
		err = errors.New("no cluster")
	case f.After <= 0 || f.After > MaxRotateAfter:
		err = fmt.Errorf("after must be in (0, %s]: internode certificates are rotated when 60 of their 90 days remain", FormatDuration(MaxRotateAfter))
	case cl != nil && cl.CustomerManagedINE:
		err = fmt.Errorf("cluster %q has customer-managed internode certificates: nothing rotates them", cl.Name)
	}
	return err
}

func (n NodeRef) validate(cl *ClusterConfig) error {
	var err error
	switch {
	case n.Cluster == "":
		err = errors.New("no cluster")
	case cl != nil && cl.CustomerManagedINE:
		err = fmt.Errorf("cluster %q has customer-managed internode certificates: nothing rotates them", cl.Name)
	default:
		err = checkNode(cl, n.Node)
	}
	return err
}

// validateScenario checks Speed, Renewals, SkipRotation and FirstRotations against
// the (already validated) clusters.
func (cfg *Config) validateScenario() error {
	if math.IsNaN(cfg.Speed) || math.IsInf(cfg.Speed, 0) || cfg.Speed < 0 {
		return fmt.Errorf("speed %v: want simulated seconds per real second, > 0 (0 means 1)", cfg.Speed)
	}
	byName := make(map[string]*ClusterConfig, len(cfg.Clusters))
	for i := range cfg.Clusters {
		byName[cfg.Clusters[i].Name] = &cfg.Clusters[i]
	}
	lookup := func(name string) (*ClusterConfig, error) {
		if cl, ok := byName[name]; ok {
			return cl, nil
		}
		return nil, fmt.Errorf("unknown cluster %q", name)
	}
	for _, r := range cfg.Renewals {
		cl, err := lookup(r.Cluster)
		if err == nil {
			err = r.validate(cl)
		}
		if err != nil {
			return renewalErr(r.String(), err)
		}
	}
	for _, n := range cfg.SkipRotation {
		cl, err := lookup(n.Cluster)
		if err == nil {
			err = n.validate(cl)
		}
		if err != nil {
			return skipErr(n.String(), err)
		}
	}
	seen := map[string]bool{}
	for _, f := range cfg.FirstRotations {
		cl, err := lookup(f.Cluster)
		if err == nil {
			err = f.validate(cl)
		}
		if err == nil && seen[f.Cluster] {
			err = errors.New("set twice for the cluster")
		}
		if err != nil {
			return firstRotationErr(f.String(), err)
		}
		seen[f.Cluster] = true
	}
	return nil
}
