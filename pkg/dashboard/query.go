package dashboard

import (
	"encoding/json"

	"github.com/grafana/grafana-foundation-sdk/go/cog"
	"github.com/grafana/grafana-foundation-sdk/go/cog/variants"
	"github.com/grafana/grafana-foundation-sdk/go/common"

	"github.com/seed/rscerts/pkg/models"
)

// PluginID is our datasource plugin; every panel and variable must query it.
const PluginID = models.PluginID

// Categories and query types of the backend query model (pkg/models).
const (
	categoryAll         = "all"
	categoryUserManaged = "user-managed"
	categoryAutoRotated = "auto-rotated"
	categoryOther       = "other"

	queryCertificates = "certificates"
	queryDays         = "days"
	queryTimeseries   = "timeseries"
	// queryRenewals lists renewal and rotation events over the time range (one row per node
	// and certificate renewed); it accepts groupBy node only.
	queryRenewals      = "renewals"
	groupByNode        = "node"
	groupByCertificate = "certificate"
	groupByCluster     = "cluster"
	// allValue is the cluster and node variables' "All": the front end reads it as no filter
	// (src/variables.ts), so a cluster or node that appeared after the dashboard loaded is
	// shown, and the time series ask the store for no node (engine.Request.RangeExpr).
	allValue = "*"
	// soonestLimit is how many lines a top time series panel draws: the series whose
	// days remaining went lowest in the time range (the tables list every certificate).
	soonestLimit = 20
)

// Query is the backend query model as a panel target. The filters always follow the
// dashboard variables; the front end expands multi-value variables into these arrays.
type Query struct {
	RefID        string               `json:"refId"`
	Datasource   common.DataSourceRef `json:"datasource"`
	QueryType    string               `json:"queryType"`
	Clusters     []string             `json:"clusters"`
	Nodes        []string             `json:"nodes"`
	Certificates []string             `json:"certificates"`
	Category     string               `json:"category"`
	GroupBy      string               `json:"groupBy"`
	// Limit keeps a time series query's soonest series only (omitted: every series).
	Limit int `json:"limit,omitempty"`
}

// ds is the datasource reference every panel uses: the dashboard's datasource variable,
// so an imported dashboard needs no hand editing.
func ds() common.DataSourceRef {
	typ, uid := PluginID, "${datasource}"
	return common.DataSourceRef{Type: &typ, Uid: &uid}
}

func newQuery(queryType, category, groupBy string) Query {
	return Query{
		RefID:        "A",
		Datasource:   ds(),
		QueryType:    queryType,
		Clusters:     []string{"$cluster"},
		Nodes:        []string{"$node"},
		Certificates: []string{},
		Category:     category,
		GroupBy:      groupBy,
	}
}

// renewalsQuery is every renewal and rotation of the chosen clusters and nodes.
func renewalsQuery(refID string) Query {
	q := newQuery(queryRenewals, categoryAll, groupByNode)
	q.RefID = refID
	return q
}

// target turns q into the SDK's untyped dataquery: the SDK has no type for our plugin, and
// decoding a dashboard yields the same map, which keeps the round trip lossless.
func target(q Query) cog.Builder[variants.Dataquery] {
	raw, err := json.Marshal(q)
	if err != nil {
		panic(err) // a struct of strings and an int always marshals
	}
	var m variants.UnknownDataquery
	if err := json.Unmarshal(raw, &m); err != nil {
		panic(err)
	}
	return variants.NewUnknownDataqueryBuilderFromObject(m)
}
