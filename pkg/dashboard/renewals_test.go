package dashboard

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/grafana/grafana-plugin-sdk-go/backend"

	"github.com/seed/rscerts/pkg/certs"
	"github.com/seed/rscerts/pkg/frames"
	"github.com/seed/rscerts/pkg/models"
)

// The panels and the annotation of issue 14 (renewals, rotation-overdue, Days behind), read
// from the checked-in file as Grafana reads it.

func dashboardFile(t *testing.T) map[string]any {
	t.Helper()
	var file map[string]any
	if err := json.Unmarshal(checkedIn(t), &file); err != nil {
		t.Fatal(err)
	}
	return file
}

func panelByTitle(t *testing.T, title string) map[string]any {
	t.Helper()
	var found []map[string]any
	for _, p := range panels(t) {
		if p["title"] == title && p["type"] != "row" {
			found = append(found, p)
		}
	}
	if len(found) != 1 {
		t.Fatalf("%d panels titled %q, want 1", len(found), title)
	}
	return found[0]
}

// override returns the properties (id -> value) of p's override matching field by name.
func override(t *testing.T, p map[string]any, field string) map[string]any {
	t.Helper()
	fc, _ := p["fieldConfig"].(map[string]any)
	list, _ := fc["overrides"].([]any)
	for _, o := range list {
		m := o.(map[string]any)
		matcher, _ := m["matcher"].(map[string]any)
		if matcher["id"] != "byName" || matcher["options"] != field {
			continue
		}
		props := map[string]any{}
		for _, pr := range m["properties"].([]any) {
			pm := pr.(map[string]any)
			props[pm["id"].(string)] = pm["value"]
		}
		return props
	}
	t.Errorf("%s: no override for %s", p["title"], field)
	return map[string]any{}
}

// onlyQuery is p's one target, parsed by the backend as Grafana would send it.
func onlyQuery(t *testing.T, where string, targets []any) models.Query {
	t.Helper()
	if len(targets) != 1 {
		t.Fatalf("%s: %d targets, want 1", where, len(targets))
	}
	raw, _ := json.Marshal(targets[0])
	q, err := models.ParseQuery(backend.DataQuery{RefID: "A", JSON: raw})
	if err != nil {
		t.Fatalf("%s: backend rejects the query: %v", where, err)
	}
	return q
}

func checkInDays(t *testing.T, where string, props map[string]any) {
	t.Helper()
	if props["unit"] != unitDays || props["decimals"] != float64(1) {
		t.Errorf("%s: unit %v decimals %v, want d with 1 decimal", where, props["unit"], props["decimals"])
	}
}

// TestFieldNamesAreTheBackends: the overrides name the backend's frame fields.
func TestFieldNamesAreTheBackends(t *testing.T) {
	for ours, theirs := range map[string]string{
		fieldCluster: frames.FieldCluster, fieldDays: frames.FieldDays, fieldStatus: frames.FieldStatus,
		fieldBehind: frames.FieldDaysBehind, fieldTime: frames.FieldTime,
		fieldExpiresBefore: frames.FieldExpiresBefore, fieldExpiresAfter: frames.FieldExpiresAfter,
		fieldDaysBefore: frames.FieldDaysBefore, fieldDaysAfter: frames.FieldDaysAfter, unitDays: frames.UnitDays,
	} {
		if ours != theirs {
			t.Errorf("dashboard uses %q where the backend's frames have %q", ours, theirs)
		}
	}
}

// TestThresholdsAreTheDefaults: the colours change where the backend's default settings
// change the status.
func TestThresholdsAreTheDefaults(t *testing.T) {
	d := certs.DefaultThresholds()
	got := certs.Thresholds{
		UserManagedWarningDays: userManagedWarningDays, UserManagedCriticalDays: userManagedCriticalDays,
		AutoRotatedWarningDays: autoRotatedWarningDays, AutoRotatedCriticalDays: autoRotatedCriticalDays,
		RotationDays: rotationDaysBeforeExpiry, RotationGraceDays: rotationGraceDays,
	}
	if got != d {
		t.Errorf("dashboard thresholds %+v, backend defaults %+v", got, d)
	}
	if driftDays != models.DefaultDriftDays {
		t.Errorf("driftDays %v, backend default %v", driftDays, models.DefaultDriftDays)
	}
	// Each band of the auto-rotated steps is the status the backend gives it.
	steps := stepsJSON(autoRotatedSteps()).Steps
	for _, s := range steps[1:] {
		v := *s.Value
		above, below := d.Status(certs.AutoRotated, v), d.Status(certs.AutoRotated, v-0.01)
		if above == below {
			t.Errorf("auto-rotated step at %v: status %s on both sides", v, above)
		}
		if v == rotationOverdueDays && (s.Color != "green" || below != certs.StatusRotationOverdue) {
			t.Errorf("at %v days: colour %s above, status %s below; want green above rotation-overdue", v, s.Color, below)
		}
		if v == autoRotatedWarningDays && (s.Color != rotationOverdueColor || above != certs.StatusRotationOverdue) {
			t.Errorf("at %v days: colour %s, status %s; want the rotation-overdue colour", v, s.Color, above)
		}
	}
}

