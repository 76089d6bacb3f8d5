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
)

// Path is the bundled dashboard in the repository.
func Path() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..", "..", "src", "dashboards", "redis-software-certificates.json")
}

// Read returns the query models of every panel target of the bundled dashboard.
func Read() ([]map[string]any, error) {
	raw, err := os.ReadFile(Path())
	if err != nil {
		return nil, err
	}
	var d struct {
		Panels []panel `json:"panels"`
	}
	if err := json.Unmarshal(raw, &d); err != nil {
		return nil, err
	}
	var out []map[string]any
	var walk func([]panel)
	walk = func(ps []panel) {
		for _, p := range ps {
			for _, t := range p.Targets {
				for _, k := range []string{"clusters", "nodes", "certificates"} {
					if vals, ok := t[k].([]any); ok && len(vals) > 0 && fmt.Sprint(vals[0])[0] == '$' {
						t[k] = []string{}
					}
				}
				delete(t, "datasource")
				out = append(out, t)
			}
			walk(p.Panels)
		}
	}
	walk(d.Panels)
	if len(out) == 0 {
		return nil, errors.New("the dashboard has no panel queries")
	}
	return out, nil
}

type panel struct {
	Targets []map[string]any `json:"targets"`
	Panels  []panel          `json:"panels"`
}
