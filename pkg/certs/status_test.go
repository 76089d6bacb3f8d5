package certs

import (
	"math"
	"testing"
)

func TestDefaultThresholds(t *testing.T) {
	want := Thresholds{UserManagedWarningDays: 30, UserManagedCriticalDays: 14, AutoRotatedWarningDays: 45, AutoRotatedCriticalDays: 14,
		RotationDays: 60, RotationGraceDays: 2}
	if got := DefaultThresholds(); got != want {
		t.Fatalf("DefaultThresholds() = %+v, want %+v", got, want)
	}
}

func TestStatus(t *testing.T) {
	th := DefaultThresholds()
	tests := []struct {
		cat  Category
		days float64
		want Status
	}{
		{UserManaged, -1, StatusExpired},
		{UserManaged, -0.0001, StatusExpired},
		{UserManaged, 0, StatusCritical},
		{UserManaged, 13.999, StatusCritical},
		{UserManaged, 14, StatusWarning},
		{UserManaged, 29.999, StatusWarning},
		{UserManaged, 30, StatusOK},
		{UserManaged, 365, StatusOK},
		{AutoRotated, -5, StatusExpired},
		{AutoRotated, 0, StatusCritical},
		{AutoRotated, 14, StatusWarning},
		{AutoRotated, 30, StatusWarning}, // 30 is ok for user-managed, still warning here
		{AutoRotated, 44.9, StatusWarning},
		{AutoRotated, 45, StatusRotationOverdue}, // past Redis' rotation at 60 (+2 grace), before its alert at 45
		{AutoRotated, 57.999, StatusRotationOverdue},
		{AutoRotated, 58, StatusOK},
		{AutoRotated, 60, StatusOK},
		{AutoRotated, 89, StatusOK},
		{UserManaged, 50, StatusOK}, // user-managed certificates are never rotated
		{Other, 50, StatusOK},
		{Other, 14, StatusWarning}, // other uses the user-managed thresholds
		{Other, 30, StatusOK},
		{Other, 13, StatusCritical},
		{UserManaged, math.NaN(), StatusCritical},
		{UserManaged, math.Inf(-1), StatusExpired},
		{AutoRotated, math.Inf(1), StatusOK},
	}
	for _, tt := range tests {
		if got := th.Status(tt.cat, tt.days); got != tt.want {
			t.Errorf("Status(%q, %v) = %q, want %q", tt.cat, tt.days, got, tt.want)
		}
	}
}

func TestStatusCustomThresholds(t *testing.T) {
	th := Thresholds{UserManagedWarningDays: 60, UserManagedCriticalDays: 7, AutoRotatedWarningDays: 20, AutoRotatedCriticalDays: 5}
	tests := []struct {
		cat  Category
		days float64
		want Status
	}{
		{UserManaged, 50, StatusWarning},
		{UserManaged, 6, StatusCritical},
		{Other, 59, StatusWarning},
		{AutoRotated, 50, StatusOK}, // no rotation point configured
		{AutoRotated, 19, StatusWarning},
		{AutoRotated, 4, StatusCritical},
		{"bogus", 59, StatusWarning}, // unknown categories use user-managed thresholds
	}
	for _, tt := range tests {
		if got := th.Status(tt.cat, tt.days); got != tt.want {
			t.Errorf("Status(%q, %v) = %q, want %q", tt.cat, tt.days, got, tt.want)
		}
	}
	rot := Thresholds{AutoRotatedWarningDays: 20, AutoRotatedCriticalDays: 5, RotationDays: 30, RotationGraceDays: 0}
	for days, want := range map[float64]Status{29.9: StatusRotationOverdue, 30: StatusOK, 20: StatusRotationOverdue, 19.9: StatusWarning} {
		if got := rot.Status(AutoRotated, days); got != want {
			t.Errorf("rotation at 30, no grace: Status(auto-rotated, %v) = %q, want %q", days, got, want)
		}
	}
	if got := (Thresholds{}).Status(UserManaged, 0); got != StatusOK {
		t.Errorf("zero thresholds at 0 days = %q, want ok", got)
	}
}
