package dashboard

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/grafana/grafana-foundation-sdk/go/cog/plugins"
	sdk "github.com/grafana/grafana-foundation-sdk/go/dashboard"
	"github.com/grafana/grafana-plugin-sdk-go/backend"

	"github.com/seed/rscerts/pkg/models"
)

const root = "../.."

func checkedIn(t *testing.T) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(root, Path))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestCheckedInFileIsGenerated(t *testing.T) {
	want, err := JSON()
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(checkedIn(t), want) {
		t.Fatalf("%s differs from pkg/dashboard's output: run `go tool mage dashboard` and check the result in", Path)
	}
}

// TestRoundTripThroughSDKTypes decodes the checked-in file into the foundation SDK's types
// (panel options and field config into the typed panel structs) and re-encodes it: a key
// the types do not know is dropped and a value they would change differs, so both fail.
// (Not UnmarshalJSONStrict: in v0.0.22 it returns a typed-nil error for every panel.)
func TestRoundTripThroughSDKTypes(t *testing.T) {
	plugins.RegisterDefaultPlugins()
	var file map[string]any
	if err := json.Unmarshal(checkedIn(t), &file); err != nil {
		t.Fatal(err)
	}
	for k := range importKeys() { // import-only keys, not part of the dashboard model
		if _, ok := file[k]; !ok {
			t.Errorf("import key %s missing", k)
		}
		delete(file, k)
	}
	raw, _ := json.Marshal(file)
	var d sdk.Dashboard
	if err := json.Unmarshal(raw, &d); err != nil {
		t.Fatalf("decode into the SDK's Dashboard: %v", err)
	}
	again, err := json.Marshal(d)
	if err != nil {
		t.Fatal(err)
	}
	var back map[string]any
	if err := json.Unmarshal(again, &back); err != nil {
		t.Fatal(err)
	}
	diff(t, "", file, back)
}

func diff(t *testing.T, path string, want, got any) {
	t.Helper()
	wm, okw := want.(map[string]any)
	gm, okg := got.(map[string]any)
	if okw && okg {
		for k := range wm {
			diff(t, path+"."+k, wm[k], gm[k])
		}
		for k := range gm {
			if _, ok := wm[k]; !ok {
				t.Errorf("%s.%s: added by the round trip: %v", path, k, gm[k])
			}
		}
		return
	}
	wa, okw := want.([]any)
	ga, okg := got.([]any)
	if okw && okg && len(wa) == len(ga) {
		for i := range wa {
			diff(t, path+"["+strconv.Itoa(i)+"]", wa[i], ga[i])
		}
		return
	}
	if !reflect.DeepEqual(want, got) {
		t.Errorf("%s: file has %v, round trip gives %v", path, want, got)
	}
}

// panels flattens rows, including the panels inside collapsed rows.
func panels(t *testing.T) []map[string]any {
	t.Helper()
	var file struct {
		Panels []map[string]any `json:"panels"`
	}
	if err := json.Unmarshal(checkedIn(t), &file); err != nil {
		t.Fatal(err)
	}
	var out []map[string]any
	for _, p := range file.Panels {
		if p["type"] != "row" {
			out = append(out, p)
			continue
		}
		for _, inner := range p["panels"].([]any) {
			out = append(out, inner.(map[string]any))
		}
	}
	return out
}

func checkDatasource(t *testing.T, where string, ref any) {
	t.Helper()
	m, _ := ref.(map[string]any)
	if m["type"] != PluginID || m["uid"] != "${datasource}" {
		t.Errorf("%s: datasource %v, want {type: %s, uid: ${datasource}}", where, ref, PluginID)
	}
}

