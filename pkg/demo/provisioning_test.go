package demo

import (
	"encoding/json"
	"net/url"
	"path"
	"strings"
	"testing"

	"github.com/grafana/grafana-plugin-sdk-go/backend"

	"github.com/seed/rscerts/pkg/certs"
	"github.com/seed/rscerts/pkg/dashboard"
	"github.com/seed/rscerts/pkg/models"
)

const pluginDir = "/var/lib/grafana/plugins/" + dashboard.PluginID

type datasource struct {
	Name, UID, Type, URL string
	JSONData             map[string]any `yaml:"jsonData"`
}

// demoDatasource is our datasource in datasources.yml, checked the way the backend loads it.
func demoDatasource(t *testing.T) datasource {
	t.Helper()
	var f struct {
		APIVersion  int `yaml:"apiVersion"`
		Datasources []datasource
	}
	readYAML(t, "provisioning/datasources/datasources.yml", &f)
	if f.APIVersion != 1 || len(f.Datasources) != 1 {
		t.Fatalf("datasources.yml: want apiVersion 1 and exactly our datasource, got %+v", f)
	}
	ds := f.Datasources[0]
	if ds.Type != dashboard.PluginID || ds.UID == "" {
		t.Fatalf("datasource %+v: want type %s with a fixed uid", ds, dashboard.PluginID)
	}
	return ds
}

func TestDatasourceProvisioning(t *testing.T) {
	ds := demoDatasource(t)
	raw, _ := json.Marshal(ds.JSONData)
	s, err := models.LoadSettings(backend.DataSourceInstanceSettings{URL: ds.URL, JSONData: raw})
	if err != nil {
		t.Fatalf("the backend rejects the provisioned settings: %v", err)
	}
	if s.Thresholds != certs.DefaultThresholds() {
		t.Errorf("thresholds %+v: the demo sets the defaults %+v explicitly", s.Thresholds, certs.DefaultThresholds())
	}
	for _, k := range []string{"userManagedWarningDays", "userManagedCriticalDays", "autoRotatedWarningDays", "autoRotatedCriticalDays", "missingLookback", "metricVersion"} {
		if _, ok := ds.JSONData[k]; !ok {
			t.Errorf("jsonData.%s not set explicitly", k)
		}
	}
	u, err := url.Parse(ds.URL)
	if err != nil || u.Hostname() != "prometheus" || u.Port() != "9090" {
		t.Errorf("url %q: want the compose service http://prometheus:9090", ds.URL)
	}
}

// TestDashboardProvider: the provider reads the plugin's dashboards directory in the image,
// which the Dockerfile fills from dist/ (the bundler copies src/dashboards/*.json there).
func TestDashboardProvider(t *testing.T) {
	var f struct {
		APIVersion int `yaml:"apiVersion"`
		Providers  []struct {
			Name, Type string
			Options    struct{ Path string }
		}
	}
	readYAML(t, "provisioning/dashboards/dashboards.yml", &f)
	if f.APIVersion != 1 || len(f.Providers) != 1 {
		t.Fatalf("dashboards.yml: %+v", f)
	}
	p := f.Providers[0]
	rel, ok := strings.CutPrefix(p.Options.Path, pluginDir+"/")
	if p.Type != "file" || !ok {
		t.Fatalf("provider %+v: want a file provider under %s", p, pluginDir)
	}
	if src := path.Join("src", rel, dashboard.File); !exists(src) {
		t.Errorf("provider path %s holds dist/%s, built from %s, which does not exist", p.Options.Path, rel, src)
	}
	df := string(readFile(t, "Dockerfile"))
	if !strings.Contains(df, "/src/dist "+pluginDir) {
		t.Errorf("Dockerfile does not copy dist/ to %s", pluginDir)
	}
	if !strings.Contains(df, "GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH="+p.Options.Path+"/"+dashboard.File) {
		t.Errorf("home dashboard is not the provisioned file")
	}
}

// TestGrafanaMountsProvisioning: each provisioning directory Grafana reads is mounted where
// Grafana looks for it.
func TestGrafanaMountsProvisioning(t *testing.T) {
	mounts := map[string]string{}
	for _, v := range loadCompose(t).Services["grafana"].Volumes {
		parts := strings.Split(v, ":")
		mounts[path.Clean(parts[0])] = parts[1]
	}
	for _, dir := range []string{"datasources", "dashboards", "alerting"} {
		if got := mounts["provisioning/"+dir]; got != "/etc/grafana/provisioning/"+dir {
			t.Errorf("provisioning/%s mounted at %q", dir, got)
		}
	}
}