// TestRenewalsAnnotation: one annotation, on by default, puts every renewal and rotation of
// the chosen clusters and nodes on every time series panel.
func TestRenewalsAnnotation(t *testing.T) {
	file := dashboardFile(t)
	anns, _ := file["annotations"].(map[string]any)
	list, _ := anns["list"].([]any)
	var ours []map[string]any
	for _, a := range list {
		m := a.(map[string]any)
		if b, _ := m["builtIn"].(float64); b != 1 {
			ours = append(ours, m)
		}
	}
	if len(ours) != 1 {
		t.Fatalf("%d annotations of ours, want 1 (Renewals): %v", len(ours), list)
	}
	a := ours[0]
	checkDatasource(t, "annotation", a["datasource"])
	if a["name"] != "Renewals" || a["enable"] != true || a["hide"] == true {
		t.Errorf("annotation %v: want Renewals, enabled and shown", a)
	}
	if p, ok := a["placement"]; ok {
		t.Errorf("annotation placement %v: its toggle belongs in view, where Grafana puts it by default", p)
	}
	if _, ok := a["filter"]; ok {
		t.Errorf("annotation filter %v: it belongs on every panel", a["filter"])
	}
	target, _ := a["target"].(map[string]any)
	checkDatasource(t, "annotation target", target["datasource"])
	q := onlyQuery(t, "annotation", []any{target})
	if q.QueryType != models.QueryRenewals || q.Category != models.CategoryAll || q.GroupBy != certs.GroupByNode {
		t.Errorf("annotation query %s, want renewals of category all, groupBy node", q)
	}
	if !reflect.DeepEqual(q.Clusters, []string{"$cluster"}) || !reflect.DeepEqual(q.Nodes, []string{"$node"}) {
		t.Errorf("annotation filters %v %v do not follow $cluster/$node", q.Clusters, q.Nodes)
	}
}

// rowOf maps each panel title to the row it is in, in layout order.
func rowOf(t *testing.T) (rows []string, in map[string]string) {
	t.Helper()
	var file struct {
		Panels []map[string]any `json:"panels"`
	}
	if err := json.Unmarshal(checkedIn(t), &file); err != nil {
		t.Fatal(err)
	}
	in = map[string]string{}
	row := ""
	for _, p := range file.Panels {
		title, _ := p["title"].(string)
		if p["type"] == "row" {
			row = title
			rows = append(rows, row)
			for _, inner := range p["panels"].([]any) {
				in[inner.(map[string]any)["title"].(string)] = row
			}
			continue
		}
		in[title] = row
	}
	return rows, in
}

// TestRecentRenewals: the renewals table comes right after the overview, newest first, days
// in days and expiries as dates, with the rotation counts beside it.
func TestRecentRenewals(t *testing.T) {
	rows, in := rowOf(t)
	if len(rows) < 2 || rows[0] != "Overview" {
		t.Fatalf("rows %v: want Overview first", rows)
	}
	for _, title := range []string{"Recent renewals", "Rotation overdue", "Left behind"} {
		if in[title] != rows[1] {
			t.Errorf("%s is in row %q, want the row after Overview (%q)", title, in[title], rows[1])
		}
	}
	p := panelByTitle(t, "Recent renewals")
	if p["type"] != "table" {
		t.Errorf("Recent renewals is a %v", p["type"])
	}
	q := onlyQuery(t, "Recent renewals", p["targets"].([]any))
	if q.QueryType != models.QueryRenewals || q.Category != models.CategoryAll {
		t.Errorf("Recent renewals query %s, want renewals of every category", q)
	}
	opts := p["options"].(map[string]any)
	if sort := opts["sortBy"]; !reflect.DeepEqual(sort, []any{map[string]any{"displayName": fieldTime, "desc": true}}) {
		t.Errorf("sortBy %v, want Time descending (newest first)", sort)
	}
	for _, f := range []string{fieldDaysBefore, fieldDaysAfter} {
		checkInDays(t, "Recent renewals "+f, override(t, p, f))
	}
	for _, f := range []string{fieldExpiresBefore, fieldExpiresAfter} {
		if u := override(t, p, f)["unit"]; u != unitDate {
			t.Errorf("Recent renewals %s: unit %v, want %s", f, u, unitDate)
		}
	}
	links, _ := json.Marshal(override(t, p, fieldCluster)["links"])
	if !strings.Contains(string(links), "var-cluster=${__value.raw}") {
		t.Errorf("Recent renewals: Cluster links %s do not filter the dashboard", links)
	}
}

