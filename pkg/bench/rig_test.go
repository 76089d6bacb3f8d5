package bench

import (
	"bufio"
	"crypto/tls"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"testing"
	"time"

	"github.com/seed/rscerts/pkg/internal/promrig"
	"github.com/seed/rscerts/pkg/simulator"
)

// fleet is a simulated fleet scraped by a real Prometheus.
type fleet struct {
	clusters, certs int
	started         time.Time // when the first samples were scraped
	prom            *promrig.Server
	proxy           *countingProxy
	simAddr         string // host:port of rssim (TLS), for its /control endpoints
}

// startSimulator runs rssim serving the fleet of simulator.ScaleConfig(clusters, nodes,
// certsPerNode, 1) in a process of its own, as Redis Software clusters are: in the
// benchmark's process, generating 400 scrapes every 5s shared the CPU and the garbage
// collector with the plugin being measured. It returns the host:port it serves TLS on.
func startSimulator(tb testing.TB, clusters, nodes, certsPerNode int) string {
	tb.Helper()
	bin := filepath.Join(tb.TempDir(), "rssim")
	if out, err := exec.Command("go", "build", "-o", bin, "../cmd/rssim").CombinedOutput(); err != nil {
		tb.Fatalf("building rssim: %v\n%s", err, out)
	}
	cmd := exec.Command(bin, "-listen", "127.0.0.1:0", "-seed", "1", "-scale", fmt.Sprintf("%d:%d:%d", clusters, nodes, certsPerNode))
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		tb.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	// "rssim: serving ... on https://127.0.0.1:PORT (GET / v1, ..."
	line, err := bufio.NewReader(stdout).ReadString('\n')
	m := regexp.MustCompile(`on https://(\S+) `).FindStringSubmatch(line)
	if err != nil || m == nil {
		tb.Fatalf("rssim did not say where it serves: %q %v", line, err)
	}
	go io.Copy(io.Discard, stdout)
	return m[1]
}

// startFleet serves clusters x nodes x certsPerNode certificates (docs schema: v1 and v2 both
// report them) and scrapes v1 once and /v2 from three node targets per cluster, so raw series
// = certificates x (1 + 3) (v1 lists 9 of the 10 standard names, so slightly fewer).
func startFleet(tb testing.TB, clusters, nodes, certsPerNode int) *fleet {
	tb.Helper()
	cfg := simulator.ScaleConfig(clusters, nodes, certsPerNode, 1)
	addr := startSimulator(tb, clusters, nodes, certsPerNode)
	v1 := promrig.Job{Name: "redis-v1", MetricsPath: "/", Scheme: "https", InsecureSkipVerify: true}
	v2 := promrig.Job{Name: "redis-v2", MetricsPath: "/v2", Scheme: "https", InsecureSkipVerify: true}
	for _, cc := range cfg.Clusters {
		c := cc.Name
		params := url.Values{"cluster": {c}}
		v1.Targets = append(v1.Targets, promrig.Target{Address: addr, Params: params, Labels: map[string]string{"instance": "node1." + c + ":8070"}})
		for n := 1; n <= 3; n++ {
			v2.Targets = append(v2.Targets, promrig.Target{Address: addr, Params: params, Labels: map[string]string{"instance": fmt.Sprintf("node%d.%s:8070", n, c)}})
		}
	}
	started := time.Now()
	prom := promrig.Start(tb, promrig.Config{Jobs: []promrig.Job{v1, v2}, ScrapeInterval: 5 * time.Second})
	total := clusters * nodes * certsPerNode
	prom.WaitForSeries(tb, `count by (instance) (node_cert_expires_in_seconds)`, len(v2.Targets), 3*time.Minute)
	prom.WaitForSeries(tb, `count by (instance) (node_cert_expiration_seconds)`, len(v1.Targets), 3*time.Minute)
	// Two more scrapes so every series has a few samples.
	time.Sleep(11 * time.Second)
	return &fleet{clusters: clusters, certs: total, started: started, prom: prom, proxy: newCountingProxy(tb, prom.URL), simAddr: addr}
}

// renew replaces a certificate on a node of the fleet now (rssim's /control/renew) and
// returns how many certificates it renewed.
func (f *fleet) renew(tb testing.TB, cluster, node, certificate string) int {
	tb.Helper()
	c := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}}
	u := "https://" + f.simAddr + "/control/renew?" + url.Values{"cluster": {cluster}, "node": {node}, "certificate": {certificate}}.Encode()
	resp, err := c.Post(u, "", nil)
	if err != nil {
		tb.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		tb.Fatalf("renew %s/%s/%s: %d %s", cluster, node, certificate, resp.StatusCode, body)
	}
	var answer struct{ Matched int }
	if err := json.Unmarshal(body, &answer); err != nil {
		tb.Fatalf("renew: %v in %s", err, body)
	}
	return answer.Matched
}
