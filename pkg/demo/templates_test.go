package demo

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"text/template"
	"time"

	promtemplates "github.com/prometheus/common/helpers/templates"
	"github.com/prometheus/common/model"

	"github.com/seed/rscerts/pkg/certs"
	"github.com/seed/rscerts/pkg/dashboard"
)

// The annotations of rules.yaml and the notification templates of templates.yaml, executed as
// Grafana executes them: Go text/template with Grafana's function names. The functions a
// template here uses behave as Grafana's do (Grafana's come from Prometheus' template package,
// whose time helpers live in prometheus/common, used here); the others are stubs, so a template
// calling a function Grafana does not have fails to parse.

const externalURL = "http://localhost:3000/" // Grafana's root_url always ends with a slash

// ruleFuncs are the functions Grafana offers annotation templates: Prometheus' template
// functions (query support aside) and Grafana's label helpers.
func ruleFuncs() template.FuncMap {
	stub := func(...any) (string, error) { return "", fmt.Errorf("stub called") }
	f := template.FuncMap{}
	for _, name := range []string{"query", "first", "label", "value", "strvalue", "args", "reReplaceAll", "safeHtml",
		"match", "title", "toUpper", "toLower", "graphLink", "tableLink", "sortByLabel", "stripPort", "stripDomain",
		"humanize1024", "humanizeDuration", "humanizePercentage", "toDuration", "now", "pathPrefix", "urlQueryEscape",
		"filterLabels", "filterLabelsRe", "removeLabels", "removeLabelsRe", "mergeLabelValues"} {
		f[name] = stub
	}
	f["humanize"] = func(v float64) string { return strconv.FormatFloat(v, 'g', 4, 64) }
	f["humanizeTimestamp"] = promtemplates.HumanizeTimestamp
	f["toTime"] = func(i any) (*time.Time, error) {
		v, err := promtemplates.ConvertToFloat(i)
		if err != nil {
			return nil, err
		}
		return promtemplates.FloatToTime(v)
	}
	f["parseDuration"] = func(d string) (float64, error) {
		v, err := model.ParseDuration(d)
		if err != nil {
			return 0, err
		}
		return time.Duration(v).Seconds(), nil
	}
	f["externalURL"] = func() string { return externalURL }
	return f
}

// tmplValue is Grafana's template.Value: a reduce, math or threshold result.
type tmplValue struct {
	Labels map[string]string
	Value  float64
}

func (v tmplValue) String() string { return strconv.FormatFloat(v.Value, 'f', -1, 64) }

// expand renders one annotation the way Grafana's state manager does.
func expand(t *testing.T, where, text string, labels map[string]string, values map[string]float64) string {
	t.Helper()
	data := struct {
		Labels map[string]string
		Values map[string]tmplValue
		Value  string
	}{Labels: labels, Values: map[string]tmplValue{}}
	for ref, v := range values {
		data.Values[ref] = tmplValue{Labels: labels, Value: v}
	}
	tmpl, err := template.New("__alert_" + where).Option("missingkey=invalid").Funcs(ruleFuncs()).
		Parse("{{- $labels := .Labels -}}{{- $values := .Values -}}{{- $value := .Value -}}" + text)
	if err != nil {
		t.Fatalf("%s: %v", where, err)
	}
	var b bytes.Buffer
	if err := tmpl.Execute(&b, data); err != nil {
		t.Fatalf("%s: %v", where, err)
	}
	out := strings.ReplaceAll(b.String(), "<no value>", "[no value]")
	if strings.Contains(out, "[no value]") || strings.Contains(out, "{{") {
		t.Errorf("%s renders %q", where, out)
	}
	return out
}

// sampleExpiry is the expiry the samples report, and how the annotations print it.
var (
	sampleExpiry      = time.Date(2026, 3, 1, 12, 0, 7, 437e6, time.UTC)
	sampleExpiryShown = "2026-03-01 12:00 UTC"
)

// instance is one alert instance of a rule: labels and the values of its expressions.
type instance struct {
	labels map[string]string
	values map[string]float64
	days   float64 // days remaining, as the annotations should print it
}

func sampleInstance(r rule, cluster, category, certificate string, expires float64) instance {
	in := instance{
		labels: map[string]string{"cluster": cluster, "node": "2", "certificate": certificate, "category": category},
		values: map[string]float64{"A": 12.34, "B": 12.34, "C": 1, "D": expires, "E": expires},
		days:   12.34,
	}
	if r.ref("G") != nil { // the left-behind rule: B is days behind, G days remaining
		in.values["A"], in.values["B"] = 3.5, 3.5
		in.values["F"], in.values["G"] = 40.25, 40.25
		in.days = 40.25
	}
	return in
}

