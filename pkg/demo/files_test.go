package demo

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

const root = "../.."

func readFile(t *testing.T, rel string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(root, rel))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func readYAML(t *testing.T, rel string, v any) {
	t.Helper()
	if err := yaml.Unmarshal(readFile(t, rel), v); err != nil {
		t.Fatalf("%s: %v", rel, err)
	}
}

func exists(rel string) bool {
	_, err := os.Stat(filepath.Join(root, rel))
	return err == nil
}

// compose is the part of docker-compose.yaml the demo uses.
type compose struct {
	Services map[string]service
}

type service struct {
	Build       *build
	Image       string
	Command     []string
	Ports       []string
	Volumes     []string
	DependsOn   []string `yaml:"depends_on"`
	Environment map[string]string
	Extends     any
}

type build struct {
	Context, Dockerfile, Target string
}

func loadCompose(t *testing.T) compose {
	t.Helper()
	var c compose
	readYAML(t, "docker-compose.yaml", &c)
	return c
}

// flag returns the value of -name in a command line, as the flag package reads it.
func flag(args []string, name string) (string, bool) {
	for i, a := range args {
		if a == "-"+name || a == "--"+name {
			if i+1 < len(args) {
				return args[i+1], true
			}
		}
		if v, ok := strings.CutPrefix(a, "-"+name+"="); ok {
			return v, true
		}
	}
	return "", false
}

// dockerfileStages maps stage name (or "" for the last, default stage) to its FROM image, with
// build arguments (ARG NAME=default, e.g. GRAFANA_IMAGE) replaced by their defaults.
func dockerfileStages(t *testing.T) (stages map[string]string, images []string) {
	t.Helper()
	df := string(readFile(t, "Dockerfile"))
	args := map[string]string{}
	for _, m := range regexp.MustCompile(`(?m)^ARG\s+(\w+)=(\S+)\s*$`).FindAllStringSubmatch(df, -1) {
		args[m[1]] = m[2]
	}
	from := regexp.MustCompile(`(?m)^FROM\s+(\S+)(?:\s+AS\s+(\S+))?\s*$`)
	stages = map[string]string{}
	for _, m := range from.FindAllStringSubmatch(df, -1) {
		img := os.Expand(m[1], func(name string) string { return args[name] })
		stages[m[2]] = img
		images = append(images, img)
	}
	return stages, images
}
