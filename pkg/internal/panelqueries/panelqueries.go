// Package panelqueries reads, for tests and benchmarks, the queries a refresh of the bundled
// dashboard sends: every panel target, with the dashboard's variables at "All" (which the
// front end sends as empty filters).
package panelqueries

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"

	"github.com/seed/rscerts/pkg/models"
)

// Path is the bundled dashboard in the repository.
func Path() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..", "..", "src", "dashboards", "redis-software-certificates.json")
}

// Read returns the query models of every panel target of the bundled dashboard, and of every
// enabled annotation on the plugin (Grafana runs those on each refresh too).
func Read() ([]map[string]any, error) {
	raw, err := os.ReadFile(Path())
	if err != nil {
		return nil, err
	}
	var d struct {
		Panels      []panel `json:"panels"`
		Annotations struct {
			List []struct {
				Enable     bool           `json:"enable"`
				Datasource map[string]any `json:"datasource"`
				Target     map[string]any `json:"target"`
			} `json:"list"`
		} `json:"annotations"`
	}
	if err := json.Unmarshal(raw, &d); err != nil {
		return nil, err
	}
	var out []map[string]any
	add := func(t map[string]any) {
		for _, k := range []string{"clusters", "nodes", "certificates"} {
			if vals, ok := t[k].([]any); ok && len(vals) > 0 && fmt.Sprint(vals[0])[0] == '$' {
				t[k] = []string{}
			}
		}
		delete(t, "datasource")
		out = append(out, t)
	}
	var walk func([]panel)
	walk = func(ps []panel) {
		for _, p := range ps {
			for _, t := range p.Targets {
				add(t)
			}
			walk(p.Panels)
		}
	}
	walk(d.Panels)
	for _, a := range d.Annotations.List {
		if a.Enable && a.Target != nil && a.Datasource["type"] == PluginType {
			add(a.Target)
		}
	}
	if len(out) == 0 {
		return nil, errors.New("the dashboard has no panel queries")
	}
	return out, nil
}

// PluginType is the plugin's datasource type in the dashboard.
const PluginType = models.PluginID

type panel struct {
	Targets []map[string]any `json:"targets"`
	Panels  []panel          `json:"panels"`
}