// ruleCategories are the categories a rule's instances can have.
func ruleCategories(t *testing.T, r rule) []string {
	q := r.query(t, "A")
	if q.Category == "all" {
		return []string{string(certs.UserManaged), string(certs.AutoRotated), string(certs.Other)}
	}
	return []string{string(q.Category)}
}

func certificateOf(category string) string {
	switch category {
	case string(certs.AutoRotated):
		return "ccs_internode_encryption"
	case string(certs.Other):
		return "db1-crdt"
	}
	return "proxy"
}

// actionWords are what the action must say for a certificate of this category on this cluster.
func actionWords(category, cluster, certificate string) []string {
	if category == string(certs.AutoRotated) {
		return []string{"POST https://" + cluster + ":9443/v1/cluster/certificates/rotate", `{"name": "` + certificate + `"}`}
	}
	return []string{"rladmin cluster certificate set " + certificate + " certificate_file ", " key_file ",
		"PUT https://" + cluster + ":9443/v1/cluster/certificates"}
}

// TestAnnotationTemplates renders every annotation of every rule for certificates of each
// category it can alert on: each names the cluster, node and certificate, the expiry date, the
// days left and the action, and links to the bundled dashboard filtered to the cluster.
func TestAnnotationTemplates(t *testing.T) {
	for _, r := range loadRules(t) {
		for _, category := range ruleCategories(t, r) {
			for _, cluster := range []string{"c1.example.com", "a b&c"} {
				cert := certificateOf(category)
				in := sampleInstance(r, cluster, category, cert, float64(sampleExpiry.UnixMilli()))
				got := map[string]string{}
				for k, text := range r.Annotations {
					got[k] = expand(t, r.UID+"/"+k+"/"+category, text, in.labels, in.values)
				}
				where := r.UID + " (" + category + ", " + cluster + ")"
				days := strconv.FormatFloat(in.days, 'f', 1, 64)
				for _, k := range []string{"summary", "description"} {
					for _, want := range []string{cluster, "node 2", cert, sampleExpiryShown, days} {
						if !strings.Contains(got[k], want) {
							t.Errorf("%s %s lacks %q: %s", where, k, want, got[k])
						}
					}
				}
				if got["expires"] != sampleExpiryShown || got["days_left"] != days {
					t.Errorf("%s: expires %q days_left %q, want %q and %q", where, got["expires"], got["days_left"], sampleExpiryShown, days)
				}
				for _, want := range actionWords(category, cluster, cert) {
					if !strings.Contains(got["action"], want) {
						t.Errorf("%s action lacks %q: %s", where, want, got["action"])
					}
				}
				// The description says what to run too (the rotate call or rladmin).
				if verb := actionWords(category, cluster, cert)[0]; !strings.Contains(got["description"], verb) {
					t.Errorf("%s description lacks %q: %s", where, verb, got["description"])
				}
				checkDashboardLink(t, where, got["dashboard"], cluster)
				if u, ok := got["runbook_url"]; ok && !strings.HasPrefix(u, "https://redis.io/docs/") {
					t.Errorf("%s runbook_url %q", where, u)
				}
			}
		}
	}
}

// TestAnnotationTemplatesUnreadableExpiry: NaN (an unreadable certificate) prints "unknown",
// not 1970 or a template error.
func TestAnnotationTemplatesUnreadableExpiry(t *testing.T) {
	for _, r := range loadRules(t) {
		category := ruleCategories(t, r)[0]
		in := sampleInstance(r, "c1.example.com", category, certificateOf(category), math.NaN())
		in.values["B"] = -1 // reduce's replaceNN
		for _, k := range []string{"summary", "description", "expires"} {
			if got := expand(t, r.UID+"/"+k, r.Annotations[k], in.labels, in.values); !strings.Contains(got, "unknown") || strings.Contains(got, "1970") {
				t.Errorf("%s %s with an unreadable expiry: %s", r.UID, k, got)
			}
		}
	}
}

// checkDashboardLink: the link opens the bundled dashboard by its uid with its cluster variable
// set to exactly this cluster.
func checkDashboardLink(t *testing.T, where, link, cluster string) {
	t.Helper()
	u, err := url.Parse(link)
	if err != nil {
		t.Errorf("%s: dashboard link %q: %v", where, link, err)
		return
	}
	base, _ := url.Parse(externalURL)
	if u.Host != base.Host || !strings.HasPrefix(u.Path, "/d/"+dashboard.UID+"/") || strings.Contains(u.Path, "//") {
		t.Errorf("%s: dashboard link %q does not open /d/%s/ on %s", where, link, dashboard.UID, externalURL)
	}
	vars := dashboardVariables(t)
	for k, v := range u.Query() {
		name, ok := strings.CutPrefix(k, "var-")
		if !ok || !vars[name] {
			t.Errorf("%s: link parameter %s is no variable of the dashboard (%v)", where, k, vars)
		}
		if name == "cluster" && (len(v) != 1 || v[0] != cluster) {
			t.Errorf("%s: link selects cluster %v, want %q", where, v, cluster)
		}
	}
	if u.Query().Get("var-cluster") == "" {
		t.Errorf("%s: link %q does not filter on the cluster", where, link)
	}
}

