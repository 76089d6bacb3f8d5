// Package pluginhost holds the Grafana SDK handlers, one small file per handler: the
// instance factory and dispose (this file), query data, health and resources.
package pluginhost

import (
	"context"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/grafana/grafana-plugin-sdk-go/backend/instancemgmt"

	"github.com/seed/rscerts/pkg/engine"
	"github.com/seed/rscerts/pkg/models"
	"github.com/seed/rscerts/pkg/prom"
)

var (
	_ backend.QueryDataHandler      = (*Datasource)(nil)
	_ backend.CheckHealthHandler    = (*Datasource)(nil)
	_ backend.CallResourceHandler   = (*Datasource)(nil)
	_ instancemgmt.InstanceDisposer = (*Datasource)(nil)
)

// Datasource is one configured datasource instance. Grafana creates a new one whenever the
// settings change (their Updated time moves) and disposes the old one.
type Datasource struct {
	settings models.Settings
	// configErr is kept instead of failing instance creation, so health and every query can
	// say what is wrong with the settings rather than a generic "failed to load plugin".
	configErr error
	client    *prom.Client
	engine    *engine.Engine
}

// NewDatasource is the instance factory given to datasource.Manage.
func NewDatasource(ctx context.Context, s backend.DataSourceInstanceSettings) (instancemgmt.Instance, error) {
	ds := &Datasource{}
	ds.settings, ds.configErr = models.LoadSettings(s)
	if ds.configErr != nil {
		return ds, nil
	}
	client, err := prom.New(ctx, s, ds.settings.ResponseLimitBytes)
	if err != nil {
		ds.configErr = err
		return ds, nil
	}
	ds.client = client
	// Identical requests of one refresh share a round trip (and an answer for CacheTTL).
	ds.engine = engine.New(client, ds.settings)
	return ds, nil
}

// Dispose stops the instance's background lookback refreshes and closes idle connections of
// the instance being replaced.
func (d *Datasource) Dispose() {
	if d.engine != nil {
		d.engine.Close()
	}
	if d.client != nil {
		d.client.Close()
	}
}
