package models

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/prometheus/common/model"

	"github.com/seed/rscerts/pkg/certs"
)

// Defaults for the plugin's own jsonData settings.
const (
	DefaultMissingLookback = time.Hour
	// MaxMissingLookback bounds the missing-series window so a typo ("1y") cannot make the
	// lookback read a year of samples.
	MaxMissingLookback = 7 * 24 * time.Hour
	// DefaultCacheTTL is how long an identical Prometheus answer is reused within one datasource
	// instance: long enough that a dashboard refresh (one query per panel) costs one round trip
	// per distinct PromQL, short enough that nobody notices.
	DefaultCacheTTL = 5 * time.Second
	MaxCacheTTL     = 5 * time.Minute
	// DefaultResponseLimitMB bounds what is read from Prometheus per request, so a mistaken URL
	// or a runaway answer cannot exhaust the plugin's memory.
	DefaultResponseLimitMB = 64
)

// jsonSettings is the datasource jsonData as the config editor writes it. Numbers are
// pointers so "absent" (use the default) differs from an explicit 0 (rejected, but for
// rotationGraceDays).
type jsonSettings struct {
	MetricVersion           string   `json:"metricVersion"`
	UserManagedWarningDays  *float64 `json:"userManagedWarningDays"`
	UserManagedCriticalDays *float64 `json:"userManagedCriticalDays"`
	AutoRotatedWarningDays  *float64 `json:"autoRotatedWarningDays"`
	AutoRotatedCriticalDays *float64 `json:"autoRotatedCriticalDays"`
	MissingLookback         string   `json:"missingLookback"`
	CacheTTL                string   `json:"cacheTTL"`
	ResponseLimitMB         *float64 `json:"responseLimitMB"`
	RotationDays            *float64 `json:"rotationDaysBeforeExpiry"`
	RotationGraceDays       *float64 `json:"rotationGraceDays"`
	DriftDays               *float64 `json:"driftDays"`
}

// Settings is one datasource instance's configuration. HTTP transport settings (auth, TLS,
// headers, timeout) are not here: the SDK reads them via HTTPClientOptions.
type Settings struct {
	// URL is the Prometheus (or Prometheus-compatible) base URL: the datasource URL.
	URL string
	// MetricVersion is the default for queries that leave metricVersion empty.
	MetricVersion MetricVersion
	Thresholds    certs.Thresholds
	// MissingLookback is how far back a vanished certificate series is still reported as missing.
	MissingLookback time.Duration
	// CacheTTL is how long identical Prometheus requests share one answer (0 = off).
	CacheTTL time.Duration
	// ResponseLimitBytes is the largest Prometheus response body read.
	ResponseLimitBytes int64
	// DriftDays is how many days behind the newest copy of a certificate in its cluster a copy
	// may be before it counts as left behind by a renewal (the table's threshold colour).
	DriftDays float64
}

// DefaultDriftDays: copies of one certificate renewed together differ by seconds or minutes;
// a day apart, one was left behind.
const DefaultDriftDays = 1

