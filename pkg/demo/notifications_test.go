package demo

import (
	"slices"
	"strings"
	"testing"
)

const notificationsFile = "provisioning/alerting/notifications.yaml"

type notificationsConfig struct {
	APIVersion    int `yaml:"apiVersion"`
	ContactPoints []struct {
		OrgID     int `yaml:"orgId"`
		Name      string
		Receivers []struct {
			UID, Type string
			Settings  map[string]any
		}
	} `yaml:"contactPoints"`
	Policies []policy
}

type policy struct {
	OrgID          int        `yaml:"orgId"`
	Receiver       string     `yaml:"receiver"`
	GroupBy        []string   `yaml:"group_by"`
	ObjectMatchers [][]string `yaml:"object_matchers"`
	Routes         []policy   `yaml:"routes"`
}

// TestContactPointUsesTheTemplates: the contact point's subject and body are the provisioned
// templates, and it cannot deliver anything from the demo: email to an address under .invalid
// (never resolves) from a Grafana without SMTP.
func TestContactPointUsesTheTemplates(t *testing.T) {
	var f notificationsConfig
	readYAML(t, notificationsFile, &f)
	if f.APIVersion != 1 || len(f.ContactPoints) != 1 || len(f.ContactPoints[0].Receivers) != 1 {
		t.Fatalf("%s: want apiVersion 1 and one contact point with one integration, got %+v", notificationsFile, f)
	}
	cp := f.ContactPoints[0]
	recv := cp.Receivers[0]
	if cp.OrgID != 1 || cp.Name == "" || recv.UID == "" || recv.Type != "email" {
		t.Errorf("contact point %+v: want a named email integration with a uid in org 1", cp)
	}
	tmpl := loadTemplates(t)
	for key, want := range map[string]string{"subject": "rscerts.title", "message": "rscerts.message"} {
		text, _ := recv.Settings[key].(string)
		refs := templateRefs(text)
		if !slices.Contains(refs, want) {
			t.Errorf("%s %q does not use template %s", key, text, want)
		}
		for _, ref := range refs {
			if tmpl.Lookup(ref) == nil {
				t.Errorf("%s uses template %q, which %s does not define", key, ref, templatesFile)
			}
		}
	}
	addresses, _ := recv.Settings["addresses"].(string)
	for _, a := range strings.FieldsFunc(addresses, func(r rune) bool { return r == ';' || r == ',' || r == '\n' }) {
		if !strings.HasSuffix(strings.TrimSpace(a), ".invalid") {
			t.Errorf("address %q: the demo sends to .invalid only", a)
		}
	}
	if addresses == "" {
		t.Error("no addresses")
	}
	// Grafana sends email only with [smtp] enabled; the demo leaves it off.
	for _, file := range []string{"Dockerfile", "docker-compose.yaml"} {
		if strings.Contains(strings.ToUpper(string(readFile(t, file))), "GF_SMTP") {
			t.Errorf("%s configures SMTP: the demo's contact point would deliver", file)
		}
	}
}

// TestNotificationPolicyRoutesTheRules: the rules' folder routes to the contact point, one
// notification per rule and cluster; everything else keeps Grafana's default.
func TestNotificationPolicyRoutesTheRules(t *testing.T) {
	var f notificationsConfig
	readYAML(t, notificationsFile, &f)
	if len(f.Policies) != 1 {
		t.Fatalf("%s: %d policy trees, want 1", notificationsFile, len(f.Policies))
	}
	root := f.Policies[0]
	if root.OrgID != 1 || root.Receiver != "grafana-default-email" || len(root.ObjectMatchers) != 0 {
		t.Errorf("root policy %+v: want Grafana's default contact point, matching everything", root)
	}
	var folders []string
	var g struct {
		Groups []struct{ Folder string }
	}
	readYAML(t, rulesFile, &g)
	for _, grp := range g.Groups {
		folders = append(folders, grp.Folder)
	}
	cp := ""
	if len(f.ContactPoints) > 0 {
		cp = f.ContactPoints[0].Name
	}
	found := false
	for _, r := range root.Routes {
		if r.Receiver != cp {
			continue
		}
		found = true
		if len(r.ObjectMatchers) != 1 || len(r.ObjectMatchers[0]) != 3 || r.ObjectMatchers[0][0] != "grafana_folder" || r.ObjectMatchers[0][1] != "=" {
			t.Errorf("route %+v: want one matcher grafana_folder = <the rules' folder>", r)
			continue
		}
		for _, folder := range folders {
			if r.ObjectMatchers[0][2] != folder {
				t.Errorf("route matches folder %q, rules are in %q", r.ObjectMatchers[0][2], folder)
			}
		}
		for _, l := range []string{"grafana_folder", "alertname", "cluster"} {
			if !slices.Contains(r.GroupBy, l) {
				t.Errorf("route groups by %v, want %s among them (the title names rule and cluster)", r.GroupBy, l)
			}
		}
	}
	if !found {
		t.Errorf("no route to the contact point %q", cp)
	}
}
