package demo

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/grafana/grafana-plugin-sdk-go/backend"

	"github.com/seed/rscerts/pkg/certs"
	"github.com/seed/rscerts/pkg/models"
)

const rulesFile = "provisioning/alerting/rules.yaml"

type rule struct {
	UID, Title, Condition string
	Data                  []struct {
		RefID         string         `yaml:"refId"`
		DatasourceUID string         `yaml:"datasourceUid"`
		Model         map[string]any `yaml:"model"`
	}
	NoDataState string            `yaml:"noDataState"`
	Labels      map[string]string `yaml:"labels"`
	Annotations map[string]string `yaml:"annotations"`
}

func loadRules(t *testing.T) []rule {
	t.Helper()
	var f struct {
		APIVersion int `yaml:"apiVersion"`
		Groups     []struct {
			OrgID    int `yaml:"orgId"`
			Name     string
			Folder   string
			Interval string
			Rules    []rule
		}
	}
	readYAML(t, rulesFile, &f)
	if f.APIVersion != 1 || len(f.Groups) == 0 {
		t.Fatalf("%s: want apiVersion 1 and groups", rulesFile)
	}
	var out []rule
	for _, g := range f.Groups {
		if g.Name == "" || g.Folder == "" || g.Interval == "" {
			t.Errorf("group %+v: name, folder and interval are required", g.Name)
		}
		out = append(out, g.Rules...)
	}
	return out
}

// TestAlertRules: every rule queries the provisioned datasource with a query the backend
// accepts, chains expressions Grafana knows, and thresholds at the datasource's settings.
func TestAlertRules(t *testing.T) {
	ds := demoDatasource(t)
	if strings.Contains(string(readFile(t, rulesFile)), "$") {
		t.Errorf("%s contains $: provisioning may expand it as an environment variable; use .Labels/.Values", rulesFile)
	}
	thresholds := map[string]float64{} // threshold value -> seen
	seen := map[string]bool{}
	missingOnly := false
	for _, r := range loadRules(t) {
		if r.UID == "" || seen[r.UID] {
			t.Errorf("rule %q: uid missing or repeated", r.Title)
		}
		seen[r.UID] = true
		if r.Annotations["summary"] == "" || r.Annotations["description"] == "" {
			t.Errorf("%s: summary and description annotations required", r.UID)
		}
		if r.NoDataState != "OK" {
			t.Errorf("%s: noDataState %q; no certificate below the threshold is the good case", r.UID, r.NoDataState)
		}
		refs := map[string]map[string]any{}
		for _, d := range r.Data {
			if d.Model["refId"] != d.RefID {
				t.Errorf("%s/%s: model refId %v", r.UID, d.RefID, d.Model["refId"])
			}
			switch d.DatasourceUID {
			case ds.UID:
				raw, _ := json.Marshal(d.Model)
				q, err := models.ParseQuery(backend.DataQuery{RefID: d.RefID, JSON: raw})
				if err != nil {
					t.Errorf("%s/%s: backend rejects the query: %v", r.UID, d.RefID, err)
				}
				if r.UID == "rscerts-missing" && len(q.Statuses) == 1 && q.Statuses[0] == string(certs.StatusMissing) {
					missingOnly = true
				}
				if q.GroupBy != certs.GroupByNode {
					t.Errorf("%s: groupBy %s; node keeps cluster, node and certificate labels", r.UID, q.GroupBy)
				}
			case "__expr__":
				typ, _ := d.Model["type"].(string)
				src, _ := d.Model["expression"].(string)
				switch typ {
				case "reduce", "threshold":
					if refs[src] == nil {
						t.Errorf("%s/%s: %s of unknown or later refId %q", r.UID, d.RefID, typ, src)
					}
				default:
					t.Errorf("%s/%s: expression type %q", r.UID, d.RefID, typ)
				}
				if typ == "threshold" {
					conds, _ := d.Model["conditions"].([]any)
					for _, c := range conds {
						ev := c.(map[string]any)["evaluator"].(map[string]any)
						for _, p := range ev["params"].([]any) {
							thresholds[ev["type"].(string)+" "+strings.TrimSpace(jsonNum(p))] = 1
						}
					}
				}
			default:
				t.Errorf("%s/%s: datasourceUid %q is neither %s nor __expr__", r.UID, d.RefID, d.DatasourceUID, ds.UID)
			}
			refs[d.RefID] = d.Model
		}
		if refs[r.Condition] == nil {
			t.Errorf("%s: condition %q names no query", r.UID, r.Condition)
		}
	}
	for _, k := range []string{"userManagedWarningDays", "userManagedCriticalDays", "autoRotatedWarningDays"} {
		if thresholds["lt "+jsonNum(ds.JSONData[k])] == 0 {
			t.Errorf("no rule fires below %s (%v days)", k, ds.JSONData[k])
		}
	}
	if !seen["rscerts-missing"] {
		t.Error("no missing-certificate rule")
	}
	if !missingOnly {
		t.Error("the missing-certificate rule must query statuses [missing] only")
	}
}

func jsonNum(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}
