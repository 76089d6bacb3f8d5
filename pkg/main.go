// Command gpx_rscerts is the backend of the Redis Software Certificates datasource plugin.
package main

import (
	"os"

	"github.com/grafana/grafana-plugin-sdk-go/backend/datasource"
	"github.com/grafana/grafana-plugin-sdk-go/backend/log"

	"github.com/seed/rscerts/pkg/models"
	"github.com/seed/rscerts/pkg/pluginhost"
)

func main() {
	// Manage serves the plugin over gRPC and creates one instance per datasource (and per
	// settings version), disposing replaced ones.
	if err := datasource.Manage(models.PluginID, pluginhost.NewDatasource, datasource.ManageOpts{}); err != nil {
		log.DefaultLogger.Error(err.Error())
		os.Exit(1)
	}
}
