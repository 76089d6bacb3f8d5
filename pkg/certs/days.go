package certs

import "time"

// Days are how the plugin shows time left: fractional days, negative once past.

const secondsPerDay = 86400

// SecondsToDays converts the seconds remaining a series reports into days.
func SecondsToDays(s float64) float64 { return s / secondsPerDay }

// DaysUntil is the days from `from` to t (negative when t is before it).
func DaysUntil(t, from time.Time) float64 { return float64(t.Sub(from)) / float64(24*time.Hour) }
