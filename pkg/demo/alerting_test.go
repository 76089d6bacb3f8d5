package demo

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/grafana/grafana-plugin-sdk-go/backend"

	"github.com/seed/rscerts/pkg/certs"
	"github.com/seed/rscerts/pkg/models"
)

const rulesFile = "provisioning/alerting/rules.yaml"

type rule struct {
	UID, Title, Condition string
	Data                  []ruleData
	NoDataState           string            `yaml:"noDataState"`
	Labels                map[string]string `yaml:"labels"`
	Annotations           map[string]string `yaml:"annotations"`
}

type ruleData struct {
	RefID             string         `yaml:"refId"`
	DatasourceUID     string         `yaml:"datasourceUid"`
	RelativeTimeRange map[string]int `yaml:"relativeTimeRange"`
	Model             map[string]any `yaml:"model"`
}

// ref is the rule's query or expression refID (nil if none).
func (r rule) ref(refID string) *ruleData {
	for i := range r.Data {
		if r.Data[i].RefID == refID {
			return &r.Data[i]
		}
	}
	return nil
}

// query parses the datasource query refID as the backend does.
func (r rule) query(t *testing.T, refID string) models.Query {
	t.Helper()
	d := r.ref(refID)
	if d == nil {
		t.Fatalf("%s: no %s", r.UID, refID)
	}
	raw, _ := json.Marshal(d.Model)
	q, err := models.ParseQuery(backend.DataQuery{RefID: refID, JSON: raw})
	if err != nil {
		t.Fatalf("%s/%s: backend rejects the query: %v", r.UID, refID, err)
	}
	return q
}

// ruleByUID finds a rule or fails.
func ruleByUID(t *testing.T, uid string) rule {
	t.Helper()
	for _, r := range loadRules(t) {
		if r.UID == uid {
			return r
		}
	}
	t.Fatalf("no rule %s in %s", uid, rulesFile)
	return rule{}
}

// threshold is the condition's evaluator: type and its one parameter.
func (r rule) threshold(t *testing.T) (string, float64, string) {
	t.Helper()
	c := r.ref(r.Condition)
	if c == nil || c.Model["type"] != "threshold" {
		t.Fatalf("%s: condition %s is not a threshold", r.UID, r.Condition)
	}
	ev := c.Model["conditions"].([]any)[0].(map[string]any)["evaluator"].(map[string]any)
	params := ev["params"].([]any)
	if len(params) != 1 {
		t.Fatalf("%s: evaluator params %v", r.UID, params)
	}
	v, _ := params[0].(int)
	f, ok := params[0].(float64)
	if !ok {
		f = float64(v)
	}
	src, _ := c.Model["expression"].(string)
	return ev["type"].(string), f, src
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
	for _, uid := range []string{"rscerts-rotation-overdue", "rscerts-left-behind"} {
		if !seen[uid] {
			t.Errorf("no rule %s", uid)
		}
	}
}

// annotationKeys are what every rule sets and templates.yaml prints.
var annotationKeys = []string{"summary", "description", "expires", "days_left", "action", "dashboard"}