// LoadSettings parses and validates the instance settings. The error names the offending
// field in words an operator can act on; it never contains secrets (secure JSON is not read here).
func LoadSettings(s backend.DataSourceInstanceSettings) (Settings, error) {
	out := Settings{
		URL:                strings.TrimSpace(s.URL),
		MetricVersion:      MetricVersionAuto,
		Thresholds:         certs.DefaultThresholds(),
		MissingLookback:    DefaultMissingLookback,
		CacheTTL:           DefaultCacheTTL,
		ResponseLimitBytes: DefaultResponseLimitMB << 20,
		DriftDays:          DefaultDriftDays,
	}
	var js jsonSettings
	if len(s.JSONData) > 0 {
		if err := json.Unmarshal(s.JSONData, &js); err != nil {
			return out, fmt.Errorf("settings: invalid JSON: %w", err)
		}
	}
	var errs []error
	if out.URL == "" {
		errs = append(errs, errors.New("the Prometheus URL is empty: set it to your Prometheus server, e.g. http://prometheus:9090"))
	}
	if js.MetricVersion != "" {
		v := MetricVersion(js.MetricVersion)
		if !v.valid() || v == MetricVersionDefault {
			errs = append(errs, fmt.Errorf("metricVersion %q is not one of auto, v1, v2", js.MetricVersion))
		} else {
			out.MetricVersion = v
		}
	}
	setDays := func(name string, dst *float64, v *float64) {
		if v == nil {
			return
		}
		if *v <= 0 || *v > 36500 {
			errs = append(errs, fmt.Errorf("%s must be a positive number of days (got %v)", name, *v))
			return
		}
		*dst = *v
	}
	th := &out.Thresholds
	setDays("userManagedWarningDays", &th.UserManagedWarningDays, js.UserManagedWarningDays)
	setDays("userManagedCriticalDays", &th.UserManagedCriticalDays, js.UserManagedCriticalDays)
	setDays("autoRotatedWarningDays", &th.AutoRotatedWarningDays, js.AutoRotatedWarningDays)
	setDays("autoRotatedCriticalDays", &th.AutoRotatedCriticalDays, js.AutoRotatedCriticalDays)
	setDays("rotationDaysBeforeExpiry", &th.RotationDays, js.RotationDays)
	setDays("driftDays", &out.DriftDays, js.DriftDays)
	if v := js.RotationGraceDays; v != nil {
		if *v < 0 || *v > 36500 {
			errs = append(errs, fmt.Errorf("rotationGraceDays must be zero or a positive number of days (got %v)", *v))
		} else {
			th.RotationGraceDays = *v
		}
	}
	if th.RotationGraceDays >= th.RotationDays {
		errs = append(errs, fmt.Errorf("rotationGraceDays (%v) must be less than rotationDaysBeforeExpiry (%v)", th.RotationGraceDays, th.RotationDays))
	}
	if th.UserManagedCriticalDays > th.UserManagedWarningDays {
		errs = append(errs, fmt.Errorf("userManagedCriticalDays (%v) must not exceed userManagedWarningDays (%v)", th.UserManagedCriticalDays, th.UserManagedWarningDays))
	}
	if th.AutoRotatedCriticalDays > th.AutoRotatedWarningDays {
		errs = append(errs, fmt.Errorf("autoRotatedCriticalDays (%v) must not exceed autoRotatedWarningDays (%v)", th.AutoRotatedCriticalDays, th.AutoRotatedWarningDays))
	}
	if js.MissingLookback != "" {
		d, err := model.ParseDuration(js.MissingLookback)
		switch {
		case err != nil:
			errs = append(errs, fmt.Errorf("missingLookback %q is not a Prometheus duration like 30m, 1h or 1d", js.MissingLookback))
		case time.Duration(d) < time.Minute || time.Duration(d) > MaxMissingLookback:
			errs = append(errs, fmt.Errorf("missingLookback %q must be between 1m and 7d", js.MissingLookback))
		default:
			out.MissingLookback = time.Duration(d)
		}
	}
	if js.CacheTTL != "" {
		d, err := model.ParseDuration(js.CacheTTL)
		if err != nil && js.CacheTTL != "0" {
			errs = append(errs, fmt.Errorf("cacheTTL %q is not a Prometheus duration like 5s or 1m (0s turns the cache off)", js.CacheTTL))
		} else if time.Duration(d) > MaxCacheTTL {
			errs = append(errs, fmt.Errorf("cacheTTL %q must be at most 5m", js.CacheTTL))
		} else {
			out.CacheTTL = time.Duration(d)
		}
	}
	if v := js.ResponseLimitMB; v != nil {
		if *v < 1 || *v > 4096 {
			errs = append(errs, fmt.Errorf("responseLimitMB must be between 1 and 4096 (got %v)", *v))
		} else {
			out.ResponseLimitBytes = int64(*v * (1 << 20))
		}
	}
	if len(errs) > 0 {
		return out, fmt.Errorf("invalid datasource settings: %w", errors.Join(errs...))
	}
	return out, nil
}
