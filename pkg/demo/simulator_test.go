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

// demoScrapeInterval is the demo Prometheus' global scrape_interval.
func demoScrapeInterval(t *testing.T) time.Duration {
	t.Helper()
	var p struct {
		Global struct {
			ScrapeInterval string `yaml:"scrape_interval"`
		}
	}
	readYAML(t, promConfig, &p)
	d, err := time.ParseDuration(p.Global.ScrapeInterval)
	if err != nil || d <= 0 {
		t.Fatalf("%s: scrape_interval %q: %v", promConfig, p.Global.ScrapeInterval, err)
	}
	return d
}

// TestDemoScenario builds, in this process, the simulator the compose command starts, on a
// clock moved by hand, and reads it the way the plugin reads the demo Prometheus: a sample
// of every certificate each scrape interval from the first scrape on (Prometheus starts
// after rssim and spreads its targets' first scrapes over one interval), each sample's
// value plus its real time being the expiry. Within three real minutes the dashboard must
// show renewal events (c1's internode rotation on nodes 1 and 2, c2's api and proxy
// renewals), a rotation-overdue certificate (c1 node 3, skipped by the rotation) and a node
// left behind by a renewal (c2 node 3's proxy).
func TestDemoScenario(t *testing.T) {
	const (
		within    = 3 * time.Minute
		day       = 86400.0
		driftDays = 30 // "far behind": much more than the plugin's driftDays default (1)
	)
	interval := demoScrapeInterval(t)
	firstScrape := interval + 5*time.Second // Prometheus' start, then at most one interval
	start := time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)

	build := func(scenario bool) (*simulator.Simulator, float64) {
		o := rssimOptions(t)
		o.Config.Frozen, o.Config.Start = true, start
		if !scenario {
			o.Config.Renewals, o.Config.SkipRotation, o.Config.FirstRotations = nil, nil, nil
		}
		sim, err := o.New()
		if err != nil {
			t.Fatal(err)
		}
		return sim, o.Config.Speed
	}
	sim, speed := build(true)
	plain, _ := build(false)
	at := func(s *simulator.Simulator, real time.Duration) map[string]simulator.Certificate {
		s.SetNow(start.Add(time.Duration(float64(real) * speed)))
		m := map[string]simulator.Certificate{}
		for _, c := range s.Certificates() {
			m[c.Cluster+"/"+c.Node+"/"+c.Name] = c
		}
		return m
	}

	// Renewal events as the plugin finds them: the expiry (value + sample time) moved later
	// by more than a day between two samples.
	events := map[string][]time.Duration{}
	prev := map[string]float64{}
	var now map[string]simulator.Certificate
	overdueAt := time.Duration(-1)
	for real := firstScrape; real <= within; real += interval {
		now = at(sim, real)
		for k, c := range now {
			e := c.RemainingSeconds + real.Seconds()
			if p, ok := prev[k]; ok && e-p > day {
				events[k] = append(events[k], real)
			}
			prev[k] = e
		}
		if overdueAt < 0 && now["c1.example.com/3/ccs_internode_encryption"].RemainingSeconds < 58*day {
			overdueAt = real
		}
		// c3 and legacy are as they are without the scenario.
		for k, c := range at(plain, real) {
			if (c.Cluster == "c3.example.com" || c.Cluster == "legacy.example.com") && c != now[k] {
				t.Errorf("at %v: %s is %+v, %+v without the scenario", real, k, now[k], c)
			}
		}
	}

	internode := []string{"ccs_internode_encryption", "data_internode_encryption", "mesh_ca_signed", "gossip_ca_signed"}
	for _, name := range internode {
		for _, n := range []string{"1", "2"} {
			k := "c1.example.com/" + n + "/" + name
			if len(events[k]) == 0 {
				t.Errorf("no renewal event for %s (the rotation) within %v", k, within)
			}
			if d := now[k].RemainingSeconds / day; d < 87 || d > 90 {
				t.Errorf("%v in: %s has %.2f days, want near 90 (just rotated)", within, k, d)
			}
		}
		k := "c1.example.com/3/" + name
		if len(events[k]) != 0 {
			t.Errorf("renewal event for %s at %v: its rotation is skipped", k, events[k])
		}
		// rotation-overdue: below 58 days, not yet below the auto-rotated warning (45).
		if d := now[k].RemainingSeconds / day; d >= 58 || d < 45 || !now[k].AutoRotated || !now[k].RotationSkipped {
			t.Errorf("%v in: %s has %.2f days (%+v), want rotation-overdue (45 to 58 days)", within, k, d, now[k])
		}
	}
	if overdueAt < 0 || overdueAt > within {
		t.Errorf("c1 node 3 not below 58 days within %v", within)
	} else {
		t.Logf("c1 node 3 rotation-overdue from %v (real) on", overdueAt)
	}

	for _, n := range []string{"1", "2", "3"} {
		if k := "c2.example.com/" + n + "/api"; len(events[k]) != 1 {
			t.Errorf("%s: renewal events at %v, want one", k, events[k])
		}
	}
	p1, p2, p3 := now["c2.example.com/1/proxy"], now["c2.example.com/2/proxy"], now["c2.example.com/3/proxy"]
	if len(events["c2.example.com/1/proxy"]) != 1 || len(events["c2.example.com/2/proxy"]) != 1 || len(events["c2.example.com/3/proxy"]) != 0 {
		t.Errorf("proxy renewal events on c2 nodes 1, 2, 3: %v, %v, %v; want one, one, none",
			events["c2.example.com/1/proxy"], events["c2.example.com/2/proxy"], events["c2.example.com/3/proxy"])
	}
	// Days behind: node 3's proxy against the newest copy in the cluster (nodes 1 and 2).
	if behind := p1.Expiry.Sub(p3.Expiry).Hours() / 24; !p1.Expiry.Equal(p2.Expiry) || behind < driftDays {
		t.Errorf("c2 proxy expires %v, %v, %v on nodes 1, 2, 3: want node 3 more than %d days behind the others", p1.Expiry, p2.Expiry, p3.Expiry, driftDays)
	} else {
		t.Logf("c2 node 3's proxy is %.1f days behind nodes 1 and 2", behind)
	}
}