// dashboardVariables are the variable names of the bundled dashboard as generated.
func dashboardVariables(t *testing.T) map[string]bool {
	t.Helper()
	var d struct {
		UID        string `json:"uid"`
		Templating struct {
			List []struct{ Name string } `json:"list"`
		} `json:"templating"`
	}
	if err := json.Unmarshal(readFile(t, dashboard.Path), &d); err != nil {
		t.Fatal(err)
	}
	if d.UID != dashboard.UID {
		t.Fatalf("bundled dashboard uid %q, want %q", d.UID, dashboard.UID)
	}
	out := map[string]bool{}
	for _, v := range d.Templating.List {
		out[v.Name] = true
	}
	return out
}

const templatesFile = "provisioning/alerting/templates.yaml"

// notification data as Grafana's notifier gives it to a contact point's templates.
type kv map[string]string

type notifAlert struct {
	Status                                                        string
	Labels, Annotations                                           kv
	StartsAt, EndsAt                                              time.Time
	GeneratorURL, SilenceURL, DashboardURL, PanelURL, Fingerprint string
	ValueString                                                   string
	Values                                                        map[string]float64
}

type notifAlerts []notifAlert

func (as notifAlerts) with(status string) []notifAlert {
	out := []notifAlert{}
	for _, a := range as {
		if a.Status == status {
			out = append(out, a)
		}
	}
	return out
}

func (as notifAlerts) Firing() []notifAlert   { return as.with("firing") }
func (as notifAlerts) Resolved() []notifAlert { return as.with("resolved") }

type notifData struct {
	Receiver, Status                             string
	Alerts                                       notifAlerts
	GroupLabels, CommonLabels, CommonAnnotations kv
	ExternalURL                                  string
}

// notificationFuncs are the functions of Grafana's notification templates (Alertmanager's and
// Grafana's own), toUpper as itself, the rest stubs.
func notificationFuncs() template.FuncMap {
	stub := func(...any) (string, error) { return "", fmt.Errorf("stub called") }
	f := template.FuncMap{}
	for _, name := range []string{"toLower", "title", "trimSpace", "join", "match", "safeHtml", "safeUrl", "urlUnescape",
		"reReplaceAll", "stringSlice", "routeLabels", "date", "tz", "since", "humanizeDuration", "toDate", "mustToDate",
		"toJson", "now", "__dangerouslyCreateHTML"} {
		f[name] = stub
	}
	f["toUpper"] = strings.ToUpper
	return f
}

func loadTemplates(t *testing.T) *template.Template {
	t.Helper()
	var f struct {
		APIVersion int `yaml:"apiVersion"`
		Templates  []struct {
			OrgID          int `yaml:"orgId"`
			Name, Template string
		}
	}
	readYAML(t, templatesFile, &f)
	if f.APIVersion != 1 || len(f.Templates) != 1 || f.Templates[0].Name == "" || f.Templates[0].OrgID != 1 {
		t.Fatalf("%s: want apiVersion 1 and one named template group of org 1, got %+v", templatesFile, f)
	}
	tmpl, err := template.New(f.Templates[0].Name).Funcs(notificationFuncs()).Parse(f.Templates[0].Template)
	if err != nil {
		t.Fatalf("%s: %v", templatesFile, err)
	}
	for _, name := range []string{"rscerts.title", "rscerts.message", "rscerts.alert"} {
		if tmpl.Lookup(name) == nil {
			t.Errorf("%s defines no %s", templatesFile, name)
		}
	}
	return tmpl
}

func render(t *testing.T, tmpl *template.Template, name string, data notifData) string {
	t.Helper()
	var b bytes.Buffer
	if err := tmpl.ExecuteTemplate(&b, name, data); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	if strings.Contains(b.String(), "<no value>") {
		t.Errorf("%s renders <no value>: %s", name, b.String())
	}
	return b.String()
}