// TestEveryPanelQueriesOurDatasource: each panel and target reads our datasource through
// the variable, and the backend accepts each target as it would from Grafana.
func TestEveryPanelQueriesOurDatasource(t *testing.T) {
	ps := panels(t)
	if len(ps) < 12 {
		t.Fatalf("only %d panels", len(ps))
	}
	for _, p := range ps {
		title, _ := p["title"].(string)
		checkDatasource(t, title, p["datasource"])
		targets, _ := p["targets"].([]any)
		if len(targets) == 0 {
			t.Errorf("%s: no targets", title)
		}
		for _, tg := range targets {
			m := tg.(map[string]any)
			checkDatasource(t, title+" target", m["datasource"])
			for _, k := range []string{"queryType", "category", "groupBy", "clusters", "nodes"} {
				if _, ok := m[k]; !ok { // ParseQuery would default it: say it explicitly
					t.Errorf("%s: target lacks %s", title, k)
				}
			}
			raw, _ := json.Marshal(m)
			q, err := models.ParseQuery(backend.DataQuery{RefID: "A", JSON: raw})
			if err != nil {
				t.Errorf("%s: backend rejects the query: %v", title, err)
				continue
			}
			if !reflect.DeepEqual(q.Clusters, []string{"$cluster"}) || !reflect.DeepEqual(q.Nodes, []string{"$node"}) {
				t.Errorf("%s: filters %v %v do not follow $cluster/$node", title, q.Clusters, q.Nodes)
			}
			checkDays(t, title, p, q)
		}
	}
}

// checkDays: whatever shows days remaining shows it in days.
func checkDays(t *testing.T, title string, p map[string]any, q models.Query) {
	t.Helper()
	fc := p["fieldConfig"].(map[string]any)
	defaults := fc["defaults"].(map[string]any)
	switch q.QueryType {
	case models.QueryDays, models.QueryTimeseries:
		if defaults["unit"] != unitDays {
			t.Errorf("%s: unit %v, want d", title, defaults["unit"])
		}
	case models.QueryCertificates:
		if p["type"] != "table" {
			return // counting stats
		}
		js, _ := json.Marshal(fc["overrides"])
		s := string(js)
		for _, want := range []string{`"options":"` + fieldDays + `"`, `"options":"` + fieldBehind + `"`, `{"id":"unit","value":"d"}`, `color-background`, `var-cluster=${__value.raw}`} {
			if !strings.Contains(s, want) {
				t.Errorf("%s: overrides lack %s", title, want)
			}
		}
	case models.QueryRenewals:
		if p["type"] != "table" {
			t.Errorf("%s: a renewals query in a %v panel; the table shows it (annotations mark the graphs)", title, p["type"])
		}
		js, _ := json.Marshal(fc["overrides"])
		for _, want := range []string{`"options":"` + fieldDaysBefore + `"`, `"options":"` + fieldDaysAfter + `"`, `{"id":"unit","value":"d"}`} {
			if !strings.Contains(string(js), want) {
				t.Errorf("%s: overrides lack %s", title, want)
			}
		}
	}
}

func TestVariables(t *testing.T) {
	var file struct {
		Templating struct {
			List []map[string]any `json:"list"`
		} `json:"templating"`
	}
	if err := json.Unmarshal(checkedIn(t), &file); err != nil {
		t.Fatal(err)
	}
	got := map[string]map[string]any{}
	for _, v := range file.Templating.List {
		got[v["name"].(string)] = v
	}
	if ds := got["datasource"]; ds["type"] != "datasource" || ds["query"] != PluginID {
		t.Errorf("datasource variable: %v", ds)
	}
	for name, kind := range map[string]string{"cluster": "clusters", "node": "nodes"} {
		v := got[name]
		checkDatasource(t, "variable "+name, v["datasource"])
		q, _ := v["query"].(map[string]any)
		if v["type"] != "query" || q["kind"] != kind || v["multi"] != true || v["includeAll"] != true {
			t.Errorf("variable %s: %v", name, v)
		}
		// A custom all value, which the front end sends as no filter (src/variables.ts): a
		// cluster or node that appeared after the dashboard loaded is shown, and the time series
		// ask the store for no node.
		if v["allValue"] != allValue {
			t.Errorf("variable %s: allValue %v, want %q", name, v["allValue"], allValue)
		}
	}
	if q := got["node"]["query"].(map[string]any); !reflect.DeepEqual(q["clusters"], []any{"$cluster"}) {
		t.Errorf("node variable does not follow $cluster: %v", q)
	}
}

func TestPluginJSONIncludesDashboard(t *testing.T) {
	var pj struct {
		Includes []struct{ Type, Path string }
	}
	b, err := os.ReadFile(filepath.Join(root, "plugin.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &pj); err != nil {
		t.Fatal(err)
	}
	for _, inc := range pj.Includes {
		if inc.Type == "dashboard" && inc.Path == "dashboards/"+File {
			return
		}
	}
	t.Errorf("plugin.json includes no dashboard dashboards/%s", File)
}
