package demo

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/seed/rscerts/pkg/simulator"
)

const (
	promConfig  = "provisioning/prometheus/prometheus.yml"
	promExample = "provisioning/prometheus/redis-software-scrape.example.yml"
)

type promFile struct {
	ScrapeConfigs []struct {
		JobName     string `yaml:"job_name"`
		Scheme      string
		MetricsPath string `yaml:"metrics_path"`
		TLSConfig   struct {
			InsecureSkipVerify bool `yaml:"insecure_skip_verify"`
		} `yaml:"tls_config"`
		StaticConfigs []struct {
			Targets []string
			Labels  map[string]string
		} `yaml:"static_configs"`
	} `yaml:"scrape_configs"`
}

func TestPromtoolCheckConfig(t *testing.T) {
	bin, err := exec.LookPath("promtool")
	if err != nil {
		if os.Getenv("REQUIRE_PROMETHEUS") == "1" {
			t.Fatal("promtool not found and REQUIRE_PROMETHEUS=1")
		}
		t.Skip("!!! promtool not found: Prometheus configs NOT checked (apt-get install prometheus, or REQUIRE_PROMETHEUS=1 to fail) !!!")
	}
	for _, f := range []string{promConfig, promExample} {
		out, err := exec.Command(bin, "check", "config", filepath.Join(root, f)).CombinedOutput()
		if err != nil {
			t.Errorf("promtool check config %s: %v\n%s", f, err, out)
		}
	}
}

// rssimAddress is where the Prometheus container reaches the simulator: the compose service
// name and the port of its -listen flag.
func rssimAddress(t *testing.T) string {
	t.Helper()
	listen, ok := flag(loadCompose(t).Services["rssim"].Command, "listen")
	if !ok {
		t.Fatal("rssim command has no -listen")
	}
	_, port, err := net.SplitHostPort(listen)
	if err != nil {
		t.Fatal(err)
	}
	return net.JoinHostPort("rssim", port)
}

// v2Target is one /v2 scrape target: the URL parameters it sends and its labels.
type v2Target struct {
	cluster, node, instance, clusterLabel string
}

func loadProm(t *testing.T) (promFile, []v2Target) {
	t.Helper()
	var p promFile
	readYAML(t, promConfig, &p)
	want := rssimAddress(t)
	var v2 []v2Target
	paths := map[string]bool{}
	for _, j := range p.ScrapeConfigs {
		if j.Scheme != "https" || !j.TLSConfig.InsecureSkipVerify {
			t.Errorf("job %s: want https with insecure_skip_verify (the simulator is self-signed, as clusters are)", j.JobName)
		}
		paths[j.MetricsPath] = true
		for _, sc := range j.StaticConfigs {
			for _, tg := range sc.Targets {
				if tg != want {
					t.Errorf("job %s: target %s, want the compose service %s", j.JobName, tg, want)
				}
			}
			if j.MetricsPath == "/v2" {
				v2 = append(v2, v2Target{sc.Labels["__param_cluster"], sc.Labels["__param_node"], sc.Labels["instance"], sc.Labels["cluster"]})
			}
		}
	}
	if !paths["/"] || !paths["/v2"] {
		t.Errorf("metrics paths %v: want both / (v1) and /v2", paths)
	}
	return p, v2
}

// TestPrometheusTargetsCoverSimulator: several node targets per cluster with distinct
// instance labels, and for the per-node schema one target per node with a cluster label.
func TestPrometheusTargetsCoverSimulator(t *testing.T) {
	_, v2 := loadProm(t)
	instances := map[string]bool{}
	perCluster := map[string]map[string]bool{}
	for _, tg := range v2 {
		if tg.instance == "" || instances[tg.instance] {
			t.Errorf("v2 target %+v: instance label missing or repeated", tg)
		}
		instances[tg.instance] = true
		if perCluster[tg.cluster] == nil {
			perCluster[tg.cluster] = map[string]bool{}
		}
		perCluster[tg.cluster][tg.node] = true
	}
	for _, c := range simulator.DemoClusters() {
		nodes := perCluster[c.Name]
		if c.Schema != simulator.SchemaNodeEndpoint {
			if len(nodes) == 0 || len(instanceOf(v2, c.Name)) < 2 {
				t.Errorf("cluster %s: want several /v2 node targets", c.Name)
			}
			continue
		}
		for n := 1; n <= c.Nodes; n++ {
			if !nodes[fmt.Sprint(n)] {
				t.Errorf("per-node cluster %s: no target with node=%d", c.Name, n)
			}
		}
		for _, tg := range v2 {
			if tg.cluster == c.Name && tg.clusterLabel != c.Name {
				t.Errorf("per-node cluster %s: target %s lacks the cluster label", c.Name, tg.instance)
			}
		}
	}
}

func instanceOf(v2 []v2Target, cluster string) []string {
	var out []string
	for _, tg := range v2 {
		if tg.cluster == cluster {
			out = append(out, tg.instance)
		}
	}
	return out
}
