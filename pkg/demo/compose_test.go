package demo

import (
	"io"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/seed/rscerts/pkg/simulator"
	"github.com/seed/rscerts/pkg/simulator/cmdline"
)

// pinned: an explicit version tag, never latest or a floating major.
var pinned = regexp.MustCompile(`^[\w./-]+:v?\d+\.\d+\.\d+[\w.-]*$`)

func TestComposeServices(t *testing.T) {
	c := loadCompose(t)
	for _, name := range []string{"grafana", "prometheus", "rssim"} {
		if _, ok := c.Services[name]; !ok {
			t.Errorf("service %s missing", name)
		}
	}
	stages, _ := dockerfileStages(t)
	for name, s := range c.Services {
		if s.Extends != nil {
			t.Errorf("%s extends another file: the demo must stand alone", name)
		}
		switch {
		case s.Build != nil:
			if !exists(s.Build.Context) {
				t.Errorf("%s: build context %s missing", name, s.Build.Context)
			}
			df := filepath.Join(s.Build.Context, s.Build.Dockerfile)
			if s.Build.Dockerfile == "" || !exists(df) {
				t.Errorf("%s: Dockerfile %q missing", name, df)
			}
			if _, ok := stages[s.Build.Target]; !ok {
				t.Errorf("%s: Dockerfile has no stage %q", name, s.Build.Target)
			}
		case !pinned.MatchString(s.Image):
			t.Errorf("%s: image %q is not pinned to a version", name, s.Image)
		}
		for _, v := range s.Volumes {
			host, _, _ := strings.Cut(v, ":")
			if strings.HasPrefix(host, ".") && !exists(host) {
				t.Errorf("%s: volume source %s missing", name, host)
			}
		}
	}
	if !strings.HasPrefix(c.Services["prometheus"].Image, "prom/prometheus:v3.") {
		t.Errorf("prometheus image %q: want prom/prometheus:v3.x", c.Services["prometheus"].Image)
	}
}

func TestDockerfileImagesPinned(t *testing.T) {
	stages, images := dockerfileStages(t)
	for _, img := range images {
		if _, isStage := stages[img]; !isStage && !pinned.MatchString(img) {
			t.Errorf("Dockerfile: FROM %s is not pinned to a version", img)
		}
	}
	if g := stages[""]; !strings.HasPrefix(g, "grafana/grafana:13.") {
		t.Errorf("final stage %q: want grafana/grafana:13.x by default", g)
	}
	// The Go stage must satisfy go.mod's go directive without downloading a toolchain.
	want := regexp.MustCompile(`(?m)^go (\S+)`).FindSubmatch(readFile(t, "go.mod"))
	for _, img := range images {
		if tag, ok := strings.CutPrefix(img, "golang:"); ok {
			if older(strings.SplitN(tag, "-", 2)[0], string(want[1])) {
				t.Errorf("Dockerfile %s is older than go.mod's go %s", img, want[1])
			}
		}
		if tag, ok := strings.CutPrefix(img, "node:"); ok && !strings.HasPrefix(tag, "20.") {
			t.Errorf("Dockerfile %s: the project builds with Node 20", img)
		}
	}
	df := string(readFile(t, "Dockerfile"))
	for _, want := range []string{"npm ci", "npm run build", "TARGETARCH", "gpx_rscerts_linux_", "./pkg/cmd/rssim",
		"/var/lib/grafana/plugins/seed-rscerts-datasource", "GF_PLUGINS_ALLOW_LOADING_UNSIGNED_PLUGINS=seed-rscerts-datasource"} {
		if !strings.Contains(df, want) {
			t.Errorf("Dockerfile lacks %q", want)
		}
	}
}

// TestDockerComposeConfig lets docker-compose itself validate the file when it is installed
// (it needs no engine for this).
func TestDockerComposeConfig(t *testing.T) {
	bin, err := exec.LookPath("docker-compose")
	if err != nil {
		t.Skip("docker-compose not installed (apt-get install docker-compose); the Go checks above still ran")
	}
	cmd := exec.Command(bin, "-f", "docker-compose.yaml", "config", "-q")
	cmd.Dir = root
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("docker-compose config: %v\n%s", err, out)
	}
}

// older compares dotted version numbers ("1.26.5" < "1.26.10").
func older(a, b string) bool {
	pa, pb := strings.Split(a, "."), strings.Split(b, ".")
	for i := 0; i < len(pa) && i < len(pb); i++ {
		x, _ := strconv.Atoi(pa[i])
		y, _ := strconv.Atoi(pb[i])
		if x != y {
			return x < y
		}
	}
	return len(pa) < len(pb)
}

// rssimOptions parses the compose service's command as rssim does (package cmdline).
func rssimOptions(t *testing.T) *cmdline.Options {
	t.Helper()
	args := loadCompose(t).Services["rssim"].Command
	o, err := cmdline.Parse(args, io.Discard)
	if err != nil {
		t.Fatalf("rssim command %q: %v", args, err)
	}
	return o
}

// TestComposeRssimCommand: the demo's rssim command parses and builds the simulator (every
// scenario entry names an existing cluster, node and certificate), serves TLS on 8070 at a
// simulated day per real minute, and its scenario touches c1 and c2 only.
func TestComposeRssimCommand(t *testing.T) {
	o := rssimOptions(t)
	if _, err := o.New(); err != nil {
		t.Fatalf("rssim command: %v", err)
	}
	cfg := o.Config
	if o.Listen != ":8070" || !o.TLS || cfg.Frozen || cfg.Speed != 1440 || len(cfg.Clusters) != len(simulator.DemoClusters()) {
		t.Errorf("rssim: listen %q, TLS %v, frozen %v, speed %v, %d clusters; want :8070, TLS, live at 1440, the demo clusters",
			o.Listen, o.TLS, cfg.Frozen, cfg.Speed, len(cfg.Clusters))
	}
	touched := map[string]bool{}
	for _, r := range cfg.Renewals {
		touched[r.Cluster] = true
	}
	for _, n := range cfg.SkipRotation {
		touched[n.Cluster] = true
	}
	for _, f := range cfg.FirstRotations {
		touched[f.Cluster] = true
	}
	if len(touched) != 2 || !touched["c1.example.com"] || !touched["c2.example.com"] {
		t.Errorf("scenario touches %v, want c1.example.com and c2.example.com only (c3 and legacy as they are)", touched)
	}
}
