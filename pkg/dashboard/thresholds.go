package dashboard

import "github.com/grafana/grafana-foundation-sdk/go/dashboard"

// The datasource's default thresholds (certs.DefaultThresholds). Redis rotates internode
// certificates at 60 days left and alerts below 45, so for auto-rotated certificates
// "below 45" means rotation failed, not "renew soon".
const (
	userManagedWarningDays  = 30
	userManagedCriticalDays = 14
	autoRotatedWarningDays  = 45
	autoRotatedCriticalDays = 14
)

func f(v float64) *float64 { return &v }

// daysSteps colours days remaining: expired (below 0), critical, warning, ok.
func daysSteps(warn, crit float64) *dashboard.ThresholdsConfigBuilder {
	return dashboard.NewThresholdsConfigBuilder().Mode(dashboard.ThresholdsModeAbsolute).Steps([]dashboard.Threshold{
		{Color: "dark-red"},
		{Value: f(0), Color: "red"},
		{Value: f(crit), Color: "orange"},
		{Value: f(warn), Color: "green"},
	})
}

func userManagedSteps() *dashboard.ThresholdsConfigBuilder {
	return daysSteps(userManagedWarningDays, userManagedCriticalDays)
}

func autoRotatedSteps() *dashboard.ThresholdsConfigBuilder {
	return daysSteps(autoRotatedWarningDays, autoRotatedCriticalDays)
}

// countSteps colours a count of certificates: any at all is news.
func countSteps(color string) *dashboard.ThresholdsConfigBuilder {
	return dashboard.NewThresholdsConfigBuilder().Mode(dashboard.ThresholdsModeAbsolute).Steps([]dashboard.Threshold{
		{Color: "green"},
		{Value: f(1), Color: color},
	})
}

// stepsJSON is a threshold config as a field-override value.
func stepsJSON(b *dashboard.ThresholdsConfigBuilder) dashboard.ThresholdsConfig {
	t, err := b.Build()
	if err != nil {
		panic(err)
	}
	return t
}
