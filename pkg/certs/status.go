package certs

import "math"

// Status is the urgency of one certificate row.
type Status string

const (
	StatusExpired  Status = "expired"
	StatusCritical Status = "critical"
	StatusWarning  Status = "warning"
	// StatusRotationOverdue: an auto-rotated certificate past the point where Redis Software
	// rotates it (plus grace), not yet below the warning threshold: its rotation failed.
	StatusRotationOverdue Status = "rotation-overdue"
	StatusOK              Status = "ok"
	// StatusMissing: the series vanished during the lookback window (some
	// exporters drop a series once the certificate expired). Only Merge
	// decides it; Thresholds.Status never returns it.
	StatusMissing Status = "missing"
)

// Thresholds are the day counts below which a certificate is warning or
// critical, per category. Other uses the user-managed ones: an unknown
// certificate is assumed to need a human.
type Thresholds struct {
	UserManagedWarningDays, UserManagedCriticalDays float64
	AutoRotatedWarningDays, AutoRotatedCriticalDays float64
	// RotationDays is Redis Software's expiry_days_before_rotation: its hourly job rotates an
	// internode certificate with fewer days left. RotationGraceDays is the slack after it
	// before the rotation counts as missed.
	RotationDays, RotationGraceDays float64
}

// DefaultThresholds: 30/14 days for user-managed certificates; 45/14 for
// auto-rotated ones, because Redis' own internal alert fires below 45 days
// (the rotation job rotates at 60, so below 45 rotation has failed).
func DefaultThresholds() Thresholds {
	return Thresholds{
		UserManagedWarningDays:  30,
		UserManagedCriticalDays: 14,
		AutoRotatedWarningDays:  45,
		AutoRotatedCriticalDays: 14,
		RotationDays:            60,
		RotationGraceDays:       2,
	}
}

// Status classifies the days remaining: expired below 0, critical below the
// critical threshold, warning below the warning threshold, rotation-overdue
// (auto-rotated only) below RotationDays-RotationGraceDays, else ok. Bounds
// are strict: exactly 0 days is critical (not yet expired), exactly 14 is
// warning, exactly 30 (user-managed) is ok.
//
// NaN (an exporter that could not read the certificate) is critical: a value
// nobody can read needs a look, and NaN would otherwise fall through every
// comparison to "ok". -Inf is expired, +Inf ok.
func (t Thresholds) Status(c Category, days float64) Status {
	warn, crit := t.UserManagedWarningDays, t.UserManagedCriticalDays
	if c == AutoRotated {
		warn, crit = t.AutoRotatedWarningDays, t.AutoRotatedCriticalDays
	}
	switch {
	case math.IsNaN(days):
		return StatusCritical
	case days < 0:
		return StatusExpired
	case days < crit:
		return StatusCritical
	case days < warn:
		return StatusWarning
	case c == AutoRotated && days < t.RotationDays-t.RotationGraceDays:
		return StatusRotationOverdue
	}
	return StatusOK
}
