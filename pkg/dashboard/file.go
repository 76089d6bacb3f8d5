package dashboard

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
)

// Path is where the generated JSON is checked in; the bundler copies it to dist/dashboards/.
var Path = filepath.Join("src", "dashboards", File)

// importKeys are the dashboard-import keys the SDK types do not model: the datasource
// input the Dashboards tab fills in, and what the dashboard needs to render.
func importKeys() map[string]any {
	return map[string]any{
		"__inputs": []any{map[string]any{
			"name":        "DS_RSCERTS",
			"label":       "Redis Software Certificates",
			"description": "The Redis Software Certificates datasource to read from",
			"type":        "datasource",
			"pluginId":    PluginID,
			"pluginName":  "Redis Software Certificates",
		}},
		"__requires": []any{
			map[string]any{"type": "grafana", "id": "grafana", "name": "Grafana", "version": "12.0.0"},
			map[string]any{"type": "datasource", "id": PluginID, "name": "Redis Software Certificates", "version": "1.0.0"},
			map[string]any{"type": "panel", "id": "stat", "name": "Stat", "version": ""},
			map[string]any{"type": "panel", "id": "table", "name": "Table", "version": ""},
			map[string]any{"type": "panel", "id": "timeseries", "name": "Time series", "version": ""},
		},
	}
}

// JSON is the dashboard file exactly as checked in: indented, keys sorted, newline-terminated.
func JSON() ([]byte, error) {
	d, err := Build()
	if err != nil {
		return nil, err
	}
	raw, err := json.Marshal(d)
	if err != nil {
		return nil, err
	}
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, err
	}
	for k, v := range importKeys() {
		m[k] = v
	}
	out, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(out, '\n'), nil
}

// Write regenerates the checked-in file under the repository root.
func Write(root string) error {
	b, err := JSON()
	if err != nil {
		return err
	}
	p := filepath.Join(root, Path)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return err
	}
	if err := os.WriteFile(p, b, 0o644); err != nil {
		return fmt.Errorf("write %s: %w", p, err)
	}
	return nil
}
