// Package cmdline reads rssim's command line into a simulator configuration, so
// that a test can build, in its own process, the simulator a command line (the
// compose demo's, say) starts; cmd/rssim adds only serving it.
package cmdline

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/seed/rscerts/pkg/simulator"
)

// Options is a parsed rssim command line.
type Options struct {
	Listen            string
	TLS               bool
	CertFile, KeyFile string
	Scale             string // -scale as given ("" = -cluster or the demo clusters)
	// Config is the simulator configuration; Frozen, Start and Speed included. A test may
	// change it (freeze the clock, fix Start) before New.
	Config simulator.Config
	// Vanish are the -vanish specs (cluster/node/certificate), applied by New.
	Vanish []string
	// spelled maps a scenario entry (field and String()) to the flag value it was read from,
	// so that New's errors quote what the user wrote.
	spelled map[string]string
}

type listFlag []string

func (l *listFlag) String() string     { return strings.Join(*l, ",") }
func (l *listFlag) Set(v string) error { *l = append(*l, v); return nil }

// flagOf names the flag of each simulator.ScenarioError field.
var flagOf = map[string]string{"Renewals": "-renew", "SkipRotation": "-skip-rotation", "FirstRotations": "-rotate-after"}

// Parse reads args (without the program name). Usage and flag errors are written to
// output; -h gives flag.ErrHelp.
func Parse(args []string, output io.Writer) (*Options, error) {
	fs := flag.NewFlagSet("rssim", flag.ContinueOnError)
	fs.SetOutput(output)
	var clusters, vanish, renew, skip, rotate listFlag
	o := &Options{}
	fs.StringVar(&o.Listen, "listen", ":8070", "address to listen on")
	fs.BoolVar(&o.TLS, "tls", true, "serve HTTPS (self-signed certificate unless -tls-cert/-tls-key)")
	fs.StringVar(&o.CertFile, "tls-cert", "", "PEM certificate file (with -tls-key)")
	fs.StringVar(&o.KeyFile, "tls-key", "", "PEM key file (with -tls-cert)")
	fs.Var(&clusters, "cluster", "name:nodes:schema[:ine], repeatable; schema is docs, filename, node-endpoint or x509 (default: the four demo clusters)")
	fs.StringVar(&o.Scale, "scale", "", "clusters:nodes:certs, many docs-schema clusters instead of -cluster")
	seed := fs.Int64("seed", 1, "seed of all simulated values")
	frozen := fs.Bool("frozen", false, "never move the clock (deterministic output)")
	start := fs.String("start", "", "simulated start time, RFC3339 (default now)")
	speed := fs.Float64("speed", 1, "simulated seconds per real second, e.g. 1440 for a simulated day per real minute (ignored with -frozen)")
	fs.Var(&vanish, "vanish", "cluster/node/certificate to hide at start (node empty = all nodes), repeatable")
	fs.Var(&renew, "renew", "cluster/certificate[/nodes]@after[:lifetime]: replace the certificate on nodes (comma-separated ids; none = all) at start+after in simulated time with one valid for lifetime (default 365d, internode 90d), e.g. c2.example.com/proxy/1,2@24h; durations as 90m, 36h, 1d, 1d12h; repeatable")
	fs.Var(&skip, "skip-rotation", "cluster/node[,node...]: nodes whose internode certificates the rotation job skips (RS200137), e.g. c1.example.com/3; repeatable")
	fs.Var(&rotate, "rotate-after", "cluster@after: rotate the cluster's internode certificates first at start+after (at most 30d; they start with after+60d left), e.g. c1.example.com@12h; repeatable")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("unexpected arguments %q", fs.Args())
	}

	cfg, err := buildConfig(clusters, o.Scale, *seed)
	if err != nil {
		return nil, err
	}
	cfg.Frozen = *frozen
	if *start != "" {
		if cfg.Start, err = time.Parse(time.RFC3339, *start); err != nil {
			return nil, fmt.Errorf("-start: %w", err)
		}
	}
	if math.IsNaN(*speed) || math.IsInf(*speed, 0) || *speed <= 0 {
		return nil, fmt.Errorf("-speed %v: want simulated seconds per real second, > 0 (1 = real time)", *speed)
	}
	cfg.Speed = *speed
	o.spelled = map[string]string{}
	for _, spec := range renew {
		r, err := simulator.ParseRenewal(spec)
		if err != nil {
			return nil, o.flagError(err)
		}
		cfg.Renewals = append(cfg.Renewals, r)
		o.spelled["Renewals "+r.String()] = spec
	}
	for _, spec := range skip {
		refs, err := simulator.ParseSkipRotation(spec)
		if err != nil {
			return nil, o.flagError(err)
		}
		cfg.SkipRotation = append(cfg.SkipRotation, refs...)
		for _, n := range refs {
			o.spelled["SkipRotation "+n.String()] = spec
		}
	}
	for _, spec := range rotate {
		f, err := simulator.ParseFirstRotation(spec)
		if err != nil {
			return nil, o.flagError(err)
		}
		cfg.FirstRotations = append(cfg.FirstRotations, f)
		o.spelled["FirstRotations "+f.String()] = spec
	}
	for _, v := range vanish {
		if p := strings.SplitN(v, "/", 3); len(p) != 3 || p[0] == "" || p[2] == "" {
			return nil, fmt.Errorf("-vanish %q: want cluster/node/certificate (node empty = all nodes)", v)
		}
	}
	o.Config, o.Vanish = cfg, vanish
	return o, nil
}