// TestCertificateTablesShowDrift: every certificate table colours Days behind from driftDays
// and maps every status, rotation-overdue in a colour of its own.
func TestCertificateTablesShowDrift(t *testing.T) {
	n := 0
	for _, p := range panels(t) {
		if p["type"] != "table" || onlyQuery(t, p["title"].(string), p["targets"].([]any)).QueryType != models.QueryCertificates {
			continue
		}
		n++
		title := p["title"].(string)
		if desc, _ := p["description"].(string); !strings.Contains(desc, "Days behind") || !strings.Contains(desc, "driftDays") {
			t.Errorf("%s: description does not explain Days behind and driftDays: %q", title, desc)
		}
		behind := override(t, p, fieldBehind)
		checkInDays(t, title+" "+fieldBehind, behind)
		steps, _ := json.Marshal(behind["thresholds"])
		if want := `{"mode":"absolute","steps":[{"color":"transparent","value":null},{"color":"red","value":1}]}`; string(steps) != want {
			t.Errorf("%s: Days behind thresholds %s, want %s", title, steps, want)
		}
		if cell, _ := behind["custom.cellOptions"].(map[string]any); cell["type"] != "color-background" {
			t.Errorf("%s: Days behind cells %v are not coloured", title, behind["custom.cellOptions"])
		}
		mappings, _ := override(t, p, fieldStatus)["mappings"].([]any)
		if len(mappings) != 1 {
			t.Fatalf("%s: Status mappings %v", title, mappings)
		}
		options := mappings[0].(map[string]any)["options"].(map[string]any)
		colors := map[string]string{}
		for _, st := range []certs.Status{certs.StatusExpired, certs.StatusCritical, certs.StatusWarning, certs.StatusRotationOverdue, certs.StatusOK, certs.StatusMissing} {
			m, _ := options[string(st)].(map[string]any)
			c, _ := m["color"].(string)
			if c == "" {
				t.Errorf("%s: status %s has no colour", title, st)
			}
			if other, taken := colors[c]; taken {
				t.Errorf("%s: statuses %s and %s share the colour %s", title, other, st, c)
			}
			colors[c] = string(st)
		}
		if colors[rotationOverdueColor] != string(certs.StatusRotationOverdue) {
			t.Errorf("%s: rotation-overdue is not %s", title, rotationOverdueColor)
		}
	}
	if n != 3 {
		t.Errorf("%d certificate tables, want 3 (user-managed, auto-rotated, other)", n)
	}
}

// TestRotationCounts: the two counts next to the renewals filter the certificates table the
// way the statuses and the Days behind colour do.
func TestRotationCounts(t *testing.T) {
	for _, c := range []struct {
		title, field, matcher string
		value                 any
		color                 string
	}{
		{"Rotation overdue", fieldStatus, "equal", string(certs.StatusRotationOverdue), rotationOverdueColor},
		{"Left behind", fieldBehind, "greater", float64(models.DefaultDriftDays), leftBehindColor},
	} {
		p := panelByTitle(t, c.title)
		q := onlyQuery(t, c.title, p["targets"].([]any))
		if p["type"] != "stat" || q.QueryType != models.QueryCertificates || q.Category != models.CategoryAll || len(q.Statuses) != 0 {
			t.Errorf("%s: %v panel of %s, want a stat counting every certificate row", c.title, p["type"], q)
		}
		tr, _ := json.Marshal(p["transformations"])
		want, _ := json.Marshal([]any{map[string]any{"id": "filterByValue", "options": map[string]any{
			"type": "include", "match": "any",
			"filters": []any{map[string]any{"fieldName": c.field, "config": map[string]any{"id": c.matcher, "options": map[string]any{"value": c.value}}}},
		}}})
		if string(tr) != string(want) {
			t.Errorf("%s: transformations %s, want %s", c.title, tr, want)
		}
		opts, _ := json.Marshal(p["options"].(map[string]any)["reduceOptions"])
		if !strings.Contains(string(opts), `"calcs":["count"]`) {
			t.Errorf("%s: reduce %s, want a count", c.title, opts)
		}
		steps, _ := json.Marshal(p["fieldConfig"].(map[string]any)["defaults"].(map[string]any)["thresholds"])
		if !strings.Contains(string(steps), `{"color":"`+c.color+`","value":1}`) {
			t.Errorf("%s: thresholds %s, want %s from 1", c.title, steps, c.color)
		}
		if desc, _ := p["description"].(string); desc == "" {
			t.Errorf("%s: no description", c.title)
		}
	}
	if desc := panelByTitle(t, "Left behind")["description"].(string); !strings.Contains(desc, "driftDays") {
		t.Errorf("Left behind description does not name driftDays: %q", desc)
	}
}