// alertOf is the notification's view of a rule's instance: its labels plus Grafana's, and the
// annotations as rendered by the rule.
func alertOf(t *testing.T, r rule, in instance, status string) notifAlert {
	t.Helper()
	a := notifAlert{Status: status, Labels: kv{"alertname": r.Title, "grafana_folder": "Redis Software"}, Annotations: kv{}}
	for k, v := range in.labels {
		a.Labels[k] = v
	}
	for k, v := range r.Labels {
		a.Labels[k] = v
	}
	for k, text := range r.Annotations {
		a.Annotations[k] = expand(t, r.UID+"/"+k, text, in.labels, in.values)
	}
	return a
}

// TestNotificationTemplates: a notification lists each alert's cluster, node, certificate,
// expiry date, days left, action and dashboard link, the firing ones and the resolved ones.
func TestNotificationTemplates(t *testing.T) {
	tmpl := loadTemplates(t)
	if strings.Contains(string(readFile(t, templatesFile)), "$") {
		t.Errorf("%s contains $: provisioning may expand it as an environment variable", templatesFile)
	}
	for _, r := range loadRules(t) {
		category := ruleCategories(t, r)[0]
		expires := float64(sampleExpiry.UnixMilli())
		firing := []instance{
			sampleInstance(r, "c1.example.com", category, certificateOf(category), expires),
			sampleInstance(r, "c1.example.com", category, "api", expires),
		}
		firing[1].labels["node"] = "3"
		resolved := sampleInstance(r, "c1.example.com", category, "cm", expires)
		data := notifData{Receiver: "Redis Software certificates", Status: "firing", ExternalURL: externalURL,
			GroupLabels:  kv{"alertname": r.Title, "grafana_folder": "Redis Software", "cluster": "c1.example.com"},
			CommonLabels: kv{"alertname": r.Title, "grafana_folder": "Redis Software", "cluster": "c1.example.com"}}
		for _, in := range firing {
			data.Alerts = append(data.Alerts, alertOf(t, r, in, "firing"))
		}
		data.Alerts = append(data.Alerts, alertOf(t, r, resolved, "resolved"))

		title := render(t, tmpl, "rscerts.title", data)
		if want := "[FIRING:2] " + r.Title + " on c1.example.com"; strings.TrimSpace(title) != want {
			t.Errorf("%s: title %q, want %q", r.UID, title, want)
		}
		msg := render(t, tmpl, "rscerts.message", data)
		for i, in := range firing {
			a := data.Alerts[i]
			for _, want := range []string{
				"Cluster c1.example.com, node " + in.labels["node"] + ", certificate " + in.labels["certificate"],
				"Expires: " + sampleExpiryShown, "Days left: " + strconv.FormatFloat(in.days, 'f', 1, 64),
				"Action: " + a.Annotations["action"], "Dashboard: " + a.Annotations["dashboard"], a.Annotations["summary"],
			} {
				if !strings.Contains(msg, want) {
					t.Errorf("%s: message lacks %q:\n%s", r.UID, want, msg)
				}
			}
		}
		if !strings.Contains(msg, "2 firing") || !strings.Contains(msg, "1 resolved") || !strings.Contains(msg, "certificate cm") {
			t.Errorf("%s: message does not list firing and resolved alerts:\n%s", r.UID, msg)
		}
		if r.UID == "rscerts-left-behind" && !strings.Contains(msg, "Days behind the newest copy: 3.5") {
			t.Errorf("%s: message lacks the days behind:\n%s", r.UID, msg)
		}

		data.Status, data.Alerts = "resolved", data.Alerts[2:]
		if title := render(t, tmpl, "rscerts.title", data); strings.TrimSpace(title) != "[RESOLVED] "+r.Title+" on c1.example.com" {
			t.Errorf("%s: resolved title %q", r.UID, title)
		}
		if msg := render(t, tmpl, "rscerts.message", data); strings.Contains(msg, "firing") || !strings.Contains(msg, "1 resolved") {
			t.Errorf("%s: resolved message:\n%s", r.UID, msg)
		}
	}
}

// TestAlertingProvisioningHasNoDollar: every file Grafana's alerting provisioning reads is
// dollar-free (see rules.yaml's header).
func TestAlertingProvisioningHasNoDollar(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(root, "provisioning", "alerting", "*"))
	if err != nil || len(files) < 3 {
		t.Fatalf("provisioning/alerting: %v %v", files, err)
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if i := bytes.IndexByte(b, '$'); i >= 0 {
			t.Errorf("%s has a $ at byte %d", f, i)
		}
	}
}

// templateRefs are the templates a text uses.
func templateRefs(text string) []string {
	var out []string
	for _, m := range regexp.MustCompile(`template\s+"([^"]+)"`).FindAllStringSubmatch(text, -1) {
		out = append(out, m[1])
	}
	return out
}