// flagError names the flag a simulator.ScenarioError comes from, and quotes the
// flag's value as written.
func (o *Options) flagError(err error) error {
	var se *simulator.ScenarioError
	if errors.As(err, &se) {
		spec := se.Spec
		if v, ok := o.spelled[se.Field+" "+se.Spec]; ok {
			spec = v
		}
		return fmt.Errorf("%s %q: %w", flagOf[se.Field], spec, se.Err)
	}
	return err
}

// New builds the simulator of o.Config and hides the -vanish certificates.
func (o *Options) New() (*simulator.Simulator, error) {
	sim, err := simulator.New(o.Config)
	if err != nil {
		return nil, o.flagError(err)
	}
	for _, v := range o.Vanish {
		p := strings.SplitN(v, "/", 3)
		if len(p) != 3 || sim.SetVanished(p[0], p[1], p[2], true) == 0 {
			return nil, fmt.Errorf("-vanish %q: want cluster/node/certificate naming an existing certificate", v)
		}
	}
	return sim, nil
}

func buildConfig(clusters []string, scale string, seed int64) (simulator.Config, error) {
	if scale != "" {
		if len(clusters) > 0 {
			return simulator.Config{}, errors.New("-scale and -cluster exclude each other")
		}
		var n [3]int
		p := strings.Split(scale, ":")
		for i := 0; i < len(n) && len(p) == len(n); i++ {
			n[i], _ = strconv.Atoi(p[i])
		}
		if n[0] < 1 || n[1] < 1 || n[2] < 1 {
			return simulator.Config{}, fmt.Errorf("-scale %q: want clusters:nodes:certs, all >= 1", scale)
		}
		return simulator.ScaleConfig(n[0], n[1], n[2], seed), nil
	}
	cfg := simulator.Config{Seed: seed, Clusters: simulator.DemoClusters()}
	if len(clusters) > 0 {
		cfg.Clusters = nil
		for _, spec := range clusters {
			c, err := simulator.ParseClusterSpec(spec)
			if err != nil {
				return cfg, err
			}
			cfg.Clusters = append(cfg.Clusters, c)
		}
	}
	return cfg, nil
}

// Describe summarizes the clusters and the scenario for rssim's start line.
func (o *Options) Describe() string {
	cfg := o.Config
	var s string
	if o.Scale != "" {
		s = fmt.Sprintf("%d clusters (scale %s)", len(cfg.Clusters), o.Scale)
	} else {
		var parts []string
		for _, c := range cfg.Clusters {
			p := fmt.Sprintf("%s:%d:%s", c.Name, c.Nodes, c.Schema)
			if c.CustomerManagedINE {
				p += ":ine"
			}
			parts = append(parts, p)
		}
		s = fmt.Sprintf("%d clusters [%s]", len(cfg.Clusters), strings.Join(parts, " "))
	}
	var sc []string
	for _, f := range cfg.FirstRotations {
		sc = append(sc, "rotate-after "+f.String())
	}
	for _, n := range cfg.SkipRotation {
		sc = append(sc, "skip-rotation "+n.String())
	}
	for _, r := range cfg.Renewals {
		sc = append(sc, "renew "+r.String())
	}
	if len(sc) > 0 {
		s += " scenario [" + strings.Join(sc, ", ") + "]"
	}
	return s
}
