package models

// PluginID is the plugin's id in plugin.json: the datasource type Grafana, the dashboard and
// the provisioning files name it by (pkg/packaging checks plugin.json against it).
const PluginID = "seed-rscerts-datasource"
