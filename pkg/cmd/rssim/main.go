// Command rssim serves simulated Redis Software metrics endpoints (port 8070:
// / for v1, /v2, /control/... to vanish, restore and renew certificates).
// Flags are read by package simulator/cmdline, everything else lives in
// package simulator.
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
	"syscall"
	"time"

	"github.com/seed/rscerts/pkg/simulator"
	"github.com/seed/rscerts/pkg/simulator/cmdline"
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

// run serves until ctx is done, then shuts down gracefully. Flags are package
// cmdline's.
func run(ctx context.Context, args []string, stdout io.Writer) error {
	o, err := cmdline.Parse(args, stdout)
	if err != nil {
		return err
	}
	cfg := o.Config
	sim, err := o.New()
	if err != nil {
		return err
	}

	ln, err := net.Listen("tcp", o.Listen)
	if err != nil {
		return err
	}
	scheme := "http"
	if o.TLS {
		cert, err := serverCert(o.CertFile, o.KeyFile, o.Listen, cfg.Clusters)
		if err != nil {
			ln.Close()
			return err
		}
		ln = tls.NewListener(ln, &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12})
		scheme = "https"
	}

	srv := &http.Server{Handler: sim.Handler(), ReadHeaderTimeout: 10 * time.Second}
	fmt.Fprintf(stdout, "rssim: serving %s on %s://%s (GET / v1, GET /v2, POST /control/vanish|restore|renew, GET /control/certificates; seed %d, start %s, frozen %v, speed %g)\n",
		o.Describe(), scheme, ln.Addr(), cfg.Seed, sim.Now().Format(time.RFC3339), cfg.Frozen, sim.Speed())

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
