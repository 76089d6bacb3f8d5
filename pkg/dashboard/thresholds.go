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

// The datasource's default rotation settings (README, Configuration): an auto-rotated
// certificate below rotationDaysBeforeExpiry - rotationGraceDays days (58) but not yet below
// the warning threshold is rotation-overdue; a copy more than driftDays behind the newest copy
// of its certificate was left behind by a renewal or rotation.
const (
	rotationDaysBeforeExpiry = 60
	rotationGraceDays        = 2
	rotationOverdueDays      = rotationDaysBeforeExpiry - rotationGraceDays
	driftDays                = 1
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

// autoRotatedSteps adds the rotation-overdue band (yellow, 45 to 58 days) to the days steps:
// the status the backend gives those rows, before Redis' own alert at 45.
func autoRotatedSteps() *dashboard.ThresholdsConfigBuilder {
	return dashboard.NewThresholdsConfigBuilder().Mode(dashboard.ThresholdsModeAbsolute).Steps([]dashboard.Threshold{
		{Color: "dark-red"},
		{Value: f(0), Color: "red"},
		{Value: f(autoRotatedCriticalDays), Color: "orange"},
		{Value: f(autoRotatedWarningDays), Color: rotationOverdueColor},
		{Value: f(rotationOverdueDays), Color: "green"},
	})
}

// behindSteps colours Days behind: nothing for a copy as new as the newest, red from driftDays
// (a renewal or rotation skipped this node).
func behindSteps() *dashboard.ThresholdsConfigBuilder {
	return dashboard.NewThresholdsConfigBuilder().Mode(dashboard.ThresholdsModeAbsolute).Steps([]dashboard.Threshold{
		{Color: "transparent"},
		{Value: f(driftDays), Color: leftBehindColor},
	})
}

// Colours of the two rotation problems, everywhere they show: yellow is not warning's orange
// (rotation-overdue comes before the warning threshold), red is the colour of a node left behind.
const (
	rotationOverdueColor = "yellow"
	leftBehindColor      = "red"
)

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
