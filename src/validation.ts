import { DEFAULT_SETTINGS, isLimit, RsCertsOptions } from './types';

/*
 * Checks on the plugin's own settings, the same the backend makes. The config editor shows each
 * message under its field; Grafana still lets the user save, and then Save & test and every query
 * report the refused field.
 */

export type ThresholdKey =
  'userManagedWarningDays' | 'userManagedCriticalDays' | 'autoRotatedWarningDays' | 'autoRotatedCriticalDays';

/** Rotation and drift settings (see README "Renewals, rotations and drift"). */
export type RotationKey = 'rotationDaysBeforeExpiry' | 'rotationGraceDays' | 'driftDays';

export type SettingsErrors = Partial<
  Record<ThresholdKey | RotationKey | 'missingLookback' | 'cacheTTL' | 'responseLimitMB', string>
>;

/** The backend's bound for every setting in days (100 years): beyond it, a typo. */
export const MAX_DAYS = 36500;

/** Prometheus duration: units in descending order, each at most once, e.g. 30m, 1h, 2h30m, 1d. */
const PROM_DURATION = /^(?:(\d+)y)?(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?(?:(\d+)ms)?$/;

const UNIT_MS = [365 * 86400e3, 7 * 86400e3, 86400e3, 3600e3, 60e3, 1e3, 1];

/** Milliseconds of a Prometheus duration, or undefined when it is not one. */
export function durationMs(value: string): number | undefined {
  const match = PROM_DURATION.exec(value);
  if (!match || value === '') {
    return undefined;
  }
  return match.slice(1).reduce((sum, n, i) => sum + (n === undefined ? 0 : Number(n) * UNIT_MS[i]), 0);
}

/** A Prometheus duration within [min, max] milliseconds, as the backend accepts it. */
export function validateDuration(
  value: string | undefined,
  minMs = 60e3,
  maxMs = 7 * 86400e3,
  range = 'between 1m and 7d'
): string | undefined {
  if (value === undefined || value === '') {
    return undefined; // empty = backend default
  }
  const ms = durationMs(value);
  if (ms === undefined) {
    return `"${value}" is not a Prometheus duration; use e.g. 30m, 1h, 2h30m or 1d.`;
  }
  if (ms < minMs || ms > maxMs) {
    return `Must be ${range}.`;
  }
  return undefined;
}

/** Days are whole numbers here (the backend would take fractions, but nobody means them). */
export function validateDays(value: number | undefined): string | undefined {
  if (value === undefined) {
    return undefined; // empty = backend default
  }
  if (!Number.isInteger(value) || value <= 0) {
    return 'Enter a whole number of days greater than 0.';
  }
  return value > MAX_DAYS ? `Enter at most ${MAX_DAYS} days.` : undefined;
}

/** Whole days, 0 allowed (a grace period may be none). */
export function validateGraceDays(value: number | undefined): string | undefined {
  if (value === undefined) {
    return undefined; // empty = backend default
  }
  if (!Number.isInteger(value) || value < 0) {
    return 'Enter a whole number of days, 0 or more.';
  }
  return value > MAX_DAYS ? `Enter at most ${MAX_DAYS} days.` : undefined;
}

/**
 * Days behind are fractional (copies renewed together differ by minutes), so a tolerance may be
 * a fraction of a day, e.g. 0.5.
 */
export function validateDriftDays(value: number | undefined): string | undefined {
  if (value === undefined) {
    return undefined; // empty = backend default
  }
  if (!Number.isFinite(value) || value <= 0) {
    return 'Enter a number of days greater than 0, e.g. 1 or 0.5.';
  }
  return value > MAX_DAYS ? `Enter at most ${MAX_DAYS} days.` : undefined;
}

/** Whole megabytes in the range the backend accepts. */
export function validateMegabytes(value: number | undefined, min = 1, max = 4096): string | undefined {
  if (value === undefined) {
    return undefined; // empty = backend default
  }
  if (!Number.isInteger(value) || value < min || value > max) {
    return `Enter a whole number of MB between ${min} and ${max}.`;
  }
  return undefined;
}

function validatePair(
  warningKey: ThresholdKey,
  criticalKey: ThresholdKey,
  jsonData: RsCertsOptions,
  errors: SettingsErrors
) {
  errors[warningKey] = validateDays(jsonData[warningKey]);
  errors[criticalKey] = validateDays(jsonData[criticalKey]);
  if (errors[warningKey] || errors[criticalKey]) {
    return;
  }
  // Compare effective values, so an empty field counts as its default.
  const warning = jsonData[warningKey] ?? DEFAULT_SETTINGS[warningKey];
  const critical = jsonData[criticalKey] ?? DEFAULT_SETTINGS[criticalKey];
  if (critical > warning) {
    errors[criticalKey] = `Critical (${critical} days) must not exceed warning (${warning} days).`;
  }
}

function validateRotation(jsonData: RsCertsOptions, errors: SettingsErrors) {
  errors.rotationDaysBeforeExpiry = validateDays(jsonData.rotationDaysBeforeExpiry);
  errors.rotationGraceDays = validateGraceDays(jsonData.rotationGraceDays);
  if (errors.rotationDaysBeforeExpiry || errors.rotationGraceDays) {
    return;
  }
  // Effective values again: a grace of 60 is refused with the default rotation point of 60.
  const rotation = jsonData.rotationDaysBeforeExpiry ?? DEFAULT_SETTINGS.rotationDaysBeforeExpiry;
  const grace = jsonData.rotationGraceDays ?? DEFAULT_SETTINGS.rotationGraceDays;
  if (grace >= rotation) {
    errors.rotationGraceDays = `Grace (${grace} days) must be less than the rotation point (${rotation} days).`;
  }
}

export function validateSettings(jsonData: RsCertsOptions): SettingsErrors {
  const errors: SettingsErrors = {};
  validatePair('userManagedWarningDays', 'userManagedCriticalDays', jsonData, errors);
  validatePair('autoRotatedWarningDays', 'autoRotatedCriticalDays', jsonData, errors);
  validateRotation(jsonData, errors);
  errors.driftDays = validateDriftDays(jsonData.driftDays);
  errors.missingLookback = validateDuration(jsonData.missingLookback);
  errors.cacheTTL =
    jsonData.cacheTTL === '0' ? undefined : validateDuration(jsonData.cacheTTL, 0, 300e3, 'between 0s and 5m');
  errors.responseLimitMB = validateMegabytes(jsonData.responseLimitMB);
  return errors;
}

/** A time series query's limit, as the backend accepts it: empty (every series), or a whole number, 0 or more. */
export function validateLimit(value: number | undefined): string | undefined {
  if (value === undefined || isLimit(value)) {
    return undefined;
  }
  return 'Enter a whole number of series, 0 or more; empty keeps every series.';
}
