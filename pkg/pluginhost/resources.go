package pluginhost

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"time"
	"unicode/utf8"

	"github.com/grafana/grafana-plugin-sdk-go/backend"

	"github.com/seed/rscerts/pkg/certs"
	"github.com/seed/rscerts/pkg/engine"
	"github.com/seed/rscerts/pkg/models"
)

// CallResource serves the query editor and dashboard variables:
// GET clusters, GET nodes?cluster=..&cluster=.., GET certificates?cluster=.. (repeatable),
// each a sorted JSON array of strings.
func (d *Datasource) CallResource(ctx context.Context, req *backend.CallResourceRequest, sender backend.CallResourceResponseSender) error {
	if req.Method != http.MethodGet {
		return sendJSON(sender, http.StatusMethodNotAllowed, map[string]string{"error": "only GET is supported"})
	}
	pick, ok := resourcePickers[req.Path]
	if !ok {
		return sendJSON(sender, http.StatusNotFound, map[string]string{"error": "unknown resource " + req.Path + ": use clusters, nodes or certificates"})
	}
	if d.configErr != nil {
		return sendJSON(sender, http.StatusBadRequest, map[string]string{"error": d.configErr.Error()})
	}
	params, err := url.ParseQuery(queryString(req.URL))
	if err != nil {
		return sendJSON(sender, http.StatusBadRequest, map[string]string{"error": "invalid query string: " + err.Error()})
	}
	for _, c := range params["cluster"] {
		// Prometheus label values are UTF-8: such a value matches nothing, and in a regex
		// matcher (several values) Prometheus would reject the whole query.
		if !utf8.ValidString(c) {
			return sendJSON(sender, http.StatusBadRequest, map[string]string{"error": fmt.Sprintf("cluster parameter %q is not valid UTF-8", c)})
		}
	}
	q := models.Query{Clusters: params["cluster"], GroupBy: certs.GroupByNode, Category: models.CategoryAll}
	// Whole seconds: the variables and pickers of one dashboard load share one round trip.
	snap, err := d.engine.Certificates(ctx, engine.NewRequest(q, d.settings), time.Now().Truncate(time.Second))
	if err != nil {
		return sendJSON(sender, http.StatusBadGateway, map[string]string{"error": message(err)})
	}
	return sendJSON(sender, http.StatusOK, distinct(snap.Certificates, pick))
}

var resourcePickers = map[string]func(certs.Certificate) string{
	"clusters":     func(c certs.Certificate) string { return c.Cluster },
	"nodes":        func(c certs.Certificate) string { return c.Node },
	"certificates": func(c certs.Certificate) string { return c.Certificate },
}

func distinct(rows []certs.Certificate, pick func(certs.Certificate) string) []string {
	seen := map[string]bool{}
	out := []string{}
	for _, c := range rows {
		if v := pick(c); !seen[v] {
			seen[v] = true
			out = append(out, v)
		}
	}
	slices.Sort(out)
	return out
}

func queryString(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return ""
	}
	return u.RawQuery
}

func sendJSON(sender backend.CallResourceResponseSender, status int, v any) error {
	body, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return sender.Send(&backend.CallResourceResponse{
		Status:  status,
		Headers: map[string][]string{"Content-Type": {"application/json"}},
		Body:    body,
	})
}
