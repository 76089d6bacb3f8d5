package models

import (
	"strings"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"

	"github.com/seed/rscerts/pkg/certs"
)

func TestLoadSettingsDefaults(t *testing.T) {
	s, err := LoadSettings(backend.DataSourceInstanceSettings{URL: "http://prom:9090"})
	if err != nil {
		t.Fatal(err)
	}
	if s.MetricVersion != MetricVersionAuto || s.MissingLookback != time.Hour || s.Thresholds != certs.DefaultThresholds() ||
		s.CacheTTL != 5*time.Second || s.ResponseLimitBytes != 64<<20 || s.DriftDays != 1 {
		t.Fatalf("unexpected defaults: %+v", s)
	}
}

func TestLoadSettingsExplicit(t *testing.T) {
	s, err := LoadSettings(backend.DataSourceInstanceSettings{URL: " http://prom:9090 ", JSONData: []byte(`{
		"metricVersion":"v2","userManagedWarningDays":60,"userManagedCriticalDays":20,
		"autoRotatedWarningDays":50,"autoRotatedCriticalDays":10,"missingLookback":"2h30m","cacheTTL":"0s","responseLimitMB":8,
		"rotationDaysBeforeExpiry":30,"rotationGraceDays":0,"driftDays":0.5}`)})
	if err != nil {
		t.Fatal(err)
	}
	want := certs.Thresholds{UserManagedWarningDays: 60, UserManagedCriticalDays: 20, AutoRotatedWarningDays: 50, AutoRotatedCriticalDays: 10,
		RotationDays: 30, RotationGraceDays: 0}
	if s.URL != "http://prom:9090" || s.MetricVersion != MetricVersionV2 || s.Thresholds != want || s.MissingLookback != 150*time.Minute ||
		s.CacheTTL != 0 || s.ResponseLimitBytes != 8<<20 || s.DriftDays != 0.5 {
		t.Fatalf("got %+v", s)
	}
}

func TestLoadSettingsErrors(t *testing.T) {
	tests := []struct {
		name, url, json, want string
	}{
		{"no url", "", `{}`, "URL is empty"},
		{"malformed json", "http://p", `{"metricVersion":`, "invalid JSON"},
		{"wrong type", "http://p", `{"userManagedWarningDays":"thirty"}`, "invalid JSON"},
		{"unknown version", "http://p", `{"metricVersion":"v3"}`, `metricVersion "v3"`},
		{"zero days", "http://p", `{"userManagedCriticalDays":0}`, "userManagedCriticalDays must be a positive number"},
		{"negative days", "http://p", `{"autoRotatedWarningDays":-1}`, "autoRotatedWarningDays must be a positive number"},
		{"critical above warning", "http://p", `{"userManagedWarningDays":10,"userManagedCriticalDays":20}`, "must not exceed userManagedWarningDays"},
		{"auto critical above warning", "http://p", `{"autoRotatedWarningDays":10}`, "autoRotatedCriticalDays (14) must not exceed autoRotatedWarningDays (10)"},
		{"bad lookback", "http://p", `{"missingLookback":"an hour"}`, "not a Prometheus duration"},
		{"lookback too long", "http://p", `{"missingLookback":"30d"}`, "between 1m and 7d"},
		{"bad cache ttl", "http://p", `{"cacheTTL":"soon"}`, "cacheTTL \"soon\" is not a Prometheus duration"},
		{"cache ttl too long", "http://p", `{"cacheTTL":"1h"}`, "at most 5m"},
		{"response limit", "http://p", `{"responseLimitMB":0}`, "responseLimitMB must be between 1 and 4096"},
		{"zero rotation days", "http://p", `{"rotationDaysBeforeExpiry":0}`, "rotationDaysBeforeExpiry must be a positive number"},
		{"rotation days text", "http://p", `{"rotationDaysBeforeExpiry":"60"}`, "invalid JSON"},
		{"negative grace", "http://p", `{"rotationGraceDays":-1}`, "rotationGraceDays must be zero or a positive number"},
		{"grace past rotation", "http://p", `{"rotationDaysBeforeExpiry":10,"rotationGraceDays":10}`, "rotationGraceDays (10) must be less than rotationDaysBeforeExpiry (10)"},
		{"zero drift", "http://p", `{"driftDays":0}`, "driftDays must be a positive number"},
		{"negative drift", "http://p", `{"driftDays":-2}`, "driftDays must be a positive number"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := LoadSettings(backend.DataSourceInstanceSettings{URL: tt.url, JSONData: []byte(tt.json)})
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %v, want it to contain %q", err, tt.want)
			}
		})
	}
}

func TestLoadSettingsNeverReadsSecrets(t *testing.T) {
	_, err := LoadSettings(backend.DataSourceInstanceSettings{URL: "", JSONData: []byte(`{"metricVersion":"x"}`),
		DecryptedSecureJSONData: map[string]string{"basicAuthPassword": "hunter2"}})
	if err == nil || strings.Contains(err.Error(), "hunter2") {
		t.Fatalf("error %v must exist and not contain the secret", err)
	}
}
