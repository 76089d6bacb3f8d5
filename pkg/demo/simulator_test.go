package demo

import (
	"bufio"
	"context"
	"crypto/tls"
	"io"
	"net/http"
	"net/url"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/seed/rscerts/pkg/simulator"
)

// startRssim builds rssim and runs it with the compose service's command, listening on a
// free local port instead of :8070, and returns its base URL.
func startRssim(t *testing.T) string {
	t.Helper()
	args := append([]string(nil), loadCompose(t).Services["rssim"].Command...)
	replaced := false
	for i := range args {
		if args[i] == "-listen" && i+1 < len(args) {
			args[i+1], replaced = "127.0.0.1:0", true
		}
	}
	if !replaced {
		t.Fatalf("rssim command %q has no -listen", args)
	}
	bin := filepath.Join(t.TempDir(), "rssim")
	if out, err := exec.Command("go", "build", "-o", bin, "github.com/seed/rscerts/pkg/cmd/rssim").CombinedOutput(); err != nil {
		t.Fatalf("go build rssim: %v\n%s", err, out)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cmd := exec.CommandContext(ctx, bin, args...)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cancel(); _ = cmd.Wait() })
	line := make(chan string, 1)
	go func() {
		s := bufio.NewScanner(stdout)
		if s.Scan() {
			line <- s.Text()
		}
		_, _ = io.Copy(io.Discard, stdout)
	}()
	select {
	case l := <-line:
		u := regexp.MustCompile(`https://127\.0\.0\.1:\d+`).FindString(l)
		if u == "" {
			t.Fatalf("rssim did not announce an https URL (compose scrapes over TLS): %q", l)
		}
		return u
	case <-time.After(20 * time.Second):
		t.Fatal("rssim printed nothing")
	}
	return ""
}

// TestSimulatorAsComposeStartsIt scrapes the simulator over TLS exactly as the demo
// Prometheus does: v1 once, then every /v2 target with its URL parameters.
func TestSimulatorAsComposeStartsIt(t *testing.T) {
	_, v2 := loadProm(t)
	base := startRssim(t)
	client := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{
		TLSClientConfig: &tls.Config{InsecureSkipVerify: true}, // self-signed, as in prometheus.yml
	}}
	get := func(u string) string {
		t.Helper()
		resp, err := client.Get(u)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("GET %s: %s\n%s", u, resp.Status, b)
		}
		return string(b)
	}

	v1 := get(base + "/")
	for _, c := range simulator.DemoClusters() {
		if !strings.Contains(v1, `node_cert_expiration_seconds{cluster="`+c.Name+`"`) {
			t.Errorf("v1 scrape lacks cluster %s", c.Name)
		}
	}
	for _, tg := range v2 {
		q := url.Values{"cluster": {tg.cluster}}
		if tg.node != "" {
			q.Set("node", tg.node)
		}
		body := get(base + "/v2?" + q.Encode())
		if !regexp.MustCompile(`(?m)^(node|x509)_cert_expires_in_seconds\{`).MatchString(body) {
			t.Errorf("/v2 target %s (%s) returns no certificate series", tg.instance, q.Encode())
		}
		if tg.clusterLabel == "" && !strings.Contains(body, `cluster="`+tg.cluster+`"`) {
			t.Errorf("/v2 target %s: series carry no cluster label and the target adds none", tg.instance)
		}
	}
}
