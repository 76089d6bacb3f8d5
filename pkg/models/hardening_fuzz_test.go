package models

import (
	"testing"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
)

// FuzzSettings: LoadSettings never panics, whatever the jsonData and URL, and either accepts
// settings that respect every documented bound or names what is wrong.
func FuzzSettings(f *testing.F) {
	for _, seed := range []string{
		``, `{}`, `null`, `[]`, `{"metricVersion":`, `{"userManagedWarningDays":"thirty"}`,
		`{"userManagedWarningDays":10,"userManagedCriticalDays":20}`, `{"autoRotatedWarningDays":1e308,"autoRotatedCriticalDays":1e-308}`,
		`{"missingLookback":"1y2w3d4h5m6s7ms"}`, `{"missingLookback":"-1h"}`, `{"cacheTTL":"0"}`, `{"cacheTTL":"5m1ms"}`,
		`{"responseLimitMB":4096.5}`, `{"responseLimitMB":1e-9}`, `{"metricVersion":"v2","timeout":"x"}`,
	} {
		f.Add("http://prometheus:9090", []byte(seed))
	}
	f.Add("", []byte(`{"metricVersion":"v3"}`))
	f.Fuzz(func(t *testing.T, url string, jsonData []byte) {
		s, err := LoadSettings(backend.DataSourceInstanceSettings{URL: url, JSONData: jsonData})
		if err != nil {
			if err.Error() == "" {
				t.Fatal("an error must say what is wrong")
			}
			return
		}
		th := s.Thresholds
		switch {
		case s.URL == "":
			t.Fatalf("accepted an empty URL: %+v", s)
		case th.UserManagedCriticalDays <= 0 || th.UserManagedCriticalDays > th.UserManagedWarningDays || th.UserManagedWarningDays > 36500,
			th.AutoRotatedCriticalDays <= 0 || th.AutoRotatedCriticalDays > th.AutoRotatedWarningDays || th.AutoRotatedWarningDays > 36500:
			t.Fatalf("accepted thresholds out of range: %+v", th)
		case s.MissingLookback < 60e9 || s.MissingLookback > MaxMissingLookback:
			t.Fatalf("accepted lookback %s", s.MissingLookback)
		case s.CacheTTL < 0 || s.CacheTTL > MaxCacheTTL:
			t.Fatalf("accepted cache TTL %s", s.CacheTTL)
		case s.ResponseLimitBytes < 1<<20 || s.ResponseLimitBytes > 4096<<20:
			t.Fatalf("accepted response limit %d", s.ResponseLimitBytes)
		case s.MetricVersion != MetricVersionAuto && s.MetricVersion != MetricVersionV1 && s.MetricVersion != MetricVersionV2:
			t.Fatalf("accepted metric version %q", s.MetricVersion)
		}
	})
}
