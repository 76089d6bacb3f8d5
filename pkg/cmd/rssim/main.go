// Command rssim serves simulated Redis Software metrics endpoints (port 8070:
// / for v1, /v2, /control/... to vanish and restore certificates). Everything
// but flag handling lives in package simulator.
package main

import (
	"context"
	"crypto/tls"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/seed/rscerts/pkg/simulator"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return
		}
		fmt.Fprintln(os.Stderr, "rssim:", err)
		os.Exit(1)
	}
}

type listFlag []string

func (l *listFlag) String() string     { return strings.Join(*l, ",") }
func (l *listFlag) Set(v string) error { *l = append(*l, v); return nil }

// run serves until ctx is done, then shuts down gracefully.
func run(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("rssim", flag.ContinueOnError)
	fs.SetOutput(stdout)
	var clusters, vanish listFlag
	listen := fs.String("listen", ":8070", "address to listen on")
	useTLS := fs.Bool("tls", true, "serve HTTPS (self-signed certificate unless -tls-cert/-tls-key)")
	certFile := fs.String("tls-cert", "", "PEM certificate file (with -tls-key)")
	keyFile := fs.String("tls-key", "", "PEM key file (with -tls-cert)")
	fs.Var(&clusters, "cluster", "name:nodes:schema[:ine], repeatable; schema is docs, filename, node-endpoint or x509 (default: the four demo clusters)")
	scale := fs.String("scale", "", "clusters:nodes:certs, many docs-schema clusters instead of -cluster")
	seed := fs.Int64("seed", 1, "seed of all simulated values")
	frozen := fs.Bool("frozen", false, "never move the clock (deterministic output)")
	start := fs.String("start", "", "simulated start time, RFC3339 (default now)")
	fs.Var(&vanish, "vanish", "cluster/node/certificate to hide at start (node empty = all nodes), repeatable")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments %q", fs.Args())
	}

	cfg, err := buildConfig(clusters, *scale, *seed)
	if err != nil {
		return err
	}
	cfg.Frozen = *frozen
	if *start != "" {
		if cfg.Start, err = time.Parse(time.RFC3339, *start); err != nil {
			return fmt.Errorf("-start: %w", err)
		}
	}
	sim, err := simulator.New(cfg)
	if err != nil {
		return err
	}
	for _, v := range vanish {
		p := strings.SplitN(v, "/", 3)
		if len(p) != 3 || sim.SetVanished(p[0], p[1], p[2], true) == 0 {
			return fmt.Errorf("-vanish %q: want cluster/node/certificate naming an existing certificate", v)
		}
	}

	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		return err
	}
	scheme := "http"
	if *useTLS {
		cert, err := serverCert(*certFile, *keyFile, *listen, cfg.Clusters)
		if err != nil {
			ln.Close()
			return err
		}
		ln = tls.NewListener(ln, &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12})
		scheme = "https"
	}

	srv := &http.Server{Handler: sim.Handler(), ReadHeaderTimeout: 10 * time.Second}
	fmt.Fprintf(stdout, "rssim: serving %s on %s://%s (GET / v1, GET /v2, POST /control/vanish|restore, GET /control/certificates; seed %d, start %s, frozen %v)\n",
		describe(cfg, *scale), scheme, ln.Addr(), cfg.Seed, sim.Now().Format(time.RFC3339), cfg.Frozen)

	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shutCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutCtx); err != nil {
		return err
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	fmt.Fprintln(stdout, "rssim: shut down")
	return nil
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

func describe(cfg simulator.Config, scale string) string {
	if scale != "" {
		return fmt.Sprintf("%d clusters (scale %s)", len(cfg.Clusters), scale)
	}
	var parts []string
	for _, c := range cfg.Clusters {
		s := fmt.Sprintf("%s:%d:%s", c.Name, c.Nodes, c.Schema)
		if c.CustomerManagedINE {
			s += ":ine"
		}
		parts = append(parts, s)
	}
	return fmt.Sprintf("%d clusters [%s]", len(cfg.Clusters), strings.Join(parts, " "))
}

// serverCert loads -tls-cert/-tls-key or makes a self-signed certificate for
// the listen host, this machine and the simulated cluster names.
func serverCert(certFile, keyFile, listen string, clusters []simulator.ClusterConfig) (tls.Certificate, error) {
	if certFile != "" || keyFile != "" {
		if certFile == "" || keyFile == "" {
			return tls.Certificate{}, errors.New("-tls-cert and -tls-key go together")
		}
		return tls.LoadX509KeyPair(certFile, keyFile)
	}
	var hosts []string
	if h, _, err := net.SplitHostPort(listen); err == nil && h != "" {
		hosts = append(hosts, h)
	}
	if h, err := os.Hostname(); err == nil {
		hosts = append(hosts, h)
	}
	if len(clusters) <= 100 { // a scale run would bloat the certificate for nothing
		for _, c := range clusters {
			hosts = append(hosts, c.Name)
		}
	}
	return selfSigned(hosts)
}