// TestEveryRuleSaysTheExpiry: beside its own query, each rule reads the same certificates'
// expiry (value expires, Unix milliseconds) and reduces it for the annotations, and sets every
// annotation the notification templates print.
func TestEveryRuleSaysTheExpiry(t *testing.T) {
	rules := loadRules(t)
	if len(rules) != 6 {
		t.Errorf("%d rules, want 6", len(rules))
	}
	for _, r := range rules {
		for _, k := range annotationKeys {
			if strings.TrimSpace(r.Annotations[k]) == "" {
				t.Errorf("%s: annotation %s missing", r.UID, k)
			}
		}
		main, expiry := r.query(t, "A"), r.query(t, "D")
		if main.QueryType != models.QueryDays || expiry.QueryType != models.QueryDays || expiry.Value != models.ValueExpires {
			t.Errorf("%s: A is %s, D is %s value %s; want days queries, D with value expires", r.UID, main, expiry, expiry.Value)
		}
		// The same certificates: every field but value.
		same := expiry
		same.Value = main.Value
		if !reflect.DeepEqual(same, main) {
			t.Errorf("%s: D %+v selects other certificates than A %+v", r.UID, expiry, main)
		}
		if !reflect.DeepEqual(r.ref("D").RelativeTimeRange, r.ref("A").RelativeTimeRange) {
			t.Errorf("%s: D's time range %v differs from A's %v", r.UID, r.ref("D").RelativeTimeRange, r.ref("A").RelativeTimeRange)
		}
		if e := r.ref("E"); e == nil || e.Model["type"] != "reduce" || e.Model["expression"] != "D" || e.Model["reducer"] != "last" {
			t.Errorf("%s: E must reduce D (last) for the annotations", r.UID)
		}
		for _, k := range []string{"summary", "description", "expires"} {
			if !strings.Contains(r.Annotations[k], ".Values.E.Value") {
				t.Errorf("%s: %s does not print the expiry (.Values.E)", r.UID, k)
			}
		}
	}
}

// TestRotationOverdueRule: every auto-rotated certificate with status rotation-overdue is an
// instance, whatever its days (like the missing rule).
func TestRotationOverdueRule(t *testing.T) {
	r := ruleByUID(t, "rscerts-rotation-overdue")
	q := r.query(t, "A")
	if q.QueryType != models.QueryDays || q.Category != certs.AutoRotated || q.Value != models.ValueRemaining ||
		!reflect.DeepEqual(q.Statuses, []string{string(certs.StatusRotationOverdue)}) {
		t.Errorf("query %s statuses %v value %s: want days remaining of auto-rotated, statuses [rotation-overdue]", q, q.Statuses, q.Value)
	}
	if typ, v, src := r.threshold(t); typ != "gt" || v > -1000 || src != "B" {
		t.Errorf("condition %s %v of %s: any rotation-overdue certificate must fire", typ, v, src)
	}
	if r.Labels["category"] != string(certs.AutoRotated) || r.Labels["severity"] == "" {
		t.Errorf("labels %v", r.Labels)
	}
}

// TestLeftBehindRule: days behind above driftDays (the datasource's setting, else the backend
// default), present copies only (a vanished one is the missing rule's).
func TestLeftBehindRule(t *testing.T) {
	r := ruleByUID(t, "rscerts-left-behind")
	q := r.query(t, "A")
	if q.QueryType != models.QueryDays || q.Value != models.ValueBehind || q.Category != models.CategoryAll {
		t.Errorf("query %s value %s: want days behind of every category", q, q.Value)
	}
	for _, st := range q.Statuses {
		if st == string(certs.StatusMissing) {
			t.Errorf("statuses %v include missing", q.Statuses)
		}
	}
	if len(q.Statuses) != 5 {
		t.Errorf("statuses %v: want every status but missing", q.Statuses)
	}
	drift := float64(models.DefaultDriftDays)
	if v, ok := demoDatasource(t).JSONData["driftDays"]; ok {
		drift = toFloat(t, v)
	}
	if typ, v, src := r.threshold(t); typ != "gt" || v != drift || src != "B" {
		t.Errorf("condition %s %v of %s, want gt %v (driftDays) of B", typ, v, src, drift)
	}
	if days := r.query(t, "F"); days.Value != models.ValueRemaining || !reflect.DeepEqual(days.Statuses, q.Statuses) {
		t.Errorf("F %s: want days remaining of the same certificates, for days_left", days)
	}
	if !strings.Contains(r.Annotations["days_left"], ".Values.G.Value") {
		t.Errorf("days_left %q does not print G (days remaining)", r.Annotations["days_left"])
	}
}

func toFloat(t *testing.T, v any) float64 {
	t.Helper()
	switch n := v.(type) {
	case int:
		return float64(n)
	case float64:
		return n
	}
	t.Fatalf("not a number: %v", v)
	return 0
}

func jsonNum(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}
