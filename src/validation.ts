import { DEFAULT_SETTINGS, RsCertsOptions } from './types';

/*
 * Checks on the plugin's own settings. The config editor shows each message under its field;
 * Grafana still lets the user save, so the backend falls back to its defaults on bad values.
 */

export type ThresholdKey =
  'userManagedWarningDays' | 'userManagedCriticalDays' | 'autoRotatedWarningDays' | 'autoRotatedCriticalDays';

export type SettingsErrors = Partial<Record<ThresholdKey | 'missingLookback', string>>;

/** Prometheus duration: units in descending order, each at most once, e.g. 30m, 1h, 2h30m, 1d. */
const PROM_DURATION = /^(?:(\d+)y)?(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?(?:(\d+)ms)?$/;

export function validateDuration(value: string | undefined): string | undefined {
  if (value === undefined || value === '') {
    return undefined; // empty = backend default
  }
  const match = PROM_DURATION.exec(value);
  if (!match) {
    return `"${value}" is not a Prometheus duration; use e.g. 30m, 1h, 2h30m or 1d.`;
  }
  if (!match.slice(1).some((n) => n !== undefined && Number(n) > 0)) {
    return 'The lookback must be longer than 0.';
  }
  return undefined;
}

/** Days are whole numbers: the backend reads them as integers. */
export function validateDays(value: number | undefined): string | undefined {
  if (value === undefined) {
    return undefined; // empty = backend default
  }
  if (!Number.isInteger(value) || value <= 0) {
    return 'Enter a whole number of days greater than 0.';
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
  return errors;
}
