import { DEFAULT_SETTINGS, RsCertsOptions } from './types';

/*
 * Checks on the plugin's own settings. The config editor shows each message under its field;
 * Grafana still lets the user save, so the backend falls back to its defaults on bad values.
 */

export type ThresholdKey =
  'userManagedWarningDays' | 'userManagedCriticalDays' | 'autoRotatedWarningDays' | 'autoRotatedCriticalDays';

export type SettingsErrors = Partial<Record<ThresholdKey | 'missingLookback' | 'cacheTTL' | 'responseLimitMB', string>>;

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
  return undefined;
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

export function validateSettings(jsonData: RsCertsOptions): SettingsErrors {
  const errors: SettingsErrors = {};
  validatePair('userManagedWarningDays', 'userManagedCriticalDays', jsonData, errors);
  validatePair('autoRotatedWarningDays', 'autoRotatedCriticalDays', jsonData, errors);
  errors.missingLookback = validateDuration(jsonData.missingLookback);
  errors.cacheTTL =
    jsonData.cacheTTL === '0' ? undefined : validateDuration(jsonData.cacheTTL, 0, 300e3, 'between 0s and 5m');
  errors.responseLimitMB = validateMegabytes(jsonData.responseLimitMB);
  return errors;
}
